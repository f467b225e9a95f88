"""Forecasts per owner (department, team) and per budget: the daily series of the allocated cost.

A department or team owns cost only through the allocation (direct rules and shared-cost splits, as the
chargeback counts them), and a budget's actual is the allocated cost of its scope in its own metric and
currency (as `analyses.budgets` counts it). Their series are therefore read from the allocation kept by charge
day, over the billing periods the forecast needs (by default the last `HISTORY_MONTHS` months and the current
one: enough for the backtest), and forecast like any other series: each by the model its backtest chose.
The allocation reads tags, which the daily rollup does not keep: these series read the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir

from cloudledger.analyses.allocation import DAY, AllocationQuery, allocate
from cloudledger.analyses.budget_plan import OWNER_KINDS, BudgetMonth, budget_months, month_after
from cloudledger.analyses.budgets import KEPT, in_scope, scope_column
from cloudledger.analyses.chargeback import owner_name
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.forecast import (
    SCOPES,
    MonthEnd,
    MonthEndForecast,
    Series,
    backtest,
    daily_series,
    month_actuals,
    month_end,
    month_end_forecast,
)
from cloudledger.analyses.summary import TableSource, on_rollup
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError

OWNER_LEVELS = ("department", "team")
BUDGET = "budget"
ALL_SCOPES = (*SCOPES, *OWNER_LEVELS, BUDGET)
HISTORY_MONTHS = 6
"""Billing periods read before the current one (six months: the backtest's 8 weeks and more)."""


@dataclass(frozen=True)
class DailyCosts:
    """The series of one kind of scope, and each series' exact cost from the first of the last day's month."""

    series: tuple[Series, ...]
    actual: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    last_day: date | None = None


def check_scope(by: str) -> None:
    if by not in ALL_SCOPES:
        raise QueryError(f"cannot forecast by {by!r}; valid: {', '.join(ALL_SCOPES)}")


def last_charge_day(table: ir.Table) -> date | None:
    """The ledger's last charge day (the daily rollup answers)."""
    rows = bill_rows(table)
    value = rows.ChargePeriodStart.max().to_pyarrow().as_py()
    return None if value is None else value.date()


def first_period(last: date, months: int = HISTORY_MONTHS) -> str:
    """The first billing period read for a forecast from `last`: `months` before `last`'s month."""
    return month_after(last.strftime("%Y-%m"), -months)


def collect(rows: Iterable[tuple[str, str, date, Decimal]], first: date, last: date) -> DailyCosts:
    """(scope, currency, day, amount) rows as daily series from each one's first day with cost to `last`
    (days before `first` or after `last` left out), and each series' exact cost of `last`'s month."""
    days: dict[tuple[str, str], dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for scope, currency, day, amount in rows:
        if first <= day <= last:
            days[(scope, currency)][day] += amount
    month_start = last.replace(day=1)
    out, actual = [], {}
    for (scope, currency), amounts in sorted(days.items()):
        start = min(amounts)
        length = (last - start).days + 1
        values = tuple(float(amounts.get(start + timedelta(d), 0)) for d in range(length))
        out.append(Series(scope, currency, start, values))
        actual[(scope, currency)] = sum((v for d, v in amounts.items() if d >= month_start), Decimal(0))
    return DailyCosts(tuple(out), actual, last)


def _allocated_by_day(
    table: ir.Table,
    config: CloudledgerConfig,
    metric: str,
    start: str,
    keep: tuple[str, ...],
    metrics: ir.Table | None,
    tags: TagResolver | None,
) -> list[dict[str, Any]]:
    """The allocation from billing period `start` on, summed by day, currency, kind, owner and `keep`."""
    query = AllocationQuery(metric, start, None, keep=(DAY, *keep))
    rows = allocate(table, config, query, metrics, tags)
    keys = [DAY, "currency", "kind", *OWNER_KINDS, *keep]
    found: list[dict[str, Any]] = rows.group_by(keys).aggregate(amount=rows.amount.sum()).to_pyarrow().to_pylist()
    return found


def owner_costs(
    table: ir.Table,
    config: CloudledgerConfig,
    level: str,
    metric: str = "EffectiveCost",
    *,
    last: date | None = None,
    months: int = HISTORY_MONTHS,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
) -> DailyCosts:
    """Each department's or team's allocated cost per charge day (the unallocated cost as its own series),
    named as the chargeback names them, from `months` billing periods before `last`'s (default: the ledger's
    last charge day) to `last`."""
    if level not in OWNER_LEVELS:
        raise QueryError(f"cannot forecast by {level!r}; owner levels: {', '.join(OWNER_LEVELS)}")
    last = last or last_charge_day(table)
    if last is None:
        return DailyCosts(())
    start = first_period(last, months)
    found = _allocated_by_day(table, config, metric, start, (), metrics, tags)
    rows = ((owner_name(r, level), r["currency"] or "", r[DAY], r["amount"] or Decimal(0)) for r in found)
    return collect(rows, date.fromisoformat(f"{start}-01"), last)


def budget_costs(
    table: ir.Table,
    config: CloudledgerConfig,
    *,
    last: date | None = None,
    months: int = HISTORY_MONTHS,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
) -> DailyCosts:
    """Each budget's actual per charge day (its scope's allocated cost in its own metric and currency, as the
    budget report counts it), for the budgets that have an amount in `last`'s month; series named by budget."""
    last = last or last_charge_day(table)
    if last is None:
        return DailyCosts(())
    period = last.strftime("%Y-%m")
    budgets = list({m.name: m for m in budget_months(config, period, period, open_end=period)}.values())
    start = first_period(last, months)
    rows: list[tuple[str, str, date, Decimal]] = []
    tags = tags or TagResolver.of(table, config.tag_policy)
    for metric in dict.fromkeys(b.metric for b in budgets):
        chosen = [b for b in budgets if b.metric == metric]
        keep = tuple(dict.fromkeys(scope_column(b) for b in chosen if b.scope_kind in (*KEPT, "tag")))
        found = _allocated_by_day(table, config, metric, start, keep, metrics, tags)
        rows.extend(_budget_rows(chosen, found))
    return collect(rows, date.fromisoformat(f"{start}-01"), last)


def _budget_rows(budgets: list[BudgetMonth], found: list[dict[str, Any]]) -> Iterable[tuple[str, str, date, Decimal]]:
    for budget in budgets:
        for row in found:
            if row["currency"] == budget.currency and row["amount"] is not None and in_scope(budget, row):
                yield budget.name, budget.currency, row[DAY], row["amount"]


def scope_costs(
    tables: TableSource,
    config: CloudledgerConfig,
    by: str,
    metric: str = "EffectiveCost",
    *,
    months: int = HISTORY_MONTHS,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
) -> DailyCosts:
    """The daily series of `by`'s scopes: owners and budgets from the allocation (the last `months` billing
    periods and the current one), the bill, providers and services from the daily rollup (all of it)."""
    check_scope(by)
    if by in SCOPES:
        series = on_rollup(lambda t: daily_series(t, by, metric), tables.daily, tables.ledger)
        if not series:
            return DailyCosts(())
        last = max(s.end for s in series)
        actual = on_rollup(lambda t: month_actuals(t, last, by, metric), tables.daily, tables.ledger)
        return DailyCosts(tuple(series), actual, last)
    day = on_rollup(last_charge_day, tables.daily, tables.ledger)
    if by == BUDGET:
        return budget_costs(tables.ledger, config, last=day, months=months, metrics=metrics, tags=tags)
    return owner_costs(tables.ledger, config, by, metric, last=day, months=months, metrics=metrics, tags=tags)


def scope_forecast(
    tables: TableSource,
    config: CloudledgerConfig,
    by: str = "total",
    metric: str = "EffectiveCost",
    horizon: int = 14,
    windows: int = 4,
    *,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
) -> MonthEndForecast:
    """The month ends of `by`'s series, each forecast by the model its rolling-origin backtest chose (budgets
    in their own metric: `metric` applies to the other scopes)."""
    check_scope(by)
    if by in SCOPES:
        return month_end_forecast(tables, by, metric, horizon, windows)
    costs = scope_costs(tables, config, by, metric, metrics=metrics, tags=tags)
    if not costs.series:
        return MonthEndForecast((), (), None)
    scores = backtest(costs.series, horizon, windows)
    chosen = {f"{b.scope}|{b.currency}": b.chosen for b in scores}
    return MonthEndForecast(tuple(month_end(costs.series, costs.actual, chosen)), tuple(scores), costs.last_day)


def budget_month_ends(
    tables: TableSource,
    config: CloudledgerConfig,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
) -> dict[str, MonthEnd]:
    """Each budget's month-end forecast from its own series (budgets of the current month with cost), by name."""
    if not config.budgets and not config.budget_files:
        return {}
    found = scope_forecast(tables, config, BUDGET, metrics=metrics, tags=tags)
    return {end.scope: end for end in found.ends}
