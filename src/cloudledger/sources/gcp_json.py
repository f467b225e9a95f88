"""Lists of records as JSON text, built with Arrow string kernels (no per-row Python, no SQL engine).

Used for the `x_Credits` and `x_ProjectAncestors` custom columns: `[{"name":"...","amount":-0.5}]`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))
_OTHER_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


def json_lists(lists: pa.ListArray, numbers: Mapping[str, pa.Array] | None = None) -> pa.ChunkedArray:
    """Each row's list of records as a JSON array; members are strings, except those in `numbers`
    (member -> JSON number text aligned with the flattened records); an empty or null list is `[]`."""
    numbers = numbers or {}
    flat = pc.list_flatten(lists)
    parts: list[pa.Array | str] = ["{"]
    for index, name in enumerate(flat.type.names):
        values = numbers[name] if name in numbers else _quoted(flat.field(name))
        parts += [("," if index else "") + json.dumps(name) + ":", pc.fill_null(values, "null")]
    parts.append("}")
    elements = pc.binary_join_element_wise(*parts, "") if len(flat) else pa.array([], pa.string())
    if isinstance(elements, pa.ChunkedArray):
        elements = elements.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    rows = pa.ListArray.from_arrays(pa.array(offsets), elements)
    joined = pc.binary_join_element_wise("[", pc.binary_join(rows, ","), "]", "")
    return pa.chunked_array([joined])


def _quoted(values: pa.Array) -> pa.Array:
    """Text as JSON strings (null stays null)."""
    text = values.cast(pa.string())
    if pc.any(pc.match_substring_regex(text, _OTHER_CONTROL)).as_py():
        return pa.array([None if v is None else json.dumps(v) for v in text.to_pylist()], pa.string())
    if pc.any(pc.match_substring_regex(text, r'[\\"\n\r\t]')).as_py():
        for raw, escaped in _ESCAPES:
            text = pc.replace_substring(text, raw, escaped)
    return pc.binary_join_element_wise('"', text, '"', "")


def json_objects(maps: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """Each map (text keys; text or number values) as a JSON object, `{"k":"v"}`; a null map stays null."""
    if isinstance(maps, pa.ChunkedArray):
        maps = maps.combine_chunks()
    if maps.offset or maps.offsets[0].as_py():
        maps = pa.concat_arrays([pa.array([], maps.type), maps])  # offsets from 0, as the children are laid out
    values = maps.items
    text = values.cast(pa.string()) if not pa.types.is_string(values.type) else _quoted(values)
    members = pc.binary_join_element_wise(_quoted(maps.keys), pc.fill_null(text, "null"), ":")
    objects = pa.ListArray.from_arrays(maps.offsets, members, mask=pc.is_null(maps) if maps.null_count else None)
    joined = pc.binary_join_element_wise("{", pc.binary_join(objects, ","), "}", "")
    return pa.chunked_array([joined])
