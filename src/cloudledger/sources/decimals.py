"""Amounts as exact decimals: the one parser every source uses for money and quantities written as text.

Arrow parses plain decimal text about 50x faster than Python; text it cannot parse exactly (E-notation with
large exponents, more than 20 decimals, a bad value) falls back to `decimal.Decimal` row by row, and a value
that is not a number raises InputError naming its file, row and column.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError

Column: TypeAlias = "pa.ChunkedArray | pa.Array"
EXPECTED = "a decimal amount such as 1234.56, -0.5 or 5.64902E-05 (no currency symbols or thousands separators)"


def chunked(values: Column) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def blank_as_null(values: Column) -> pa.ChunkedArray:
    """Text trimmed of surrounding spaces; empty text is null."""
    text = pc.utf8_trim_whitespace(chunked(values).cast(pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def first_row(mask: Column, first: int = 1) -> int | None:
    """The row number of the first true value of `mask` (nulls count as false), or None; rows count from
    `first` (1 = the first data row)."""
    flags = pc.fill_null(chunked(mask), False).combine_chunks()
    hits = np.flatnonzero(flags.to_numpy(zero_copy_only=False))
    return int(hits[0]) + first if len(hits) else None


def parse_decimal(
    values: Column, *, file: str, column: str, places: int = 10, first: int = 1, expected: str = EXPECTED
) -> pa.ChunkedArray:
    """Amounts (text, integers, floats or decimals) as decimal128(38, `places`), rounded half away from zero;
    blanks stay null. Floats (from Parquet exports) are read as their shortest text, what the provider meant."""
    target = pa.decimal128(38, places)
    values = chunked(values)
    if pa.types.is_decimal(values.type) or pa.types.is_integer(values.type):
        return pc.round(values, ndigits=places, round_mode="half_towards_infinity").cast(target)
    text = blank_as_null(values)
    try:
        wide = pc.cast(text, pa.decimal128(38, 20))
        return pc.cast(pc.round(wide, ndigits=places, round_mode="half_towards_infinity"), target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.chunked_array([_parse_slowly(text, target, file, column, first, expected)], target)


def _parse_slowly(
    text: pa.ChunkedArray, target: pa.DataType, file: str, column: str, first: int, expected: str
) -> pa.Array:
    exponent = Decimal(1).scaleb(-target.scale)
    out: list[Decimal | None] = []
    for row, value in enumerate(text.to_pylist(), start=first):
        if value is None:
            out.append(None)
            continue
        try:
            amount = Decimal(value)
        except (InvalidOperation, ValueError):
            amount = Decimal("NaN")
        if not amount.is_finite():
            raise InputError(f"{value!r} is not a number; expected {expected}", file=file, row=row, column=column)
        out.append(amount.quantize(exponent, rounding=ROUND_HALF_UP))
    return pa.array(out, target)
