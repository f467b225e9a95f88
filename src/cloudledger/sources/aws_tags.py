"""Resource tags of AWS Cost and Usage Reports as the FOCUS Tags map.

User-defined cost allocation tags lose AWS's `user:` (or `user_`) marker: `resourceTags/user:team` and
CUR 2.0's `resource_tags['user_team']` both become `team`, the key the user typed. AWS-generated tags keep
a provider prefix, `aws:`: `resourceTags/aws:createdBy` stays `aws:createdBy`, the Athena/CUR 2.0 spelling
`aws_created_by` becomes `aws:created_by` (Athena and CUR 2.0 lower-case and underscore the keys; the
original spelling is not in those files).
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import TAGS_TYPE
from cloudledger.sources.aws_columns import CurTable, chunked

LEGACY_CSV_PREFIX = "resourceTags/"
ATHENA_PREFIX = "resource_tags_"


def tag_key(column: str) -> str | None:
    """The Tags key of a legacy tag column (CSV or Athena Parquet), or None if it is not a tag column."""
    if column.startswith(LEGACY_CSV_PREFIX):
        key = column[len(LEGACY_CSV_PREFIX) :]
        return key[len("user:") :] if key.startswith("user:") else key
    if column.startswith(ATHENA_PREFIX):
        return _snake_key(column[len(ATHENA_PREFIX) :])
    return None


def _snake_key(key: str) -> str:
    if key.startswith("user_"):
        return key[len("user_") :]
    if key.startswith("aws_"):
        return "aws:" + key[len("aws_") :]
    return key


def tags_from_columns(cur: CurTable) -> pa.Array:
    """One map per row from the legacy one-column-per-tag layout; empty values are not tags."""
    rows: list[np.ndarray] = []
    keys: list[pa.Array] = []
    values: list[pa.Array] = []
    for column in cur.table.column_names:
        key = tag_key(column)
        if key is None:
            continue
        text = cur.text(column)
        present = pc.indices_nonzero(pc.is_valid(text)).to_numpy()
        rows.append(present)
        keys.append(pa.array([key] * len(present), pa.string()))
        values.append(pc.take(text, pa.array(present)).combine_chunks())
    return _assemble(cur.rows, rows, keys, values)


def _assemble(count: int, rows: list[np.ndarray], keys: list[pa.Array], values: list[pa.Array]) -> pa.Array:
    if not rows:
        return pa.nulls(count, TAGS_TYPE)
    row = np.concatenate(rows)
    order = np.argsort(row, kind="stable")
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(np.bincount(row, minlength=count), out=offsets[1:])
    taken = pa.array(order)
    flat_keys = pc.take(pa.concat_arrays(keys), taken)
    flat_values = pc.take(pa.concat_arrays(values), taken)
    return pa.MapArray.from_arrays(pa.array(offsets), flat_keys, flat_values)


def tags_from_map(cur: CurTable, key: str) -> pa.Array:
    """CUR 2.0's `resource_tags`: a Parquet map, or JSON text in CSV (invalid JSON names its row)."""
    values = cur.raw(key)
    if values is None:
        return pa.nulls(cur.rows, TAGS_TYPE)
    if pa.types.is_map(values.type):
        return _rename_keys(chunked(values).combine_chunks().cast(TAGS_TYPE))
    return _rename_keys(json_maps(cur, key))


def _rename_keys(maps: pa.Array) -> pa.Array:
    """`user_team` -> `team`, `aws_created_by` -> `aws:created_by`."""
    if isinstance(maps, pa.ChunkedArray):
        maps = maps.combine_chunks()
    keys = pc.replace_substring_regex(maps.keys, pattern="^user_", replacement="")
    keys = pc.replace_substring_regex(keys, pattern="^aws_", replacement="aws:")
    mask = pc.is_null(maps) if maps.null_count else None
    return pa.MapArray.from_arrays(maps.offsets, keys, maps.items, mask=mask)


def json_maps(cur: CurTable, key: str) -> pa.Array:
    """JSON objects of text values, each distinct text parsed once."""
    text = cur.text(key).combine_chunks()
    encoded = text.dictionary_encode()
    parsed: list[list[tuple[str, str]] | None] = []
    for value in encoded.dictionary.to_pylist():
        try:
            obj = json.loads(value)
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            row = _first_row_with(text, value)
            raise InputError(
                f"{value[:80]!r} is not a JSON object; CUR 2.0 writes {cur.name(key)} as a JSON object of "
                'text values such as {"user_team": "web"}',
                file=cur.file,
                row=row,
                column=cur.name(key),
            )
        parsed.append([(str(k), _text_value(v)) for k, v in obj.items()])
    distinct = pa.array(parsed, TAGS_TYPE)
    return pc.take(distinct, encoded.indices)


def _text_value(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _first_row_with(text: pa.Array, value: str) -> int:
    hits = pc.indices_nonzero(pc.fill_null(pc.equal(text, value), False))
    return int(hits[0].as_py()) + 1
