"""Budgets of the owners of a chargeback: the monthly amounts of the budgets scoped to one owner."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from cloudledger.analyses.budget_plan import budget_months
from cloudledger.analyses.chargeback_model import Budgets
from cloudledger.config.model import CloudledgerConfig


def owner_budgets(config: CloudledgerConfig, periods: Sequence[str], level: str) -> dict[str, Budgets]:
    """Per period: (owner name, currency) → the sum of the budgets scoped to that owner at `level` (the
    budgets are expanded once for the whole range)."""
    out: dict[str, dict[tuple[str, str], Decimal]] = {period: defaultdict(Decimal) for period in periods}
    if not periods:
        return {}
    for month in budget_months(config, min(periods), max(periods)):
        if month.scope_kind != level or month.period not in out:
            continue
        owner = config.organization.resolve(level, month.scope_value)
        name = {"department": owner.department, "team": owner.team, "cost_center": owner.cost_center}[level]
        out[month.period][(str(name), month.currency)] += month.amount
    return {period: dict(budgets) for period, budgets in out.items()}
