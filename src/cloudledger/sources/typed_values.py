"""Provider values to FOCUS types, checked: every bad value is an error naming its file, row and column.

Shared by sources that build FOCUS columns themselves (derived billing periods, tags from many columns)
instead of handing text to `normalize`. Rows are 1-based data rows (header excluded).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE, TAGS_TYPE, TIMESTAMP_TYPE
from cloudledger.sources.decimals import blank_as_null, chunked, first_row

Column: TypeAlias = "pa.ChunkedArray | pa.Array"
_PLACES = Decimal("1E-10")


def require(values: Column, *, file: str, column: str, expected: str) -> None:
    """Raise on the first empty value."""
    row = first_row(pc.is_null(blank_as_null(values)))
    if row is not None:
        raise InputError(f"empty value; expected {expected}", file=file, row=row, column=column)


def parse_times(values: Column, *, file: str, column: str, expected: str = "") -> pa.ChunkedArray:
    """ISO 8601 dates or date-times (seconds optional; no zone means UTC) as UTC timestamps; nulls kept."""
    text = blank_as_null(values)
    try:
        return _either(text)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    for row, value in enumerate(text.to_pylist(), start=1):
        try:
            _either(pa.chunked_array([[value]], pa.string()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise InputError(
                f"{value!r} is not {expected or 'an ISO 8601 date-time such as 2025-01-31T00:00:00Z'}",
                file=file,
                row=row,
                column=column,
            ) from None
    raise AssertionError("unparseable timestamps without a culprit")  # pragma: no cover


def _either(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Values with a zone (Z, +02:00) converted to UTC; values without one taken as UTC."""
    zoned = pc.fill_null(pc.match_substring_regex(text, r"(Z|[+-]\d{2}:?\d{2})$"), False)
    none = pa.scalar(None, pa.string())
    aware = _aware(pc.if_else(zoned, text, none))
    naive = _naive(pc.if_else(zoned, none, text))
    return chunked(pc.if_else(zoned, aware, naive))


def _aware(text: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(text, TIMESTAMP_TYPE)


def _naive(text: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(pc.cast(text, pa.timestamp("us")), TIMESTAMP_TYPE)


def month_start(times: Column) -> pa.ChunkedArray:
    """The first instant (UTC) of each timestamp's calendar month."""
    return chunked(pc.floor_temporal(chunked(times), unit="month"))


def next_month_start(times: Column) -> pa.ChunkedArray:
    """The first instant (UTC) of the month after each timestamp's month."""
    later = pc.add(month_start(times), pa.scalar(timedelta(days=31), pa.duration("us")))
    return chunked(pc.floor_temporal(later, unit="month"))


def add_days(times: Column, days: int) -> pa.ChunkedArray:
    return chunked(pc.add(chunked(times), pa.scalar(timedelta(days=days), pa.duration("us"))))


def constant(value: str | None, count: int) -> pa.Array:
    """A text column holding `value` (or null) in every row."""
    return pa.nulls(count, pa.string()) if value is None else pa.repeat(pa.scalar(value, pa.string()), count)


def tags_from_columns(table: pa.Table, columns: Mapping[str, str]) -> pa.Array:
    """A Tags map per row from one column per tag key (`columns`: key -> column name); blanks are absent."""
    rows: list[np.ndarray] = []
    keys: list[pa.Array] = []
    values: list[pa.Array] = []
    for key, name in columns.items():
        text = blank_as_null(table[name])
        index = pc.indices_nonzero(pc.is_valid(text))
        rows.append(index.to_numpy(zero_copy_only=False).astype(np.int64))
        keys.append(pa.repeat(pa.scalar(key, pa.string()), len(index)))
        values.append(pc.take(text, index).combine_chunks() if len(index) else pa.array([], pa.string()))
    if not rows:
        empty = pa.array([], pa.string())
        return pa.MapArray.from_arrays(pa.array(np.zeros(table.num_rows + 1, np.int32)), empty, empty).cast(TAGS_TYPE)
    row = np.concatenate(rows)
    order = np.argsort(row, kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=table.num_rows))]).astype(np.int32)
    flat_keys = pc.take(pa.concat_arrays(keys), pa.array(order))
    flat_values = pc.take(pa.concat_arrays(values), pa.array(order))
    return pa.MapArray.from_arrays(pa.array(offsets), flat_keys, flat_values).cast(TAGS_TYPE)


def hours_between(start: Column, end: Column) -> pa.ChunkedArray:
    """Exact hours from `start` to `end` as decimal(38,10) (each distinct duration computed once)."""
    micros = pc.cast(pc.subtract(chunked(end), chunked(start)), pa.int64())
    distinct = pc.unique(micros).to_pylist()
    hours = [None if m is None else (Decimal(m) / Decimal(3_600_000_000)).quantize(_PLACES) for m in distinct]
    index = pc.index_in(micros, pa.array(distinct, pa.int64()))
    return chunked(pc.take(pa.array(hours, MONEY_TYPE), index))
