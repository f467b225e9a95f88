"""The Budgets page's view of the current month: each budget's cumulative actual by day, its month-end forecast
with the 80 % interval (the number the budget alerts use), its thresholds, and the alerts it has crossed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any

from cloudledger.analyses.budget_alerts import HUNDRED, Crossing, budget_forecast, crossings
from cloudledger.analyses.budgets import BudgetLine
from cloudledger.analyses.forecast import MonthEnd
from cloudledger.analyses.forecast_days import DailyForecast
from cloudledger.analyses.rounding import round_half_up
from cloudledger.config.budgets import BudgetThresholds
from cloudledger.config.model import CloudledgerConfig
from cloudledger.home import Home


@dataclass(frozen=True)
class Threshold:
    """An alert threshold of a budget: `percent` of the month's budget, reached by the actual or the forecast."""

    kind: str
    percent: Decimal
    amount: Decimal

    @property
    def text(self) -> str:
        """The percentage as written, e.g. 80 or 92.5."""
        return format(self.percent.normalize(), "f")

    @property
    def label(self) -> str:
        what = "Actual" if self.kind == "actual" else "Forecast"
        return f"{what} alert at {self.text} %"


@dataclass(frozen=True)
class AlertRow:
    """A crossing of the month: recorded by `cloudledger alerts` (when first seen, where it was delivered) or
    reached by today's numbers and not recorded yet."""

    crossing: Crossing
    first_seen: dt.datetime | None
    reached_now: bool
    delivered_to: tuple[str, ...]


@dataclass(frozen=True)
class BudgetCone:
    """One budget's month: actual so far, month-end forecast and interval, thresholds, alerts, chart data."""

    line: BudgetLine
    forecast: Decimal | None
    low: Decimal | None
    high: Decimal | None
    thresholds: tuple[Threshold, ...]
    alerts: tuple[AlertRow, ...]
    chart: dict[str, Any]

    @property
    def forecast_pct(self) -> Decimal | None:
        if self.forecast is None or not self.line.budget:
            return None
        return round_half_up(self.forecast / self.line.budget * HUNDRED)


def thresholds_of(line: BudgetLine, config: CloudledgerConfig) -> tuple[Threshold, ...]:
    """The budget's thresholds as amounts: budget × percent ÷ 100 (defaults for budgets read from files)."""
    limits = {b.name: b.thresholds for b in config.budgets}.get(line.name, BudgetThresholds())
    return tuple(
        Threshold(kind, level, round_half_up(line.budget * level / HUNDRED))
        for kind, levels in (("actual", limits.actual), ("forecast", limits.forecast))
        for level in levels
    )


def _share(line: BudgetLine, bill: MonthEnd) -> Decimal:
    """The budget's share of the bill's month so far (what `budget_forecast` scales the bill's rest by)."""
    return line.actual / bill.actual if bill.actual else Decimal(0)


def _chart(
    line: BudgetLine, days: dict[dt.date, Decimal], bill: DailyForecast, share: Decimal, limits: Sequence[Threshold]
) -> dict[str, Any]:
    """Cumulative actual by day, then the budget's share of the bill's forecast days as a cone, and lines."""
    so_far = [float(days.get(day, Decimal(0))) for day in bill.days[: len(bill.actual)]]
    done = list(accumulate(so_far))
    start = done[-1] if done else 0.0
    before: list[float | None] = [None] * max(len(done) - 1, 0)

    def ahead(values: tuple[float, ...]) -> list[float | None]:
        scaled = (v * float(share) for v in values)
        return [round(v, 2) if v is not None else None for v in [*before, *accumulate(scaled, initial=start)]]

    lines = [{"name": "Budget", "value": float(line.budget), "kind": "budget"}] + [
        {"name": f"{t.label} ({t.amount:,.2f})", "value": float(t.amount), "kind": t.kind} for t in limits
    ]
    return {
        "kind": "budget-cone",
        "currency": line.currency,
        "days": [d.isoformat() for d in bill.days],
        "actual": [*(round(v, 2) for v in done), *([None] * len(bill.forecast))],
        "forecast": ahead(bill.forecast) if bill.forecast else [],
        "low": ahead(bill.low) if bill.forecast else [],
        "high": ahead(bill.high) if bill.forecast else [],
        "total": None,
        "lines": lines,
    }


def _alerts(
    line: BudgetLine, now: Sequence[Crossing], recorded: Mapping[str, tuple[dt.datetime, Crossing]], sent: Any
) -> tuple[AlertRow, ...]:
    mine = {c.key: c for c in now if c.budget == line.name and c.period == line.period}
    earlier = {k: c for k, (_, c) in recorded.items() if c.budget == line.name and c.period == line.period}
    rows = []
    for key, crossing in {**earlier, **mine}.items():
        seen = recorded.get(key)
        rows.append(AlertRow(crossing, seen[0] if seen else None, key in mine, sent.get(key, ())))
    return tuple(sorted(rows, key=lambda r: (r.crossing.kind, r.crossing.threshold)))


def history(home: Home) -> tuple[dict[str, tuple[dt.datetime, Crossing]], dict[str, tuple[str, ...]]]:
    """The crossings `cloudledger alerts` recorded (key → first seen, crossing) and the channels each alert
    was delivered to (key → channels); nothing when the home has no state database yet."""
    if not home.state_db_path.exists():
        return {}, {}
    from cloudledger.ledger.alert_store import open_alerts
    from cloudledger.notify import SqlOutbox

    store = open_alerts(home)
    try:
        recorded = {c.key: (seen, c) for seen, c in store.history()}
        delivered: dict[str, tuple[str, ...]] = {}
        for attempt in SqlOutbox(store.engine).attempts():
            if attempt.status == "delivered" and attempt.channel not in delivered.get(attempt.alert_key, ()):
                delivered[attempt.alert_key] = (*delivered.get(attempt.alert_key, ()), attempt.channel)
    finally:
        store.dispose()
    return recorded, delivered


def budget_cones(
    lines: Sequence[BudgetLine],
    config: CloudledgerConfig,
    bills: Mapping[str, MonthEnd],
    bill_days: Mapping[str, DailyForecast],
    budget_days: Mapping[str, dict[dt.date, Decimal]],
    home: Home,
    own: Mapping[str, MonthEnd] | None = None,
) -> list[BudgetCone]:
    """Every budget line of the month with its forecast (as `cloudledger alerts` computes it), its thresholds
    and its alerts; `bills` and `bill_days` are the whole bill's month end and forecast days per currency."""
    now = crossings(lines, config, bills, own)
    recorded, sent = history(home)
    out = []
    for line in lines:
        bill, days = bills.get(line.currency), bill_days.get(line.currency)
        mine = (own or {}).get(line.name)
        forecast = budget_forecast(line, bill, mine)
        limits = thresholds_of(line, config)
        low = high = None
        chart: dict[str, Any] = {}
        if forecast is not None and bill is not None:
            share = _share(line, bill)
            if mine is not None and mine.month == line.period and mine.currency == line.currency:
                # its own series' forecast: the bill's days scaled to its rest, its own interval
                share = mine.remaining / bill.remaining if bill.remaining else Decimal(0)
                low = round_half_up(line.actual + mine.low - mine.actual)
                high = round_half_up(line.actual + mine.high - mine.actual)
            else:
                low = round_half_up(line.actual + share * (bill.low - bill.actual))
                high = round_half_up(line.actual + share * (bill.high - bill.actual))
            if days is not None and days.month == line.period:
                chart = _chart(line, budget_days.get(line.name, {}), days, share, limits)
                chart["total"] = float(forecast)
        out.append(BudgetCone(line, forecast, low, high, limits, _alerts(line, now, recorded, sent), chart))
    return out
