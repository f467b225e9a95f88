"""`cloudledger reconcile`: print every difference above the tolerance; exit non-zero when there is one."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from rich.console import Console

from cloudledger.analyses.checks import Check
from cloudledger.analyses.invoices import read_invoices
from cloudledger.analyses.reconcile import ReconcileReport, reconcile_home
from cloudledger.home import Home
from cloudledger.ledger.table import parse_as_of
from cloudledger.render import OutputFormat, render_rows

COLUMNS = (
    "Check",
    "Period",
    "Source",
    "Account",
    "Currency",
    "Metric",
    "Ledger",
    "Expected",
    "Difference",
    "Expected from",
)
MONEY = ("Ledger", "Expected", "Difference")
KIND_LABELS = {
    "native": "ledger = providers' own cost columns",
    "ingest": "ledger = totals recorded at ingest",
    "invoice": "ledger = invoices",
    "formats": "format = format (same account, two exports)",
}


def run_reconcile(
    home: Home,
    *,
    invoices: Path | None,
    as_of: str | None,
    tolerance: Decimal,
    show_all: bool,
    fmt: OutputFormat,
    console: Console,
) -> bool:
    """Reconcile and print; True when everything agrees within `tolerance`."""
    given = read_invoices(invoices) if invoices is not None else []
    report = reconcile_home(home, given, tolerance, parse_as_of(as_of))
    shown = report.checks if show_all else report.differences
    rows = [_row(c) for c in shown]
    if fmt != "table":
        render_rows(console, COLUMNS, rows, fmt)
        return report.ok
    _summary(report, console)
    if rows:
        title = "Every check" if show_all else f"Differences above {tolerance}"
        render_rows(console, COLUMNS, rows, fmt, money_columns=MONEY, title=title)
    return report.ok


def _row(check: Check) -> dict[str, object]:
    rows_check = check.metric == "rows"
    return {
        "Check": check.kind,
        "Period": check.billing_period,
        "Source": check.source,
        "Account": check.billing_account,
        "Currency": check.currency,
        "Metric": check.metric,
        "Ledger": int(check.ledger) if rows_check else check.ledger,
        "Expected": int(check.expected) if rows_check else check.expected,
        "Difference": int(check.difference) if rows_check else check.difference,
        "Expected from": check.expected_from,
    }


def _summary(report: ReconcileReport, console: Console) -> None:
    if report.slices == 0:
        console.print("The ledger is empty: nothing to reconcile. Ingest billing exports with `cloudledger ingest`.")
        return
    counts = Counter(c.kind for c in report.checks)
    failed = Counter(c.kind for c in report.differences)
    console.print(f"Ledger version {report.ledger_version}: {report.slices} slices (billing period × source × account)")
    for kind, label in KIND_LABELS.items():
        if counts[kind]:
            verdict = "[green]all equal[/]" if not failed[kind] else f"[red]{failed[kind]} differ[/]"
            console.print(f"  {label}: {counts[kind]} checks, {verdict}")
    if report.unverified:
        console.print(
            f"  [yellow]{len(report.unverified)} slice(s) have no native totals recorded[/] (ingested before "
            "cloudledger recorded them); ingest their files again with --force to check them"
        )
    if report.ok:
        console.print(f"[green]Reconciled[/]: every difference is within {report.tolerance}.")
