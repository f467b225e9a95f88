"""Budgets against actual cost: one line per budget and month, the actual read from the allocated ledger.

The actual of an owner (department, team, cost center) is its direct cost plus its share of the shared
costs, exactly as the chargeback counts it; total, provider, service and tag budgets read the same
allocated rows filtered on ProviderName, ServiceName or the tag. Only cost in the budget's currency counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.budget_plan import OWNER_KINDS, BudgetMonth, budget_months
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError

KEPT = {"provider": "ProviderName", "service": "ServiceName"}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class BudgetLine:
    """One budget in one month: the budgeted amount, the actual cost and how far apart they are."""

    name: str
    scope_kind: str
    scope_value: str
    period: str
    """YYYY-MM billing period."""
    currency: str
    metric: str
    budget: Decimal
    actual: Decimal
    """The metric's exact total for the scope in the period (10 decimal places)."""
    source: str
    """'config' or the budget CSV's path."""

    @property
    def scope(self) -> str:
        return "total" if self.scope_kind == "total" else f"{self.scope_kind}:{self.scope_value}"

    @property
    def actual_cents(self) -> Decimal:
        """The actual rounded half-up to cents, for display."""
        return round_half_up(self.actual)

    @property
    def variance(self) -> Decimal:
        """actual − budget, exact (positive: over budget)."""
        return self.actual - self.budget

    @property
    def variance_pct(self) -> Decimal | None:
        """variance ÷ budget × 100, rounded half-up to two places (None for a zero budget)."""
        return round_half_up(self.variance / self.budget * HUNDRED) if self.budget else None

    @property
    def utilisation_pct(self) -> Decimal | None:
        """actual ÷ budget × 100, rounded half-up to two places (None for a zero budget)."""
        return round_half_up(self.actual / self.budget * HUNDRED) if self.budget else None

    @property
    def over_budget(self) -> bool:
        return self.actual > self.budget


@dataclass(frozen=True)
class BudgetReport:
    """Budget lines in the order the budgets are written, each budget's months in order."""

    lines: tuple[BudgetLine, ...]
    other_currencies: tuple[str, ...] = ()
    """Currencies the ledger holds cost in, in the periods shown, that no budget shown is kept in (not counted)."""

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(line.metric for line in self.lines))


def budget_status(
    table: ir.Table,
    config: CloudledgerConfig,
    *,
    start: str | None = None,
    end: str | None = None,
    metrics: ir.Table | None = None,
    names: Collection[str] | None = None,
    tags: TagResolver | None = None,
) -> BudgetReport:
    """Every budget (or the ones `names`) month by month from `start` to `end` (YYYY-MM, inclusive) against
    the ledger `table`. Without `end`, months run to the ledger's last billing period: later months have no
    cost yet, and showing them 100 % under budget would mislead."""
    end = end or _last_period(table)
    months = _named(budget_months(config, start, end, open_end=end), names)
    if not months:
        return BudgetReport(())
    totals: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    currencies: set[str] = set()
    for metric in dict.fromkeys(m.metric for m in months):
        chosen = [m for m in months if m.metric == metric]
        for row in _allocated(table, config, chosen, metrics, tags):
            totals[(metric, row["period"], row["currency"])].append(row)
            if row["amount"]:
                currencies.add(row["currency"])
    lines = tuple(_line(m, totals[(m.metric, m.period, m.currency)]) for m in months)
    shown = {m.currency for m in months}
    return BudgetReport(lines, tuple(sorted(c for c in currencies - shown if c)))


def _named(months: list[BudgetMonth], names: Collection[str] | None) -> list[BudgetMonth]:
    if not names:
        return months
    known = dict.fromkeys(m.name for m in months)
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(known) or "none in this range"
        raise QueryError(f"no budget named {', '.join(map(repr, unknown))} in this range; budgets: {listed}")
    return [m for m in months if m.name in names]


def _last_period(table: ir.Table) -> str | None:
    value = bill_rows(table).x_billing_period.max().to_pyarrow().as_py()
    return str(value) if value else None


def _allocated(
    table: ir.Table,
    config: CloudledgerConfig,
    months: Sequence[BudgetMonth],
    metrics: ir.Table | None,
    tags: TagResolver | None,
) -> list[dict[str, Any]]:
    """The allocated cost of the months' periods, summed by period, currency, owner and the scope columns."""
    keep = dict.fromkeys(scope_column(m) for m in months if m.scope_kind in (*KEPT, "tag"))
    query = AllocationQuery(
        metric=months[0].metric,
        start=min(m.period for m in months),
        end=max(m.period for m in months),
        keep=tuple(keep),
    )
    rows = allocate(table, config, query, metrics, tags)
    keys = ["period", "currency", *OWNER_KINDS, *keep]
    summed = rows.group_by(keys).aggregate(amount=rows.amount.sum())
    result: list[dict[str, Any]] = summed.to_pyarrow().to_pylist()
    return result


def scope_column(month: BudgetMonth) -> str:
    """The allocated column a provider, service or tag scope is compared with."""
    if month.scope_kind == "tag":
        return "tag:" + month.scope_value.split("=", 1)[0]
    return KEPT[month.scope_kind]


def _line(month: BudgetMonth, rows: list[dict[str, Any]]) -> BudgetLine:
    actual = sum((r["amount"] for r in rows if r["amount"] is not None and in_scope(month, r)), Decimal(0))
    return BudgetLine(
        month.name,
        month.scope_kind,
        month.scope_value,
        month.period,
        month.currency,
        month.metric,
        month.amount,
        actual,
        month.source,
    )


def in_scope(month: BudgetMonth, row: dict[str, Any]) -> bool:
    """Owners compare by their name in the organization; providers, services and tag values ignoring case."""
    if month.scope_kind == "total":
        return True
    if month.scope_kind in OWNER_KINDS:
        return bool(row[month.scope_kind] == month.scope_value)
    value = month.scope_value.split("=", 1)[1] if month.scope_kind == "tag" else month.scope_value
    found = row[scope_column(month)]
    return found is not None and str(found).casefold() == value.casefold()
