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
    "slice totals": ("cloudledger.ledger.ingest", "slice_totals"),
    "present slices": ("cloudledger.ledger.ingest", "_present_slices"),
    "write data files (Parquet)": ("cloudledger.ledger.datafiles", "DataFiles.write"),
    "close data files": ("cloudledger.ledger.datafiles", "DataFiles.close"),
    "Delta commit": ("cloudledger.ledger.table", "Ledger.replace_slices"),
}
"""Functions of the ingest path timed one by one (patched only inside the measuring process)."""
PROGRESS = "ingest read"


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
            owner = getattr(owner, parent, None)
        original = getattr(owner, name, None)
        if original is None:  # the ingest path changed: that step is then counted under "other"
            del spent[label]
            continue
        restore.append((owner, name, original))
        setattr(owner, name, wrap(label, original))
    try:
        yield spent
    finally:
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)


def cloudledger_ingest(files: Sequence[str], home_dir: str, per_file: bool = False) -> dict[str, Any]:
    """`ingest(home, files)` into a fresh home, with the time of each phase.

    With `per_file`, one ingest per file (one delivery at a time), as a scheduler would run them.
    """
    from cloudledger.home import Home
    from cloudledger.ledger.ingest import ingest

    shutil.rmtree(home_dir, ignore_errors=True)
    home = Home(Path(home_dir)).ensure()
    batches = [[f] for f in files] if per_file else [list(files)]
    rows, version = 0, None
    started = time.perf_counter()

    def progress(file: Any, read: int) -> None:  # the log shows how far a stopped ingest got
        print(f"{PROGRESS} {file.path.name} ({read:,} rows) at {time.perf_counter() - started:.1f} s", flush=True)

    with phase_times() as phases:
        for batch in batches:
            summary = ingest(home, batch, on_file=progress)
            rows, version = rows + summary.rows, summary.delta_version
        seconds = time.perf_counter() - started
    phases["other (concat, state DB, locks)"] = max(0.0, seconds - sum(phases.values()))
    return {
        "rows": rows,
        "ingests": len(batches),
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "delta_version": version,
        "phases": {k: round(v, 3) for k, v in phases.items()},
    }


def _with_slice_columns(batch: pa.RecordBatch) -> pa.RecordBatch:
    from cloudledger.sources.normalize import SLICE_COLUMNS

    period = pc.strftime(batch["BillingPeriodStart"], format="%Y-%m")
    source = pa.repeat("focus", batch.num_rows)
    arrays = [*batch.columns, period, source, batch["BillingAccountId"]]
    return pa.RecordBatch.from_arrays(arrays, names=[*batch.schema.names, *SLICE_COLUMNS])


def delta_floor(files: Sequence[str], table_dir: str) -> dict[str, Any]:
    """Stream the files into `write_deltalake` with the ledger's partitioning: what any ingest must pay.

    Reading is included (batches flow from the Parquet files to the writer), memory stays bounded.
    """
    from deltalake import DeltaTable, write_deltalake

    from cloudledger.sources.normalize import SLICE_COLUMNS

    shutil.rmtree(table_dir, ignore_errors=True)
    Path(table_dir).mkdir(parents=True)
    first = pq.ParquetFile(files[0])
    schema = _with_slice_columns(next(first.iter_batches(batch_size=1))).schema

    def batches() -> Iterator[pa.RecordBatch]:
        for path in files:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=128 * 1024):
                yield _with_slice_columns(batch)

    started = time.perf_counter()
    reader = pa.RecordBatchReader.from_batches(schema, batches())
    write_deltalake(table_dir, reader, partition_by=list(SLICE_COLUMNS), mode="append")
    seconds = time.perf_counter() - started
    written = DeltaTable(table_dir)
    rows = written.count()
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "files_written": len(written.file_uris()),
    }


def _money_as_float(table: pa.Table) -> pa.Table:
    for i, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            table = table.set_column(i, field.name, pc.cast(table.column(i), pa.float64()))
    return table


NARROW = (
    "BilledCost", "EffectiveCost", "ListCost", "ConsumedQuantity", "ServiceName", "ServiceCategory", "RegionId",
    "ResourceId", "ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "BillingAccountId", "SubAccountId",
    "PricingUnit", "BillingCurrency", "ProviderName",
)  # fmt: skip
"""16 FOCUS columns (plus the 3 slice columns): about the width of the data in the stack notes."""


def delta_write_variants(file: str, table_root: str) -> dict[str, Any]:
    """`write_deltalake` of one file's rows already in memory, changing one thing at a time."""
    from deltalake import write_deltalake

    from cloudledger.sources.normalize import SLICE_COLUMNS

    raw = pq.read_table(file)
    arrow_bytes_per_row = raw.nbytes / raw.num_rows
    table = pa.Table.from_batches([_with_slice_columns(b) for b in raw.to_batches()])
    del raw
    slices = list(SLICE_COLUMNS)
    variants = {
        "ledger layout: 57 columns, decimal money, 3 partition columns": (table, slices),
        "money as float64 instead of decimal128(38, 10)": (_money_as_float(table), slices),
        "partitioned by billing period only": (table, slices[:1]),
        "not partitioned": (table, None),
        "19 columns instead of 60": (table.select([*NARROW, *slices]), slices),
    }
    out: dict[str, Any] = {"rows": table.num_rows, "arrow_bytes_per_row": arrow_bytes_per_row, "variants": {}}
    for i, (name, (rows, partitions)) in enumerate([("warm-up", (table.slice(0, 50_000), slices)), *variants.items()]):
        target = Path(table_root) / f"variant-{i}"
        shutil.rmtree(target, ignore_errors=True)
        started = time.perf_counter()
        write_deltalake(str(target), rows, partition_by=partitions, mode="append")
        seconds = time.perf_counter() - started
        shutil.rmtree(target, ignore_errors=True)
        if i:
            out["variants"][name] = {"seconds": seconds, "rows_per_s": rows.num_rows / seconds}
    return out


def pandas_read(files: Sequence[str]) -> dict[str, Any]:
    """`pd.read_parquet(files)` with pandas' defaults (object strings, `Decimal` objects for money)."""
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_parquet(list(files))
    seconds = time.perf_counter() - started
    return {"rows": len(frame), "seconds": seconds, "rows_per_s": len(frame) / seconds}
