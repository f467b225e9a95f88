"""Read one snapshot of the ledger as an Ibis table on DuckDB."""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cloudledger.home import Home
from cloudledger.ledger.table import AsOf, Ledger, Snapshot
from cloudledger.sources.normalize import quiet_duckdb


@dataclass(frozen=True)
class LedgerView:
    """A consistent snapshot: the Ibis table over its files and the backend that runs it."""

    con: ibis.BaseBackend
    table: ir.Table
    snapshot: Snapshot

    def close(self) -> None:
        self.con.disconnect()


def connect() -> ibis.BaseBackend:
    """A DuckDB backend with UTC as its session time zone (dates are UTC in FOCUS), without progress bars."""
    return quiet_duckdb()


def snapshot_table(con: ibis.BaseBackend, snapshot: Snapshot) -> ir.Table:
    """The rows of `snapshot`: its own Parquet files only, partition columns decoded from their paths."""
    if not snapshot.files:
        return con.create_table("ledger_empty", pa.Table.from_pylist([], schema=snapshot.schema), temp=True)
    return con.read_parquet(
        list(snapshot.files),
        table_name="ledger",
        hive_partitioning=True,
        hive_types_autocast=False,
        union_by_name=True,
    )


def open_ledger(home: Home, as_of: AsOf = None) -> LedgerView:
    """The ledger of `home` as of a version or time (default: the latest version)."""
    snapshot = Ledger(home.ledger_path).snapshot(as_of)
    con = connect()
    return LedgerView(con, snapshot_table(con, snapshot), snapshot)
