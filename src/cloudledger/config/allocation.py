"""`allocation:` virtual tags (dimensions set by rules) and shared costs split between owners."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from cloudledger.config.base import StrictModel
from cloudledger.config.selectors import Selector, Selects, check_column_name

METRICS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
Metric = Literal["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"]


class DimensionRule(Selects):
    """Rows that `match` get a fixed `value`, or the value of another column or tag (`from`)."""

    value: str | None = Field(default=None, description="The dimension's value for matching rows.")
    from_: str | None = Field(default=None, alias="from", description="Column or tag:KEY to copy the value from.")
    values: dict[str, str] = Field(default_factory=dict, description="With from: value → value to use instead.")

    @model_validator(mode="after")
    def _one_source(self) -> DimensionRule:
        if (self.value is None) == (self.from_ is None):
            raise ValueError("a dimension rule sets either value: or from:, not both and not neither")
        if self.from_ is not None:
            check_column_name(self.from_)
        return self


class Dimension(StrictModel):
    """A virtual tag: a column computed by ordered rules (first match wins), usable like any tag."""

    name: str = Field(description="Lowercase name; query it as dim:NAME.")
    description: str | None = None
    rules: list[DimensionRule]
    default: str | None = Field(default=None, description="Value for rows no rule matches (default: empty).")

    @model_validator(mode="after")
    def _name(self) -> Dimension:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", self.name):
            raise ValueError(f"dimension name {self.name!r}: use lowercase letters, digits and _ (e.g. product)")
        return self


class SharedCostBase(StrictModel):
    """A pool of shared cost, split per billing period and currency between owners at one level."""

    name: str
    description: str | None = None
    match: Selector = Field(default_factory=dict, description="The rows of the pool (taken before ownership rules).")
    unallocated: bool = Field(default=False, description="The pool is the cost no ownership rule reached.")
    level: Literal["department", "team"] = Field(default="team", description="Split between departments or teams.")
    to: list[str] = Field(
        default_factory=list, description="Receiving departments or teams (default: all at the level)."
    )

    @model_validator(mode="after")
    def _pool(self) -> SharedCostBase:
        if self.unallocated == bool(self.match):
            raise ValueError("a shared cost takes its rows either by match: or by unallocated: true, not both")
        return self


class EvenSplit(SharedCostBase):
    """Equal shares."""

    split: Literal["even"]


class ProportionalSplit(SharedCostBase):
    """Shares in proportion to each receiver's own direct cost in the period."""

    split: Literal["proportional"]


class FixedSplit(SharedCostBase):
    """Fixed percentages per receiver, adding up to 100."""

    split: Literal["fixed"]
    weights: dict[str, Decimal] = Field(description="Receiver → percentage.")

    @model_validator(mode="after")
    def _hundred(self) -> FixedSplit:
        total = sum(self.weights.values(), Decimal(0))
        if total != 100:
            raise ValueError(f"fixed weights add up to {total}, expected 100")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("fixed weights cannot be negative")
        return self


class MetricSplit(SharedCostBase):
    """Shares in proportion to a business metric whose dimension names the receivers (API calls per team)."""

    split: Literal["metric"]
    metric: str = Field(description="Business metric name (see `cloudledger units import`).")


SharedCost = Annotated[EvenSplit | ProportionalSplit | FixedSplit | MetricSplit, Field(discriminator="split")]


class Allocation(StrictModel):
    """Virtual tags and shared-cost pools; applied at query time, so history re-allocates without re-ingest."""

    dimensions: list[Dimension] = Field(default_factory=list)
    shared_costs: list[SharedCost] = Field(
        default_factory=list, description="Ordered; a row belongs to the first pool whose match it meets."
    )

    @model_validator(mode="after")
    def _unique(self) -> Allocation:
        for kind, names in (
            ("dimension", [d.name for d in self.dimensions]),
            ("shared cost", [s.name for s in self.shared_costs]),
        ):
            for index, name in enumerate(names):
                if name in names[:index]:
                    raise ValueError(f"two {kind}s are named {name!r}")
        if sum(1 for s in self.shared_costs if s.unallocated) > 1:
            raise ValueError("only one shared cost can take the unallocated remainder")
        return self


class Chargeback(StrictModel):
    """How the monthly chargeback is made."""

    metric: Metric = Field(default="EffectiveCost", description="Cost column charged back (amortised by default).")
    level: Literal["department", "team", "cost_center"] = Field(default="team", description="Default report level.")
    suspense_account: str | None = Field(
        default=None, description="GL account for unallocated cost in the general-ledger export."
    )
    memo: str = Field(
        default="Cloud cost {period} {owner}",
        description="GL memo; {period} {owner} {department} {team} {metric} are filled in.",
    )
