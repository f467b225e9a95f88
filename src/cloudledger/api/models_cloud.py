"""Response model of `GET /cloud`. Money is a string of exact decimals; percentages have two decimals."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from cloudledger.api.models import HINT


class ServiceCostModel(BaseModel):
    service: str
    """A service name, or `Other` for the provider's remaining services summed."""
    amount: Decimal
    share_pct: Decimal | None
    """Of the provider's cost."""
    services: int
    """How many services the line sums (more than one only for `Other`)."""


class ProviderCostModel(BaseModel):
    provider: str
    amount: Decimal
    services: list[ServiceCostModel]
    """The provider's top services, largest first, then `Other`."""


class DepartmentCostModel(BaseModel):
    department: str
    """A department of cloudledger.yaml, or `Unallocated`."""
    amounts: dict[str, Decimal]
    """Allocated cost per provider."""
    total: Decimal


class WorkloadCostModel(BaseModel):
    workload: str
    """gpu_training, gpu_inference, managed_ml or data_analytics."""
    label: str
    amount: Decimal
    spot: Decimal
    """PricingCategory Dynamic."""
    committed: Decimal
    """Covered by a commitment: CommitmentDiscountStatus Used or PricingCategory Committed."""
    on_demand: Decimal
    """The rest."""
    spot_pct: Decimal | None
    committed_pct: Decimal | None
    on_demand_pct: Decimal | None


class WorkloadLineModel(BaseModel):
    workload: str
    provider: str
    service: str
    amount: Decimal


class CurrencyMixModel(BaseModel):
    currency: str
    total: Decimal
    """The metric over the range and providers; `providers` and `departments` each add up to it."""
    providers: list[ProviderCostModel]
    departments: list[DepartmentCostModel]
    ai_total: Decimal
    """AI/ML usage: a subset of `total` (usage rows only)."""
    ai_pct: Decimal | None
    workloads: list[WorkloadCostModel]
    workload_lines: list[WorkloadLineModel]


class CloudResponse(BaseModel):
    start: str | None = None
    """First billing period, YYYY-MM."""
    end: str | None = None
    """Last billing period, YYYY-MM (inclusive)."""
    metric: str = "EffectiveCost"
    providers: list[str] = Field(default_factory=list)
    """The provider filter (empty: every provider)."""
    available_providers: list[str] = Field(default_factory=list)
    currencies: list[CurrencyMixModel] = Field(default_factory=list)
    hint: str | None = HINT
