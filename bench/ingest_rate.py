"""Ingest rate: cloudledger's ingest, a bare Delta write of the same rows (the floor), and pandas."""

from __future__ import annotations

import functools
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PHASES = {
    "fingerprint (sha256, state DB)": ("cloudledger.ledger.ingest", "_changed"),
    "read Parquet": ("cloudledger.sources.focus", "read_parquet"),
    "normalize (DuckDB)": ("cloudledger.sources.focus", "normalize"),
    "check one delivery": ("cloudledger.ledger.ingest", "_check_one_delivery"),
    "slice totals (DuckDB)": ("cloudledger.ledger.ingest", "slice_totals"),
    "present slices": ("cloudledger.ledger.ingest", "_present_slices"),
    "Delta write": ("cloudledger.ledger.table", "Ledger.replace_slices"),
}
"""Functions of the ingest path timed one by one (patched only inside the measuring process)."""


@contextmanager
def phase_times() -> Iterator[dict[str, float]]:
    """Seconds spent in each of `PHASES` while the block runs."""
    import importlib

    spent = dict.fromkeys(PHASES, 0.0)
    restore: list[tuple[Any, str, Any]] = []

    def wrap(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started

        return timed

    for label, (module_name, attr) in PHASES.items():
        owner: Any = importlib.import_module(module_name)
        *parents, name = attr.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        original = getattr(owner, name)
        restore.append((owner, name, original))
        setattr(owner, name, wrap(label, original))
    try:
        yield spent
    finally:
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)


def cloudledger_ingest(files: Sequence[str], home_dir: str) -> dict[str, Any]:
    """`ingest(home, files)` into a fresh home, with the time of each phase."""
    from cloudledger.home import Home
    from cloudledger.ledger.ingest import ingest

    shutil.rmtree(home_dir, ignore_errors=True)
    home = Home(Path(home_dir)).ensure()
    with phase_times() as phases:
        started = time.perf_counter()
        summary = ingest(home, files)
        seconds = time.perf_counter() - started
    phases["other (concat, state DB, locks)"] = max(0.0, seconds - sum(phases.values()))
    return {
        "rows": summary.rows,
        "seconds": seconds,
        "rows_per_s": summary.rows / seconds,
        "delta_version": summary.delta_version,
        "slices": len(summary.slices),
        "phases": {k: round(v, 3) for k, v in phases.items()},
    }


def delta_floor(files: Sequence[str], table_dir: str) -> dict[str, Any]:
    """`write_deltalake` of the same rows with the same partitioning: what any ingest must at least pay."""
    from deltalake import DeltaTable, write_deltalake

    from cloudledger.sources.normalize import SLICE_COLUMNS

    shutil.rmtree(table_dir, ignore_errors=True)
    started = time.perf_counter()
    table = pa.concat_tables(pq.read_table(f) for f in files)
    period = pc.strftime(table["BillingPeriodStart"], format="%Y-%m")
    table = table.append_column(SLICE_COLUMNS[0], period)
    table = table.append_column(SLICE_COLUMNS[1], pa.repeat("focus", table.num_rows))
    table = table.append_column(SLICE_COLUMNS[2], table["BillingAccountId"])
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    Path(table_dir).mkdir(parents=True)
    write_deltalake(table_dir, table, partition_by=list(SLICE_COLUMNS), mode="append")
    write_seconds = time.perf_counter() - started
    written = DeltaTable(table_dir)
    return {
        "rows": table.num_rows,
        "read_seconds": read_seconds,
        "write_seconds": write_seconds,
        "rows_per_s": table.num_rows / write_seconds,
        "rows_per_s_with_read": table.num_rows / (read_seconds + write_seconds),
        "files_written": len(written.file_uris()),
    }


def pandas_read(files: Sequence[str]) -> dict[str, Any]:
    """`pd.read_parquet(files)` with pandas' defaults (object strings, `Decimal` objects for money)."""
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_parquet(list(files))
    seconds = time.perf_counter() - started
    return {"rows": len(frame), "seconds": seconds, "rows_per_s": len(frame) / seconds}
