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

    @property
    def measured(self) -> str:
        """The value with its unit: 1.21 s, 3.47× the time."""
        joiner = "" if self.unit.startswith("×") else " "
        return f"{self.value:.2f}{joiner}{self.unit}"


def ingest_result(entry: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """The cloudledger ingest that completed: all files at once, else one file at a time."""
    ing = entry["ingest"]
    if "aborted" not in ing["cloudledger"]:
        return "ingest rate", ing["cloudledger"]
    if "cloudledger_per_file" in ing:
        return "ingest rate (one ingest per file)", ing["cloudledger_per_file"]
    return "ingest rate", None


def targets(entry: dict[str, Any]) -> list[Target]:
    """The project's performance targets, checked against one size's measurements."""
    found: list[Target] = []
    label, ingest = ingest_result(entry)
    if ingest is not None:
        rate = ingest["rows_per_s"]
        found.append(Target(label, "≥ 1M rows/s", rate / 1e6, "M rows/s", rate >= 1e6))
    for name, q in entry.get("queries", {}).get("queries", {}).items():
        cl = q["cloudledger"]
        for key, how in (("pandas_all_columns", "all columns"), ("pandas", "needed columns")):
            if key in q:
                speedup = q[key]["load_and_group"] / cl["with_open"]
                label = f"{query_label(name)}: vs pandas ({how})"
                found.append(Target(label, "≥ 10× faster", speedup, "×", speedup >= 10))
        ratio = cl["without_open"] / q["duckdb"]["seconds"]
        found.append(Target(f"{query_label(name)}: vs raw DuckDB", "within 2×", ratio, "× the time", ratio <= 2))
        if entry["rows"] >= TEN_MILLION:
            seconds = cl["with_open"]
            label = f"{query_label(name)}: group-by over 10M rows"
            found.append(Target(label, "≤ 1 s", seconds, "s", seconds <= 1))
    return found


def seconds_text(seconds: float | None) -> str:
    """1.23 s, or 456 ms under a second."""
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _rate(rows_per_s: float | None) -> str:
    return "—" if rows_per_s is None else f"{rows_per_s / 1e6:.2f} M rows/s"


def _x(value: float) -> str:
    return f"{value:.1f}×" if value < 100 else f"{value:.0f}×"


def _mib(result: dict[str, Any]) -> str:
    return f"{result['peak_rss_mb']:,.0f} MiB" if "peak_rss_mb" in result else ""


def ingest_rows(entry: dict[str, Any]) -> list[list[str]]:
    """Method, time, rate and peak memory of each way of loading the files."""
    ing = entry["ingest"]
    cl, floor, pd_read = ing["cloudledger"], ing["delta_floor"], ing.get("pandas_read", {})
    rows = []
    if "aborted" in cl:
        rows.append(["cloudledger `ingest(home, files)`", "stopped", cl["aborted"], f"> {cl['limit_gib']} GiB"])
    else:
        rows.append(
            ["cloudledger `ingest(home, files)`", seconds_text(cl["seconds"]), _rate(cl["rows_per_s"]), _mib(cl)]
        )
    if "cloudledger_per_file" in ing:
        per = ing["cloudledger_per_file"]
        label = f"cloudledger, one `ingest()` per file ({per['ingests']} ingests)"
        rows.append([label, seconds_text(per["seconds"]), _rate(per["rows_per_s"]), _mib(per)])
    label = "`write_deltalake` alone, streaming the files (same rows and partitions)"
    rows.append([label, seconds_text(floor["seconds"]), _rate(floor["rows_per_s"]), _mib(floor)])
    if "skipped" in pd_read:
        rows.append(["pandas `read_parquet(files)`, all columns", "skipped", pd_read["skipped"], ""])
    elif pd_read:
        label = "pandas `read_parquet(files)`, all columns (load only)"
        rows.append([label, seconds_text(pd_read["seconds"]), _rate(pd_read["rows_per_s"]), _mib(pd_read)])
    return rows


def variant_rows(entry: dict[str, Any]) -> list[list[str]]:
    """`write_deltalake` of one file in memory, one change at a time."""
    variants = entry["ingest"].get("delta_variants", {}).get("variants", {})
    return [[k, seconds_text(v["seconds"]), _rate(v["rows_per_s"])] for k, v in variants.items()]


def overhead_rows(entry: dict[str, Any]) -> list[list[str]]:
    """Each layer of `cloudledger costs --by ServiceName` on its own."""
    steps = entry.get("overhead", {}).get("steps", {})
    return [[k, seconds_text(v)] for k, v in steps.items()]


def phase_rows(entry: dict[str, Any]) -> list[list[str]]:
    """Where the cloudledger ingest spent its time."""
    _, ingest = ingest_result(entry)
    if ingest is None:
        return []
    total = ingest["seconds"]
    return [[k, seconds_text(v), f"{100 * v / total:.0f}%"] for k, v in ingest["phases"].items()]


def query_label(name: str) -> str:
    """A query's name for people: 'ServiceName × x_billing_period'."""
    return name.replace(" x ", " × ")


def query_rows(entry: dict[str, Any]) -> list[list[str]]:
    """One row per query: the medians of every method, and the ratios."""
    out = []
    for name, q in entry.get("queries", {}).get("queries", {}).items():
        cl, duck, pdx, full = q["cloudledger"], q["duckdb"], q["pandas"], q.get("pandas_all_columns")
        out.append(
            [
                query_label(name),
                str(q["groups"]),
                seconds_text(full["load_and_group"]) if full else "—",
                seconds_text(pdx["load_and_group"]),
                seconds_text(pdx["group"]),
                seconds_text(duck["seconds"]),
                seconds_text(cl["with_open"]),
                seconds_text(cl["without_open"]),
                _x(full["load_and_group"] / cl["with_open"]) if full else "—",
                _x(pdx["load_and_group"] / cl["with_open"]),
                _x(pdx["group"] / cl["without_open"]),
                f"{cl['without_open'] / duck['seconds']:.2f}×",
            ]
        )
    return out


QUERY_HEADER = [
    "query (+ BillingCurrency)",
    "groups",
    "pandas, all columns: load + group",
    "pandas, needed columns: load + group",
    "pandas: group only",
    "raw DuckDB",
    "cloudledger incl. open_ledger",
    "cloudledger run_costs only",
    "pandas all columns ÷ cloudledger",
    "pandas needed columns ÷ cloudledger",
    "pandas group only ÷ run_costs",
    "run_costs ÷ raw DuckDB",
]
INGEST_HEADER = ["method", "time", "rate", "peak RSS"]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def target_rows(entry: dict[str, Any]) -> list[list[str]]:
    """Target, goal, measured value, met or not."""
    return [[t.name, t.goal, t.measured, "met" if t.met else "**not met**"] for t in targets(entry)]


def _cli_line(entry: dict[str, Any]) -> str:
    cli = entry.get("cli")
    if not cli:
        return "CLI: not measured"
    return (
        f"`cloudledger costs --by ServiceName --format json`: {seconds_text(cli['seconds'])} wall "
        f"(`cloudledger --help`: {seconds_text(cli['help_seconds'])}; importing the CLI and query modules: "
        f"{seconds_text(cli['import_seconds'])})"
    )


def render_text(results: dict[str, Any], sizes: list[str] | None = None) -> str:
    """The results of `sizes` (default: all) as plain-text tables."""
    parts = []
    for key, entry in results["sizes"].items():
        if sizes and key not in sizes:
            continue
        parts.append(f"\n== {entry['rows']:,} rows ({entry['data']['files']} files) ==")
        parts.append(text_table(INGEST_HEADER, ingest_rows(entry)))
        parts.append("ingest phases: " + ", ".join(f"{k} {t} ({p})" for k, t, p in phase_rows(entry)))
        parts.append("")
        parts.append(text_table(QUERY_HEADER, query_rows(entry)))
        parts.append(_cli_line(entry))
        if variant_rows(entry):
            parts += ["", text_table(["write_deltalake, first file in memory", "time", "rate"], variant_rows(entry))]
        if overhead_rows(entry):
            parts += ["", text_table(["costs --by ServiceName, layer by layer", "median"], overhead_rows(entry))]
        parts.append("")
        parts.append(text_table(["target", "goal", "measured", ""], target_rows(entry)))
    return "\n".join(parts)


def write_docs(results: dict[str, Any], path: Path = DOCS_PATH) -> None:
    """Rewrite docs/benchmarks.md from `results`."""
    from bench.allocation_report import allocation_section
    from bench.docs import render_docs

    path.parent.mkdir(parents=True, exist_ok=True)
    section = allocation_section(results)
    path.write_text(render_docs(results) + ("\n" + section if section else ""))
