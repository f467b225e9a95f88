"""`cloudledger allocate | chargeback | plan`: who owns the cost, the monthly chargeback, a policy preview."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.allocation_summary import allocation_shares
from cloudledger.analyses.chargeback import owner_name
from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackReport, Level
from cloudledger.analyses.plan import PlanReport, plan
from cloudledger.cli_policy import PolicyContext, period_range, policy_context
from cloudledger.config.load import load_config
from cloudledger.home import Home
from cloudledger.render import OutputFormat, money, render_rows


def run_allocate(
    home: Home,
    *,
    config: Path | None,
    as_of: str | None,
    start: str,
    end: str | None,
    level: Level | None,
    metric: str | None,
    by_rule: bool,
    fmt: OutputFormat,
    console: Console,
) -> None:
    """Per period and owner (or per rule): direct, shared and unallocated cost, and the allocated share."""
    months = period_range(start, end)
    with policy_context(home, config, as_of) as ctx:
        level = level or ctx.config.chargeback.level
        query = AllocationQuery(metric or ctx.config.chargeback.metric, months[0], months[-1], keep=())
        rows = allocate(ctx.table, ctx.config, query, ctx.metrics).to_pyarrow().to_pylist()
    names = ("kind", "rule") if by_rule else (level,)

    def key(row: Mapping[str, Any]) -> tuple[str, ...]:
        return (row["kind"], row["rule"] or "(no rule)") if by_rule else (owner_name(row, level),)

    shares, _ = allocation_shares(rows, key)
    out = [
        {
            "period": s.period,
            "currency": s.currency,
            **dict(zip(names, s.key, strict=True)),
            "amount": s.amount,
            "share %": s.share_pct,
        }
        for s in shares
    ]
    columns = ["period", "currency", *names, "amount", "share %"]
    title = f"{query.metric} by {'rule' if by_rule else level}"
    render_rows(console, columns, out, fmt, money_columns=("amount",), title=title)


def run_chargeback(
    home: Home,
    *,
    config: Path | None,
    as_of: str | None,
    start: str,
    end: str | None,
    level: Level | None,
    metric: str | None,
    output: Path | None,
    gl: Path | None,
    fmt: OutputFormat,
    console: Console,
) -> None:
    """The chargeback of each month; written to CSV/XLSX/PDF and a general-ledger CSV when asked."""
    months = period_range(start, end)
    with policy_context(home, config, as_of) as ctx:
        reports = _chargebacks(ctx, months, level, metric)
        company = ctx.config.organization.name
        suspense, memo = ctx.config.chargeback.suspense_account, ctx.config.chargeback.memo
    if output is not None:
        from cloudledger.reports.chargeback_files import write_chargeback

        write_chargeback(reports, output, company)
        console.print(f"wrote {output}", highlight=False)
    if gl is not None:
        from cloudledger.reports.general_ledger import general_ledger_rows, write_general_ledger_csv

        posted = [row for r in reports for row in general_ledger_rows(r, memo, suspense)]
        write_general_ledger_csv(posted, gl)
        console.print(f"wrote {gl} ({len(posted)} postings)", highlight=False)
    if (output is None and gl is None) or fmt != "table":
        print_chargeback(reports, fmt, console)


def _chargebacks(
    ctx: PolicyContext, months: list[str], level: Level | None, metric: str | None
) -> list[ChargebackReport]:
    from cloudledger.analyses.chargeback import chargebacks

    return chargebacks(ctx.table, ctx.config, months, level=level, metric=metric, metrics=ctx.metrics)


CHARGEBACK_COLUMNS = (
    "period",
    "owner",
    "currency",
    "direct",
    "shared",
    "total",
    "budget",
    "variance",
    "variance %",
    "previous",
    "change %",
    "top services",
)
TABLE_COLUMNS = ("owner", "currency", "direct", "shared", "total", "budget", "variance %", "change %")
"""What fits a terminal; CSV and JSON carry every column."""


def print_chargeback(reports: list[ChargebackReport], fmt: OutputFormat, console: Console) -> None:
    for report in reports:
        rows = [
            {
                "period": report.period,
                "owner": line.owner,
                "currency": line.currency,
                "direct": line.direct,
                "shared": line.shared,
                "total": line.total,
                "budget": line.budget,
                "variance": line.variance,
                "variance %": line.variance_pct,
                "previous": line.previous,
                "change %": line.change_pct,
                "top services": "; ".join(f"{s} {money(a)}" for s, a in line.top_services),
            }
            for line in report.lines
        ]
        shares = ", ".join(f"{c} {report.allocated_pct(c)} %" for c in report.currencies)
        title = f"Chargeback {report.period} by {report.level} ({report.metric}); allocated: {shares or 'n/a'}"
        columns = CHARGEBACK_COLUMNS if fmt != "table" else TABLE_COLUMNS
        render_rows(
            console,
            columns,
            rows,
            fmt,
            title=title,
            money_columns=("direct", "shared", "total", "budget", "variance", "previous"),
        )


def run_plan(
    home: Home,
    proposed: Path,
    *,
    config: Path | None,
    as_of: str | None,
    period: str,
    level: Level | None,
    show_all: bool,
    fmt: OutputFormat,
    console: Console,
) -> bool:
    """Print the plan; False when the proposal leaves more cost unallocated than the current policy."""
    period_range(period, None)
    candidate = load_config(proposed)
    with policy_context(home, config, as_of) as ctx:
        report = plan(ctx.table, ctx.config, candidate, period, level=level, metrics=ctx.metrics)
    _print_plan(report, show_all, fmt, console)
    return not report.leaves_more_unallocated


def _print_plan(report: PlanReport, show_all: bool, fmt: OutputFormat, console: Console) -> None:
    lines = report.lines if show_all else report.changed
    rows = [
        {
            "": line.action,
            "owner": line.owner,
            "currency": line.currency,
            "current": line.current,
            "proposed": line.proposed,
            "change": line.change,
        }
        for line in lines
    ]
    render_rows(
        console,
        ["", "owner", "currency", "current", "proposed", "change"],
        rows,
        fmt,
        money_columns=("current", "proposed", "change"),
        title=f"Plan for {report.period} by {report.level} ({report.metric})",
    )
    if fmt != "table":
        return
    counts = {a: sum(1 for line in report.lines if line.action == a) for a in "+~-="}
    console.print(
        f"Plan: {counts['+']} to add, {counts['~']} to change, {counts['-']} to remove, {counts['=']} unchanged.",
        highlight=False,
    )
    before, after = report.unallocated("current"), report.unallocated("proposed")
    for currency in sorted(set(before) | set(after)):
        now, then = before.get(currency, Decimal(0)), after.get(currency, Decimal(0))
        verdict = "more than today: refused" if then > now else "not more than today"
        console.print(f"{UNALLOCATED} {currency}: {money(now)} → {money(then)} ({verdict})", highlight=False)
