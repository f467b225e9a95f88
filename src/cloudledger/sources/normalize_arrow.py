"""The parts of normalizing that Arrow does alone: parsing decimals and dates, text of maps, required values,
billing periods. DuckDB is only started for what Arrow cannot do exactly."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE, TIMESTAMP_TYPE, FocusSpec
from cloudledger.sources.gcp_json import json_objects


def _parse_decimal(values: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Text to decimal(38,10), rounded half away from zero like DuckDB's cast; None if Arrow can't parse it.

    Arrow parses decimal text ~50x faster than DuckDB's cast to a 38-digit decimal; text it cannot
    parse exactly (spaces, more than 20 decimals) falls back to DuckDB, which also reports bad values.
    """
    try:
        wide = pc.cast(values, pa.decimal128(38, 20))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    rounded = pc.round(wide, ndigits=10, round_mode="half_towards_infinity")
    return pc.cast(rounded, MONEY_TYPE)


def _parse_timestamp(values: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """ISO 8601 text to UTC timestamps (zone-less text is UTC); None if Arrow can't parse every value.

    Arrow converts explicit offsets (+02:00) to UTC; DuckDB's zone-aware cast does the same but is
    about 10x slower, so it only handles what Arrow rejects (and reports values nobody can parse).
    """
    try:
        return pc.cast(values, TIMESTAMP_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    try:
        return pc.cast(pc.cast(values, pa.timestamp("us")), TIMESTAMP_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


_ARROW_PARSERS = {"Decimal": _parse_decimal, "Date/Time": _parse_timestamp}


def parse_in_arrow(table: pa.Table, spec: FocusSpec) -> pa.Table:
    """Parse decimal and date-time columns written as text with Arrow where it can do so exactly."""
    for column in spec.columns:
        parser = _ARROW_PARSERS.get(column.data_type)
        if parser is None or column.name not in table.column_names:
            continue
        index = table.column_names.index(column.name)
        if not pa.types.is_string(table.schema.field(index).type):
            continue
        parsed = parser(table.column(index))
        if parsed is not None:
            table = table.set_column(index, column.name, parsed)
    return table


def without_null_types(table: pa.Table) -> pa.Table:
    """Columns that are empty in every row (Arrow's null type) as text, so engines can hold them."""
    for index, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(index, field.name, pa.nulls(table.num_rows, pa.string()))
    return table


def billing_periods(starts: pa.ChunkedArray | pa.Array) -> pa.Array:
    """`YYYY-MM` of each billing period start, formatted once per distinct value (a file has a few)."""
    encoded = pc.dictionary_encode(starts)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    texts = pc.strftime(encoded.dictionary, format="%Y-%m")
    return pc.take(texts, encoded.indices)


def arrow_text(values: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """A provider's map column (text keys; text or number values) as JSON text, or None for other types."""
    kind = values.type
    if not pa.types.is_map(kind) or not pa.types.is_string(kind.key_type):
        return None
    item = kind.item_type
    if not (pa.types.is_string(item) or pa.types.is_integer(item) or pa.types.is_floating(item)):
        return None
    return json_objects(values)


def check_required(table: pa.Table, names: Sequence[str], row_column: str, file: str) -> None:
    """Raise on the first row where one of `names` (already typed) is empty."""
    for name in names:
        values = table[name]
        if values.null_count:
            first = pc.index(pc.is_null(values), True).as_py()
            raise InputError(
                f"{name} is empty in {values.null_count} row(s); the ledger needs it to place and total every row",
                file=file,
                row=int(table[row_column][first].as_py()),
                column=name,
            )
