"""Which budget thresholds a month has crossed: by the actual cost so far, and by the forecast of its end.

A budget's month-end forecast is its actual so far plus the forecast of the month's remaining days: from the
budget's own daily series when it was forecast (`analyses.forecast_scopes.budget_month_ends`), else its share
of the bill's forecast remaining cost (the scope is assumed to keep the share of the month's spend it has had so
far). Each crossing has a key (budget, month, kind, threshold) so that it alerts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from cloudledger.analyses.budgets import BudgetLine
from cloudledger.analyses.forecast import MonthEnd
from cloudledger.analyses.rounding import round_half_up
from cloudledger.config.budgets import BudgetThresholds
from cloudledger.config.model import CloudledgerConfig

Kind = Literal["actual", "forecast"]
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Crossing:
    """A threshold a budget's month has reached."""

    budget: str
    scope: str
    period: str
    currency: str
    kind: Kind
    threshold: Decimal
    amount: Decimal
    """The actual so far, or the month-end forecast (rounded to cents)."""
    budgeted: Decimal

    @property
    def percent(self) -> Decimal:
        return round_half_up(self.amount / self.budgeted * HUNDRED)

    @property
    def threshold_text(self) -> str:
        """The threshold as written, e.g. 80 or 92.5."""
        return format(self.threshold.normalize(), "f")

    @property
    def key(self) -> str:
        return f"budget:{self.budget}:{self.period}:{self.kind}:{self.threshold_text}"

    def summary(self) -> str:
        what = "spent so far" if self.kind == "actual" else "forecast for the month's end"
        return (
            f"Budget {self.budget} ({self.scope}), {self.period}: {self.amount:,.2f} {self.currency} {what} is "
            f"{self.percent:,.2f} % of {self.budgeted:,.2f} {self.currency} (threshold {self.threshold_text} %)"
        )


def budget_forecast(line: BudgetLine, bill: MonthEnd | None, own: MonthEnd | None = None) -> Decimal | None:
    """The budget's month-end forecast: its actual plus the forecast rest of its own series (`own`, when it is
    of the line's month and currency), else plus its share of the bill's forecast remaining cost."""
    if own is not None and own.month == line.period and own.currency == line.currency:
        return round_half_up(line.actual + own.remaining)
    if bill is None or bill.month != line.period:
        return None
    if bill.actual == 0:
        return round_half_up(line.actual)
    return round_half_up(line.actual + line.actual / bill.actual * bill.remaining)


def crossings(
    lines: Iterable[BudgetLine],
    config: CloudledgerConfig,
    forecasts: Mapping[str, MonthEnd] | None = None,
    budget_ends: Mapping[str, MonthEnd] | None = None,
) -> list[Crossing]:
    """Every threshold each budget line has reached (thresholds from the budget's config, defaults for budgets
    read from files); `forecasts` is the bill's month-end forecast per currency, `budget_ends` each budget's own
    month-end forecast by name (preferred when given)."""
    thresholds = {b.name: b.thresholds for b in config.budgets}
    found: list[Crossing] = []
    for line in lines:
        if line.budget <= 0:
            continue
        limits = thresholds.get(line.name, BudgetThresholds())
        actual = round_half_up(line.actual)
        for level in limits.actual:
            if line.actual * HUNDRED >= level * line.budget:
                found.append(
                    Crossing(line.name, line.scope, line.period, line.currency, "actual", level, actual, line.budget)
                )
        ahead = budget_forecast(line, (forecasts or {}).get(line.currency), (budget_ends or {}).get(line.name))
        for level in limits.forecast if ahead is not None else []:
            assert ahead is not None
            if ahead * HUNDRED >= level * line.budget:
                found.append(
                    Crossing(line.name, line.scope, line.period, line.currency, "forecast", level, ahead, line.budget)
                )
    return found
