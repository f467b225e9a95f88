"""The demo company's annual budgets: each department's expected spend, some planned tight, some generous.

Spend follows rows: the generator spreads its row budget over the months with the company's growth
(`generator.MONTHLY_GROWTH`), and each department's cost per row is about constant. The costs per 1,000 rows
below are those the demo's cloudledger.yaml allocates in the default demo (seed 7, 200,000 rows, 24 months);
other row counts and windows scale with them, so the budgets stay plausible whatever `--rows` is given.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cloudledger.demo.company import DEPARTMENTS
from cloudledger.demo.generator import MONTHLY_GROWTH
from cloudledger.demo.months import months_ending

COST_PER_1000_ROWS: dict[str, Decimal] = {
    "Engineering": Decimal(4652),
    "Data Science": Decimal(12104),
    "Customer Experience": Decimal(5566),
    "Marketing": Decimal(2953),
    "Sales": Decimal(1943),
    "Finance": Decimal(2580),
    "Operations": Decimal(202),
    "Security": Decimal(1170),
}
"""EffectiveCost (USD) per 1,000 billing rows allocated to each department by the demo's cloudledger.yaml
(its own cost plus its shares of the shared pools; Operations' accounts are nearly all shared)."""
PLANNED: dict[str, Decimal] = {
    "Engineering": Decimal("1.05"),
    "Data Science": Decimal("0.90"),
    "Customer Experience": Decimal("1.10"),
    "Marketing": Decimal("0.85"),
    "Sales": Decimal("1.15"),
    "Finance": Decimal("1.00"),
    "Operations": Decimal("1.10"),
    "Security": Decimal("1.20"),
}
"""Budget ÷ expected spend: below 1 the department is likely to overrun, above 1 to stay under."""
MIN_MONTHS = 6
"""A calendar year gets a budget when at least this many of its months are in the demo window."""
ROUND_TO = Decimal(1000)


def budget_years(months: int, end_month: str) -> list[int]:
    """The calendar years the demo window covers for at least MIN_MONTHS months."""
    window = months_ending(end_month, months)
    years = [m.start.year for m in window]
    return sorted(y for y in set(years) if years.count(y) >= MIN_MONTHS)


def department_budgets(rows: int, months: int, end_month: str) -> dict[str, dict[int, Decimal]]:
    """Department name → year → annual budget in USD, rounded to the thousand."""
    window = months_ending(end_month, months)
    first = window[0].start.year * 12 + window[0].start.month - 1
    growth = Decimal(str(MONTHLY_GROWTH))
    total_weight = sum((growth**i for i in range(months)), Decimal(0))
    out: dict[str, dict[int, Decimal]] = {}
    for department in DEPARTMENTS:
        per_row = COST_PER_1000_ROWS.get(department.name, _mean_cost()) / 1000
        factor = PLANNED.get(department.name, Decimal(1))
        amounts: dict[int, Decimal] = {}
        for year in budget_years(months, end_month):
            indices = range(year * 12 - first, year * 12 - first + 12)
            year_rows = sum((growth**i for i in indices), Decimal(0)) / total_weight * rows
            amounts[year] = _rounded(year_rows * per_row * factor)
        out[department.name] = amounts
    return out


def _mean_cost() -> Decimal:
    return sum(COST_PER_1000_ROWS.values(), Decimal(0)) / len(COST_PER_1000_ROWS)


def _rounded(amount: Decimal) -> Decimal:
    thousands = (amount / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(thousands, Decimal(1)) * ROUND_TO
