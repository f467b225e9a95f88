"""`cloudledger anomalies`: days of usage cost far above their weekly and monthly season, with their root cause."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from cloudledger.cli_options import AsOfOption, ConfigOption, FormatOption, HomeOption, console, home_of, output_format
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.render import OutputFormat, render_rows

if TYPE_CHECKING:
    from cloudledger.analyses.anomalies_model import Anomaly

COLUMNS = (
    "start",
    "days",
    "provider",
    "service",
    "sub account",
    "currency",
    "expected",
    "actual",
    "impact",
    "impact %",
    "score",
    "root cause",
)
MONEY = ("expected", "actual", "impact")


def anomalies(
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only anomalies ending on or after this day.")
    ] = None,
    min_impact: Annotated[
        str, typer.Option("--min-impact", metavar="N", help="Smallest daily impact flagged, in the currency.")
    ] = "50",
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List cost anomalies, newest first: usage cost far above its weekly and monthly season, with its root cause.

    A day is anomalous when its cost is far above the median of the same weekday over the previous four weeks and
    of the same place in the previous three months (robust score over 8), by at least --min-impact and at least
    100 %. Each anomaly names the resource, usage type or region that explains most of it.

    Example: cloudledger anomalies --since 2026-01-01 --min-impact 100
    """
    run_anomalies(home_of(home), config, as_of, _day(since), _amount(min_impact), output_format(fmt), console())


def run_anomalies(
    home: Home,
    config: Path | None,
    as_of: str | None,
    since: date | None,
    min_impact: Decimal,
    fmt: OutputFormat,
    out: Console,
) -> None:
    from cloudledger.analyses.anomalies import anomalies as find
    from cloudledger.analyses.anomalies_model import Thresholds
    from cloudledger.cli_policy import policy_context

    with policy_context(home, config, as_of) as context:
        view = context.view
        found = find(view.daily, view.table, Thresholds(min_impact=min_impact), since)
    if not found and fmt == "table":
        out.print("No anomalies found.")
        return
    render_rows(out, COLUMNS, [_row(a) for a in found], fmt, money_columns=MONEY, title="Cost anomalies")


def _row(anomaly: Anomaly) -> dict[str, Any]:
    cause = anomaly.top_cause()
    percent = anomaly.impact_percent
    return {
        "start": anomaly.start.isoformat(),
        "days": anomaly.days,
        "provider": anomaly.scope.provider,
        "service": anomaly.scope.service,
        "sub account": anomaly.scope.sub_account,
        "currency": anomaly.currency,
        "expected": anomaly.expected,
        "actual": anomaly.actual,
        "impact": anomaly.impact,
        "impact %": None if percent is None else f"{percent:.1f}",
        "score": f"{anomaly.max_score:.1f}",
        "root cause": None if cause is None else f"{cause.dimension} {cause.value} ({cause.share * 100:.0f} %)",
    }


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"--since {text!r} is not a date (YYYY-MM-DD)") from None


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise QueryError(f"--min-impact {text!r} is not an amount such as 50") from None
    if not value.is_finite() or value < 0:
        raise QueryError(f"--min-impact {text!r} is not an amount such as 50")
    return value
