"""`cloudledger anomalies`: days of usage cost far above their weekly and monthly season, with their root cause."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.console import Console

from cloudledger.cli_options import AsOfOption, ConfigOption, FormatOption, HomeOption, console, home_of, output_format
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.render import OutputFormat, render_rows

if TYPE_CHECKING:
    from cloudledger.analyses.anomalies_model import Anomaly
    from cloudledger.ledger.anomaly_feedback import Expected

COLUMNS = (
    "id",
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
    "owner",
    "status",
)
TABLE_COLUMNS = (
    "id",
    "start",
    "days",
    "scope",
    "currency",
    "expected",
    "actual",
    "impact",
    "root cause",
    "owner",
    "status",
)
"""A terminal's table: the scope in one column, the score and percent left to CSV and JSON."""
MONEY = ("expected", "actual", "impact")
Status = Literal["all", "open", "expected"]

anomalies_app = typer.Typer(
    invoke_without_command=True,
    no_args_is_help=False,
)
SinceOption = Annotated[
    str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only anomalies ending on or after this day.")
]
MinImpactOption = Annotated[
    str, typer.Option("--min-impact", metavar="N", help="Smallest daily impact flagged, in the currency.")
]


@anomalies_app.callback()
def anomalies(
    ctx: typer.Context,
    since: SinceOption = None,
    min_impact: MinImpactOption = "50",
    status: Annotated[Status, typer.Option("--status", help="all, open (not marked expected) or expected.")] = "all",
    home: HomeOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List cost anomalies, newest first: usage cost far above its weekly and monthly season, with its root cause.

    A day is anomalous when its cost is far above the median of the same weekday over the previous four weeks and
    of the same place in the previous three months (robust score over 8), by at least --min-impact and at least
    100 %. Each anomaly names the resource, usage type or region that explains most of it. An anomaly marked as
    expected (`cloudledger anomalies expect ID --reason ...`) is listed with its reason and no longer alerted.

    Example: cloudledger anomalies --since 2026-01-01 --min-impact 100
    """
    if ctx.invoked_subcommand is not None:
        return
    run_anomalies(home_of(home), config, as_of, _day(since), _amount(min_impact), output_format(fmt), console(), status)


def run_anomalies(
    home: Home,
    config: Path | None,
    as_of: str | None,
    since: date | None,
    min_impact: Decimal,
    fmt: OutputFormat,
    out: Console,
    status: Status = "all",
) -> None:
    from cloudledger.ledger.anomaly_feedback import read_expected

    found = _detect(home, config, as_of, since, min_impact, causes=True)
    marks = read_expected(home)
    rows = [_row(a, marks.get(a.id)) for a in found]
    rows = [r for r in rows if status == "all" or (r["status"] == "open") == (status == "open")]
    if not rows and fmt == "table":
        out.print("No anomalies found." if status == "all" else f"No {status} anomalies found.")
        return
    columns = TABLE_COLUMNS if fmt == "table" else COLUMNS
    render_rows(out, columns, rows, fmt, money_columns=MONEY, title="Cost anomalies")


@anomalies_app.command("expect")
def expect(
    anomaly_id: Annotated[
        str, typer.Argument(metavar="ID", help="The anomaly's id, as `cloudledger anomalies` lists it.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it was expected (kept with the mark).")],
    by: Annotated[str | None, typer.Option("--by", help="Who marks it (name or e-mail).")] = None,
    min_impact: MinImpactOption = "50",
    home: HomeOption = None,
    config: ConfigOption = None,
) -> None:
    """Mark an anomaly as expected (a planned migration, a load test): it stays listed with the reason, and
    `cloudledger watch` no longer sends it.

    Example: cloudledger anomalies expect 3f9c2a17b0 --reason "Planned load test" --by ana@example.com
    """
    from cloudledger.ledger.anomaly_feedback import open_feedback

    target = home_of(home)
    found = {a.id: a for a in _detect(target, config, None, None, _amount(min_impact), causes=False)}
    anomaly = found.get(anomaly_id.strip().lower())
    if anomaly is None:
        raise QueryError(
            f"no anomaly has the id {anomaly_id!r} (at --min-impact {min_impact}); "
            "`cloudledger anomalies` lists the anomalies with their ids"
        )
    store = open_feedback(target)
    try:
        mark = store.mark_expected(anomaly, reason, by)
    finally:
        store.dispose()
    console().print(
        f"Marked anomaly {mark.anomaly_id} ({mark.scope}, from {mark.start}) as expected: {mark.reason}. "
        "It is no longer alerted.",
        highlight=False,
    )


@anomalies_app.command("unexpect")
def unexpect(
    anomaly_id: Annotated[str, typer.Argument(metavar="ID", help="The id of an anomaly marked as expected.")],
    home: HomeOption = None,
) -> None:
    """Take back an anomaly's expected mark: it is open again (and alerted if it is still news).

    Example: cloudledger anomalies unexpect 3f9c2a17b0
    """
    from cloudledger.ledger.anomaly_feedback import open_feedback

    store = open_feedback(home_of(home))
    try:
        removed = store.unmark(anomaly_id.strip().lower())
    finally:
        store.dispose()
    if not removed:
        raise QueryError(f"no anomaly with the id {anomaly_id!r} is marked as expected")
    console().print(f"Anomaly {anomaly_id.strip().lower()} is open again.", highlight=False)


def _detect(
    home: Home, config: Path | None, as_of: str | None, since: date | None, min_impact: Decimal, causes: bool
) -> list[Anomaly]:
    """The anomalies, newest first; with `causes`, each with its root causes and owners."""
    from cloudledger.analyses.anomalies import anomalies as find
    from cloudledger.analyses.anomalies_model import Thresholds
    from cloudledger.analyses.anomaly_owners import explained_anomalies
    from cloudledger.cli_policy import policy_context

    th = Thresholds(min_impact=min_impact)
    with policy_context(home, config, as_of) as context:
        view = context.view
        if not causes:
            return find(view.daily, view.table, th, since, causes=False)
        return explained_anomalies(view.daily, view.table, context.config, th, since, context.metrics)


def _row(anomaly: Anomaly, mark: Expected | None) -> dict[str, Any]:
    from cloudledger.analyses.anomaly_owners import owner

    cause = anomaly.top_cause()
    percent = anomaly.impact_percent
    return {
        "id": anomaly.id,
        "start": anomaly.start.isoformat(),
        "days": anomaly.days,
        "provider": anomaly.scope.provider,
        "service": anomaly.scope.service,
        "sub account": anomaly.scope.sub_account,
        "scope": "whole bill" if anomaly.scope.is_total else str(anomaly.scope),
        "currency": anomaly.currency,
        "expected": anomaly.expected,
        "actual": anomaly.actual,
        "impact": anomaly.impact,
        "impact %": None if percent is None else f"{percent:.1f}",
        "score": f"{anomaly.max_score:.1f}",
        "root cause": None if cause is None else f"{cause.dimension} {cause.value} ({cause.share * 100:.0f} %)",
        "owner": " / ".join(o for o in (owner(anomaly), owner(anomaly, "team")) if o) or None,
        "status": "open" if mark is None else f"expected: {mark.reason}",
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
