"""Response models of the policy routes: chargeback, allocation, tag compliance, budgets, unit costs.

Money is a string of exact decimals (chargeback lines are in cents, as on the report)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from cloudledger.api.models import HINT


class TopService(BaseModel):
    service: str
    amount: Decimal


class ChargebackLineModel(BaseModel):
    owner: str
    department: str | None
    team: str | None
    cost_center: str | None
    gl_account: str | None
    currency: str
    direct: Decimal
    shared: Decimal
    total: Decimal
    budget: Decimal | None
    variance: Decimal | None
    variance_pct: Decimal | None
    previous: Decimal | None
    change_pct: Decimal | None
    top_services: list[TopService]


class ChargebackResponse(BaseModel):
    period: str
    level: str
    metric: str
    lines: list[ChargebackLineModel] = Field(default_factory=list)
    ledger_total: dict[str, Decimal] = Field(default_factory=dict)
    """The metric's total per currency, in cents; the lines of a currency add up to it exactly."""
    allocated_pct: dict[str, Decimal | None] = Field(default_factory=dict)
    hint: str | None = HINT


class AllocationRow(BaseModel):
    period: str
    currency: str
    owner: str
    kind: str
    """direct, shared or unallocated."""
    amount: Decimal
    share_pct: Decimal | None
    """amount ÷ the period's total in that currency × 100."""


class AllocationResponse(BaseModel):
    level: str
    metric: str
    rows: list[AllocationRow] = Field(default_factory=list)
    totals: dict[str, dict[str, Decimal]] = Field(default_factory=dict)
    """period → currency → exact total (equal to the ledger's)."""
    hint: str | None = HINT


class KeyComplianceModel(BaseModel):
    key: str
    taggable_spend: Decimal
    valid_spend: Decimal
    missing_spend: Decimal
    invalid_spend: Decimal
    resources: int
    valid_resources: int
    missing_resources: int
    invalid_resources: int


class GroupComplianceModel(BaseModel):
    group: str | None
    currency: str | None
    taggable_spend: Decimal
    untaggable_spend: Decimal
    compliant_spend: Decimal
    spend_percent: Decimal | None
    resources: int
    compliant_resources: int
    count_percent: Decimal | None
    keys: list[KeyComplianceModel]


class ComplianceResponse(BaseModel):
    by: str | None
    metric: str | None
    required: list[str]
    groups: list[GroupComplianceModel] = Field(default_factory=list)
    hint: str | None = HINT


class BudgetLineModel(BaseModel):
    name: str
    scope: str
    period: str
    currency: str
    metric: str
    budget: Decimal
    actual: Decimal
    actual_cents: Decimal
    variance: Decimal
    variance_pct: Decimal | None
    utilisation_pct: Decimal | None
    over_budget: bool
    source: str


class BudgetsResponse(BaseModel):
    lines: list[BudgetLineModel] = Field(default_factory=list)
    other_currencies: list[str] = Field(default_factory=list)
    """Currencies with cost that no budget shown is kept in."""
    hint: str | None = HINT


class UnitCostLineModel(BaseModel):
    period: date
    cost: Decimal
    value: Decimal | None
    unit_cost: Decimal | None
    change_pct: Decimal | None
    missing_days: int


class UnitCostSeriesModel(BaseModel):
    name: str
    metric: str
    grain: str
    per: Decimal
    currency: str | None
    slope: Decimal | None
    lines: list[UnitCostLineModel]


class UnitsResponse(BaseModel):
    series: list[UnitCostSeriesModel] = Field(default_factory=list)
    start: date | None = None
    end: date | None = None
    hint: str | None = HINT
