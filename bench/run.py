"""Run the benchmark for one or more sizes and collect the results as plain JSON-ready dicts."""

from __future__ import annotations

import gc
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import catalog, data
from bench.cli_time import measure_cli
from bench.ingest_rate import PROGRESS, cloudledger_ingest, delta_floor, delta_write_variants, pandas_read
from bench.overhead import measure_overhead
from bench.queries import measure_queries
from bench.timing import MemoryLimitError, isolated

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("cloudledger", "deltalake", "duckdb", "ibis-framework", "sqlglot", "pyarrow", "pandas", "numpy")


@dataclass(frozen=True)
class Options:
    """How to run: where to write, how many timed runs, what to include."""

    out: Path
    repeats: int = 5
    warmup: int = 1
    periods: int = catalog.PERIODS
    """Billing periods in the generated data (each adds one partition per billing account)."""
    isolate: bool = True
    """Run each measurement group in a fresh process (honest peak memory, no cross-talk)."""
    pandas_read_max_rows: int = 2_000_000
    """Above this, pandas loading every column is not measured (tens of GB of Python objects)."""
    cli: bool = True
    cli_repeats: int = 3
    max_rss_gib: float = 14.0
    """A measurement that grows past this is stopped and reported (the machine is shared)."""
    log: bool = True


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, OS, Python and the versions of the packages measured."""
    meminfo = Path("/proc/meminfo")
    ram = None
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024**2, 1)
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln),
            cpu,
        )
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cores": os.cpu_count(),
        "ram_gib": ram,
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": versions,
    }


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() or None


def _progress(log: Path) -> dict[str, Any]:
    """How far a stopped ingest got: files read, and when it read the last one."""
    lines = [ln for ln in log.read_text(errors="replace").replace("\r", "\n").splitlines() if ln.startswith(PROGRESS)]
    found = re.search(r"at ([0-9.]+) s$", lines[-1]) if lines else None
    return {"files_read": len(lines), "last_file_read_at": float(found.group(1)) if found else None}


def _load() -> list[float] | None:
    """1, 5 and 15 minute load averages: other jobs on the machine skew timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _say(options: Options, message: str) -> None:
    if options.log:
        print(message, file=sys.stderr, flush=True)


def run_size(rows: int, options: Options) -> dict[str, Any]:
    """Generate (or reuse) `rows` rows, then measure ingest, the group-bys and the CLI."""
    _say(options, f"[{rows:,} rows] generating data (cached under {options.out / 'data'})")
    dataset = data.dataset(rows, options.out, periods=options.periods)
    files = [str(f) for f in dataset.files]
    work = options.out / "work" / f"rows-{rows}"
    home_dir = str(work / "home")
    entry: dict[str, Any] = {
        "rows": rows,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "data": {
            "files": len(files),
            "bytes": dataset.bytes,
            "generate_seconds": round(dataset.seconds, 2),
            "billed_totals": dataset.billed_totals,
        },
        "load_average_before": _load(),
        "ingest": {},
    }
    work.mkdir(parents=True, exist_ok=True)
    iso: dict[str, Any] = {"isolate": options.isolate, "max_rss_mb": options.max_rss_gib * 1024}
    _say(options, f"[{rows:,} rows] ingest: cloudledger, all files in one ingest")
    try:
        ingest = isolated(cloudledger_ingest, files, home_dir, log=work / "ingest.log", **iso)
    except MemoryLimitError as exc:
        ingest = {"aborted": str(exc), "limit_gib": options.max_rss_gib, "seconds": exc.seconds}
        ingest.update(_progress(work / "ingest.log"))
        _say(options, f"[{rows:,} rows] ingest {exc}; now one ingest per file")
        per_file = isolated(cloudledger_ingest, files, home_dir, True, log=work / "ingest-per-file.log", **iso)
        entry["ingest"]["cloudledger_per_file"] = per_file
    entry["ingest"]["cloudledger"] = ingest
    _say(options, f"[{rows:,} rows] ingest: write_deltalake alone")
    entry["ingest"]["delta_floor"] = isolated(delta_floor, files, str(work / "floor"), **iso)
    shutil.rmtree(work / "floor", ignore_errors=True)
    _say(options, f"[{rows:,} rows] ingest: write_deltalake variants on the first file")
    entry["ingest"]["delta_variants"] = isolated(delta_write_variants, files[0], str(work / "variants"), **iso)
    if rows <= options.pandas_read_max_rows:
        _say(options, f"[{rows:,} rows] ingest: pandas read_parquet")
        try:
            entry["ingest"]["pandas_read"] = isolated(pandas_read, files, **iso)
        except MemoryLimitError as exc:
            entry["ingest"]["pandas_read"] = {"skipped": str(exc)}
    else:
        entry["ingest"]["pandas_read"] = {
            "skipped": f"more than {options.pandas_read_max_rows:,} rows: every column as Python objects "
            "would not fit in memory"
        }
    gc.collect()
    _say(options, f"[{rows:,} rows] costs group-by: cloudledger, raw DuckDB, pandas")
    entry["queries"] = isolated(
        measure_queries,
        home_dir,
        dataset.billed_totals,
        options.repeats,
        options.warmup,
        rows <= options.pandas_read_max_rows,
        log=work / "queries.log",
        **iso,
    )
    _say(options, f"[{rows:,} rows] costs: time of each layer")
    entry["overhead"] = isolated(measure_overhead, home_dir, options.repeats, options.warmup, **iso)
    if options.cli:
        _say(options, f"[{rows:,} rows] cloudledger costs (CLI)")
        entry["cli"] = measure_cli(home_dir, dataset.billed_totals, options.cli_repeats)
    entry["load_average_after"] = _load()
    return entry


def run(sizes: list[int], options: Options) -> dict[str, Any]:
    """Measure every size; merge into `out/results.json` (other sizes measured earlier are kept)."""
    options.out.mkdir(parents=True, exist_ok=True)
    path = options.out / "results.json"
    results: dict[str, Any] = {"sizes": {}}
    if path.exists():
        try:
            results = json.loads(path.read_text())
        except json.JSONDecodeError:
            results = {"sizes": {}}
    results["machine"] = machine()
    results["method"] = {
        "repeats": options.repeats,
        "warmup_runs": options.warmup,
        "isolated_processes": options.isolate,
        "max_rss_gib": options.max_rss_gib,
    }
    for rows in sizes:
        results["sizes"][str(rows)] = run_size(rows, options)
        results["sizes"] = dict(sorted(results["sizes"].items(), key=lambda kv: int(kv[0])))
        path.write_text(json.dumps(results, indent=2, default=str))
    return results
