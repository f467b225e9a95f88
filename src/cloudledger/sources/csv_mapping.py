"""Sources `csv:<name>`: cost CSVs of any layout, read through a mapping written in cloudledger.yaml.

They are not registered: `mapping_sources(config)` builds one per mapping, and ingest tries them before
the built-in sources. The mapping reference is `docs/sources/csv.md`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.config.csv_mappings import CsvMapping, ValueSpec
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import InputError
from cloudledger.focus.rules import iso4217_codes
from cloudledger.focus.spec import load_spec
from cloudledger.sources import ColumnMapping, Source
from cloudledger.sources.csv_dates import DateColumn, month_start, next_day, next_month_start, parse_dates
from cloudledger.sources.csv_values import TextRule, first_row, parse_amounts, tags_map, text_values
from cloudledger.sources.files import BillingFile, read_csv_as_text
from cloudledger.sources.native import NativeTotal, SourceRows, sum_native_by_slice
from cloudledger.sources.normalize import FileRows, normalize

PREFIX = "csv:"
Where = Callable[..., str]
"""`where(*loc)`: 'cloudledger.yaml line L, column C' of a key inside one mapping."""

TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("account", "BillingAccountId"),
    ("account_name", "BillingAccountName"),
    ("currency", "BillingCurrency"),
    ("provider", "ProviderName"),
    ("publisher", "PublisherName"),
    ("invoice_issuer", "InvoiceIssuerName"),
    ("service", "ServiceName"),
    ("service_category", "ServiceCategory"),
    ("sub_account", "SubAccountId"),
    ("sub_account_name", "SubAccountName"),
    ("region", "RegionId"),
    ("region_name", "RegionName"),
    ("availability_zone", "AvailabilityZone"),
    ("resource", "ResourceId"),
    ("resource_name", "ResourceName"),
    ("resource_type", "ResourceType"),
    ("sku", "SkuId"),
    ("charge_category", "ChargeCategory"),
    ("charge_frequency", "ChargeFrequency"),
    ("charge_description", "ChargeDescription"),
    ("invoice_id", "InvoiceId"),
    ("unit", "PricingUnit"),
)
"""Mapping key -> the FOCUS column its text fills."""
DEFAULTS = {"charge_category": "Usage", "service_category": "Other"}
FALLBACKS = {
    "PublisherName": "ProviderName",
    "InvoiceIssuerName": "ProviderName",
    "SubAccountName": "SubAccountId",
    "RegionName": "RegionId",
}
"""FOCUS columns that copy another one when their own key is not mapped."""
REQUIRED = frozenset({"account", "currency", "provider", "service", "charge_category", "service_category"})
COSTS = (
    ("billed", "BilledCost"),
    ("effective", "EffectiveCost"),
    ("list", "ListCost"),
    ("contracted", "ContractedCost"),
)


def mapping_sources(config: CloudledgerConfig) -> list[Source]:
    """One source per CSV mapping of `config`, in the order written (the first that fits a file reads it)."""
    mapped = [
        _Mapped(m, partial(config.where, "csv_mappings", i), config.where("csv_mappings", i))
        for i, m in enumerate(config.csv_mappings)
    ]
    return [
        Source(
            name=PREFIX + m.mapping.name,
            description=m.mapping.description or f"CSV mapped in {m.origin}",
            detect=m.detect,
            read=partial(read_mapped, m.mapping, m.where),
            column_map=COLUMN_MAP,
            accepts=m.accepts_name,
            accepts_rule=f"a file name matching {m.mapping.match.file!r} ({m.where('match', key=True)})",
        )
        for m in mapped
    ]


@dataclass(frozen=True)
class _Mapped:
    mapping: CsvMapping
    where: Where
    origin: str

    def detect(self, header: Sequence[str]) -> bool:
        return set(self.mapping.match.columns).issubset(header)

    def accepts_name(self, file: BillingFile) -> bool:
        pattern = self.mapping.match.file
        if pattern is None:
            return True
        return fnmatch.fnmatch(str(file.path) if "/" in pattern else file.path.name, pattern)


def read_mapped(mapping: CsvMapping, where: Where, file: BillingFile) -> SourceRows:
    """Ledger rows of one CSV file read through `mapping`, with its native cost totals."""
    path = str(file.path)
    if file.kind not in ("csv", "csv.gz"):
        raise InputError(f"CSV mapping {mapping.name!r} reads CSV files, not {file.kind}", file=path)
    raw = read_csv_as_text(file, file.header)
    _check_columns(mapping, where, raw, path)
    focus = _focus_columns(mapping, raw, where, path)
    for keep in mapping.keep:
        focus[keep.ledger_name] = raw[keep.column]
    rows = normalize(FileRows(pa.table(focus), path, PREFIX + mapping.name))
    if mapping.tags:
        # Built as a valid map already: set after normalize, which would copy it through DuckDB to check it.
        rows = rows.set_column(rows.schema.get_field_index("Tags"), "Tags", tags_map(raw, mapping.tags))
    native: list[NativeTotal] = []
    for key, metric in COSTS[:2]:
        column = getattr(mapping.costs, key)
        if column is not None:
            native += sum_native_by_slice(rows, raw[column], metric=metric, native_column=column, file=path)
    return SourceRows(rows, tuple(native))


def mapped_columns(mapping: CsvMapping) -> list[tuple[tuple[str | int, ...], str]]:
    """Every file column the mapping reads, with the key path that names it."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    period = mapping.charge_period
    for key in ("date", "start", "end"):
        if getattr(period, key) is not None:
            found.append((("charge_period", key), getattr(period, key)))
    if mapping.billing_period is not None:
        found.append((("billing_period", "column"), mapping.billing_period.column))
    found += [(("costs", key), getattr(mapping.costs, key)) for key, _ in COSTS if getattr(mapping.costs, key)]
    for key in (*(k for k, _ in TEXT_FIELDS), "quantity"):
        spec: ValueSpec | None = getattr(mapping, key)
        if spec is not None and spec.column is not None:
            found.append(((key, "column"), spec.column))
    found += [(("tags", i), t.column) for i, t in enumerate(mapping.tags)]
    found += [(("keep", i), k.column) for i, k in enumerate(mapping.keep)]
    return found


def _check_columns(mapping: CsvMapping, where: Where, raw: pa.Table, path: str) -> None:
    for loc, column in mapped_columns(mapping):
        if column not in raw.column_names:
            shown = ", ".join(raw.column_names[:20]) + (", ..." if raw.num_columns > 20 else "")
            raise InputError(
                f"CSV mapping {mapping.name!r} reads column {column!r} ({where(*loc)}), but the file has no such "
                f"column; its columns are: {shown}",
                file=path,
                column=column,
            )


def _focus_columns(mapping: CsvMapping, raw: pa.Table, where: Where, path: str) -> dict[str, pa.ChunkedArray]:
    """The FOCUS-named columns of the file's rows (typed where the mapping knows the type)."""
    focus: dict[str, pa.ChunkedArray] = {}
    focus["ChargePeriodStart"], focus["ChargePeriodEnd"] = _charge_period(mapping, raw, where, path)
    billed = parse_amounts(raw[mapping.costs.billed], file=path, column=mapping.costs.billed, required=True)
    for key, name in COSTS:
        column = getattr(mapping.costs, key)
        focus[name] = billed if column is None else parse_amounts(raw[column], file=path, column=column, required=True)
    if mapping.billing_period is None:
        moments = focus["ChargePeriodStart"]
    else:
        hint = f"set `format:` under billing_period ({where('billing_period', key=True)})"
        column = mapping.billing_period.column
        moments = parse_dates(raw[column], mapping.billing_period.format, DateColumn(path, column, hint)).values
    focus["BillingPeriodStart"] = pa.chunked_array([month_start(moments)])
    focus["BillingPeriodEnd"] = pa.chunked_array([next_month_start(moments)])
    focus.update(_text_columns(mapping, raw, path))
    focus.update(_quantities(mapping, raw, focus["ChargeCategory"], path))
    focus["ChargeClass"] = pa.chunked_array([pa.nulls(raw.num_rows, pa.string())])
    return focus


def _charge_period(
    mapping: CsvMapping, raw: pa.Table, where: Where, path: str
) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    period = mapping.charge_period
    hint = f"set `format:` under charge_period ({where('charge_period', key=True)})"
    if period.date is not None:
        parsed = parse_dates(raw[period.date], period.format, DateColumn(path, period.date, hint))
        if period.grain == "month" or (period.grain is None and parsed.monthly):
            return pa.chunked_array([month_start(parsed.values)]), pa.chunked_array([next_month_start(parsed.values)])
        start = pc.floor_temporal(parsed.values, unit="day")
        return start, next_day(start)
    start = parse_dates(raw[str(period.start)], period.format, DateColumn(path, str(period.start), hint)).values
    end = parse_dates(raw[str(period.end)], period.format, DateColumn(path, str(period.end), hint)).values
    backwards = pc.less(end, start)
    if pc.any(backwards).as_py():
        raise InputError(
            f"the charge period ends before it starts (start {period.start!r})",
            file=path,
            row=first_row(backwards),
            column=str(period.end),
        )
    return start, end


def _rule(key: str, focus_column: str) -> TextRule:
    label = f"{key} ({focus_column})"
    if key == "currency":
        return TextRule(label, True, frozenset(iso4217_codes()), "an ISO 4217 code such as USD or EUR")
    allowed = load_spec().by_name[focus_column].allowed_values
    if allowed is not None and focus_column != "ChargeClass":
        return TextRule(label, key in REQUIRED, frozenset(allowed), "one of " + ", ".join(allowed))
    return TextRule(label, key in REQUIRED)


def _text_columns(mapping: CsvMapping, raw: pa.Table, path: str) -> dict[str, pa.ChunkedArray]:
    out: dict[str, pa.ChunkedArray] = {}
    for key, focus_column in TEXT_FIELDS:
        spec: ValueSpec | None = getattr(mapping, key)
        if spec is None and key in DEFAULTS:
            spec = ValueSpec(value=DEFAULTS[key])
        if spec is not None:
            out[focus_column] = text_values(raw, spec, _rule(key, focus_column), file=path)
    for focus_column, source in FALLBACKS.items():
        if focus_column not in out and source in out:
            out[focus_column] = out[source]
    for focus_column in ("BillingAccountName", "ChargeDescription", "PricingUnit"):
        out.setdefault(focus_column, pa.chunked_array([pa.nulls(raw.num_rows, pa.string())]))
    return out


def _quantities(mapping: CsvMapping, raw: pa.Table, category: pa.ChunkedArray, path: str) -> dict[str, pa.ChunkedArray]:
    """PricingQuantity/Unit (null on Tax rows) and ConsumedQuantity/Unit (Usage rows only)."""
    if mapping.quantity is None:
        return {"PricingQuantity": pa.chunked_array([pa.nulls(raw.num_rows, pa.decimal128(38, 10))])}
    text = text_values(raw, mapping.quantity, TextRule("quantity (PricingQuantity)"), file=path)
    quantity = parse_amounts(text, file=path, column=mapping.quantity.column or "quantity", required=False)
    unit = text_values(raw, mapping.unit, TextRule("unit"), file=path) if mapping.unit else None
    usage, tax = pc.equal(category, "Usage"), pc.equal(category, "Tax")
    out = {
        "PricingQuantity": pc.if_else(tax, pa.scalar(None, quantity.type), quantity),
        "ConsumedQuantity": pc.if_else(usage, quantity, pa.scalar(None, quantity.type)),
    }
    if unit is not None:
        out["PricingUnit"] = pc.if_else(tax, pa.scalar(None, pa.string()), unit)
        out["ConsumedUnit"] = pc.if_else(usage, unit, pa.scalar(None, pa.string()))
    return out


def _column_map() -> tuple[ColumnMapping, ...]:
    """The mapping keys and the FOCUS columns they fill (the table of `docs/sources/csv.md`)."""
    rows = [
        ColumnMapping("ChargePeriodStart, ChargePeriodEnd", "`charge_period`", "a date's day or month, or start/end"),
        ColumnMapping("BillingPeriodStart, BillingPeriodEnd", "`billing_period`", "default: month of the charge"),
    ]
    for key, name in COSTS:
        rows.append(ColumnMapping(name, f"`costs.{key}`", "required" if key == "billed" else "default: BilledCost"))
    for key, name in TEXT_FIELDS:
        note = "required" if key in REQUIRED and key not in DEFAULTS else ""
        note = f"default: {DEFAULTS[key]}" if key in DEFAULTS else note
        fallback = next((src for col, src in FALLBACKS.items() if col == name), None)
        note = f"default: {fallback}" if fallback else note or "null when not mapped"
        note += "; null on Tax rows" if key == "unit" else ""
        rows.append(ColumnMapping(name, f"`{key}`", note))
    rows += [
        ColumnMapping("PricingQuantity", "`quantity`", "null on Tax rows"),
        ColumnMapping("ConsumedQuantity, ConsumedUnit", "`quantity`, `unit`", "Usage rows only"),
        ColumnMapping("ChargeClass", "—", "always null (corrections cannot be told apart)"),
        ColumnMapping("Tags", "`tags`", "one key per column; empty values add no key"),
        ColumnMapping("x_*", "`keep`", "text as written; any other column is not kept"),
    ]
    return tuple(rows)


COLUMN_MAP = _column_map()
