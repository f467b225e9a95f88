"""Read one snapshot of the ledger as an Ibis table on DuckDB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cloudledger.home import Home
from cloudledger.ledger.overlap import counted_files
from cloudledger.ledger.rollups import by_slice, ensure_rollups, read_rollups
from cloudledger.ledger.table import AsOf, Ledger, Snapshot
from cloudledger.sources.normalize import quiet_duckdb


@dataclass(frozen=True)
class LedgerView:
    """A consistent snapshot: the Ibis tables over its files (each opened on first use) and the backend that
    runs them. Opening a table reads the footers of its Parquet files, so a request answered from memory opens
    none."""

    con: ibis.BaseBackend
    snapshot: Snapshot
    rollups_root: Path | None = None

    @cached_property
    def all_rows(self) -> ir.Table:
        """Every row of the snapshot, whichever source it came from (validation, reconciliation)."""
        return snapshot_table(self.con, self.snapshot)

    @cached_property
    def table(self) -> ir.Table:
        """The rows cost analyses count: where one billing account and period is held by several sources
        (two export formats of one account), only the preferred source's rows (see `ledger.overlap`)."""
        counted = counted_files(self.snapshot.files)
        if len(counted) == len(self.snapshot.files):
            return self.all_rows
        return snapshot_table(self.con, self.snapshot, counted, "ledger_counted")

    @cached_property
    def columns(self) -> ir.Table:
        """An unbound table with the snapshot's schema, for questions about columns alone (opens no file)."""
        return ibis.table(ibis.Schema.from_pyarrow(self.snapshot.schema), name="ledger_columns")

    @property
    def ledger(self) -> ir.Table:
        """`table`, under the name analyses that also read rollups give it (`analyses.summary.TableSource`)."""
        return self.table

    @cached_property
    def daily(self) -> ir.Table:
        """The daily rollup of exactly the rows of `table` (see `ledger.rollups`): per day and FOCUS dimension,
        without tags. Rollups missing on disk are built on first use."""
        return self._rollup("daily")

    @cached_property
    def monthly(self) -> ir.Table:
        """The monthly rollup of exactly the rows of `table`: per charge month, FOCUS dimension and tags."""
        return self._rollup("monthly")

    def _rollup(self, shape: str) -> ir.Table:
        counted = counted_files(self.snapshot.files)
        if self.rollups_root is None or not counted:
            return self.table
        paths = ensure_rollups(self.con, self.rollups_root, by_slice(counted), shape)
        return read_rollups(self.con, paths, shape)

    def close(self) -> None:
        self.con.disconnect()


def connect() -> ibis.BaseBackend:
    """A DuckDB backend with UTC as its session time zone (dates are UTC in FOCUS), without progress bars."""
    return quiet_duckdb()


def snapshot_table(
    con: ibis.BaseBackend, snapshot: Snapshot, files: Sequence[str] | None = None, name: str = "ledger"
) -> ir.Table:
    """The rows of `snapshot` (or of some of its `files`): its own Parquet files only, partition columns
    decoded from their paths."""
    files = snapshot.files if files is None else files
    if not files:
        return con.create_table(f"{name}_empty", pa.Table.from_pylist([], schema=snapshot.schema), temp=True)
    return con.read_parquet(
        list(files),
        table_name=name,
        hive_partitioning=True,
        hive_types_autocast=False,
        union_by_name=True,
    )


def open_ledger(home: Home, as_of: AsOf = None) -> LedgerView:
    """The ledger of `home` as of a version or time (default: the latest version)."""
    snapshot = Ledger(home.ledger_path).snapshot(as_of)
    return LedgerView(connect(), snapshot, home.rollups_path)
