"""`unit_costs:` cost of a selection of the ledger divided by a business metric (cost per order)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from cloudledger.config.allocation import Metric
from cloudledger.config.selectors import Selects


class UnitCost(Selects):
    """Cost of the rows that `match` (and of the owner, when given) ÷ a business metric, per day or month."""

    name: str
    description: str | None = None
    department: str | None = Field(default=None, description="Only this department's allocated cost.")
    team: str | None = Field(default=None, description="Only this team's allocated cost.")
    metric: str = Field(description="Business metric divided by (see `cloudledger units import`).")
    dimension: str | None = Field(default=None, description="Only the metric's values for this dimension.")
    cost: Metric = Field(default="EffectiveCost", description="Cost column.")
    grain: Literal["day", "month"] = "month"
    per: Decimal = Field(default=Decimal(1), gt=0, description="Units per quoted cost: 1000 → cost per 1,000 calls.")

    @model_validator(mode="after")
    def _one_owner(self) -> UnitCost:
        if self.department is not None and self.team is not None:
            raise ValueError("a unit cost names a department or a team, not both")
        return self
