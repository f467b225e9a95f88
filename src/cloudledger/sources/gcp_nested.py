"""Reading Google Cloud billing export fields whatever the shape the export was saved in.

BigQuery's Parquet and newline-delimited JSON exports keep records (`service`, `project`, `usage`...) as
structs and repeated fields (`credits`, `labels`...) as lists of structs. A query result saved as CSV has
dotted column names (`service.description`) and repeated fields written as text: JSON, or the Python
literal a dataframe library prints (`[{'key': 'a', 'value': None}]`). These helpers give every field as
one Arrow array, and every repeated field as a list of structs of text, whichever shape was read.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError

UTC_TYPE = pa.timestamp("us", tz="UTC")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$")


def field(raw: pa.Table, path: str) -> pa.ChunkedArray | None:
    """Field `path` (`cost`, `service.description`, `project.labels`): a flat CSV column or a struct member."""
    if path in raw.column_names:
        return raw[path]
    head, _, rest = path.partition(".")
    if not rest or head not in raw.column_names:
        return None
    kind = raw.schema.field(head).type
    if not pa.types.is_struct(kind) or kind.get_field_index(rest) < 0:
        return None
    return pc.struct_field(raw[head], rest)


def text(values: pa.ChunkedArray | pa.Array | None, count: int) -> pa.ChunkedArray:
    """Values as text with empty strings as nulls (FOCUS text columns never hold '')."""
    if values is None:
        return pa.chunked_array([pa.nulls(count, pa.string())])
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    values = values.cast(pa.string())
    empty = pc.equal(values, "")
    if not pc.any(empty).as_py():
        return values
    return pc.if_else(empty, pa.scalar(None, pa.string()), values)


def records(
    values: pa.ChunkedArray | None, names: Sequence[str], count: int, *, file: str, column: str
) -> pa.ListArray:
    """A repeated field as a list (one per row; null when absent) of structs whose members are text."""
    kind = pa.list_(pa.struct([(name, pa.string()) for name in names]))
    if values is None:
        return pa.nulls(count, kind)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return _parse_text_records(values, names, kind, file=file, column=column)
    if not pa.types.is_list(values.type) and not pa.types.is_large_list(values.type):
        raise InputError(f"expected a list of records, found {values.type}", file=file, column=column)
    return _as_text_records(values.combine_chunks(), names, kind)


def _as_text_records(values: pa.ListArray, names: Sequence[str], kind: pa.ListType) -> pa.ListArray:
    """Nested records (Parquet, JSON) with every member cast to text; missing members are null."""
    children = values.values
    length = len(children)
    if pa.types.is_struct(children.type):
        members = [
            children.field(name).cast(pa.string())
            if children.type.get_field_index(name) >= 0
            else pa.nulls(length, pa.string())
            for name in names
        ]
    else:
        members = [pa.nulls(length, pa.string()) for _ in names]
    struct = pa.StructArray.from_arrays(members, names=list(names))
    offsets = values.offsets.cast(pa.int32())
    return pa.ListArray.from_arrays(offsets, struct, type=kind, mask=values.is_null())


def _parse_text_records(
    values: pa.ChunkedArray, names: Sequence[str], kind: pa.ListType, *, file: str, column: str
) -> pa.ListArray:
    """Text lists of records, each distinct text parsed once (exports repeat the same few values)."""
    encoded = pc.dictionary_encode(values.combine_chunks())
    parsed = []
    for value in encoded.dictionary.to_pylist():
        try:
            parsed.append(_parse_one(value, names))
        except ValueError as exc:
            row = pc.index(values, value).as_py() + 1
            shown = value if len(value) <= 120 else value[:117] + "..."
            raise InputError(
                f"{shown!r} is not a list of records ({exc}); expected JSON or a literal such as "
                "[{'key': 'team', 'value': 'web'}]",
                file=file,
                row=row,
                column=column,
            ) from None
    return pa.array(parsed, kind).take(encoded.indices)


def _parse_one(value: str, names: Sequence[str]) -> list[dict[str, str | None]]:
    """One text list of records: JSON (numbers kept as written) or a Python literal (never evaluated)."""
    stripped = value.strip()
    if stripped in ("", "[]"):
        return []
    try:
        items: Any = json.loads(stripped, parse_float=str, parse_int=str)
    except ValueError:
        try:
            items = ast.literal_eval(stripped)
        except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
            raise ValueError("neither JSON nor a literal") from exc
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list | tuple) or not all(isinstance(item, dict) for item in items):
        raise ValueError("not a list of records")
    return [{name: _scalar_text(item.get(name)) for name in names} for item in items]


def _scalar_text(value: object) -> str | None:
    """A record member as text: numbers by their shortest repr (as the export wrote them), True as 'true'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"a member holds {type(value).__name__}, not a scalar")


def long_records(lists: pa.ListArray) -> pa.Table:
    """One row per record: `row` (0-based index of the export row) and the record's members."""
    flat = pc.list_flatten(lists)
    rows = pc.list_parent_indices(lists)
    return pa.table({"row": rows, **{name: flat.field(name) for name in flat.type.names}})


def parse_times(values: pa.ChunkedArray | None, count: int, *, file: str, column: str) -> pa.ChunkedArray:
    """Timestamps as UTC: typed, ISO 8601 text, or BigQuery's '2024-01-31 10:00:00 UTC'; zone-less is UTC."""
    if values is None:
        return pa.chunked_array([pa.nulls(count, UTC_TYPE)])
    if pa.types.is_timestamp(values.type):
        if values.type.tz is None:
            return pc.assume_timezone(values.cast(pa.timestamp("us")), "UTC").cast(UTC_TYPE)
        return values.cast(UTC_TYPE)
    written = text(values, count)
    zoned = pc.replace_substring_regex(written, r"\s*UTC$", "+00:00")
    try:
        return pc.cast(zoned, UTC_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    try:
        return pc.assume_timezone(pc.cast(zoned, pa.timestamp("us")), "UTC").cast(UTC_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        _raise_bad_time(written, file=file, column=column)
        raise  # pragma: no cover - _raise_bad_time always raises


def _raise_bad_time(values: pa.ChunkedArray, *, file: str, column: str) -> None:
    """Name the first value no ISO 8601 parser accepts."""
    for index, value in enumerate(values.to_pylist(), start=1):
        if value is None:
            continue
        ok = _ISO.match(value) is not None
        if ok:
            try:
                pc.cast(pa.array([re.sub(r"\s*UTC$", "+00:00", value)]), pa.timestamp("us"))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                try:
                    pc.cast(pa.array([re.sub(r"\s*UTC$", "+00:00", value)]), UTC_TYPE)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    ok = False
        if not ok:
            raise InputError(
                f"{value!r} is not a date-time; expected ISO 8601 such as 2024-01-31 10:00:00+00:00 "
                "or BigQuery's 2024-01-31 10:00:00 UTC",
                file=file,
                row=index,
                column=column,
            )
    raise InputError("unreadable date-time values", file=file, column=column)
