"""Each budget's actual cost per charge day of one month, counted the way `budgets.budget_status` counts it
(allocated rows, shared costs included, the budget's currency only), so that the days add up to its month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import ibis.expr.types as ir

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.budget_plan import OWNER_KINDS, budget_months
from cloudledger.analyses.budgets import in_scope, scope_column
from cloudledger.config.model import CloudledgerConfig


def budget_days(
    table: ir.Table, config: CloudledgerConfig, period: str, metrics: ir.Table | None = None
) -> dict[str, dict[date, Decimal]]:
    """Budget name → charge day → its exact actual cost, for the budgets of `config` covering `period`."""
    months = budget_months(config, period, period, open_end=period)
    out: dict[str, dict[date, Decimal]] = {}
    for metric in dict.fromkeys(m.metric for m in months):
        chosen = [m for m in months if m.metric == metric]
        keep = (
            "day",
            *dict.fromkeys(scope_column(m) for m in chosen if m.scope_kind in ("provider", "service", "tag")),
        )
        rows = allocate(table, config, AllocationQuery(metric=metric, start=period, end=period, keep=keep), metrics)
        summed = rows.group_by(["currency", *OWNER_KINDS, *keep]).aggregate(amount=rows.amount.sum())
        found = summed.to_pyarrow().to_pylist()
        for month in chosen:
            days: dict[date, Decimal] = defaultdict(Decimal)
            for row in found:
                if row["currency"] == month.currency and row["amount"] is not None and in_scope(month, row):
                    days[row["day"]] += row["amount"]
            out[month.name] = dict(sorted(days.items()))
    return out
