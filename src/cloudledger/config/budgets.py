"""`budgets:` and `budget_files:` monthly or annual amounts per scope (total, provider, owner, service, tag)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from cloudledger.config.allocation import Metric
from cloudledger.config.base import StrictModel

ScopeKind = Literal["total", "provider", "department", "team", "cost_center", "service", "tag"]
SCOPE_KINDS: tuple[str, ...] = ("total", "provider", "department", "team", "cost_center", "service", "tag")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_month(value: str | None) -> str | None:
    if value is not None and not MONTH.fullmatch(value):
        raise ValueError(f"{value!r} is not a month; expected YYYY-MM, e.g. 2024-06")
    return value


class BudgetScope(StrictModel):
    """What a budget covers: exactly one of these."""

    total: bool | None = Field(default=None, description="true: all cost.")
    provider: str | None = Field(default=None, description="ProviderName, e.g. AWS.")
    department: str | None = None
    team: str | None = None
    cost_center: str | None = None
    service: str | None = Field(default=None, description="ServiceName.")
    tag: dict[str, str] | None = Field(default=None, description="One tag KEY: value.")

    @model_validator(mode="after")
    def _one(self) -> BudgetScope:
        given = [k for k in SCOPE_KINDS if getattr(self, k) not in (None, False)]
        if len(given) != 1:
            raise ValueError(
                f"a budget scope names exactly one of {', '.join(SCOPE_KINDS)} (found {', '.join(given) or 'none'})"
            )
        if self.tag is not None and len(self.tag) != 1:
            raise ValueError("a tag scope names one KEY: value")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in SCOPE_KINDS if getattr(self, k) not in (None, False))

    @property
    def value(self) -> str:
        if self.tag is not None:
            key, value = next(iter(self.tag.items()))
            return f"{key}={value}"
        return "all" if self.kind == "total" else str(getattr(self, self.kind))

    def label(self) -> str:
        return "total" if self.kind == "total" else f"{self.kind}:{self.value}"


def _positive(values: list[Decimal]) -> list[Decimal]:
    if any(v <= 0 for v in values):
        raise ValueError("thresholds are percentages of the budget above 0, e.g. [50, 80, 100]")
    return sorted(set(values))


class BudgetThresholds(StrictModel):
    """When a budget alerts: percentages of its month's amount reached by the actual cost so far, and by the
    forecast of the month's end. Each alerts once per month."""

    actual: list[Decimal] = Field(
        default_factory=lambda: [Decimal(50), Decimal(80), Decimal(100)],
        description="Percentages of the budget the month's actual cost so far alerts at.",
    )
    forecast: list[Decimal] = Field(
        default_factory=lambda: [Decimal(100)],
        description="Percentages of the budget the month-end forecast alerts at.",
    )

    _positive = field_validator("actual", "forecast")(_positive)


class Budget(StrictModel):
    """A budget: the same amount each month, or annual amounts phased over the months."""

    name: str
    scope: BudgetScope
    monthly: Decimal | None = Field(default=None, description="Amount per month, from start to end.")
    annual: dict[int, Decimal] | None = Field(default=None, description="Year → amount for the (fiscal) year.")
    phasing: list[Decimal] | None = Field(
        default=None, description="12 weights phasing an annual amount over its months (default: even)."
    )
    fiscal_year_start: int = Field(default=1, ge=1, le=12, description="Month the fiscal year starts (annual budgets).")
    start: str | None = Field(default=None, description="First month YYYY-MM (monthly budgets).")
    end: str | None = Field(default=None, description="Last month YYYY-MM (default: open-ended).")
    currency: str = "USD"
    metric: Metric = Field(default="EffectiveCost", description="Cost column compared with the budget.")
    owner: str | None = Field(default=None, description="Who answers for the budget (e-mail).")
    notify: list[str] | None = Field(
        default=None, description="Channels of `notifications:` this budget's alerts go to (default: its budgets:)."
    )
    thresholds: BudgetThresholds = Field(
        default_factory=BudgetThresholds,
        description="Alert thresholds, in % of the month's budget (default: actual 50, 80, 100; forecast 100).",
    )

    _months = field_validator("start", "end")(check_month)

    @model_validator(mode="after")
    def _amounts(self) -> Budget:
        if (self.monthly is None) == (self.annual is None):
            raise ValueError("a budget has either monthly: or annual:, not both and not neither")
        if self.monthly is not None and self.start is None:
            raise ValueError("a monthly budget needs start: YYYY-MM")
        if self.phasing is not None:
            if self.annual is None:
                raise ValueError("phasing: applies to annual budgets only")
            if len(self.phasing) != 12 or any(w < 0 for w in self.phasing) or not sum(self.phasing):
                raise ValueError("phasing: needs 12 non-negative weights, not all zero")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class BudgetFile(StrictModel):
    """Budgets kept in a CSV: one row per period and scope (default columns: period, scope, amount)."""

    path: str = Field(description="CSV path, relative to cloudledger.yaml.")
    period_column: str = "period"
    date_format: str | None = Field(default=None, description="strptime format of the period (default YYYY-MM).")
    amount_column: str = "amount"
    scope_column: str = Field(default="scope", description="Column holding the scope, as kind:value (team:platform).")
    scope: ScopeKind | None = Field(
        default=None, description="When every row is of one kind: the scope column then holds the value alone."
    )
    currency: str = "USD"
    currency_column: str | None = None
    metric: Metric = "EffectiveCost"
    name: str | None = Field(default=None, description="Budget name prefix (default: the file name).")
