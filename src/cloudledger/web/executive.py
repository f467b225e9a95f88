"""The executive summary page (`/`): KPI cards, actual against budget by department, budget performance, with
filters by provider, department, environment and month that re-draw all of it."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cloudledger.analyses.dashboard_options import dashboard_options
from cloudledger.analyses.department_trend import department_charts
from cloudledger.analyses.kpis import executive_kpis, latest_day
from cloudledger.analyses.summary import on_rollup
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep, tables
from cloudledger.api.params import MONTH_PATTERN
from cloudledger.api.results import ResultsDep
from cloudledger.api.routes.forecast import forecast_of
from cloudledger.api.selection_params import Department, Environment, Providers, check_providers, selection_of
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)

Month = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="The month to report, YYYY-MM (default: the latest).")
]


def _as_of_day(period: str | None, latest: date) -> date:
    """The last day of `period`, or the ledger's last charge day when that comes first (or no period)."""
    if period is None:
        return latest
    year, month = int(period[:4]), int(period[5:])
    return min(date(year, month, calendar.monthrange(year, month)[1]), latest)


@router.get("/", response_class=HTMLResponse)
def executive(
    request: Request,
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    results: ResultsDep,
    providers: Providers = [],  # noqa: B006
    department: Department = None,
    environment: Environment = None,
    period: Month = None,
) -> HTMLResponse:
    """The executive summary: KPI cards per billing currency and actual against budget by department."""
    empty = {"report": None, "ingest": ingest_command(settings)}
    if ledger is None:
        return render(request, "executive.html", "executive", empty)
    config = policy.config
    selection = selection_of(config, providers, department, environment)
    every = tables(ledger)
    tags = results.get("tag-resolver", (), lambda: TagResolver.of(every.monthly, config.tag_policy))
    latest = results.get("latest-day", (), lambda: latest_day(every))
    if latest is None:
        return render(request, "executive.html", "executive", empty)
    day = _as_of_day(period, latest)
    options = results.get("dashboard-options", (), lambda: dashboard_options(every.monthly, config, tags))
    check_providers(selection, options.providers)

    def compute() -> dict[str, Any]:
        report = executive_kpis(every, config, as_of_day=day, metrics=metrics, tags=tags, selection=selection)
        charts = on_rollup(
            lambda t: department_charts(t, config, report.month or "", metrics=metrics, tags=tags, selection=selection),
            every.monthly,
            every.ledger,
        )
        return {"report": report, "charts": charts}

    shown = results.get("executive", (selection, day), compute)
    forecasts = {}
    if selection.everything and day == latest:  # the month-end forecast of the whole bill, from the latest day
        ends, _, _ = forecast_of(ledger, results, "total", "EffectiveCost", run_backtest=False)
        forecasts = {e.currency: e for e in ends}
    context = {
        **shown,
        "options": options,
        "selection": selection,
        "period": day.strftime("%Y-%m"),
        "forecasts": forecasts,
    }
    return render(request, "executive.html", "executive", context)
