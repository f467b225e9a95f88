"""The Cloud & AI/ML page (`/cloud`): cost by provider and service, by department and provider, and AI/ML
infrastructure by workload, per billing currency (the page twin of `GET /api/v1/cloud`)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cloudledger.analyses.ai_workloads import RULES, WORKLOADS
from cloudledger.analyses.budget_plan import month_after
from cloudledger.analyses.cloud_mix import PERIODS
from cloudledger.analyses.cloud_mix_model import CloudMix
from cloudledger.analyses.explorer import METRICS
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.api.errors import bad
from cloudledger.api.params import MONTH_PATTERN, check_range
from cloudledger.api.results import ResultsDep
from cloudledger.api.routes.cloud import cloud_report
from cloudledger.config.allocation import Metric
from cloudledger.web.templating import ingest_command, page_url, render

router = APIRouter(include_in_schema=False)

MonthField = Annotated[str | None, Query(description="Billing period, YYYY-MM (empty: the default).")]


@router.get("/cloud", response_class=HTMLResponse)
def cloud_page(
    request: Request,
    ledger: LedgerDep,
    results: ResultsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    start: MonthField = None,
    end: MonthField = None,
    provider: Annotated[list[str], Query()] = [],  # noqa: B006
    metric: Metric = "EffectiveCost",
) -> HTMLResponse:
    """The cloud mix over a range of billing periods, filtered by provider, in the chosen metric."""
    first, last = _month(start, "start"), _month(end, "end")
    check_range(first, last)
    providers = [p for p in provider if p]
    if ledger is None:
        return render(request, "cloud.html", "cloud", {"report": None, "ingest": ingest_command(settings)})
    report = cloud_report(ledger, policy.config, metrics, results, first, last, providers, metric)
    context = {
        "report": report,
        "metrics": METRICS,
        "periods": PERIODS,
        "charts": _charts(request, report),
        "drill": _drills(request, report),
        "workload_labels": WORKLOADS,
        "rules": RULES,
    }
    return render(request, "cloud.html", "cloud", context)


def _month(value: str | None, name: str) -> str | None:
    """A billing period from a form field: empty is no value; anything but YYYY-MM is a 422 naming it."""
    if value is None or value.strip() == "":
        return None
    if not re.match(MONTH_PATTERN, value.strip()):
        raise bad(name, f"{name}: expected a month as YYYY-MM, e.g. 2025-01 (got {value!r})")
    return value.strip()


def _drills(request: Request, report: CloudMix) -> dict[str, str]:
    """Provider → the explorer grouped by service for that provider over the same range (dates, end exclusive)."""
    if report.start is None or report.end is None:
        return {}
    names = {p.provider for c in report.currencies for p in c.providers}
    return {
        name: page_url(
            request,
            "/explorer",
            group_by="ServiceName",
            filter=f"ProviderName={name}",
            start=f"{report.start}-01",
            end=f"{month_after(report.end)}-01",
            metric=report.metric,
        )
        for name in sorted(names)
    }


def _charts(request: Request, report: CloudMix) -> dict[str, dict[str, Any]]:
    """Chart data per element id: three charts per currency."""
    drills = _drills(request, report)
    charts: dict[str, dict[str, Any]] = {}
    for c in report.currencies:
        services = c.services_json(report.metric)
        services["links"] = [drills.get(p) for p in services["providers"]]
        charts[f"cloud-services-{c.currency}"] = services
        charts[f"cloud-departments-{c.currency}"] = c.departments_json(report.metric)
        charts[f"cloud-workloads-{c.currency}"] = c.workloads_json(report.metric)
    return charts
