"""Nested Arrow rows as BigQuery writes them to newline-delimited JSON, with Arrow string kernels only.

BigQuery's JSON extract writes one object per line: records as objects, repeated fields as arrays (empty
when the row has none), FLOAT64 as its shortest decimal form, TIMESTAMP as `2024-01-31 10:00:00 UTC`,
NULL as `null`.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_NULL = pa.scalar("null", pa.string())
_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))


def json_lines(table: pa.Table) -> bytes:
    """Every row of `table` as one JSON object and a line feed."""
    parts: list[pa.Array | str] = []
    for index, field in enumerate(table.schema):
        parts += [
            ("{" if index == 0 else ",") + json.dumps(field.name) + ":",
            encode(table[field.name].combine_chunks()),
        ]
    parts.append("}\n")
    lines = pc.binary_join_element_wise(*parts, "")
    return buffer_bytes(lines)


def buffer_bytes(lines: pa.Array) -> bytes:
    """The UTF-8 bytes of a string array's values, concatenated (one copy of the data buffer)."""
    lines = pa.concat_arrays([lines]) if lines.offset else lines
    data = lines.buffers()[2]
    if data is None or len(lines) == 0:
        return b""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])].tobytes()


def encode(values: pa.Array) -> pa.Array:
    """JSON text of every value (null as `null`)."""
    kind = values.type
    if pa.types.is_struct(kind):
        return _struct(values)
    if pa.types.is_list(kind):
        return _list(values)
    encoded = pc.dictionary_encode(values)
    return pc.fill_null(_scalar(encoded.dictionary).take(encoded.indices), _NULL)


def _scalar(values: pa.Array) -> pa.Array:
    """JSON text of distinct scalar values (formatted once each: exports repeat the same few values)."""
    kind = values.type
    if pa.types.is_timestamp(kind):
        text = pc.strftime(values.cast(pa.timestamp("s", tz="UTC")), format="%Y-%m-%d %H:%M:%S UTC")
        return pc.fill_null(_quoted(text), _NULL)
    if pa.types.is_floating(kind):
        return pc.fill_null(_number(values), _NULL)
    if pa.types.is_boolean(kind):
        return pc.fill_null(pc.if_else(values, "true", "false"), _NULL)
    return pc.fill_null(_quoted(values.cast(pa.string())), _NULL)


def _number(values: pa.Array) -> pa.Array:
    """The shortest decimal form, always with a fraction or exponent (a FLOAT64 is never read as an integer)."""
    text = pc.cast(values, pa.string())
    plain = pc.invert(pc.match_substring_regex(text, r"[.eEn]"))
    return pc.if_else(plain, pc.binary_join_element_wise(text, ".0", ""), text)


def _quoted(text: pa.Array) -> pa.Array:
    if pc.any(pc.match_substring_regex(text, r'[\\"\x00-\x1f]')).as_py():
        for raw, escaped in _ESCAPES:
            text = pc.replace_substring(text, raw, escaped)
        if pc.any(pc.match_substring_regex(text, r"[\x00-\x1f]")).as_py():
            text = pa.array([None if v is None else json.dumps(v)[1:-1] for v in text.to_pylist()], pa.string())
    return pc.binary_join_element_wise('"', text, '"', "")


def _struct(values: pa.StructArray) -> pa.Array:
    parts: list[pa.Array | str] = []
    for index, field in enumerate(values.type):
        member = pc.struct_field(values, index)
        parts += [("{" if index == 0 else ",") + json.dumps(field.name) + ":", encode(member)]
    parts.append("}")
    joined = pc.binary_join_element_wise(*parts, "")
    return pc.if_else(values.is_valid(), joined, _NULL)


def _list(values: pa.ListArray) -> pa.Array:
    """Arrays; a null list is written as an empty array (BigQuery's repeated fields are never null)."""
    items = encode(pc.list_flatten(values))
    lengths = pc.fill_null(pc.list_value_length(values), 0).cast(pa.int32())
    offsets = pa.concat_arrays([pa.array([0], pa.int32()), pc.cumulative_sum(lengths)])
    nested = pa.ListArray.from_arrays(offsets, items)
    return pc.binary_join_element_wise("[", pc.binary_join(nested, ","), "]", "")
