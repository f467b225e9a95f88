"""`GET /kpis`: the executive KPIs per billing currency as of one day."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from cloudledger.analyses.kpis import executive_kpis
from cloudledger.analyses.kpis_model import KpiReport
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep
from cloudledger.api.models_kpis import CurrencyKpisModel, KpisResponse

router = APIRouter(tags=["kpis"])

AsOfDay = Annotated[
    date | None, Query(description="The day to report as of, YYYY-MM-DD (default: the ledger's last charge day).")
]


@router.get("/kpis", response_model=KpisResponse)
def kpis(ledger: LedgerDep, policy: PolicyDep, metrics: MetricsDep, as_of_day: AsOfDay = None) -> KpisResponse:
    """Spend month and year to date against the period before, budget use, allocated share, tag compliance
    and the effective savings rate (over list and over contracted prices), per billing currency.

    Example: `/api/v1/kpis?as_of_day=2025-03-31`"""
    if ledger is None:
        return KpisResponse(as_of_day=as_of_day, hint=EMPTY_HINT)
    return kpis_response(executive_kpis(ledger.table, policy.config, as_of_day=as_of_day, metrics=metrics))


def kpis_response(report: KpiReport) -> KpisResponse:
    return KpisResponse(
        as_of_day=report.as_of_day,
        month=report.month,
        metric=report.metric,
        currencies=[CurrencyKpisModel(**asdict(line)) for line in report.currencies],
    )
