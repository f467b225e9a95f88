"""`GET /alerts`: the budget alerts recorded (`cloudledger alerts`), newest first, with what became of their
delivery to each channel. Read-only: a home without a state database has none, and none is created."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from cloudledger.analyses.budget_alerts import Crossing
from cloudledger.api.deps import SettingsDep
from cloudledger.api.params import MONTH_PATTERN
from cloudledger.home import Home
from cloudledger.notify.outbox import Attempt

router = APIRouter(tags=["alerts"])


class DeliveryModel(BaseModel):
    channel: str
    status: Literal["delivered", "failed", "skipped"]
    """The outcome of the latest attempt."""
    attempts: int
    last_attempt_at: dt.datetime
    last_error: str | None = None
    """Why the latest failed attempt failed (null once delivered)."""


class AlertModel(BaseModel):
    key: str
    first_seen: dt.datetime
    budget: str
    scope: str
    period: str
    kind: Literal["actual", "forecast"]
    """actual: the cost so far reached the threshold; forecast: the month-end forecast will."""
    threshold: Decimal
    """Percent of the budget."""
    amount: Decimal
    budgeted: Decimal
    percent: Decimal
    """amount / budgeted × 100, rounded to cents."""
    currency: str
    deliveries: list[DeliveryModel] = []


class AlertsResponse(BaseModel):
    alerts: list[AlertModel] = []


def deliveries(attempts: list[Attempt]) -> dict[str, list[DeliveryModel]]:
    """Per alert key, one line per channel: its latest attempt's outcome, how many attempts, the last error."""
    by_channel: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_channel[(attempt.alert_key, attempt.channel)].append(attempt)
    out: dict[str, list[DeliveryModel]] = defaultdict(list)
    for (key, channel), tries in by_channel.items():
        last = max(tries, key=lambda a: (a.at, a.attempt))
        out[key].append(
            DeliveryModel(
                channel=channel,
                status=last.status,
                attempts=len(tries),
                last_attempt_at=last.at,
                last_error=last.error if last.status != "delivered" else None,
            )
        )
    return out


def alert_history(home: Home) -> list[tuple[dt.datetime, Crossing, list[DeliveryModel]]]:
    """Every recorded alert, newest first, with its deliveries (none without a state database)."""
    if not home.state_db_path.exists():
        return []
    from cloudledger.ledger.alert_store import open_alerts
    from cloudledger.notify.outbox import SqlOutbox

    store = open_alerts(home)
    try:
        history = store.history()
        sent = deliveries(SqlOutbox(store.engine).attempts())
    finally:
        store.dispose()
    return [(seen, crossing, sent.get(crossing.key, [])) for seen, crossing in history]


@router.get("/alerts", response_model=AlertsResponse)
def alerts(
    settings: SettingsDep,
    period: Annotated[
        str | None, Query(pattern=MONTH_PATTERN, description="Only alerts of this budget month, YYYY-MM.")
    ] = None,
    budget: Annotated[str | None, Query(description="Only alerts of this budget.")] = None,
) -> AlertsResponse:
    """The budget alerts recorded by `cloudledger alerts`, newest first: the threshold each budget's month reached
    (by its actual cost or its month-end forecast) and, per channel, whether it was delivered.

    Example: `/api/v1/alerts?period=2025-06`"""
    found = [
        AlertModel(
            key=crossing.key,
            first_seen=seen,
            budget=crossing.budget,
            scope=crossing.scope,
            period=crossing.period,
            kind=crossing.kind,
            threshold=crossing.threshold,
            amount=crossing.amount,
            budgeted=crossing.budgeted,
            percent=crossing.percent,
            currency=crossing.currency,
            deliveries=sent,
        )
        for seen, crossing, sent in alert_history(settings.ledger_home)
        if (period is None or crossing.period == period) and (budget is None or crossing.budget == budget)
    ]
    return AlertsResponse(alerts=found)
