"""Park an ingest's normalized rows as Parquet until its single Delta commit, so memory stays bounded.

Each file is read, checked and written to `<home>/staging/<ingest id>/` one at a time; the commit then
streams the staged files into the ledger. Staging folders of ingests that died are removed by the next
ingest (while it holds the ingest lock).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

BATCH_ROWS = 256_000


class Staging:
    """The staged rows of one ingest."""

    def __init__(self, root: Path, ingest_id: str) -> None:
        self.folder = root / ingest_id
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: list[Path] = []
        self.schemas: list[pa.Schema] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        path = self.folder / f"{len(self.files):05d}.parquet"
        pq.write_table(table, path, compression="snappy")
        self.files.append(path)
        self.schemas.append(table.schema)
        self.rows += table.num_rows

    def schema(self, ledger: pa.Schema | None) -> pa.Schema:
        """The ledger's columns in its order, then columns this ingest adds (schema evolution)."""
        staged = pa.unify_schemas(self.schemas, promote_options="permissive")
        if ledger is None:
            return staged
        added = [field for field in staged if field.name not in ledger.names]
        return pa.schema([*ledger, *added])

    def reader(self, ledger: pa.Schema | None) -> pa.RecordBatchReader:
        """Every staged row, in the target schema (columns a file lacks are null)."""
        schema = self.schema(ledger)
        dataset = ds.dataset([str(p) for p in self.files], schema=schema, format="parquet")
        return dataset.scanner(batch_size=BATCH_ROWS).to_reader()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def clear_stale(root: Path) -> None:
    """Remove staging left by ingests that died (call only while holding the ingest lock)."""
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
