"""Response model of `GET /kpis`. Money is a string of exact decimals; percentages have two decimals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from cloudledger.api.models import HINT


class WindowModel(BaseModel):
    start: date
    end: date
    spend: Decimal
    previous_start: date
    previous_end: date
    previous_spend: Decimal
    change_pct: Decimal | None
    """(spend − previous) ÷ previous × 100; null when the previous spend is 0."""


class CurrencyKpisModel(BaseModel):
    currency: str
    month_to_date: WindowModel
    """Against the same days of the previous month."""
    year_to_date: WindowModel
    """Against the same days of the previous year."""
    budget_month: Decimal | None
    """Company-wide (total) budgets of the month; null when there is none."""
    budget_year_to_date: Decimal | None
    budget_month_pct: Decimal | None
    budget_year_to_date_pct: Decimal | None
    allocated_pct: Decimal | None
    """Share of the month's billing period that reached an owner."""
    tag_compliance_pct: Decimal | None
    """Share of the month's taggable spend with every required tag valid."""
    savings_vs_list_pct: Decimal | None
    """(ListCost − EffectiveCost) ÷ ListCost × 100, commitment purchases left out."""
    savings_vs_contracted_pct: Decimal | None
    """(ContractedCost − EffectiveCost) ÷ ContractedCost × 100, commitment purchases left out."""


class KpisResponse(BaseModel):
    as_of_day: date | None = None
    month: str | None = None
    metric: str = "EffectiveCost"
    currencies: list[CurrencyKpisModel] = Field(default_factory=list)
    hint: str | None = HINT
