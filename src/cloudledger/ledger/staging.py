"""Hold an ingest's normalized rows until its single Delta commit, spilling to Parquet past a bound.

Small ingests stay in memory. Past `SPILL_BYTES` of rows, each file's (or batch's) rows are written to
`<home>/staging/<ingest id>/` as they are read, so a 10-million-row ingest needs the memory of one file,
not of all of them; the commit then streams the staged rows into the ledger. Staging folders of
ingests that died are removed by the next ingest (while it holds the ingest lock).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 256_000
SPILL_BYTES = 384 << 20
"""Bytes of rows kept in memory before staging spills to disk (about 250k rows at the ledger's width)."""


class Staging:
    """The rows of one ingest, in memory or spilled to Parquet files."""

    def __init__(self, root: Path, ingest_id: str, spill_bytes: int = SPILL_BYTES) -> None:
        self.folder = root / ingest_id
        self.spill_bytes = spill_bytes
        self.tables: list[pa.Table] = []
        self.files: list[Path] = []
        self.schemas: list[pa.Schema] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.tables.append(table)
        self.schemas.append(table.schema)
        self.rows += table.num_rows
        if sum(t.nbytes for t in self.tables) > self.spill_bytes:
            self._spill()

    def _spill(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for table in self.tables:
            path = self.folder / f"{len(self.files):05d}.parquet"
            pq.write_table(table, path, compression="snappy")
            self.files.append(path)
        self.tables = []

    def schema(self, ledger: pa.Schema | None) -> pa.Schema:
        """The ledger's columns in its order, then columns this ingest adds (schema evolution)."""
        staged = pa.unify_schemas(self.schemas, promote_options="permissive")
        if ledger is None:
            return staged
        added = [field for field in staged if field.name not in ledger.names]
        return pa.schema([*ledger, *added])

    def reader(self, ledger: pa.Schema | None) -> pa.RecordBatchReader:
        """Every row, in the target schema (columns a file lacks are null)."""
        schema = self.schema(ledger)
        return pa.RecordBatchReader.from_batches(schema, self._batches(schema))

    def _batches(self, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
        for path in self.files:  # one file, one batch at a time: a dataset scanner reads many batches ahead
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
                yield from _align(pa.Table.from_batches([batch]), schema).to_batches()
        for table in self.tables:
            yield from _align(table, schema).to_batches(max_chunksize=BATCH_ROWS)

    def remove(self) -> None:
        self.tables = []
        shutil.rmtree(self.folder, ignore_errors=True)


def _align(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with exactly `schema`'s columns, in its order (missing ones as nulls)."""
    arrays = [
        table[field.name].cast(field.type) if field.name in table.column_names else pa.nulls(table.num_rows, field.type)
        for field in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def clear_stale(root: Path) -> None:
    """Remove staging left by ingests that died (call only while holding the ingest lock)."""
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
