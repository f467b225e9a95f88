"""`cloudledger budgets`: each budget month by month against the actual cost of its scope."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cloudledger.analyses.rounding import round_half_up
from cloudledger.cli_options import AsOfOption, ConfigOption, FormatOption, HomeOption, console, home_of, output_format
from cloudledger.errors import ConfigError
from cloudledger.home import Home
from cloudledger.render import OutputFormat, money, render_rows

if TYPE_CHECKING:
    from cloudledger.analyses.budgets import BudgetLine, BudgetReport

COLUMNS = (
    "budget",
    "scope",
    "month",
    "currency",
    "budgeted",
    "actual",
    "variance",
    "variance %",
    "utilisation %",
)
MONEY = ("budgeted", "actual", "variance")
PERCENT = ("variance %", "utilisation %")


def budgets(
    start: Annotated[
        str | None, typer.Option("--from", metavar="YYYY-MM", help="First month shown (default: each budget's first).")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="YYYY-MM",
            help="Last month shown (default: each budget's last; open-ended ones: the ledger's last).",
        ),
    ] = None,
    names: Annotated[list[str], typer.Option("--budget", metavar="NAME", help="Only this budget (repeatable).")] = [],  # noqa: B006
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Compare budgets with actual cost, month by month: variance, variance % and utilisation.

    Budgets come from `budgets:` and `budget_files:` in cloudledger.yaml (docs/budgets.md).
    The actual of a department, team or cost center includes its share of the shared costs.
    Rows over budget are shown in red.

    Example: cloudledger budgets --from 2025-01 --to 2025-06 --budget platform-cloud
    """
    run_budgets(
        home_of(home),
        config=config,
        as_of=as_of,
        start=start,
        end=end,
        names=names,
        fmt=output_format(fmt),
        console=console(),
    )


def run_budgets(
    home: Home,
    *,
    config: Path | None,
    as_of: str | None,
    start: str | None,
    end: str | None,
    names: list[str],
    fmt: OutputFormat,
    console: Console,
) -> None:
    """Load the budgets, compare them with the ledger snapshot and print the lines."""
    from cloudledger.analyses.budgets import budget_status
    from cloudledger.cli_policy import policy_context

    with policy_context(home, config, as_of) as ctx:
        if not ctx.config.budgets and not ctx.config.budget_files:
            where = ctx.config_path or "cloudledger.yaml"
            raise ConfigError(f"{where} has no budgets; add budgets: or budget_files: (see docs/budgets.md)")
        report = budget_status(ctx.table, ctx.config, start=start, end=end, metrics=ctx.metrics, names=names)
        version = ctx.view.snapshot.version
    if fmt != "table":
        render_rows(console, [*COLUMNS, "metric", "actual_exact", "over_budget"], _rows(report, exact=True), fmt)
        return
    console.print(_table(report, version))
    if report.other_currencies:
        console.print(
            f"Cost in {', '.join(report.other_currencies)} is not counted: no budget shown is kept in that currency.",
            highlight=False,
        )


def _rows(report: BudgetReport, *, exact: bool = False) -> list[dict[str, Any]]:
    return [_row(line, exact) for line in report.lines]


def _row(line: BudgetLine, exact: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "budget": line.name,
        "scope": line.scope,
        "month": line.period,
        "currency": line.currency,
        "budgeted": line.budget,
        "actual": line.actual_cents,
        "variance": round_half_up(line.variance),
        "variance %": line.variance_pct,
        "utilisation %": line.utilisation_pct,
    }
    if exact:
        row.update(metric=line.metric, actual_exact=line.actual, over_budget=line.over_budget)
    return row


def _table(report: BudgetReport, version: int | None) -> Table:
    metrics = " / ".join(report.metrics) or "cost"
    table = Table(title=f"Budgets vs {metrics} (ledger version {version})")
    for column in COLUMNS:
        table.add_column(column, justify="right" if column in (*MONEY, *PERCENT) else "left")
    for line in report.lines:
        row = _row(line, exact=False)
        cells = [_cell(column, row[column]) for column in COLUMNS]
        table.add_row(*cells, style="bold red" if line.over_budget else None)
    if not report.lines:
        table.caption = "No budget months in this range."
    return table


def _cell(column: str, value: Any) -> str:
    if column in MONEY:
        return money(value)
    if column in PERCENT:
        return "—" if value is None else f"{value:,} %"
    return str(value)
