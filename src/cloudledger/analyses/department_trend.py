"""Actual against budget by department, month by month, per billing currency (the executive page's chart).

The actual of a department is its allocated cost (direct plus its share of shared costs), as the budgets and
the chargeback count it; cost no rule reached is its own series. Budgets are the department budgets kept in
the same metric, summed when a department has several.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.budget_plan import budget_months, month_after, month_range
from cloudledger.analyses.dashboard_selection import EVERYTHING, Selection
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig

UNALLOCATED = "Unallocated"
MONTHS = 24
Cell = tuple[str, str, str]  # (currency, department, period)


@dataclass(frozen=True)
class DepartmentSeries:
    """One department's exact actual and budget, one entry per period of its chart (budget None: none set)."""

    department: str
    actual: tuple[Decimal, ...]
    budget: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class DepartmentChart:
    """Actual against budget by department in one billing currency."""

    currency: str
    metric: str
    periods: tuple[str, ...]
    series: tuple[DepartmentSeries, ...]
    """Largest actual first; unallocated cost last."""

    def as_json(self) -> dict[str, Any]:
        """The chart's data for the browser: amounts as numbers rounded half-up to cents."""
        return {
            "currency": self.currency,
            "metric": self.metric,
            "periods": list(self.periods),
            "series": [
                {
                    "department": s.department,
                    "actual": [_number(a) for a in s.actual],
                    "budget": [None if b is None else _number(b) for b in s.budget],
                }
                for s in self.series
            ],
        }

    def performance(self, period: str) -> tuple[BudgetPerformance, ...]:
        """Each department with a budget: its actual against its budget in `period` and from January to it."""
        if period not in self.periods:
            return ()
        at = self.periods.index(period)
        year = [i for i, p in enumerate(self.periods[: at + 1]) if p[:4] == period[:4]]
        out = []
        for s in self.series:
            if s.budget[at] is None and all(s.budget[i] is None for i in year):
                continue
            ytd_budget = [b for b in (s.budget[i] for i in year) if b is not None]
            out.append(
                BudgetPerformance(
                    s.department,
                    s.actual[at],
                    s.budget[at],
                    sum((s.actual[i] for i in year), Decimal(0)),
                    sum(ytd_budget, Decimal(0)) if ytd_budget else None,
                )
            )
        return tuple(out)


@dataclass(frozen=True)
class BudgetPerformance:
    """A department's actual against its budget in one month and year to date (budget None: none set)."""

    department: str
    actual: Decimal
    budget: Decimal | None
    actual_year_to_date: Decimal
    budget_year_to_date: Decimal | None

    @property
    def used_pct(self) -> Decimal | None:
        return None if not self.budget else round_half_up(self.actual / self.budget * 100)

    @property
    def used_year_to_date_pct(self) -> Decimal | None:
        return (
            None
            if not self.budget_year_to_date
            else round_half_up(self.actual_year_to_date / self.budget_year_to_date * 100)
        )


def _number(amount: Decimal) -> float:
    return float(round_half_up(amount))


def department_charts(
    table: ir.Table,
    config: CloudledgerConfig,
    end: str,
    *,
    months: int = MONTHS,
    metric: str = "EffectiveCost",
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
    selection: Selection = EVERYTHING,
) -> tuple[DepartmentChart, ...]:
    """One chart per billing currency over the `months` billing periods ending with `end` (YYYY-MM), from the
    first period with cost or budget; with a `selection`, of its providers and environment (department budgets
    are then left out: they cover every provider and environment) and only its department."""
    start = month_after(end, 1 - months)
    tags = tags or TagResolver.of(table, config.tag_policy)
    rows = selection.rows(table, tags)
    query = AllocationQuery(metric=metric, start=start, end=end, keep=())
    actual = _actuals(rows, config, query, metrics, tags)
    budget = {} if selection.narrows_rows else _budgets(config, start, end, metric)
    if selection.department is not None:
        actual = {cell: amount for cell, amount in actual.items() if cell[1] == selection.department}
        budget = {cell: amount for cell, amount in budget.items() if cell[1] == selection.department}
    currencies = sorted({cell[0] for cell in (*actual, *budget)})
    return tuple(_chart(currency, metric, start, end, actual, budget) for currency in currencies)


def _actuals(
    table: ir.Table,
    config: CloudledgerConfig,
    query: AllocationQuery,
    metrics: ir.Table | None,
    tags: TagResolver | None,
) -> dict[Cell, Decimal]:
    rows = allocate(table, config, query, metrics, tags)
    summed = rows.group_by(["currency", "department", "period"]).aggregate(amount=rows.amount.sum())
    found: dict[Cell, Decimal] = defaultdict(Decimal)
    for row in summed.to_pyarrow().to_pylist():
        found[(row["currency"], row["department"] or UNALLOCATED, row["period"])] += row["amount"] or Decimal(0)
    return dict(found)


def _budgets(config: CloudledgerConfig, start: str, end: str, metric: str) -> dict[Cell, Decimal]:
    found: dict[Cell, Decimal] = defaultdict(Decimal)
    for month in budget_months(config, start, end):
        if month.scope_kind == "department" and month.metric == metric:
            found[(month.currency, month.scope_value, month.period)] += month.amount
    return dict(found)


def _chart(
    currency: str, metric: str, start: str, end: str, actual: dict[Cell, Decimal], budget: dict[Cell, Decimal]
) -> DepartmentChart:
    cells = {cell for cell in (*actual, *budget) if cell[0] == currency}
    first = min((cell[2] for cell in cells), default=start)
    periods = tuple(month_range(max(first, start), end))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for cell in cells:
        totals[cell[1]] += actual.get(cell, Decimal(0))
    names = sorted(totals, key=lambda name: (name == UNALLOCATED, -totals[name], name))
    series = tuple(
        DepartmentSeries(
            name,
            tuple(actual.get((currency, name, p), Decimal(0)) for p in periods),
            tuple(budget.get((currency, name, p)) for p in periods),
        )
        for name in names
    )
    return DepartmentChart(currency, metric, periods, series)
