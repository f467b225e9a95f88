"""`cloudledger alerts`: evaluate the budgets' thresholds on the latest month (actual so far and month-end
forecast), record the crossings not seen before, and list them; `--history` lists every recorded one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cloudledger.cli_options import ConfigOption, FormatOption, HomeOption, console, home_of, output_format
from cloudledger.home import Home
from cloudledger.render import OutputFormat, render_rows

COLUMNS = (
    "first seen",
    "budget",
    "scope",
    "period",
    "kind",
    "threshold %",
    "amount",
    "budgeted",
    "of budget %",
    "currency",
)
MONEY = ("amount", "budgeted")


def alerts(
    history: Annotated[bool, typer.Option("--history", help="List every alert recorded, without evaluating.")] = False,
    send: Annotated[
        bool, typer.Option("--send/--no-send", help="Send new alerts to the channels of `notifications:`.")
    ] = True,
    home: HomeOption = None,
    config: ConfigOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Check every budget of the latest month against its thresholds (actual so far and month-end forecast);
    a crossing alerts once: a run after the next ingest reports only new ones.

    Thresholds are `thresholds:` of each budget in cloudledger.yaml (default: actual 50, 80, 100 %; forecast
    100 %).

    Example: cloudledger alerts
    """
    run_alerts(home_of(home), config, history, send, output_format(fmt), console())


def run_alerts(home: Home, config: Path | None, history: bool, send: bool, fmt: OutputFormat, out: Console) -> None:
    from cloudledger.ledger.alert_store import open_alerts

    store = open_alerts(home)
    try:
        if history:
            rows = [_row(c, seen.strftime("%Y-%m-%d %H:%M")) for seen, c in store.history()]
            render_rows(out, COLUMNS, rows, fmt, money_columns=MONEY, title="Budget alerts recorded")
            return
        found, settings = evaluate(home, config)
        new = store.record(found)
        deliveries = deliver(new, settings, store.engine) if send and settings is not None else {}
    finally:
        store.dispose()
    rows = [{**_row(c, "now"), "sent to": deliveries.get(c.key, "")} for c in new]
    title = f"New budget alerts: {len(new)} (of {len(found)} thresholds reached this month)"
    render_rows(out, (*COLUMNS, "sent to"), rows, fmt, money_columns=MONEY, title=title)


def deliver(new: list[Any], config: Any, engine: Any) -> dict[str, str]:
    """Send each new crossing to its budget's channels (the budget's `notify:`, else `notifications.budgets` and its
    department's or team's `notify:`);
    per crossing key, what happened on each channel. A failed delivery is reported, never raised."""
    from dataclasses import replace

    from cloudledger.notify import SqlOutbox, budget_alert, send
    from cloudledger.notify.routing import budget_channels, channels

    notifications = config.notifications
    outbox = SqlOutbox(engine)
    report: dict[str, str] = {}
    for crossing in new:
        targets = channels(config, budget_channels(config, crossing.budget))
        if not targets:
            continue
        link = f"{notifications.link.rstrip('/')}/budgets?period={crossing.period}" if notifications.link else None
        alert = budget_alert(
            crossing.budget,
            crossing.period,
            crossing.amount,
            crossing.budgeted,
            crossing.currency,
            forecast=crossing.kind == "forecast",
            threshold=int(crossing.threshold),
            reasons=(crossing.summary(),),
            link=link,
        )
        outcomes = send(replace(alert, key=crossing.key), targets, outbox=outbox)
        report[crossing.key] = ", ".join(f"{d.channel}: {d.status}" for d in outcomes)
    return report


def evaluate(home: Home, config: Path | None) -> tuple[list[Any], Any]:
    """The thresholds the budgets of the ledger's latest billing period have reached."""
    from cloudledger.analyses.billing_periods import billing_periods
    from cloudledger.analyses.budget_alerts import crossings
    from cloudledger.analyses.budgets import budget_status
    from cloudledger.analyses.forecast import month_end_forecast
    from cloudledger.analyses.forecast_scopes import budget_month_ends
    from cloudledger.analyses.summary import on_rollup
    from cloudledger.cli_policy import policy_context

    with policy_context(home, config, None) as context:
        view, cfg = context.view, context.config
        period = on_rollup(billing_periods, view.daily, view.table).latest
        if period is None or not cfg.budgets:
            return [], cfg
        report = on_rollup(
            lambda t: budget_status(t, cfg, start=period, end=period, metrics=context.metrics), view.monthly, view.table
        )
        forecasts = {e.currency: e for e in month_end_forecast(view).ends}
        own = budget_month_ends(view, cfg, context.metrics)
    return crossings(report.lines, cfg, forecasts, own), cfg


def _row(crossing: Any, seen: str) -> dict[str, Any]:
    return {
        "first seen": seen,
        "budget": crossing.budget,
        "scope": crossing.scope,
        "period": crossing.period,
        "kind": crossing.kind,
        "threshold %": crossing.threshold_text,
        "amount": crossing.amount,
        "budgeted": crossing.budgeted,
        "of budget %": str(crossing.percent),
        "currency": crossing.currency,
    }
