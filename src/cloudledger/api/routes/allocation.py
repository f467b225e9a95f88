"""`GET /chargeback` (one month's chargeback) and `GET /allocation` (who owns the cost, per month)."""

from __future__ import annotations

import ibis.expr.types as ir
from fastapi import APIRouter

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.chargeback import chargeback as chargeback_of
from cloudledger.analyses.chargeback_model import ChargebackReport, Level
from cloudledger.analyses.summary import on_rollup
from cloudledger.api.convert import allocation_response, chargeback_response
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep
from cloudledger.api.models_policy import AllocationResponse, ChargebackResponse
from cloudledger.api.params import EndMonth, LevelParam, MetricParam, Period, StartMonth, check_range
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.model import CloudledgerConfig
from cloudledger.ledger.read import LedgerView

router = APIRouter(tags=["allocation"])


@router.get("/chargeback", response_model=ChargebackResponse)
def chargeback(
    ledger: LedgerDep,
    results: ResultsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    period: Period,
    level: LevelParam = None,
    metric: MetricParam = None,
) -> ChargebackResponse:
    """Each owner's direct and shared cost of one billing period, in cents, with budgets.

    Example: `/api/v1/chargeback?period=2025-01&level=team`"""
    config = policy.config
    level = level or config.chargeback.level
    metric = metric or config.chargeback.metric
    if ledger is None:
        return ChargebackResponse(period=period, level=level, metric=metric, hint=EMPTY_HINT)
    report = remembered_chargeback(ledger, config, metrics, results, period, level, metric)
    return chargeback_response(report)


def remembered_chargeback(
    ledger: LedgerView,
    config: CloudledgerConfig,
    metrics: ir.Table | None,
    results: Results,
    period: str,
    level: Level,
    metric: str,
) -> ChargebackReport:
    """One period's chargeback, on the monthly rollup when it can answer, remembered for the data (this route
    and the Chargeback page share it)."""

    def run(table: ir.Table) -> ChargebackReport:
        return chargeback_of(table, config, period, level=level, metric=metric, metrics=metrics)

    return results.get("chargeback", (period, level, metric), lambda: on_rollup(run, ledger.monthly, ledger.table))


@router.get("/allocation", response_model=AllocationResponse)
def allocation(
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    start: StartMonth = None,
    end: EndMonth = None,
    level: LevelParam = None,
    metric: MetricParam = None,
) -> AllocationResponse:
    """Cost per billing period, currency, owner and kind (direct, shared, unallocated), exact.

    Example: `/api/v1/allocation?start=2025-01&end=2025-02&level=department`"""
    check_range(start, end)
    config = policy.config
    level = level or config.chargeback.level
    metric = metric or config.chargeback.metric
    if ledger is None:
        return AllocationResponse(level=level, metric=metric, hint=EMPTY_HINT)
    query = AllocationQuery(metric, start, end, keep=())
    rows = on_rollup(
        lambda t: allocate(t, config, query, metrics).to_pyarrow().to_pylist(), ledger.monthly, ledger.table
    )
    return allocation_response(rows, level, metric)
