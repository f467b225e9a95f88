"""Executive KPI results: spend against the previous period, budget, allocation, tags and savings rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Span = tuple[date, date]
"""First and last day, both included."""


@dataclass(frozen=True)
class Window:
    """Spend over a run of days and over the same days of the period before, exact."""

    start: date
    end: date
    """Inclusive."""
    spend: Decimal
    previous_start: date
    previous_end: date
    previous_spend: Decimal
    change_pct: Decimal | None
    """(spend − previous) ÷ previous × 100, two decimals; None when the previous spend is 0."""


@dataclass(frozen=True)
class CurrencyKpis:
    """The KPIs of one billing currency (amounts of two currencies are never added)."""

    currency: str
    month_to_date: Window
    """This month's days up to the day, against the same days of the previous month."""
    year_to_date: Window
    """This year's days up to the day, against the same days of the previous year."""
    budget_month: Decimal | None
    """The company-wide (`total`) budgets of the month; None when there is none."""
    budget_year_to_date: Decimal | None
    """The company-wide budgets from January to the month."""
    budget_month_pct: Decimal | None
    """Month-to-date spend ÷ the month's budget × 100."""
    budget_year_to_date_pct: Decimal | None
    allocated_pct: Decimal | None
    """Share of the month's billing period that reached an owner (direct or shared), in percent."""
    tag_compliance_pct: Decimal | None
    """Share of the month's taggable spend with every required tag valid, in percent."""
    savings_vs_list_pct: Decimal | None
    """(ListCost − EffectiveCost) ÷ ListCost × 100 over the month to date; None when ListCost is 0."""
    savings_vs_contracted_pct: Decimal | None
    """(ContractedCost − EffectiveCost) ÷ ContractedCost × 100 over the month to date."""


@dataclass(frozen=True)
class KpiReport:
    """The KPIs per billing currency as of one day (None and no currencies for an empty ledger)."""

    as_of_day: date | None
    month: str | None
    """The current month, YYYY-MM."""
    metric: str
    currencies: tuple[CurrencyKpis, ...]

    def currency(self, code: str) -> CurrencyKpis:
        return next(c for c in self.currencies if c.currency == code)
