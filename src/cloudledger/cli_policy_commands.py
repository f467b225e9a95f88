"""`cloudledger allocate | chargeback | plan`: the commands (parsing only; the work is in `cli_allocation`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloudledger.analyses.chargeback_model import LEVELS, Level
from cloudledger.cli_options import (
    AsOfOption,
    ConfigOption,
    FormatOption,
    HomeOption,
    console,
    home_of,
    output_format,
)
from cloudledger.errors import QueryError

PeriodOption = Annotated[str, typer.Option("--period", metavar="YYYY-MM", help="Billing period (first, with --to).")]
ToOption = Annotated[
    str | None, typer.Option("--to", metavar="YYYY-MM", help="Last billing period (default: --period).")
]
LevelOption = Annotated[
    str | None,
    typer.Option("--level", metavar="LEVEL", help="department, team or cost_center (default: the config's)."),
]
MetricOption = Annotated[
    str | None, typer.Option("--metric", metavar="COLUMN", help="Cost column (default: the config's, EffectiveCost).")
]


def allocate(
    period: PeriodOption,
    to: ToOption = None,
    level: LevelOption = None,
    metric: MetricOption = None,
    by_rule: Annotated[bool, typer.Option("--by-rule", help="Totals per ownership rule and shared pool.")] = False,
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Show who owns the cost: direct, shared and unallocated amounts per owner (or per rule) and month.

    Allocation is applied at query time: edit cloudledger.yaml and history re-allocates, no re-ingest.

    Example: cloudledger allocate --period 2024-06 --level department
    """
    from cloudledger.cli_allocation import run_allocate

    run_allocate(
        home_of(home),
        config=config,
        as_of=as_of,
        start=period,
        end=to,
        level=_level(level),
        metric=metric,
        by_rule=by_rule,
        fmt=output_format(fmt),
        console=console(),
    )


def chargeback(
    period: PeriodOption,
    to: ToOption = None,
    level: LevelOption = None,
    metric: MetricOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the report: .csv, .xlsx or .pdf.")
    ] = None,
    gl: Annotated[
        Path | None, typer.Option("--gl", metavar="CSV", help="Write the general-ledger postings (cost_center level).")
    ] = None,
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """The monthly showback / chargeback: direct and shared cost, budget, variance and change per owner.

    Example: cloudledger chargeback --period 2024-01 --to 2024-06 --level team -o chargeback.xlsx
    """
    from cloudledger.cli_allocation import run_chargeback

    run_chargeback(
        home_of(home),
        config=config,
        as_of=as_of,
        start=period,
        end=to,
        level=_level(level),
        metric=metric,
        output=output,
        gl=gl,
        fmt=output_format(fmt),
        console=console(),
    )


def plan(
    proposed: Annotated[Path, typer.Argument(help="The proposed cloudledger.yaml.")],
    period: PeriodOption,
    level: LevelOption = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show unchanged owners too.")] = False,
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Preview a policy change: each owner's chargeback under the current and the proposed file, side by side.

    Exits 1 when the proposal leaves more cost unallocated than the current policy.

    Example: cloudledger plan proposed.yaml --period 2024-06
    """
    from cloudledger.cli_allocation import run_plan

    if not run_plan(
        home_of(home),
        proposed,
        config=config,
        as_of=as_of,
        period=period,
        level=_level(level),
        show_all=show_all,
        fmt=output_format(fmt),
        console=console(),
    ):
        raise typer.Exit(1)


def _level(value: str | None) -> Level | None:
    if value is not None and value not in LEVELS:
        raise QueryError(f"unknown level {value!r}; valid levels: {', '.join(LEVELS)}")
    return value
