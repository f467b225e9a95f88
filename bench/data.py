"""Realistic FOCUS 1.2 Parquet exports, generated once per row count and cached under `bench/out/data/`.

Deterministic (fixed seed) and vectorised (numpy + pyarrow): rows are drawn from a pool of resources
spread over ~10 billing accounts of three providers, ~40 services and 24 monthly billing periods. Money is
written as decimal128(38, 10) from integer units, so the exact expected totals are known without any engine.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench import catalog
from bench.money import decimal_text, exact_sum, units_of
from bench.pools import SEED, make_lookups, make_pool
from bench.rows import make_rows

GENERATOR_VERSION = 2
ROWS_PER_FILE = 1_000_000
ROW_GROUP_ROWS = 250_000


@dataclass(frozen=True)
class Dataset:
    """Generated FOCUS files and what they must add up to."""

    rows: int
    files: tuple[Path, ...]
    billed_totals: dict[str, str]
    """Exact sum of BilledCost per billing currency (decimal strings)."""
    bytes: int
    seconds: float
    cached: bool


def file_ranges(rows: int, periods: int = catalog.PERIODS) -> list[tuple[int, int]]:
    """Row ranges of the files: whole billing periods each (as exports are delivered), ~1M rows a file."""
    per_file = max(1, periods // max(1, math.ceil(rows / ROWS_PER_FILE)))
    first_row = [-(-p * rows // periods) for p in range(periods + 1)]  # first row of each period
    edges = sorted({first_row[p] for p in range(0, periods, per_file)} | {rows})
    return list(itertools.pairwise(edges))


def generate(rows: int, folder: Path, seed: int = SEED, periods: int = catalog.PERIODS) -> dict[str, str]:
    """Write `rows` rows as FOCUS Parquet files (snappy) into `folder`; return exact BilledCost totals."""
    lookups = make_lookups()
    pool = make_pool(rows, lookups, seed)
    currencies = lookups.accounts["BillingCurrency"].to_pylist()
    totals = dict.fromkeys(currencies, 0)
    folder.mkdir(parents=True, exist_ok=True)
    for i, (start, stop) in enumerate(file_ranges(rows, periods)):
        table = make_rows(pool, lookups, start, stop, rows, seed, periods)
        units = units_of(table["BilledCost"])
        currency = np.array(pc.index_in(table["BillingCurrency"], pa.array(currencies)).to_numpy(False))
        for c, code in enumerate(currencies):
            totals[code] += exact_sum(units[currency == c])
        pq.write_table(table, folder / f"part-{i:05d}.parquet", compression="snappy", row_group_size=ROW_GROUP_ROWS)
    return {code: decimal_text(total) for code, total in sorted(totals.items())}


def dataset(rows: int, out: Path, seed: int = SEED, periods: int = catalog.PERIODS) -> Dataset:
    """The generated files for `rows` rows under `out/data/`, generated once and reused."""
    shape = "" if periods == catalog.PERIODS else f"-periods-{periods}"
    folder = out / "data" / f"rows-{rows}{shape}-seed-{seed}-v{GENERATOR_VERSION}"
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        files = tuple(folder / name for name in meta["files"])
        if all(f.exists() for f in files):
            return Dataset(rows, files, meta["billed_totals"], meta["bytes"], meta["seconds"], cached=True)
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    totals = generate(rows, staging, seed, periods)
    seconds = time.perf_counter() - started
    names = sorted(p.name for p in staging.glob("*.parquet"))
    size = sum((staging / name).stat().st_size for name in names)
    meta = {"rows": rows, "seed": seed, "files": names, "billed_totals": totals, "bytes": size, "seconds": seconds}
    (staging / "meta.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return Dataset(rows, tuple(folder / name for name in names), totals, size, seconds, cached=False)
