"""Neutral columns (int64 counts of 1e-10, epoch seconds) as Parquet types or as CSV text, vectorised."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.months import iso

SCALE = 10**10
MONEY_TYPE = pa.decimal128(38, 10)
TIME_TYPE = pa.timestamp("us", tz="UTC")


def _values(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """The int64 values (nulls as 0) and the validity of a neutral numeric column."""
    return pc.fill_null(arr, 0).to_numpy(zero_copy_only=False).astype(np.int64), pc.is_valid(arr)


def decimal_array(arr: pa.Array) -> pa.Array:
    """decimal128(38, 10) whose unscaled values are the int64 counts of 1e-10 (no float on the way)."""
    values, valid = _values(arr)
    words = np.empty(2 * len(values), dtype=np.int64)
    words[0::2] = values
    words[1::2] = values >> 63
    validity = None if arr.null_count == 0 else valid.buffers()[1]
    return pa.Array.from_buffers(MONEY_TYPE, len(values), [validity, pa.py_buffer(words)], arr.null_count)


def money_text(units: int) -> str:
    """Plain decimal text of a count of 1e-10, without trailing zeros (e.g. -12.5)."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), SCALE)
    digits = str(frac).rjust(10, "0").rstrip("0")
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def money_strings(arr: pa.Array) -> pa.Array:
    """money_text of every value of a neutral money column (nulls stay null)."""
    values, valid = _values(arr)
    mag = np.abs(values)
    whole = pa.array(mag // SCALE).cast(pa.string())
    frac = pc.utf8_rtrim(pc.utf8_lpad(pa.array(mag % SCALE).cast(pa.string()), 10, "0"), "0")
    text = pc.if_else(pc.equal(frac, ""), whole, pc.binary_join_element_wise(whole, frac, "."))
    text = pc.if_else(pa.array(values < 0), pc.binary_join_element_wise("-", text, ""), text)
    return pc.if_else(valid, text, pa.scalar(None, pa.string()))


def time_array(arr: pa.Array) -> pa.Array:
    """timestamp[us, UTC] from epoch seconds."""
    return pc.multiply(arr, 1_000_000).cast(pa.timestamp("us")).cast(TIME_TYPE)


def time_strings(arr: pa.Array) -> pa.Array:
    """'YYYY-MM-DDTHH:MM:SSZ' text from epoch seconds (formatted once per distinct value)."""
    values, valid = _values(arr)
    uniq, inverse = np.unique(values, return_inverse=True)
    text = pa.array([iso(int(v)) for v in uniq], pa.string()).take(pa.array(inverse.astype(np.int32)))
    return pc.if_else(valid, text, pa.scalar(None, pa.string()))


_NEEDS_QUOTES = r'[",\r\n]'


def csv_field(arr: pa.Array) -> pa.Array:
    """Quote text that contains a comma, a quote or a line break (RFC 4180); leave the rest bare."""
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(arr, _NEEDS_QUOTES), quoted, arr)


def csv_bytes(fields: list[pa.Array]) -> memoryview:
    """CSV lines (nulls as empty fields, LF line ends) of equally long text columns, without a copy."""
    opts = pc.JoinOptions(null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(*fields, ",", options=opts)
    lines = pc.binary_join_element_wise(lines, "", "\n", options=opts)
    lines = pa.concat_arrays([lines]) if lines.offset else lines
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
    data = lines.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])]
