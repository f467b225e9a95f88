"""The monthly chargeback: each owner's direct and shared cost, budget, month-over-month change, top services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.budget_lookup import owner_budgets
from cloudledger.analyses.chargeback_model import (
    LEVELS,
    UNALLOCATED,
    Budgets,
    ChargebackLine,
    ChargebackReport,
    Level,
)
from cloudledger.analyses.rounding import round_half_up, round_to_total
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.budgets import check_month
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError

TOP_SERVICES = 3


def previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


@dataclass
class _Owner:
    """Exact amounts of one owner and currency while the report is built."""

    department: str | None = None
    team: str | None = None
    cost_center: str | None = None
    gl_account: str | None = None
    direct: Decimal = Decimal(0)
    shared: Decimal = Decimal(0)
    previous: Decimal = Decimal(0)
    services: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def chargeback(
    table: ir.Table,
    config: CloudledgerConfig,
    period: str,
    *,
    level: Level | None = None,
    metric: str | None = None,
    metrics: ir.Table | None = None,
    budgets: Budgets | None = None,
    tags: TagResolver | None = None,
) -> ChargebackReport:
    """The chargeback of billing period `period` (YYYY-MM) at `level` (default: the config's); `budgets`
    default to the config's budgets scoped to each owner."""
    budgets_of = {period: budgets} if budgets is not None else None
    return chargebacks(
        table, config, [period], level=level, metric=metric, metrics=metrics, budgets=budgets_of, tags=tags
    )[0]


def chargebacks(
    table: ir.Table,
    config: CloudledgerConfig,
    periods: Sequence[str],
    *,
    level: Level | None = None,
    metric: str | None = None,
    metrics: ir.Table | None = None,
    budgets: Mapping[str, Budgets] | None = None,
    tags: TagResolver | None = None,
) -> list[ChargebackReport]:
    """The chargebacks of several billing periods from one allocation of the whole range (each month also
    needs the month before it for its month-over-month change). `budgets` maps a period to its budgets
    (default: the config's budgets scoped to each owner at `level`)."""
    for period in periods:
        _check_period(period)
    level = level or config.chargeback.level
    if level not in LEVELS:
        raise QueryError(f"unknown level {level!r}; valid levels: {', '.join(LEVELS)}")
    metric = metric or config.chargeback.metric
    if not periods:
        return []
    if budgets is None:
        budgets = owner_budgets(config, periods, level)
    query = AllocationQuery(metric=metric, start=previous_period(min(periods)), end=max(periods), keep=("ServiceName",))
    by_period: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in allocate(table, config, query, metrics, tags).to_pyarrow().to_pylist():
        by_period[row["period"]].append(row)
    return [
        _report(period, level, metric, by_period[period], by_period[previous_period(period)], budgets.get(period))
        for period in periods
    ]


def _report(
    period: str,
    level: Level,
    metric: str,
    rows: list[dict[str, Any]],
    before: list[dict[str, Any]],
    budgets: Budgets | None,
) -> ChargebackReport:
    owners: dict[tuple[str, str], _Owner] = {}
    for row in before:
        _add(owners, row, level, current=False)
    for row in rows:
        _add(owners, row, level, current=True)
    lines = _lines({k: o for k, o in owners.items() if o.direct or o.shared or k[0] == UNALLOCATED}, budgets or {})
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row["currency"]] += row["amount"]
    return ChargebackReport(period, level, metric, lines, {c: round_half_up(v) for c, v in totals.items()})


def _check_period(period: str) -> None:
    try:
        check_month(period)
    except ValueError as exc:
        raise QueryError(str(exc)) from None


def owner_name(row: Mapping[str, Any], level: str) -> str:
    """The name an allocated row is charged to at `level`."""
    if row["kind"] == "unallocated" or row["department"] is None:
        return UNALLOCATED
    if level == "department":
        return str(row["department"])
    if level == "team":
        return str(row["team"] or f"{row['department']} (no team)")
    return str(row["cost_center"] or f"{row['department']} (no cost center)")


def _add(owners: dict[tuple[str, str], _Owner], row: Mapping[str, Any], level: str, current: bool) -> None:
    name = owner_name(row, level)
    owner = owners.get((name, row["currency"]))
    if owner is None:
        owner = owners[(name, row["currency"])] = _Owner()
        if name != UNALLOCATED:
            owner.department = row["department"]
            owner.team = row["team"] if level == "team" else None
            owner.cost_center = row["cost_center"] if level != "department" else None
            owner.gl_account = row["gl_account"] if level != "department" else None
    amount: Decimal = row["amount"]
    if not current:
        owner.previous += amount
    elif row["kind"] == "shared":
        owner.shared += amount
    else:
        owner.direct += amount
    if current:
        owner.services[row["ServiceName"] or "(no service)"] += amount


def _lines(owners: dict[tuple[str, str], _Owner], budgets: Budgets) -> tuple[ChargebackLine, ...]:
    lines: list[ChargebackLine] = []
    for currency in sorted({c for _, c in owners}):
        mine = {name: o for (name, c), o in owners.items() if c == currency}
        order = sorted(mine, key=lambda n: (n == UNALLOCATED, -(mine[n].direct + mine[n].shared), n))
        totals = round_to_total({n: mine[n].direct + mine[n].shared for n in order})
        previous = round_to_total({n: mine[n].previous for n in order})
        for name in order:
            owner = mine[name]
            direct = _direct_part(owner, totals[name])
            lines.append(_line(name, currency, owner, totals[name], direct, previous[name], budgets))
    return tuple(lines)


def _direct_part(owner: _Owner, total: Decimal) -> Decimal:
    """The direct part of a rounded total; the shared part is the rest, so a line always adds up."""
    if not owner.shared:
        return total
    if not owner.direct:
        return Decimal("0.00")
    return round_half_up(owner.direct)


def _line(
    name: str, currency: str, owner: _Owner, total: Decimal, direct: Decimal, previous: Decimal, budgets: Budgets
) -> ChargebackLine:
    budget = budgets.get((name, currency))
    variance = total - budget if budget is not None else None
    services = sorted(owner.services.items(), key=lambda item: (-item[1], item[0]))[:TOP_SERVICES]
    return ChargebackLine(
        owner=name,
        department=owner.department,
        team=owner.team,
        cost_center=owner.cost_center,
        gl_account=owner.gl_account,
        currency=currency,
        direct=direct,
        shared=total - direct,
        total=total,
        budget=budget,
        variance=variance,
        variance_pct=_pct(variance, budget),
        previous=previous if owner.previous else None,
        change_pct=_pct(total - previous, previous) if owner.previous else None,
        top_services=tuple((service, round_half_up(amount)) for service, amount in services),
    )


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return round_half_up(part / whole * 100)
