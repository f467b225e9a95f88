"""The Delta statistics of a data file (row count, null counts, min and max), from its Parquet footer.

Only values that are exact go in: min/max for text and integers, and for timestamps rounded outward to
milliseconds (the precision of Delta statistics); none for decimals, whose JSON numbers would round.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def file_stats(meta: pq.FileMetaData) -> str:
    """The `stats` JSON of a Delta add action for the file with footer `meta`."""
    schema = meta.schema.to_arrow_schema()
    nulls: dict[str, int] = {}
    bounds: dict[str, list[Any]] = {}
    for group in range(meta.num_row_groups):
        row_group = meta.row_group(group)
        for index in range(row_group.num_columns):
            column = row_group.column(index)
            name = column.path_in_schema
            stats = column.statistics
            if "." in name or stats is None:
                continue
            if stats.has_null_count:
                nulls[name] = nulls.get(name, 0) + stats.null_count
            _widen(bounds, name, schema.field(name).type, stats)
    mins = {name: _json(lo, low=True) for name, (lo, _) in bounds.items() if lo is not None}
    maxs = {name: _json(hi, low=False) for name, (_, hi) in bounds.items() if hi is not None}
    return json.dumps({"numRecords": meta.num_rows, "minValues": mins, "maxValues": maxs, "nullCount": nulls})


def _widen(bounds: dict[str, list[Any]], name: str, kind: pa.DataType, stats: Any) -> None:
    """Merge one row group's min/max of column `name` into `bounds` (a column without them has none)."""
    usable = pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_timestamp(kind)
    exact = getattr(stats, "is_min_value_exact", True) and getattr(stats, "is_max_value_exact", True)
    if not (usable and stats.has_min_max and exact):
        if stats.num_values:  # values but no usable bounds: the column gets none
            bounds[name] = [None, None]
        return
    seen = bounds.setdefault(name, [stats.min, stats.max])
    if seen[0] is None:
        return
    seen[0], seen[1] = min(seen[0], stats.min), max(seen[1], stats.max)


def _json(value: Any, low: bool) -> Any:
    if not isinstance(value, datetime):
        return value
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    rounded = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if not low and rounded != moment:
        rounded += timedelta(milliseconds=1)
    return rounded.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
