"""Budgets of the owners of a chargeback: the monthly amounts of the budgets scoped to one owner."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from cloudledger.analyses.budget_plan import budget_months
from cloudledger.analyses.chargeback import Budgets
from cloudledger.config.model import CloudledgerConfig


def owner_budgets(config: CloudledgerConfig, period: str, level: str) -> Budgets:
    """(owner name, currency) → the sum of the budgets scoped to that owner at `level` for `period`."""
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for month in budget_months(config, period, period):
        if month.scope_kind != level or month.period != period:
            continue
        owner = config.organization.resolve(level, month.scope_value)
        name = {"department": owner.department, "team": owner.team, "cost_center": owner.cost_center}[level]
        out[(str(name), month.currency)] += month.amount
    return dict(out)
