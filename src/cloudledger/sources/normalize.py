"""Turn a source's raw rows into ledger rows: FOCUS columns typed exactly, the rest kept as `x_` text.

Conversion runs in DuckDB through Ibis. Every value that cannot be converted is an error naming the
file, the row and the column, so nothing is ever silently dropped or rounded away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import FocusColumn, FocusSpec, load_spec
from cloudledger.sources.files import row_numbers
from cloudledger.sources.normalize_arrow import (
    arrow_text,
    billing_periods,
    check_required,
    parse_in_arrow,
    without_null_types,
)

SOURCE_FILE = "x_source_file"
SOURCE_ROW = "x_source_row"
SLICE_PERIOD = "x_billing_period"
SLICE_SOURCE = "x_source"
SLICE_ACCOUNT = "x_billing_account"
SLICE_COLUMNS = (SLICE_PERIOD, SLICE_SOURCE, SLICE_ACCOUNT)
SliceKey = tuple[str, str, str]
"""(billing period YYYY-MM, source, billing account): the unit an ingest replaces."""
LINEAGE_COLUMNS = (SOURCE_FILE, SOURCE_ROW)
INTERNAL_COLUMNS = (*LINEAGE_COLUMNS, *SLICE_COLUMNS)
REQUIRED_FOR_LEDGER = ("BillingAccountId", "BillingPeriodStart", "BillingCurrency", "BilledCost")
"""Values the ledger cannot place or total a row without; other gaps are reported by `validate`."""

_EXPECTED = {
    "Decimal": "a decimal number (e.g. 12.34 or 1.5E-05) with at most 28 digits before the point",
    "Date/Time": "an ISO 8601 date-time such as 2025-01-31T00:00:00Z",
    "JSON": "a JSON object",
}


@dataclass(frozen=True)
class FileRows:
    """Raw rows of one file, FOCUS-named, plus where they came from."""

    table: pa.Table
    file: str
    source: str
    first_row: int = 1
    """The data row number of the table's first row (batches of a streamed file continue the count)."""


def _target_type(column: FocusColumn) -> dt.DataType:
    if column.data_type == "Decimal":
        return dt.Decimal(38, 10)
    if column.data_type == "Date/Time":
        return dt.Timestamp(timezone="UTC")
    if column.name == "Tags":
        return dt.Map(dt.string, dt.string)
    return dt.string


def _convert(value: ir.Column, column: FocusColumn) -> ir.Value:
    """The typed value; null where the raw value cannot be converted (checked by the caller)."""
    target = _target_type(column)
    if value.type() == target:
        return value
    if column.name == "Tags":
        if value.type().is_map():
            return value.cast(target)
        return value.cast("string").try_cast("json").cast(target)
    if column.data_type == "JSON":
        if value.type().is_string():
            return ibis.ifelse(value.try_cast("json").isnull(), ibis.null("string"), value)
        return value.cast("json").cast("string")
    if target.is_string():
        return value.cast("string")
    return value.try_cast(target)


def _text(value: ir.Column) -> ir.Value:
    """Any provider column as text: nested values as JSON, scalars as written."""
    kind = value.type()
    if kind.is_string():
        return value
    if kind.is_map() or kind.is_struct() or kind.is_array():
        return value.cast("json").cast("string")
    return value.cast("string")


def _custom_name(name: str, taken: set[str]) -> str:
    custom = name if name.startswith("x_") else f"x_{name}"
    while custom in taken:
        custom = f"{custom}_"
    return custom


def normalize(rows: FileRows, spec: FocusSpec | None = None, renames: Mapping[str, str] | None = None) -> pa.Table:
    """Ledger rows for one file: the spec's columns in order (typed), provider columns as `x_` text."""
    spec = spec or load_spec()
    raw = rows.table
    if renames:
        raw = raw.rename_columns([renames.get(name, name) for name in raw.column_names])
    missing = [c.name for c in spec.mandatory() if c.name not in raw.column_names]
    if missing:
        raise InputError(
            f"missing mandatory FOCUS column(s) {', '.join(missing)}; a FOCUS {spec.version} export has them",
            file=rows.file,
        )
    raw = parse_in_arrow(without_null_types(raw), spec)
    raw = raw.append_column(SOURCE_ROW, row_numbers(raw.num_rows, rows.first_row))
    converted = _convert_in_duckdb(raw, spec, rows.file)
    return _assemble(raw, converted, spec, rows)


def quiet_duckdb() -> ibis.BaseBackend:
    """A DuckDB backend in UTC that never draws its own progress bar (it would land in our stdout)."""
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    con.raw_sql("SET enable_progress_bar = false")
    return con


def _convert_in_duckdb(raw: pa.Table, spec: FocusSpec, file: str) -> pa.Table:
    """Convert (and check) only the columns Arrow left undone: text Tags and JSON, values Arrow could not
    parse, non-text provider columns. Every value that does not convert raises InputError."""
    columns = spec.by_name
    to_convert = [
        c
        for c in spec.columns
        if c.name in raw.column_names
        and (
            not raw.schema.field(c.name).type.equals(c.arrow_type)
            or (c.data_type == "JSON" and pa.types.is_string(raw.schema.field(c.name).type))
        )
    ]
    to_text = [
        n
        for n in raw.column_names
        if n not in columns and n != SOURCE_ROW and not raw.schema.field(n).type.equals(pa.string())
    ]
    in_arrow = {name: text for name in to_text if (text := arrow_text(raw[name])) is not None}
    to_text = [name for name in to_text if name not in in_arrow]
    if not to_convert and not to_text:
        check_required(raw, REQUIRED_FOR_LEDGER, SOURCE_ROW, file)
        return pa.table({SOURCE_ROW: raw[SOURCE_ROW], **in_arrow})
    wanted = {c.name for c in to_convert} | set(to_text) | set(REQUIRED_FOR_LEDGER) | {SOURCE_ROW}
    con = quiet_duckdb()
    try:
        table = con.create_table("raw_rows", raw.select([n for n in raw.column_names if n in wanted]), temp=True)
        typed = {c.name: _convert(table[c.name], c) for c in to_convert}
        checked = {name: typed.get(name, table[name]) for name in table.columns if name in columns}
        _check_conversions(con, table, checked, columns, file)
        if not typed and not to_text:
            return pa.table({SOURCE_ROW: raw[SOURCE_ROW]})
        result = con.to_pyarrow(table.select(SOURCE_ROW, **typed, **{name: _text(table[name]) for name in to_text}))
    finally:
        con.disconnect()
    if not pc.all(pc.equal(result[SOURCE_ROW], raw[SOURCE_ROW])).as_py():
        result = result.sort_by(SOURCE_ROW)
    for name, text in in_arrow.items():
        result = result.append_column(name, text)
    return result


def _assemble(raw: pa.Table, converted: pa.Table, spec: FocusSpec, rows: FileRows) -> pa.Table:
    """The ledger table: spec columns in order, provider columns as `x_` text, lineage and slice keys."""
    count = raw.num_rows

    def pick(name: str) -> pa.ChunkedArray:
        return converted[name] if name in converted.column_names else raw[name]

    data: dict[str, pa.ChunkedArray | pa.Array] = {}
    for column in spec.columns:
        if column.name in raw.column_names:
            data[column.name] = pick(column.name).cast(column.arrow_type)
        else:
            data[column.name] = pa.nulls(count, column.arrow_type)
    taken = set(spec.by_name) | set(INTERNAL_COLUMNS)
    for name in raw.column_names:
        if name in spec.by_name or name == SOURCE_ROW:
            continue
        custom = _custom_name(name, taken)
        taken.add(custom)
        data[custom] = pick(name).cast(pa.string())
    data[SOURCE_FILE] = pa.repeat(rows.file, count)
    data[SOURCE_ROW] = raw[SOURCE_ROW]
    data[SLICE_PERIOD] = billing_periods(data["BillingPeriodStart"])
    data[SLICE_SOURCE] = pa.repeat(rows.source, count)
    data[SLICE_ACCOUNT] = data["BillingAccountId"]
    return pa.table(data)


def _check_conversions(
    con: ibis.BaseBackend,
    table: ir.Table,
    typed: Mapping[str, ir.Value],
    columns: Mapping[str, FocusColumn],
    file: str,
) -> None:
    """Raise on the first value that did not convert, or a required value that is missing."""
    checks: dict[str, ir.BooleanValue] = {}
    for name, value in typed.items():
        if name not in table.columns:
            continue
        if not table[name].type().equals(value.type()) or columns[name].data_type == "JSON":
            checks[f"bad:{name}"] = table[name].notnull() & value.isnull()
    for name in REQUIRED_FOR_LEDGER:
        checks[f"null:{name}"] = typed[name].isnull()
    if not checks:
        return
    counts = con.execute(table.aggregate(**{k: v.sum() for k, v in checks.items()}))
    for key, condition in checks.items():
        failed = counts[key].iloc[0]
        if not failed:
            continue
        kind, name = key.split(":", 1)
        first = con.execute(table.filter(condition).order_by(SOURCE_ROW).select(SOURCE_ROW, name).limit(1)).iloc[0]
        row = int(first[SOURCE_ROW])
        if kind == "null":
            raise InputError(
                f"{name} is empty in {int(failed)} row(s); the ledger needs it to place and total every row",
                file=file,
                row=row,
                column=name,
            )
        expected = _EXPECTED.get(columns[name].data_type, "a valid value")
        raise InputError(
            f"{first[name]!r} is not {expected} ({int(failed)} row(s) like this)",
            file=file,
            row=row,
            column=name,
        )
