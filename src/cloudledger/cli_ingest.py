"""`cloudledger ingest`: run an ingest with a progress bar and print its one-screen summary."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console

from cloudledger.config import find_config, load_config
from cloudledger.home import Home
from cloudledger.ledger.ingest import IngestSummary, ingest
from cloudledger.progress import progress_bar
from cloudledger.render import OutputFormat, money, render_rows
from cloudledger.sources.csv_mapping import mapping_sources
from cloudledger.sources.files import BillingFile, expand_paths


def run_ingest(
    home: Home,
    paths: Sequence[Path],
    *,
    force: bool,
    quiet: bool,
    fmt: OutputFormat,
    console: Console,
    config: Path | None = None,
) -> IngestSummary:
    sources = mapping_sources(load_config(find_config(config, home)))
    files = expand_paths(paths)
    total_bytes = sum(f.size for f in files)
    with progress_bar(console, quiet) as progress:
        task = progress.add_task("ingest", total=total_bytes, rows=0)

        def on_file(file: BillingFile, rows: int) -> None:
            done = int(progress.tasks[task].fields.get("rows", 0)) + rows
            progress.update(task, advance=file.size, rows=done, description=file.path.name[:40])

        summary = ingest(home, [f.path for f in files], force=force, on_file=on_file, sources=sources)
        progress.update(task, completed=total_bytes, description="ingest")
    print_summary(summary, console, fmt)
    return summary


SCREEN_SLICES = 24
"""Above this many slices the summary shows one line per billing account (use --format csv for all)."""


def _per_account(summary: IngestSummary) -> list[dict[str, Any]]:
    """One line per (source, billing account, currency): periods covered and their totals."""
    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    for s in summary.slices:
        key = (s.source, s.billing_account, s.currency or "?")
        line = lines.setdefault(
            key,
            {
                "Periods": "",
                "Source": s.source,
                "BillingAccountId": s.billing_account,
                "Currency": s.currency,
                "Slices": 0,
                "Replaced": 0,
                "Rows": 0,
                "BilledCost": Decimal(0),
                "EffectiveCost": Decimal(0),
                "first": s.billing_period,
                "last": s.billing_period,
            },
        )
        line["Slices"] += 1
        line["Replaced"] += s.key in summary.replaced
        line["Rows"] += s.rows
        line["BilledCost"] += s.billed_cost
        line["EffectiveCost"] += s.effective_cost
        line["first"], line["last"] = min(line["first"], s.billing_period), max(line["last"], s.billing_period)
    for line in lines.values():
        line["Periods"] = f"{line.pop('first')} to {line.pop('last')}"
    return [lines[k] for k in sorted(lines)]


def print_summary(summary: IngestSummary, console: Console, fmt: OutputFormat = "table") -> None:
    """Files, rows, slices replaced, totals per billing account and period, Delta version."""
    rows = [
        {
            "BillingPeriod": s.billing_period,
            "Source": s.source,
            "BillingAccountId": s.billing_account,
            "Currency": s.currency,
            "Rows": s.rows,
            "BilledCost": s.billed_cost,
            "EffectiveCost": s.effective_cost,
            "Replaced": "yes" if s.key in summary.replaced else "new",
        }
        for s in summary.slices
    ]
    if fmt != "table":
        render_rows(console, list(rows[0]) if rows else [], rows, fmt)
        return
    if summary.status == "unchanged":
        console.print(
            f"Nothing to do: {len(summary.files_unchanged)} file(s) unchanged since they were ingested "
            f"(ledger version {summary.delta_version}). Use --force to re-read them."
        )
        return
    shown, title = (rows, "Slices written") if len(rows) <= SCREEN_SLICES else (_per_account(summary), "Per account")
    render_rows(console, list(shown[0]), shown, "table", money_columns=("BilledCost", "EffectiveCost"), title=title)
    billed: dict[str, Decimal] = {}
    for s in summary.slices:
        billed[s.currency or "?"] = billed.get(s.currency or "?", Decimal(0)) + s.billed_cost
    totals = ", ".join(f"{money(v)} {k}" for k, v in sorted(billed.items()))
    console.print(
        f"[bold green]Landed[/] ingest {summary.ingest_id} as ledger version {summary.delta_version}: "
        f"{len(summary.files_read)} file(s) read, {len(summary.files_unchanged)} unchanged, "
        f"{len(summary.files_superseded)} superseded by a newer delivery, "
        f"{summary.rows:,} rows, {len(summary.slices)} slice(s) "
        f"({len(summary.replaced)} replaced), BilledCost {totals} in {summary.seconds:.1f} s.",
        highlight=False,
    )
