"""Unit economics: the cost of a selection of the ledger ÷ a business metric, per day or month, with its trend.

Cost is dated by its charge period start (UTC); Kubernetes allocation rows are never counted. A unit cost
with a department or team divides that owner's allocated cost (direct plus its shares of shared costs).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

import ibis.expr.types as ir

from cloudledger.analyses.allocation import DAY, AllocationQuery, allocate
from cloudledger.analyses.allocation_rules import Aggregated
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.selection import Columns, predicate
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.units import UnitCost
from cloudledger.errors import QueryError

SHOWN_PLACES = 6
"""Significant digits a unit cost is shown with."""
MATH = Context(prec=28)
"""Every division and the trend are computed with 28 significant digits, whatever the caller's context."""


@dataclass(frozen=True)
class UnitCostLine:
    """One day or month of a unit cost."""

    period: date
    """The day, or the first day of the month."""
    cost: Decimal
    value: Decimal | None
    """The metric summed over the period; None when it has no value there."""
    unit_cost: Decimal | None
    """cost ÷ value × per; None when the metric has no value, is zero, or misses days of the month."""
    change_pct: Decimal | None
    """Change of the unit cost against the period before, in percent (None when either is unknown)."""
    missing_days: int = 0
    """Days of the month (within the ledger's dates) without a value of the daily metric."""


@dataclass(frozen=True)
class UnitCostSeries:
    """A configured unit cost over the chosen periods."""

    unit: UnitCost
    currency: str | None
    """The billing currency of the selected cost (None when nothing was selected)."""
    lines: tuple[UnitCostLine, ...]
    slope: Decimal | None
    """Least-squares change of the unit cost per period (day or month), a Decimal; None below two unit costs."""


@dataclass(frozen=True)
class UnitCostReport:
    """Every chosen unit cost, in the order of the config."""

    series: tuple[UnitCostSeries, ...]
    start: date | None
    end: date | None


def unit_costs(
    table: ir.Table,
    config: CloudledgerConfig,
    metrics: ir.Table,
    *,
    names: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> UnitCostReport:
    """The unit costs of `config` (or those in `names`) per their grain; `start` and `end` are inclusive days
    (a monthly unit cost shows the whole months that contain them)."""
    units = _chosen(config, names)
    inputs = _Inputs(table, bill_rows(table), config, metrics, TagResolver.of(table, config.tag_policy))
    span = _span(inputs.bill)
    points = _points(metrics, [u.metric for u in units])
    series = []
    for unit in units:
        window = _window(unit.grain, start, end, span)
        values, daily = _metric_values(unit, points)
        series.append(_series(unit, _cost_rows(inputs, unit, window), values, daily, window))
    return UnitCostReport(tuple(series), start, end)


def significant(value: Decimal, places: int = SHOWN_PLACES) -> Decimal:
    """`value` rounded (half up) to `places` significant digits, e.g. 0.0123456789 → 0.0123457."""
    if not value:
        return Decimal(0)
    exponent = value.adjusted() - places + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP, context=Context(prec=60))


def _chosen(config: CloudledgerConfig, names: Sequence[str] | None) -> list[UnitCost]:
    if names is None:
        return list(config.unit_costs)
    by_name = {u.name: u for u in config.unit_costs}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        known = ", ".join(repr(n) for n in by_name) or "none; add a unit_costs: section to cloudledger.yaml"
        raise QueryError(f"no unit cost named {unknown[0]!r}; unit costs: {known}")
    return [by_name[n] for n in dict.fromkeys(names)]


def _span(bill: ir.Table) -> tuple[date, date] | None:
    """The first and last charge day of the bill."""
    day = bill.ChargePeriodStart.date()
    row = bill.aggregate(first=day.min(), last=day.max()).to_pyarrow().to_pylist()[0]
    return None if row["first"] is None else (row["first"], row["last"])


Window = tuple[date, date] | None
"""The first and last day counted: the days asked for (whole months for a monthly grain) that the ledger covers."""


def _window(grain: str, start: date | None, end: date | None, span: tuple[date, date] | None) -> Window:
    if span is None:
        return None
    first, last = start or span[0], end or span[1]
    if grain == "month":
        first, last = _month(first), last.replace(day=calendar.monthrange(last.year, last.month)[1])
    first, last = max(first, span[0]), min(last, span[1])
    return (first, last) if first <= last else None


def _month(day: date) -> date:
    return day.replace(day=1)


def _points(metrics: ir.Table, names: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The stored points of the metrics the unit costs divide by, per metric."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    chosen = metrics.filter(metrics.metric.isin(wanted)).select("metric", "dimension", "date", "grain", "value")
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in wanted}
    for row in chosen.to_pyarrow().to_pylist():
        out[row["metric"]].append(row)
    missing = [name for name in wanted if not out[name]]
    if missing:
        loaded = sorted(set(metrics.select("metric").distinct().to_pyarrow().column("metric").to_pylist()))
        listed = ", ".join(loaded) or "none"
        raise QueryError(
            f"the business metric {missing[0]!r} is not loaded (loaded: {listed}); load it with "
            "`cloudledger units import FILE`"
        )
    return out


def _metric_values(unit: UnitCost, points: dict[str, list[dict[str, Any]]]) -> tuple[dict[date, Decimal], bool]:
    """The metric's values by date, and whether they are daily. Without a dimension: the whole-metric values,
    else (none stored) the sum over the dimensions."""
    rows = points[unit.metric]
    dimensions = sorted({r["dimension"] or "" for r in rows})
    if unit.dimension is not None and unit.dimension not in dimensions:
        listed = ", ".join(repr(d) for d in dimensions if d) or "none"
        raise QueryError(
            f"unit cost {unit.name!r}: the metric {unit.metric!r} has no dimension {unit.dimension!r} "
            f"(dimensions: {listed})"
        )
    wanted = unit.dimension if unit.dimension is not None else ("" if "" in dimensions else None)
    daily = rows[0]["grain"] == "day"
    if unit.grain == "day" and not daily:
        raise QueryError(
            f"unit cost {unit.name!r} is per day (grain: day) but the metric {unit.metric!r} has monthly values; "
            "use grain: month, or load daily values of the metric"
        )
    values: dict[date, Decimal] = {}
    for row in rows:
        if wanted is None or (row["dimension"] or "") == wanted:
            values[row["date"]] = values.get(row["date"], Decimal(0)) + row["value"]
    return values, daily


@dataclass(frozen=True)
class _Inputs:
    table: ir.Table
    bill: ir.Table
    config: CloudledgerConfig
    metrics: ir.Table
    tags: TagResolver


def _cost_rows(inputs: _Inputs, unit: UnitCost, window: Window) -> list[dict[str, Any]]:
    """The selected cost summed per charge day and billing currency (rows: day, currency, amount)."""
    if window is None:
        return []
    if unit.department is None and unit.team is None:
        rows = inputs.bill.filter(predicate(Columns(inputs.bill, inputs.tags), unit.match))
        rows = rows.mutate(day=rows.ChargePeriodStart.date(), currency=rows.BillingCurrency, amount=rows[unit.cost])
    else:  # the owner's allocated cost; the selector tests the columns kept under their own names
        query = AllocationQuery(metric=unit.cost, keep=(DAY, *sorted(unit.match)))
        rows = allocate(inputs.table, inputs.config, query, inputs.metrics, inputs.tags)
        kept = Aggregated(rows, {name: name for name in unit.match})
        rows = rows.filter(_owner(rows, inputs.config, unit), predicate(kept, unit.match))
    rows = rows.filter(rows.day >= window[0], rows.day <= window[1])
    summed = rows.group_by("day", "currency").aggregate(amount=rows.amount.sum())
    return list(summed.to_pyarrow().to_pylist())


def _owner(rows: ir.Table, config: CloudledgerConfig, unit: UnitCost) -> ir.BooleanValue:
    """The unit's department (with its teams) or team, by its canonical name."""
    if unit.team is not None:
        team = config.organization.resolve("team", unit.team).team
        return rows.team == team
    department = config.organization.resolve("department", unit.department or "").department
    return rows.department == department


def _series(
    unit: UnitCost, cost_rows: list[dict[str, Any]], values: dict[date, Decimal], daily: bool, window: Window
) -> UnitCostSeries:
    currencies = sorted({r["currency"] or "" for r in cost_rows})
    if len(currencies) > 1:
        listed = ", ".join(currencies)
        raise QueryError(
            f"unit cost {unit.name!r} selects cost in {len(currencies)} billing currencies ({listed}); "
            f"narrow its match: (e.g. BillingCurrency: {currencies[0]})"
        )
    costs: dict[date, Decimal] = {}
    for row in cost_rows:
        period = _period(row["day"], unit.grain)
        costs[period] = costs.get(period, Decimal(0)) + (row["amount"] or Decimal(0))
    sums, missing = _period_values(unit.grain, values, daily, window)
    periods = sorted(set(costs) | set(sums))
    unit_cost = {p: _divide(costs.get(p, Decimal(0)), sums.get(p), missing.get(p, 0), unit.per) for p in periods}
    lines = tuple(
        UnitCostLine(
            period=p,
            cost=costs.get(p, Decimal(0)),
            value=sums.get(p),
            unit_cost=unit_cost[p],
            change_pct=_change(unit_cost.get(_period(p - timedelta(days=1), unit.grain)), unit_cost[p]),
            missing_days=missing.get(p, 0),
        )
        for p in periods
    )
    return UnitCostSeries(unit, currencies[0] if currencies else None, lines, _slope(lines, unit.grain))


def _period(day: date, grain: str) -> date:
    return _month(day) if grain == "month" else day


def _period_values(
    grain: str, values: dict[date, Decimal], daily: bool, window: Window
) -> tuple[dict[date, Decimal], dict[date, int]]:
    """The metric per period within the window, and per month the window's days a daily metric misses."""
    if window is None:
        return {}, {}
    sums: dict[date, Decimal] = {}
    first = window[0] if daily else _month(window[0])
    for day, value in values.items():
        if first <= day <= window[1]:
            period = _period(day, grain)
            sums[period] = sums.get(period, Decimal(0)) + value
    missing: Counter[date] = Counter()
    if grain == "month" and daily:
        every_day = (window[0] + timedelta(days=n) for n in range((window[1] - window[0]).days + 1))
        missing.update(_month(day) for day in every_day if day not in values)
    return sums, dict(missing)


def _divide(cost: Decimal, value: Decimal | None, missing_days: int, per: Decimal) -> Decimal | None:
    if value is None or not value or missing_days:
        return None
    with localcontext(MATH):
        return cost * per / value


def _change(before: Decimal | None, now: Decimal | None) -> Decimal | None:
    if before is None or now is None or not before:
        return None
    with localcontext(MATH):
        return (now - before) / abs(before) * 100


def _slope(lines: Sequence[UnitCostLine], grain: str) -> Decimal | None:
    """Least squares: Σ(x − x̄)(y − ȳ) ÷ Σ(x − x̄)², x the period's position in time (days or months)."""
    known = [(Decimal(_ordinal(line.period, grain)), line.unit_cost) for line in lines if line.unit_cost is not None]
    if len(known) < 2:
        return None
    with localcontext(MATH):
        mean_x = sum((x for x, _ in known), Decimal(0)) / len(known)
        mean_y = sum((y for _, y in known), Decimal(0)) / len(known)
        numerator = sum(((x - mean_x) * (y - mean_y) for x, y in known), Decimal(0))
        return numerator / sum(((x - mean_x) ** 2 for x, _ in known), Decimal(0))


def _ordinal(period: date, grain: str) -> int:
    return period.year * 12 + period.month if grain == "month" else period.toordinal()
