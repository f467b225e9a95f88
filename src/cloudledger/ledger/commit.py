"""The one Delta commit of an ingest: remove the replaced slices' files and add the new ones.

The data files are already written (`ledger.datafiles`); this commits them through deltalake's
transaction API, in one transaction that carries the ingest id:

- the schema is unchanged: an append with explicit remove actions for every file of the replaced slices;
- the ingest adds columns: an overwrite whose partition filter is, per slice column, the values the
  ingest covers (deltalake removes the matching files and writes the merged schema). Files of other
  slices that this filter also matches are added back under new names (hard links of the same bytes),
  so exactly the replaced slices change.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable
from deltalake import Schema as DeltaSchema
from deltalake.transaction import AddAction, RemoveAction, create_table_with_add_actions

from cloudledger.ledger.datafiles import DataFile, file_name
from cloudledger.ledger.filestats import file_stats
from cloudledger.sources.normalize import SLICE_COLUMNS, SliceKey


def commit_files(
    path: Path,
    table: DeltaTable | None,
    files: Sequence[DataFile],
    schema: pa.Schema,
    slices: Sequence[SliceKey],
    ingest_id: str,
    properties: CommitProperties,
) -> None:
    """Replace exactly `slices` with `files` (plus `schema`'s new columns) in one commit."""
    now = int(time.time() * 1000)
    adds = [_add(f.path, f.key, f.size, f.stats, now) for f in files]
    if table is None:
        create_table_with_add_actions(
            str(path), DeltaSchema.from_arrow(schema), adds, mode="error",
            partition_by=list(SLICE_COLUMNS), commit_properties=properties,
        )  # fmt: skip
        return
    present = _present_files(table)
    replaced = set(slices)
    current = pa.schema(table.schema().to_arrow())
    if not set(schema.names) - set(current.names):
        removes = [RemoveAction(p, True, now, size, _values(key)) for p, key, size in present if key in replaced]
        table.create_write_transaction(
            [*removes, *adds], "append", current, partition_by=list(SLICE_COLUMNS), commit_properties=properties
        )
        return
    values = [sorted({key[i] for key in replaced}) for i in range(len(SLICE_COLUMNS))]
    covered = [(p, key) for p, key, _ in present if all(key[i] in values[i] for i in range(len(SLICE_COLUMNS)))]
    kept = [_relink(path, p, key, ingest_id, now) for p, key in covered if key not in replaced]
    table.create_write_transaction(
        [*adds, *kept],
        "overwrite",
        schema,
        partition_by=list(SLICE_COLUMNS),
        partition_filters=[(col, "in", vals) for col, vals in zip(SLICE_COLUMNS, values, strict=True)],
        commit_properties=properties,
    )


def _present_files(table: DeltaTable) -> list[tuple[str, SliceKey, int]]:
    """The current version's files: path relative to the table root (as on disk), slice and size."""
    actions = pa.table(table.get_add_actions(flatten=True))
    columns = ["path", "size_bytes", *(f"partition.{name}" for name in SLICE_COLUMNS)]
    rows = actions.select(columns).to_pylist()
    return [(unquote(r["path"]), tuple(r[c] for c in columns[2:]), int(r["size_bytes"])) for r in rows]


def _values(key: SliceKey) -> dict[str, str | None]:
    """Partition values as the Delta writer records them (an empty value is null)."""
    return {col: (val or None) for col, val in zip(SLICE_COLUMNS, key, strict=True)}


def _add(relative: str, key: SliceKey, size: int, stats: str, now: int) -> AddAction:
    return AddAction(relative, size, _values(key), now, True, stats)


def _relink(root: Path, relative: str, key: SliceKey, ingest_id: str, now: int) -> AddAction:
    """Add a file of an untouched slice back under a new name of this ingest (same bytes)."""
    source = root / relative
    target = source.with_name(file_name(_next_sequence(source.parent, ingest_id), ingest_id))
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    new_path = target.relative_to(root).as_posix()
    meta: Any = pq.read_metadata(target)
    return _add(new_path, key, target.stat().st_size, file_stats(meta), now)


def _next_sequence(folder: Path, ingest_id: str) -> int:
    return 90_000 + len(list(folder.glob(f"part-*-{ingest_id}-c000.snappy.parquet")))
