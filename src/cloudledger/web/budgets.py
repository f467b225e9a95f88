"""The budgets page (`/budgets`): every budget of cloudledger.yaml against the actual cost of one month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cloudledger.analyses.billing_periods import BillingPeriods, billing_periods
from cloudledger.analyses.budget_days import budget_days
from cloudledger.analyses.budget_plan import CONFIG
from cloudledger.analyses.budgets import BudgetLine
from cloudledger.analyses.forecast_scopes import budget_month_ends
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.summary import on_rollup
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.api.errors import bad
from cloudledger.api.params import MONTH_PATTERN
from cloudledger.api.results import Results, ResultsDep
from cloudledger.api.routes.forecast import forecast_of
from cloudledger.api.routes.policy import remembered_budgets
from cloudledger.config.model import CloudledgerConfig
from cloudledger.ledger.read import LedgerView
from cloudledger.web.budget_cones import BudgetCone, budget_cones
from cloudledger.web.forecast import month_days
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)

PagePeriod = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="Billing period, YYYY-MM (default: the ledger's latest).")
]
CLOSE = Decimal(90)
"""From this share of its budget (in percent) a budget is said to be close to it."""
EXAMPLE = """budgets:
  - name: Engineering
    scope: {department: Engineering}
    monthly: 5000
    start: 2025-01
    currency: USD
  - name: Company
    scope: {total: true}
    annual: {2025: 120000}
"""


def status(line: BudgetLine) -> tuple[str, str]:
    """(CSS class, words) saying where the actual stands against the budget."""
    if line.over_budget:
        return "over", "over budget"
    used = line.utilisation_pct
    if used is not None and used >= CLOSE:
        return "close", "close to budget"
    return "on-track", "on track"


@dataclass(frozen=True)
class YearToDate:
    """An annual budget's fiscal year from its first month to the month shown."""

    start: str
    budget: Decimal
    actual: Decimal

    @property
    def used_pct(self) -> Decimal | None:
        return round_half_up(self.actual / self.budget * 100) if self.budget else None


@dataclass(frozen=True)
class BudgetRow:
    """One budget in the month shown, with its year to date when it is an annual budget."""

    line: BudgetLine
    year_to_date: YearToDate | None

    @property
    def remaining(self) -> Decimal:
        return -self.line.variance

    @property
    def status(self) -> tuple[str, str]:
        return status(self.line)


def fiscal_year_start(period: str, first_month: int) -> str:
    """The first month of the fiscal year (starting in `first_month`) that holds `period`."""
    year, month = int(period[:4]), int(period[5:7])
    return f"{year if month >= first_month else year - 1:04d}-{first_month:02d}"


def _annual_starts(config: CloudledgerConfig, period: str) -> dict[str, str]:
    """Name → first month of its fiscal year, for the annual budgets written in cloudledger.yaml."""
    return {b.name: fiscal_year_start(period, b.fiscal_year_start) for b in config.budgets if b.annual}


def budget_rows(lines: tuple[BudgetLine, ...], period: str, starts: dict[str, str]) -> list[BudgetRow]:
    """The lines of `period`, each annual budget with the sum of its months from its fiscal year's start."""
    months: dict[str, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        if line.source == CONFIG and line.name in starts and line.period >= starts[line.name]:
            months[line.name].append(line)
    rows = []
    for line in lines:
        if line.period != period:
            continue
        ytd = None
        if line.name in starts and line.source == CONFIG:
            mine = months[line.name]
            budget = sum((m.budget for m in mine), Decimal(0))
            ytd = YearToDate(starts[line.name], budget, sum((m.actual for m in mine), Decimal(0)))
        rows.append(BudgetRow(line, ytd))
    return rows


def charts(rows: list[BudgetRow]) -> list[dict[str, Any]]:
    """Chart JSON per currency: each budget's actual and budget (numbers for drawing only)."""
    out = []
    for currency in dict.fromkeys(row.line.currency for row in rows):
        mine = [row.line for row in rows if row.line.currency == currency]
        out.append(
            {
                "kind": "budgets",
                "currency": currency,
                "names": [line.name for line in mine],
                "actual": [float(line.actual_cents) for line in mine],
                "budget": [float(line.budget) for line in mine],
            }
        )
    return out


def _period(known: BillingPeriods, period: str | None) -> str:
    wanted = period or known.latest
    if wanted is None or wanted not in known.periods:
        held = f"{known.periods[0]} to {known.periods[-1]}" if known.periods else "none"
        raise bad("period", f"the ledger holds no billing period {wanted}; it holds {held}")
    return wanted


def month_cones(
    ledger: LedgerView,
    results: Results,
    config: CloudledgerConfig,
    metrics: Any,
    rows: list[BudgetRow],
    period: str,
    settings: Any,
) -> list[BudgetCone]:
    """The forecast cone, thresholds and alerts of every budget of `period` (the ledger's latest month), with
    the bill's month-end forecast `cloudledger alerts` uses (the whole bill's EffectiveCost)."""
    ends, _, _ = forecast_of(ledger, results, "total", "EffectiveCost", run_backtest=False)
    bills = {e.currency: e for e in ends}
    days = {d.currency: d for d in month_days(ledger, results, "EffectiveCost")}
    actual = results.get(
        "budget-days",
        (period,),
        lambda: on_rollup(lambda t: budget_days(t, config, period, metrics), ledger.daily, ledger.table),
    )
    own = results.get("budget-month-ends", (period,), lambda: budget_month_ends(ledger, config, metrics))
    return budget_cones([row.line for row in rows], config, bills, days, actual, settings.ledger_home, own)


@router.get("/budgets", response_class=HTMLResponse)
def budgets(
    request: Request,
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    results: ResultsDep,
    period: PagePeriod = None,
) -> HTMLResponse:
    """Every budget in one billing period: budget, actual, remaining, share used and status."""
    empty = {"rows": None, "ingest": ingest_command(settings), "example": EXAMPLE}
    if ledger is None:
        return render(request, "budgets.html", "budgets", empty)
    known = results.get("billing-periods", (), lambda: on_rollup(billing_periods, ledger.daily, ledger.table))
    if not known.periods:
        return render(request, "budgets.html", "budgets", empty)
    chosen = _period(known, period)
    config = policy.config
    starts = _annual_starts(config, chosen)
    first = min([chosen, *starts.values()])
    report = remembered_budgets(ledger, config, metrics, results, first, chosen)
    rows = budget_rows(report.lines, chosen, starts)
    latest = chosen == known.latest
    context = {
        "rows": rows,
        "cones": month_cones(ledger, results, config, metrics, rows, chosen, settings) if latest and rows else [],
        "period": chosen,
        "periods": tuple(reversed(known.periods)),
        "complete": chosen != known.latest or known.last_complete == known.latest,
        "last_day": known.last_day,
        "charts": charts(rows),
        "other_currencies": report.other_currencies,
        "configured": bool(config.budgets or config.budget_files),
        "example": EXAMPLE,
        "close": CLOSE,
    }
    return render(request, "budgets.html", "budgets", context)
