"""`GET /kpis`: the executive KPIs per billing currency as of one day."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from cloudledger.analyses.dashboard_options import dashboard_options
from cloudledger.analyses.kpis import executive_kpis
from cloudledger.analyses.kpis_model import KpiReport
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep, tables
from cloudledger.api.models_kpis import CurrencyKpisModel, KpisResponse
from cloudledger.api.results import ResultsDep
from cloudledger.api.selection_params import Department, Environment, Providers, check_providers, selection_of

router = APIRouter(tags=["kpis"])

AsOfDay = Annotated[
    date | None, Query(description="The day to report as of, YYYY-MM-DD (default: the ledger's last charge day).")
]


@router.get("/kpis", response_model=KpisResponse)
def kpis(
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    results: ResultsDep,
    as_of_day: AsOfDay = None,
    providers: Providers = [],  # noqa: B006
    department: Department = None,
    environment: Environment = None,
) -> KpisResponse:
    """Spend month and year to date against the period before, budget use, allocated share, tag compliance
    and the effective savings rate (over list and over contracted prices), per billing currency; optionally
    of some providers, one department (its allocated cost) or one environment, as the executive page shows.

    Example: `/api/v1/kpis?as_of_day=2025-03-31&provider=AWS&environment=production`"""
    config = policy.config
    selection = selection_of(config, providers, department, environment)
    if ledger is None:
        return KpisResponse(as_of_day=as_of_day, hint=EMPTY_HINT)
    every = tables(ledger)
    tags = results.get("tag-resolver", (), lambda: TagResolver.of(every.monthly, config.tag_policy))
    options = results.get("dashboard-options", (), lambda: dashboard_options(every.monthly, config, tags))
    check_providers(selection, options.providers)

    def compute() -> KpiReport:
        return executive_kpis(every, config, as_of_day=as_of_day, metrics=metrics, tags=tags, selection=selection)

    return kpis_response(results.get("kpis", (selection, as_of_day), compute))


def kpis_response(report: KpiReport) -> KpisResponse:
    return KpisResponse(
        as_of_day=report.as_of_day,
        month=report.month,
        metric=report.metric,
        currencies=[CurrencyKpisModel(**asdict(line)) for line in report.currencies],
    )
