"""Source `saas`: spend outside the clouds (Datadog, Snowflake, GitHub ...) from a CSV a finance team fills in.

One line per invoice line: vendor, billing period (YYYY-MM), amount, currency, cost center, description,
and optional columns. Each line becomes one FOCUS Purchase row (or a Credit / Tax row when marked so).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.rules import iso4217_codes
from cloudledger.focus.spec import MONEY_TYPE, TAGS_TYPE, load_spec
from cloudledger.sources import Source, register
from cloudledger.sources.decimals import blank_as_null, first_row, parse_decimal
from cloudledger.sources.files import BillingFile, read_csv_as_text
from cloudledger.sources.native import SourceRows, sum_native_by_slice
from cloudledger.sources.normalize import FileRows, normalize
from cloudledger.sources.saas_docs import NOTES, column_map
from cloudledger.sources.typed_values import add_days, constant, next_month_start, parse_times, require

NAME = "saas"
SIGNATURE = frozenset({"vendor", "billing_period", "amount", "currency"})
REQUIRED = ("vendor", "billing_period", "amount", "currency", "cost_center", "description")
OPTIONAL = ("invoice_id", "account", "service", "service_category", "charge_type", "frequency")
OPTIONAL_MORE = ("start_date", "end_date", "quantity", "unit", "tags")
DEFAULT_UNIT = "Units"
CHARGE_TYPES = {"purchase": "Purchase", "refund": "Purchase", "credit": "Credit", "tax": "Tax"}
"""`charge_type` -> ChargeCategory. Refunds stay Purchases (with a negative amount), as FOCUS says."""
NEGATIVE_TYPES = ("refund", "credit")
FREQUENCIES = {"recurring": "Recurring", "one-time": "One-Time", "onetime": "One-Time"}
COST_CENTER_TAG = "cost_center"
PERIOD_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


def column_key(name: str) -> str:
    """Header names are matched case-insensitively; spaces and dashes count as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def detect(header: Sequence[str]) -> bool:
    return SIGNATURE.issubset({column_key(name) for name in header})


def read(file: BillingFile) -> SourceRows:
    """One ledger row per invoice line, with the file's Σ amount (as written) as its BilledCost total."""
    path = str(file.path)
    text = _keyed(read_csv_as_text(file, file.header), path)
    rows = normalize(FileRows(_focus_table(text, path), path, NAME))
    native = sum_native_by_slice(rows, text["amount"], metric="BilledCost", native_column="amount", file=path)
    return SourceRows(rows, native)


def _keyed(table: pa.Table, path: str) -> pa.Table:
    keys = [column_key(name) for name in table.column_names]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise InputError(f"columns named twice (names are case-insensitive): {', '.join(twice)}", file=path)
    missing = [name for name in REQUIRED if name not in keys]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; a SaaS spend file has the columns {', '.join(REQUIRED)} "
            f"(optional: {', '.join(OPTIONAL + OPTIONAL_MORE)})",
            file=path,
        )
    return table.rename_columns(keys)


def _optional(text: pa.Table, name: str) -> pa.ChunkedArray:
    if name in text.column_names:
        return blank_as_null(text[name])
    return pa.chunked_array([constant(None, text.num_rows)])


def _checked_text(text: pa.Table, path: str) -> dict[str, pa.ChunkedArray]:
    """The required text columns, present in every row and well formed."""
    for name, expected in (
        ("vendor", "the vendor's name"),
        ("billing_period", "a month such as 2025-01"),
        ("amount", "an amount such as 1234.50"),
        ("currency", "an ISO 4217 currency code such as USD"),
    ):
        require(text[name], file=path, column=name, expected=expected)
    period = blank_as_null(text["billing_period"])
    row = first_row(pc.invert(pc.match_substring_regex(period, PERIOD_RE)))
    if row is not None:
        value = period[row - 1].as_py()
        raise InputError(
            f"{value!r} is not a month; expected YYYY-MM such as 2025-01", file=path, row=row, column="billing_period"
        )
    currency = pc.utf8_upper(blank_as_null(text["currency"]))
    row = first_row(pc.invert(pc.is_in(currency, pa.array(iso4217_codes()))))
    if row is not None:
        value = currency[row - 1].as_py()
        raise InputError(
            f"unknown currency code {value!r}; expected an ISO 4217 code such as USD, EUR or GBP",
            file=path,
            row=row,
            column="currency",
        )
    return {"vendor": blank_as_null(text["vendor"]), "period": period, "currency": currency}


def _choice(text: pa.Table, name: str, allowed: dict[str, str], default: str, path: str) -> pa.ChunkedArray:
    """An optional column of known words (case-insensitive), as the words' canonical keys."""
    words = pc.utf8_lower(_optional(text, name))
    words = pc.replace_substring_regex(words, r"[\s_]+", "-")
    row = first_row(pc.and_(pc.is_valid(words), pc.invert(pc.is_in(words, pa.array(list(allowed))))))
    if row is not None:
        raise InputError(
            f"{words[row - 1].as_py()!r} is not one of {', '.join(sorted(set(allowed)))}",
            file=path,
            row=row,
            column=name,
        )
    return pc.fill_null(words, default)


def _signs(amount: pa.ChunkedArray, kind: pa.ChunkedArray, path: str) -> None:
    """Negative amounts only on refund/credit lines; those lines never positive."""
    marked = pc.is_in(kind, pa.array(list(NEGATIVE_TYPES)))
    zero = pa.scalar(0, MONEY_TYPE)
    row = first_row(pc.and_(pc.invert(marked), pc.less(amount, zero)))
    if row is not None:
        raise InputError(
            "negative amount on a line that is not marked as a credit; write refund or credit in a charge_type "
            "column for money coming back",
            file=path,
            row=row,
            column="amount",
        )
    row = first_row(pc.and_(marked, pc.greater(amount, zero)))
    if row is not None:
        raise InputError(
            "a refund or credit line needs a negative amount (e.g. -100.00)", file=path, row=row, column="amount"
        )


def _charge_period(text: pa.Table, month: pa.ChunkedArray, path: str) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """The lines' dates (end date inclusive) where given, else their billing month."""
    date = "a date such as 2025-01-31"
    start = parse_times(_optional(text, "start_date"), file=path, column="start_date", expected=date)
    last = parse_times(_optional(text, "end_date"), file=path, column="end_date", expected=date)
    row = first_row(pc.not_equal(pc.is_valid(start), pc.is_valid(last)))
    if row is not None:
        raise InputError("give both start_date and end_date, or neither", file=path, row=row, column="start_date")
    row = first_row(pc.greater(start, last))
    if row is not None:
        raise InputError("end_date is before start_date", file=path, row=row, column="end_date")
    return pc.coalesce(start, month), pc.coalesce(add_days(last, 1), next_month_start(month))


def _tags(text: pa.Table, path: str) -> pa.Array:
    """The `tags` JSON object of each line, plus its cost center as the `cost_center` tag."""
    tags_text = _optional(text, "tags").to_pylist()
    centers = blank_as_null(text["cost_center"]).to_pylist()
    out: list[list[tuple[str, str]]] = []
    for row, (raw, center) in enumerate(zip(tags_text, centers, strict=True), start=1):
        tags = _tag_object(raw, path, row)
        if center is not None:
            if tags.get(COST_CENTER_TAG, center) != center:
                raise InputError(
                    f"tags say cost_center {tags[COST_CENTER_TAG]!r} but the cost_center column says {center!r}",
                    file=path,
                    row=row,
                    column="tags",
                )
            tags[COST_CENTER_TAG] = center
        out.append(list(tags.items()))
    return pa.array(out, TAGS_TYPE)


def _tag_object(raw: str | None, path: str, row: int) -> dict[str, str]:
    if raw is None:
        return {}
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or any(isinstance(v, dict | list) for v in parsed.values()):
        raise InputError(
            f'{raw!r} is not a JSON object of tags; expected e.g. {{"team": "data", "env": "prod"}}',
            file=path,
            row=row,
            column="tags",
        )
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items() if v is not None}


def _service(text: pa.Table, path: str) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """ServiceCategory (FOCUS's allowed values, default Other) and its `Other (...)` subcategory."""
    allowed = load_spec().by_name["ServiceCategory"].allowed_values or ()
    by_key = {value.lower(): value for value in allowed}
    category = _choice(text, "service_category", {k.replace(" ", "-"): v for k, v in by_key.items()}, "other", path)
    category = pc.replace_substring(category, "-", " ")
    canonical = pc.take(pa.array(list(by_key.values())), pc.index_in(category, pa.array(list(by_key))))
    return canonical, pc.binary_join_element_wise("Other (", canonical, ")", "")


def _quantity(text: pa.Table, path: str) -> pa.ChunkedArray:
    """`quantity` (e.g. seats), 1 where not given."""
    quantity = parse_decimal(_optional(text, "quantity"), file=path, column="quantity")
    return pc.coalesce(quantity, pa.scalar(1, MONEY_TYPE))


def _lookup(keys: pa.ChunkedArray, table: dict[str, str]) -> pa.ChunkedArray:
    """`table[key]` for every key (all keys known)."""
    return pc.take(pa.array(list(table.values())), pc.index_in(keys, pa.array(list(table))))


def _charge_columns(text: pa.Table, kind: pa.ChunkedArray, path: str) -> dict[str, Any]:
    """What kind of charge each line is: category, frequency, pricing category and quantity."""
    frequency = _choice(text, "frequency", FREQUENCIES, "", path)
    default = pc.if_else(pc.equal(kind, "purchase"), "recurring", "one-time")
    taxed = pc.equal(kind, "tax")
    return {
        "ChargeCategory": _lookup(kind, CHARGE_TYPES),
        "ChargeClass": constant(None, text.num_rows),
        "ChargeDescription": blank_as_null(text["description"]),
        "ChargeFrequency": _lookup(pc.if_else(pc.equal(frequency, ""), default, frequency), FREQUENCIES),
        "PricingCategory": pc.if_else(
            pc.is_in(kind, pa.array(["purchase", "refund"])), "Standard", pa.scalar(None, pa.string())
        ),
        "PricingQuantity": pc.if_else(taxed, pa.scalar(None, MONEY_TYPE), _quantity(text, path)),
        "PricingUnit": pc.if_else(
            taxed, pa.scalar(None, pa.string()), pc.coalesce(_optional(text, "unit"), DEFAULT_UNIT)
        ),
        "x_saas_charge_type": kind,
    }


def _vendor_columns(text: pa.Table, vendor: pa.ChunkedArray, path: str) -> dict[str, Any]:
    """Who bills and for what: provider, invoice, service, tags."""
    category, subcategory = _service(text, path)
    return {
        "InvoiceId": _optional(text, "invoice_id"),
        "InvoiceIssuerName": vendor,
        "ProviderName": vendor,
        "PublisherName": vendor,
        "ServiceCategory": category,
        "ServiceSubcategory": subcategory,
        "ServiceName": pc.coalesce(_optional(text, "service"), vendor),
        "Tags": _tags(text, path),
        "x_cost_center": blank_as_null(text["cost_center"]),
    }


def _focus_table(text: pa.Table, path: str) -> pa.Table:
    checked = _checked_text(text, path)
    amount = parse_decimal(text["amount"], file=path, column="amount")
    kind = _choice(text, "charge_type", {k: k for k in CHARGE_TYPES}, "purchase", path)
    _signs(amount, kind, path)
    month = parse_times(pc.binary_join_element_wise(checked["period"], "01", "-"), file=path, column="billing_period")
    start, end = _charge_period(text, month, path)
    account = pc.coalesce(_optional(text, "account"), checked["vendor"])
    table: dict[str, Any] = {
        "BilledCost": amount,
        "EffectiveCost": amount,
        "ListCost": amount,
        "ContractedCost": amount,
        "BillingAccountId": account,
        "BillingAccountName": account,
        "BillingCurrency": checked["currency"],
        "BillingPeriodStart": month,
        "BillingPeriodEnd": next_month_start(month),
        "ChargePeriodStart": start,
        "ChargePeriodEnd": end,
        **_charge_columns(text, kind, path),
        **_vendor_columns(text, checked["vendor"], path),
    }
    known = {*REQUIRED, *OPTIONAL, *OPTIONAL_MORE}
    table |= {f"x_{name}": text[name] for name in text.column_names if name not in known}
    return pa.table(table)


SOURCE = register(
    Source(
        name=NAME,
        description="SaaS and other non-cloud spend from a CSV of invoice lines (one FOCUS Purchase row each).",
        detect=detect,
        read=read,
        column_map=column_map(),
        notes=NOTES,
    )
)
