"""docs/benchmarks.md, rendered from results.json (never edited by hand)."""

from __future__ import annotations

from typing import Any

from bench import catalog, data
from bench.native_docs import native_section
from bench.native_notes import NATIVE_NOTES
from bench.notes import notes
from bench.report import (
    INGEST_HEADER,
    QUERY_HEADER,
    md_table,
    overhead_rows,
    phase_rows,
    query_rows,
    seconds_text,
    target_rows,
    targets,
    variant_rows,
)

INTRO = """\
# Benchmarks

How fast cloudledger ingests FOCUS exports and answers `cloudledger costs`, next to what the same machine
does with pandas and with DuckDB used directly. Every number on this page was measured by `python -m bench`
(`./run bench`), and the page itself is written by `python -m bench --write-docs`. A quick run:
`python -m bench --rows 200000`. All timed runs are kept in `bench/out/results.json`.
"""

DATA = f"""\
## Method

**Data.** `bench/data.py` generates FOCUS 1.2 Parquet exports (pyarrow, snappy, row groups of
{data.ROW_GROUP_ROWS:,} rows) from a fixed seed and caches them under `bench/out/data/`, one folder per row
count. They have all 57 FOCUS 1.2 columns, typed as the ledger types them: money and quantities as
decimal128(38, 10), dates as timestamp[us, UTC], Tags as map<string, string>. The rows cover
{catalog.PERIODS} monthly billing periods and {len(catalog.ACCOUNTS)} billing accounts of three providers
(one account is billed in EUR). There are {len(catalog.SERVICES)} services and
{catalog.SUB_ACCOUNTS_PER_ACCOUNT} sub-accounts per account. There is one resource per ~20 rows, so
ResourceId has high cardinality. Each resource has 3-5 tags; `team` is on ~85% of them. The charges are
usage, purchase, tax, credit and adjustment rows, with commitment discounts and corrections. Each file holds
whole billing periods, ~1M rows, as providers deliver them. The generator sums BilledCost from the integer
units it writes, so the exact total is known without any engine.
"""

METHOD = """\
**Ingest.** Each ingest measurement runs in a fresh Python process, so the peak memory is that process's
own. The process is stopped if it grows past the memory limit (the machine is shared).

- *cloudledger*: `ingest(home, files)` into an empty home, with the time spent in each step of the ingest
  path. If it is stopped, the ledger is built with one `ingest()` per file instead, and that is measured.
- *Floor*: `deltalake.write_deltalake` of the same files, streamed batch by batch into the same three
  partition columns. An ingest that reads these files and writes this table cannot be faster.
- *Variants*: `write_deltalake` of the first file's rows already in memory, changing one thing at a time.
  This shows what the Delta write's time depends on.
- *pandas*: `pd.read_parquet(files)` with its defaults, load only.

**`costs` group-by.** Three queries: `--by ServiceName`, `--by ServiceName --by x_billing_period` and
`--by tag:team`. Each is grouped by its keys and BillingCurrency, as `cloudledger costs` returns it; amounts
in different currencies are never added. All methods run in one process over the Parquet files of the same
Delta snapshot. Each gets one warm-up round, then we take the median of five rounds. Within a round the
methods run one after the other, so load from other jobs on the machine hits all of them alike.

- *pandas, all columns*: the dashboard script as usually written. `pd.read_parquet(files)` loads everything
  once, then each `groupby()`. Measured only up to 2M rows; beyond that the frame would not fit in memory.
- *pandas, needed columns*: a careful script. `pd.read_parquet(files, columns=[...])` reads only what the
  query needs. It then derives the key: the tag from the Tags map, or the period from BillingPeriodStart
  (formatted after grouping). Last comes `groupby(..., dropna=False)["BilledCost"].sum()`. It is reported
  as load + group, and as the group alone. Money arrives as Python `Decimal` objects (pandas' default for
  decimal columns), so it stays exact.
- *raw DuckDB*: on an open connection, `SELECT keys, BillingCurrency, sum(BilledCost) FROM
  read_parquet(<the snapshot's files>, hive_partitioning = true) GROUP BY ALL`.
- *cloudledger*: `open_ledger(home)` + `run_costs(con, table, CostQuery(...))`, which is what
  `cloudledger costs` runs. Also `run_costs` alone, on a ledger that is already open.

**Correctness.** The benchmark fails unless every method returns the same groups with identical decimal
totals, and the totals per currency equal the generator's. `cloudledger costs` is also run as a user runs
it, in a new process each time with interpreter start-up included (median of three). Its JSON output is
checked against the same totals.

**Ratios.** All ratios are taken within one round of one process.
- *pandas ÷ cloudledger*: pandas load + group against cloudledger including `open_ledger`. Both start from
  files on disk.
- *group only ÷ run_costs*: pandas' group alone against `run_costs` on an open ledger.
- *run_costs ÷ raw DuckDB*: `run_costs` on an open ledger against the raw query.
"""


def _machine(results: dict[str, Any]) -> str:
    m = results["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    loads = "; ".join(
        f"{int(k):,} rows: {e['load_average_before'][0]} → {e.get('load_average_after', ['?'])[0]}"
        for k, e in results["sizes"].items()
        if e.get("load_average_before")
    )
    rows = [
        ["cores", str(m["cores"])],
        ["memory", f"{m['ram_gib']} GiB"],
        ["CPU", m["cpu"]],
        ["OS", m["os"]],
        ["Python", m["python"]],
        ["packages", packages],
        ["1-minute load average, start → end of each size", loads],
        ["memory limit per measurement", f"{results['method'].get('max_rss_gib', '?')} GiB"],
    ]
    return (
        "## Machine\n\n"
        + md_table(["", ""], rows)
        + "\n\nThe machine is a shared VM, and other jobs ran during the measurements (see the load average). "
        "The same run, repeated, can differ by up to 2×. Ratios from one process are steadier than absolute "
        "times.\n"
    )


def _ingest_section(entry: dict[str, Any]) -> list[str]:
    parts = ["### Ingest", "", md_table(INGEST_HEADER, ingest_rows_with_stop(entry))]
    phases = phase_rows(entry)
    if phases:
        parts += ["", "Where cloudledger's ingest spends its time:", "", md_table(["step", "time", "share"], phases)]
    variants = variant_rows(entry)
    if variants:
        rows = entry["ingest"]["delta_variants"]["rows"]
        parts += [
            "",
            f"`write_deltalake` of the first file ({rows:,} rows) from memory, one change at a time:",
            "",
            md_table(["variant", "time", "rate"], variants),
        ]
    return parts


def ingest_rows_with_stop(entry: dict[str, Any]) -> list[list[str]]:
    """The ingest table, saying how far a stopped ingest got."""
    from bench.report import ingest_rows

    rows = ingest_rows(entry)
    cl = entry["ingest"]["cloudledger"]
    if "aborted" in cl and "files_read" in cl:
        rows[0][2] = f"{cl['aborted']}; it had read {cl['files_read']} of {entry['data']['files']} files" + (
            f" by {cl['last_file_read_at']:.0f} s" if cl.get("last_file_read_at") else ""
        )
    return rows


def _queries_section(entry: dict[str, Any]) -> list[str]:
    if not entry.get("queries"):
        return []
    parts = ["", "### `costs` group-by (medians)", "", md_table(QUERY_HEADER, query_rows(entry))]
    steps = overhead_rows(entry)
    if steps:
        parts += [
            "",
            "`costs --by ServiceName`, one layer at a time (medians, in rotation):",
            "",
            md_table(["step", "time"], steps),
        ]
    cli = entry.get("cli")
    if cli:
        parts += [
            "",
            f"`cloudledger costs --by ServiceName --home H --format json` in a new process: "
            f"**{seconds_text(cli['seconds'])}** wall. Importing the modules the command needs takes "
            f"{seconds_text(cli['import_seconds'])} of that (`cloudledger --help` alone: "
            f"{seconds_text(cli['help_seconds'])}).",
        ]
    return parts


def _size(entry: dict[str, Any]) -> str:
    d = entry["data"]
    when = f"measured {entry['measured_at']}" + (f" at commit {entry['git_commit']}" if entry.get("git_commit") else "")
    parts = [
        f"## Results: {entry['rows']:,} rows",
        "",
        f"{d['files']} Parquet file(s), {d['bytes'] / 1e6:,.0f} MB; {when}.",
        "",
    ]
    parts += _ingest_section(entry)
    parts += _queries_section(entry)
    parts += ["", "### Targets", "", md_table(["target", "goal", "measured", ""], target_rows(entry))]
    return "\n".join(parts) + "\n"


def _summary(results: dict[str, Any]) -> str:
    sizes = list(results["sizes"].values())
    names: list[str] = []
    cells: dict[tuple[str, int], str] = {}
    goals: dict[str, str] = {}
    for entry in sizes:
        for t in targets(entry):
            name = t.name.replace(" (one ingest per file)", "")
            if name not in names:
                names.append(name)
            goals[name] = t.goal
            mark = "met" if t.met else "**not met**"
            how = " (one ingest per file)" if "per file" in t.name else ""
            cells[(name, entry["rows"])] = f"{t.measured}{how}: {mark}"
    header = ["target", "goal", *[f"{e['rows']:,} rows" for e in sizes]]
    rows = [[n, goals[n], *[cells.get((n, e["rows"]), "—") for e in sizes]] for n in names]
    return "## Targets at a glance\n\n" + md_table(header, rows) + "\n"


def render_docs(results: dict[str, Any]) -> str:
    """The whole page."""
    sections = [INTRO, _machine(results), DATA, METHOD, _summary(results)]
    sections += [_size(e) for e in results["sizes"].values()]
    native = native_section(results, NATIVE_NOTES)
    if native:
        sections.append(native)
    sections.append("## What limits the numbers\n\n" + "\n".join(f"- {n}" for n in notes(results)) + "\n")
    return "\n".join(sections)
