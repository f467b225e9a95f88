"""Targets, the terminal table and docs/benchmarks.md, all computed from results.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCS_PATH = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
TEN_MILLION = 10_000_000


@dataclass(frozen=True)
class Target:
    """One goal, the measured value and whether it is met."""

    name: str
    goal: str
    value: float
    unit: str
    met: bool


def targets(entry: dict[str, Any]) -> list[Target]:
    """The project's performance targets, checked against one size's measurements."""
    found: list[Target] = []
    rate = entry["ingest"]["cloudledger"]["rows_per_s"]
    found.append(Target("ingest rate", "≥ 1M rows/s", rate / 1e6, "M rows/s", rate >= 1e6))
    for name, q in entry["queries"]["queries"].items():
        cl = q["cloudledger"]
        if "pandas" in q:
            speedup = q["pandas"]["load_and_group"] / cl["with_open"]
            found.append(Target(f"{name}: vs pandas", "≥ 10× faster", speedup, "×", speedup >= 10))
        ratio = cl["without_open"] / q["duckdb"]["seconds"]
        found.append(Target(f"{name}: vs raw DuckDB", "within 2×", ratio, "× the time", ratio <= 2))
        if entry["rows"] >= TEN_MILLION:
            seconds = cl["with_open"]
            found.append(Target(f"{name}: group-by over 10M rows", "≤ 1 s", seconds, "s", seconds <= 1))
    return found


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _rate(rows_per_s: float | None) -> str:
    return "—" if rows_per_s is None else f"{rows_per_s / 1e6:.2f} M rows/s"


def _x(value: float) -> str:
    return f"{value:.1f}×" if value < 100 else f"{value:.0f}×"


def ingest_rows(entry: dict[str, Any]) -> list[list[str]]:
    """Method, time, rate and peak memory of each way of loading the files."""
    ing = entry["ingest"]
    cl, floor, pd_read = ing["cloudledger"], ing["delta_floor"], ing.get("pandas_read", {})
    rows = [
        [
            "cloudledger `ingest()`",
            _s(cl["seconds"]),
            _rate(cl["rows_per_s"]),
            f"{cl['peak_rss_mb']:,.0f} MiB",
        ],
        [
            "bare `write_deltalake` (same rows, same partitions; read not counted)",
            _s(floor["write_seconds"]),
            _rate(floor["rows_per_s"]),
            f"{floor['peak_rss_mb']:,.0f} MiB",
        ],
        [
            "… with `pq.read_table` of the files",
            _s(floor["read_seconds"] + floor["write_seconds"]),
            _rate(floor["rows_per_s_with_read"]),
            "",
        ],
    ]
    if "skipped" in pd_read:
        rows.append(["pandas `read_parquet(files)` (all columns)", "skipped", pd_read["skipped"], ""])
    elif pd_read:
        rows.append(
            [
                "pandas `read_parquet(files)` (all columns, load only)",
                _s(pd_read["seconds"]),
                _rate(pd_read["rows_per_s"]),
                f"{pd_read['peak_rss_mb']:,.0f} MiB",
            ]
        )
    return rows


def query_rows(entry: dict[str, Any]) -> list[list[str]]:
    """One row per query: the medians of every method, and the ratios."""
    out = []
    for name, q in entry["queries"]["queries"].items():
        cl, duck, pdx = q["cloudledger"], q["duckdb"], q.get("pandas")
        out.append(
            [
                name,
                str(q["groups"]),
                _s(pdx["load_and_group"]) if pdx else "—",
                _s(pdx["group"]) if pdx else "—",
                _s(duck["seconds"]),
                _s(cl["with_open"]),
                _s(cl["without_open"]),
                _x(pdx["load_and_group"] / cl["with_open"]) if pdx else "—",
                _x(pdx["group"] / cl["without_open"]) if pdx else "—",
                f"{cl['without_open'] / duck['seconds']:.2f}×",
            ]
        )
    return out


QUERY_HEADER = [
    "query (+ BillingCurrency)",
    "groups",
    "pandas load+group",
    "pandas group only",
    "raw DuckDB",
    "cloudledger incl. open_ledger",
    "cloudledger run_costs only",
    "pandas ÷ cloudledger (from files)",
    "pandas ÷ cloudledger (in memory vs open)",
    "cloudledger ÷ DuckDB",
]
INGEST_HEADER = ["method", "time", "rate", "peak RSS"]


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _target_rows(entry: dict[str, Any]) -> list[list[str]]:
    return [
        [t.name, t.goal, f"{t.value:.2f} {t.unit}", "met" if t.met else "**not met**"] for t in targets(entry)
    ]


def _cli_line(entry: dict[str, Any]) -> str:
    cli = entry.get("cli")
    if not cli:
        return "CLI: not measured"
    return (
        f"`cloudledger costs --by ServiceName --format json`: {_s(cli['seconds'])} wall "
        f"(`cloudledger --help`: {_s(cli['help_seconds'])}; importing the CLI and query modules: "
        f"{_s(cli['import_seconds'])})"
    )


def render_text(results: dict[str, Any], sizes: list[str] | None = None) -> str:
    """The results of `sizes` (default: all) as plain-text tables."""
    parts = []
    for key, entry in results["sizes"].items():
        if sizes and key not in sizes:
            continue
        parts.append(f"\n== {entry['rows']:,} rows ({entry['data']['files']} files) ==")
        parts.append(_text_table(INGEST_HEADER, ingest_rows(entry)))
        phases = entry["ingest"]["cloudledger"]["phases"]
        parts.append("ingest phases: " + ", ".join(f"{k} {_s(v)}" for k, v in phases.items()))
        parts.append("")
        parts.append(_text_table(QUERY_HEADER, query_rows(entry)))
        parts.append(_cli_line(entry))
        parts.append("")
        parts.append(_text_table(["target", "goal", "measured", ""], _target_rows(entry)))
    return "\n".join(parts)


def write_docs(results: dict[str, Any], path: Path = DOCS_PATH) -> None:
    """Rewrite docs/benchmarks.md from `results`."""
    from bench.docs import render_docs

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_docs(results))
