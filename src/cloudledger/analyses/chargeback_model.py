"""The monthly showback / chargeback report: what each owner spent, directly and through shared costs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Level = Literal["department", "team", "cost_center"]
LEVELS: tuple[Level, ...] = ("department", "team", "cost_center")
Budgets = Mapping[tuple[str, str], Decimal]
"""(owner name, currency) → the owner's budget for one period."""
UNALLOCATED = "Unallocated"
"""The owner name of cost no ownership rule or shared-cost split reached."""


@dataclass(frozen=True)
class ChargebackLine:
    """One owner (department, team or cost center) in one billing currency, amounts in cents.

    The unallocated line has `owner == UNALLOCATED` and no department, team or cost center."""

    owner: str
    department: str | None
    team: str | None
    cost_center: str | None
    gl_account: str | None
    currency: str
    direct: Decimal
    """Cost the ownership rules gave this owner."""
    shared: Decimal
    """This owner's share of the shared-cost pools."""
    total: Decimal
    """direct + shared."""
    budget: Decimal | None = None
    variance: Decimal | None = None
    """total − budget (positive: over budget)."""
    variance_pct: Decimal | None = None
    """variance ÷ budget × 100, two decimals."""
    previous: Decimal | None = None
    """The owner's total in the month before."""
    change_pct: Decimal | None = None
    """(total − previous) ÷ previous × 100, two decimals."""
    top_services: tuple[tuple[str, Decimal], ...] = ()
    """The owner's largest services this month (direct plus shared), largest first."""


@dataclass(frozen=True)
class ChargebackReport:
    """The chargeback of one billing period at one level.

    Amounts are rounded to cents so that, per currency, the lines add up exactly to the rounded ledger total
    (largest-remainder rounding, ties broken by owner name)."""

    period: str
    """YYYY-MM."""
    level: Level
    metric: str
    """The FOCUS cost column charged back (EffectiveCost by default: commitments amortised)."""
    lines: tuple[ChargebackLine, ...]
    """Owners by currency then total, largest first; the unallocated line last in each currency."""
    ledger_total: dict[str, Decimal] = field(default_factory=dict)
    """The metric's total of the period per currency, rounded to cents."""

    def allocated_pct(self, currency: str) -> Decimal | None:
        """Share of the period's cost that reached an owner, in percent (two decimals)."""
        total = self.ledger_total.get(currency)
        if not total:
            return None
        unallocated = sum(
            (line.total for line in self.lines if line.currency == currency and line.owner == UNALLOCATED),
            Decimal(0),
        )
        return ((total - unallocated) / total * 100).quantize(Decimal("0.01"))

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted(self.ledger_total))
