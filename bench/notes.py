"""The notes of docs/benchmarks.md: what limits the numbers, with the values measured in this run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.report import TEN_MILLION, ingest_result, seconds_text


def _largest(results: dict[str, Any], needs: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    found = [e for e in results["sizes"].values() if needs(e)]
    return max(found, key=lambda e: e["rows"]) if found else None


def _compare(value: float, base: float) -> str:
    ratio = value / base
    if 0.87 <= ratio <= 1.15:
        return "about the same"
    return f"{ratio:.1f}× as fast" if ratio > 1 else f"{1 / ratio:.1f}× slower"


def _variants(entry: dict[str, Any]) -> str:
    found = entry["ingest"].get("delta_variants", {}).get("variants", {})
    if len(found) < 5:
        return ""
    rates = [v["rows_per_s"] for v in found.values()]
    base = rates[0]
    return (
        f" Writing the first file from memory runs at {base / 1e6:.2f} M rows/s in the ledger's layout. "
        f"Against that, money as float64 instead of decimals is {_compare(rates[1], base)}, partitioning by "
        f"period only is {_compare(rates[2], base)}, no partitioning is {_compare(rates[3], base)}, and 19 "
        f"columns instead of 60 is {_compare(rates[4], base)} ({rates[4] / 1e6:.2f} M rows/s). So on 2 cores "
        "the width of a full FOCUS row is what limits the Delta write, far more than decimals or partitions."
    )


def _ingest(results: dict[str, Any]) -> str | None:
    entry = _largest(results, lambda e: ingest_result(e)[1] is not None)
    if entry is None:
        return None
    _, ingest = ingest_result(entry)
    assert ingest is not None
    floor = entry["ingest"]["delta_floor"]
    total = ingest["seconds"]
    share = {k: 100 * v / total for k, v in ingest["phases"].items()}
    return (
        f"**Ingest is far from 1M rows/s, and so is the floor.** At {entry['rows']:,} rows, the floor "
        f"(`write_deltalake` streaming the same files into the same partitions, reading included) runs at "
        f"{floor['rows_per_s'] / 1e6:.2f} M rows/s and writes {floor['files_written']} files."
        + _variants(entry)
        + f" cloudledger's ingest runs at {ingest['rows_per_s'] / 1e6:.2f} M rows/s, "
        f"{ingest['rows_per_s'] / floor['rows_per_s']:.0%} of the floor. Of its time: "
        + ", ".join(f"{v:.0f}% {k}" for k, v in sorted(share.items(), key=lambda kv: -kv[1]) if v >= 1)
        + ". normalize copies each file into DuckDB, runs every column through a conversion and converts the "
        "result back to Arrow. For a FOCUS Parquet file already typed like the ledger, that conversion "
        "changes nothing."
    )


def _arrow_gib_per_million(results: dict[str, Any]) -> float | None:
    per_row = [
        e["ingest"]["delta_variants"]["arrow_bytes_per_row"]
        for e in results["sizes"].values()
        if "arrow_bytes_per_row" in e["ingest"].get("delta_variants", {})
    ]
    return per_row[-1] * 1e6 / 1024**3 if per_row else None


def _memory(results: dict[str, Any]) -> str | None:
    sizes = [e for e in results["sizes"].values() if "peak_rss_mb" in e["ingest"]["cloudledger"]]
    if not sizes:
        return None
    entry = max(sizes, key=lambda e: e["rows"])
    cl = entry["ingest"]["cloudledger"]
    per_million = cl["peak_rss_mb"] / 1024 / (entry["rows"] / 1e6)
    arrow = _arrow_gib_per_million(results)
    text = (
        "**Ingest memory.** `ingest()` writes each batch into the ledger's Parquet data files as it reads "
        "it, and its single Delta commit only adds those files (see the native section below). "
        f"Its peak memory was {cl['peak_rss_mb'] / 1024:.1f} GiB "
        f"for {entry['rows']:,} rows (~{per_million:.1f} GiB per million rows"
        + (f"; the same rows take {arrow:.1f} GiB in Arrow" if arrow else "")
        + ")"
    )
    for e in results["sizes"].values():
        stopped = e["ingest"]["cloudledger"]
        if "aborted" not in stopped:
            continue
        files, read = e["data"]["files"], stopped.get("files_read")
        at = stopped.get("last_file_read_at")
        if read == files and at:
            how = f"had read and normalized all {files} files by {at:.0f} s, then"
        else:
            how = f"had read {read} of its {files} files when it"
        text += (
            f". At {e['rows']:,} rows, `ingest(home, files)` {how} went past the {stopped['limit_gib']:g} GiB "
            f"limit this benchmark sets on a shared machine, at {stopped['seconds']:.0f} s, before its commit"
        )
        per = e["ingest"].get("cloudledger_per_file")
        if per:
            text += (
                f". One ingest per file ({per['ingests']} ingests, as a scheduler delivering month by month "
                f"would run them) took {seconds_text(per['seconds'])}, with a peak of "
                f"{per['peak_rss_mb'] / 1024:.1f} GiB"
            )
    return text + (". Streaming batches from reader to writer would bound the memory and still keep the single commit.")


def _run_costs_text(steps: dict[str, float]) -> str:
    one, full = steps["ibis: one query (cost breakdown)"], steps["run_costs"]
    if full >= 1.5 * one:
        return (
            f"`run_costs` takes {seconds_text(full)}: it runs a second query over all rows for the per-currency "
            "totals, which could be summed from the breakdown's rows."
        )
    return f"`run_costs` takes {seconds_text(full)}: one query, plus turning its rows into Python values."


def _files(results: dict[str, Any]) -> str | None:
    entry = _largest(results, lambda e: "overhead" in e)
    if entry is None:
        return None
    steps = entry["overhead"]["steps"]
    ratios = ", ".join(
        f"{q['cloudledger']['without_open'] / q['duckdb']['seconds']:.1f}× at {e['rows']:,} rows"
        for e in results["sizes"].values()
        if (q := e.get("queries", {}).get("queries", {}).get("ServiceName"))
    )
    return (
        f"**Each query pays for {entry['overhead']['files']} small files.** The ledger is partitioned by "
        "billing period × source × billing account, so 24 months of 10 accounts are 240 Parquet files "
        f"whatever the row count. The layers of `costs --by ServiceName` at {entry['rows']:,} rows: the raw "
        f"DuckDB query takes {seconds_text(steps['raw DuckDB query'])}; with `union_by_name` (which "
        "`open_ledger` uses, so that files written before a schema change still read) "
        f"{seconds_text(steps['raw DuckDB query, union_by_name'])}; the same query built with Ibis and run "
        f"through `con.to_pyarrow` {seconds_text(steps['ibis: one query (cost breakdown)'])}. "
        + _run_costs_text(steps)
        + f" `open_ledger` + `close` take {seconds_text(steps['open_ledger + close'])}, of which the Delta "
        f"snapshot is {seconds_text(steps['Delta snapshot (file list)'])}; the rest is DuckDB creating and "
        "describing a view over every file. These costs are fixed per query while the scan grows with the "
        f"rows, so `run_costs` ÷ raw DuckDB shrinks as the ledger grows: {ratios}."
    )


def _pandas(results: dict[str, Any]) -> str | None:
    entry = _largest(results, lambda e: bool(e.get("queries")))
    if entry is None:
        return None
    q = entry["queries"]["queries"]["ServiceName"]
    full = _largest(
        results, lambda e: "pandas_all_columns" in e.get("queries", {}).get("queries", {}).get("ServiceName", {})
    )
    text = (
        "**pandas is fast when it reads few columns.** Parquet is columnar, so "
        "`pd.read_parquet(files, columns=[...])` of three columns is cheap; what is slow in pandas is "
        "everything per row in Python: `Decimal` objects for money, lists of tuples for the Tags map "
        f"(`--by tag:team` is the slowest pandas query). At {entry['rows']:,} rows pandas needed "
        f"{seconds_text(q['pandas']['load_and_group'])} for `--by ServiceName` reading only what it needs"
    )
    if full is not None:
        fq = full["queries"]["queries"]["ServiceName"]["pandas_all_columns"]
        text += (
            f"; the script as usually written, `pd.read_parquet(files)` of every column, needed "
            f"{seconds_text(fq['load'])} just to load {full['rows']:,} rows"
        )
    big = [e for e in results["sizes"].values() if e["rows"] >= TEN_MILLION]
    if big:
        text += (
            f". Loading every column of {big[0]['rows']:,} rows into pandas was not attempted: as Python "
            "objects it would need far more memory than this machine has"
        )
    slower = [
        f"{e['rows']:,}"
        for e in results["sizes"].values()
        if (q := e.get("queries", {}).get("queries", {}).get("ServiceName"))
        and q["pandas"]["group"] > q["cloudledger"]["with_open"]
    ]
    if slower:
        text += (
            f". At {' and '.join(slower)} rows, pandas' `groupby().sum()` alone, on a frame already in memory, "
            "took longer than cloudledger's whole `--by ServiceName` query from the files"
        )
    return text + "."


def _cli(results: dict[str, Any]) -> str | None:
    entry = _largest(results, lambda e: bool(e.get("cli")))
    if entry is None:
        return None
    cli = entry["cli"]
    return (
        f"**The CLI pays for its imports.** At {entry['rows']:,} rows, `cloudledger costs` took "
        f"{seconds_text(cli['seconds'])} wall. {cli['import_seconds'] / cli['seconds']:.0%} of that "
        f"({seconds_text(cli['import_seconds'])}) goes to importing Typer, Rich, Ibis, deltalake, pyarrow "
        "and SQLAlchemy, before any data is read. `costs` never uses the state DB, but SQLAlchemy is "
        "imported anyway: `cli_query.py` imports `StateDB` at module level (for `history`), and "
        "`ledger/table.py` takes a type alias from `ledger/state.py`."
    )


MACHINE = (
    "**The machine.** Two cores shared with other jobs: timings of one run vary by up to 2× (every timed run "
    "is in `bench/out/results.json`). On this VM, memory a process touches for the first time can cost "
    "1-3 s per GiB (host-side page faults), which weighs on anything that allocates gigabytes, such as "
    "ingest and pandas."
)


def notes(results: dict[str, Any]) -> list[str]:
    """Bullet points for the docs, each backed by this run's numbers."""
    found = [make(results) for make in (_ingest, _memory, _files, _pandas, _cli)]
    return [n for n in found if n] + [MACHINE]
