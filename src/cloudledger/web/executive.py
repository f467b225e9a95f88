"""The executive summary page (`/`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cloudledger.analyses.department_trend import department_charts
from cloudledger.analyses.kpis import executive_kpis
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def executive(
    request: Request, ledger: LedgerDep, policy: PolicyDep, metrics: MetricsDep, settings: SettingsDep
) -> HTMLResponse:
    """The executive summary: KPI cards per billing currency and actual against budget by department."""
    empty = {"report": None, "ingest": ingest_command(settings)}
    if ledger is None:
        return render(request, "executive.html", "executive", empty)
    tags = TagResolver.of(ledger.table, policy.config.tag_policy)
    report = executive_kpis(ledger.table, policy.config, metrics=metrics, tags=tags)
    if report.month is None:
        return render(request, "executive.html", "executive", empty)
    charts = department_charts(ledger.table, policy.config, report.month, metrics=metrics, tags=tags)
    return render(request, "executive.html", "executive", {"report": report, "charts": charts})
