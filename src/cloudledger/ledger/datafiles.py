"""Write an ingest's rows straight into the ledger's Parquet data files, one folder per slice.

Rows are buffered per slice and written in row groups of `ROW_GROUP_ROWS` as they are read, so an ingest
holds about one row group per open slice, not its whole input. The files are invisible to readers until
the ingest's single Delta commit adds them: an ingest that fails deletes them, and the files of one that
died are removed by the next ingest (their names carry the ingest id).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cloudledger.ledger.filestats import file_stats
from cloudledger.sources.normalize import SLICE_COLUMNS, SliceKey

ROW_GROUP_ROWS = 131_072
FILE_ROWS = 8 * ROW_GROUP_ROWS
"""Rows per data file before a slice's next rows start a new file (~100 MB at the ledger's width)."""
BUFFER_BYTES = 256 << 20
"""Rows buffered across all slices (short of a full row group) before every buffer is written out."""


@dataclass(frozen=True)
class DataFile:
    """One written data file: its path relative to the table root (as on disk), slice, size and stats."""

    path: str
    key: SliceKey
    size: int
    stats: str


def slice_folder(key: SliceKey) -> str:
    """The hive-style partition folders of a slice, escaped as the Delta writer escapes them."""
    return "/".join(f"{col}={quote(val, safe='')}" for col, val in zip(SLICE_COLUMNS, key, strict=True))


def file_name(sequence: int, ingest_id: str) -> str:
    return f"part-{sequence:05d}-{ingest_id}-c000.snappy.parquet"


def ingest_files(root: Path, ingest_id: str) -> Iterator[Path]:
    """Every data file ingest `ingest_id` wrote (committed or not)."""
    return root.rglob(f"part-*-{ingest_id}-c000.snappy.parquet")


@dataclass
class _Slice:
    pending: list[pa.Table] = field(default_factory=list)
    pending_rows: int = 0
    pending_bytes: int = 0
    writer: pq.ParquetWriter | None = None
    path: str = ""
    file_rows: int = 0


class DataFiles:
    """The data files of one ingest, written as its rows arrive."""

    def __init__(self, root: Path, ingest_id: str, ledger: pa.Schema | None) -> None:
        self.root = root
        self.ingest_id = ingest_id
        self.schema = ledger
        """The ingest's schema: the ledger's columns in its order, then the columns this ingest adds."""
        self.rows = 0
        self.written: list[DataFile] = []
        self._created: list[Path] = []
        self._slices: dict[SliceKey, _Slice] = {}

    def write(self, table: pa.Table) -> None:
        """Buffer `table`'s rows by slice; full row groups go to disk at once."""
        self._extend(table.schema)
        self.rows += table.num_rows
        target = self._file_schema()
        for key, part in _split(table):
            state = self._slices.setdefault(key, _Slice())
            aligned = _align(part, target)
            state.pending.append(aligned)
            state.pending_rows += aligned.num_rows
            state.pending_bytes += aligned.nbytes
            if state.pending_rows >= ROW_GROUP_ROWS:
                self._flush(key, state, whole=False)
        if sum(s.pending_bytes for s in self._slices.values()) > BUFFER_BYTES:
            self._flush_all(close=False)

    def close(self) -> list[DataFile]:
        """Write every buffered row and close every file; the files to commit."""
        self._flush_all(close=True)
        return self.written

    def discard(self) -> None:
        """Delete every file this ingest wrote (it will not be committed)."""
        for state in self._slices.values():
            if state.writer is not None:
                state.writer.close()
                state.writer = None
        for path in self._created:
            path.unlink(missing_ok=True)
            for folder in path.relative_to(self.root).parents[:-1]:
                try:
                    (self.root / folder).rmdir()  # only if empty: other slices' files stay
                except OSError:
                    break

    def _file_schema(self) -> pa.Schema:
        assert self.schema is not None
        return pa.schema([f for f in self.schema if f.name not in SLICE_COLUMNS])

    def _extend(self, incoming: pa.Schema) -> None:
        """Add the columns of `incoming` the schema lacks (open files end: their rows lack those columns)."""
        known = set() if self.schema is None else set(self.schema.names)
        added = [
            pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in incoming if f.name not in known
        ]
        if not added:
            return
        if self.schema is not None:
            self._flush_all(close=True)
        self.schema = pa.schema([*(self.schema or []), *added])

    def _flush_all(self, close: bool) -> None:
        for key, state in self._slices.items():
            self._flush(key, state, whole=True)
            if close:
                self._end_file(key, state)

    def _flush(self, key: SliceKey, state: _Slice, whole: bool) -> None:
        if not state.pending_rows:
            return
        data = pa.concat_tables(state.pending)
        count = data.num_rows if whole else data.num_rows - data.num_rows % ROW_GROUP_ROWS
        if state.writer is None:
            state.path = f"{slice_folder(key)}/{file_name(len(self._created), self.ingest_id)}"
            target = self.root / state.path
            target.parent.mkdir(parents=True, exist_ok=True)
            self._created.append(target)
            state.writer = pq.ParquetWriter(target, data.schema, compression="snappy", write_statistics=True)
        state.writer.write_table(data.slice(0, count), row_group_size=ROW_GROUP_ROWS)
        state.file_rows += count
        rest = data.slice(count)
        state.pending = [rest] if rest.num_rows else []
        state.pending_rows = rest.num_rows
        state.pending_bytes = rest.nbytes if rest.num_rows else 0
        if state.file_rows >= FILE_ROWS:
            self._end_file(key, state)

    def _end_file(self, key: SliceKey, state: _Slice) -> None:
        if state.writer is None:
            return
        state.writer.close()
        state.writer = None
        target = self.root / state.path
        stats = file_stats(pq.read_metadata(target))
        self.written.append(DataFile(state.path, key, target.stat().st_size, stats))
        state.file_rows = 0


def _split(table: pa.Table) -> Iterator[tuple[SliceKey, pa.Table]]:
    """`table`'s rows by slice (a table of one slice is passed on as it is)."""
    keys = table.select(list(SLICE_COLUMNS)).group_by(list(SLICE_COLUMNS)).aggregate([([], "count_all")])
    if keys.num_rows == 1:
        row = keys.to_pylist()[0]
        yield (row[SLICE_COLUMNS[0]], row[SLICE_COLUMNS[1]], row[SLICE_COLUMNS[2]]), table
        return
    order = [(name, "ascending") for name in SLICE_COLUMNS]
    ordered = table.take(pc.sort_indices(table, sort_keys=order))
    start = 0
    for row in keys.sort_by(order).to_pylist():
        count = int(row["count_all"])
        yield (row[SLICE_COLUMNS[0]], row[SLICE_COLUMNS[1]], row[SLICE_COLUMNS[2]]), ordered.slice(start, count)
        start += count


def _align(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly `schema`'s columns, in its order (missing ones as nulls)."""
    arrays = [
        table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type) for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)
