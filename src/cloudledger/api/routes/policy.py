"""`GET /tags/compliance`, `GET /budgets` and `GET /units`: the policy of cloudledger.yaml against the ledger."""

from __future__ import annotations

from typing import Annotated, Literal

import ibis
import ibis.expr.types as ir
from fastapi import APIRouter, Query

from cloudledger.analyses.budgets import BudgetReport, budget_status
from cloudledger.analyses.metrics_csv import metrics_arrow
from cloudledger.analyses.summary import on_rollup
from cloudledger.analyses.tag_compliance import tag_compliance
from cloudledger.analyses.unit_costs import unit_costs
from cloudledger.api.convert import budgets_response, compliance_response, units_response
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep
from cloudledger.api.models_policy import BudgetsResponse, ComplianceResponse, UnitsResponse
from cloudledger.api.params import EndDate, EndMonth, MetricParam, StartDate, StartMonth, check_range
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.model import CloudledgerConfig
from cloudledger.ledger.read import LedgerView

router = APIRouter(tags=["policy"])

Group = Literal["ProviderName", "SubAccountId", "ServiceName", "department", "team", "month"]
NO_UNITS = "no unit costs defined: add a unit_costs: section to cloudledger.yaml"


@router.get("/tags/compliance", response_model=ComplianceResponse)
def compliance(
    ledger: LedgerDep,
    policy: PolicyDep,
    by: Annotated[Group | None, Query(description="Group by a column, an owner or the month.")] = None,
    start: StartMonth = None,
    end: EndMonth = None,
    metric: MetricParam = None,
) -> ComplianceResponse:
    """Spend and resources with every required tag valid, per group and currency.

    Example: `/api/v1/tags/compliance?by=team&start=2025-01`"""
    check_range(start, end)
    config = policy.config
    metric = metric or "EffectiveCost"
    if ledger is None:
        return ComplianceResponse(by=by, metric=metric, required=list(config.tag_policy.required), hint=EMPTY_HINT)
    report = tag_compliance(ledger.table, config, by=by, metric=metric, start=start, end=end)
    return compliance_response(report)


@router.get("/budgets", response_model=BudgetsResponse)
def budgets(
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    results: ResultsDep,
    start: StartMonth = None,
    end: EndMonth = None,
) -> BudgetsResponse:
    """Every budget month by month against the actual cost (to the ledger's last period unless `end`).

    Example: `/api/v1/budgets?start=2025-01&end=2025-03`"""
    check_range(start, end)
    if ledger is None:
        return BudgetsResponse(hint=EMPTY_HINT)
    return budgets_response(remembered_budgets(ledger, policy.config, metrics, results, start, end))


def remembered_budgets(
    ledger: LedgerView,
    config: CloudledgerConfig,
    metrics: ir.Table | None,
    results: Results,
    start: str | None,
    end: str | None,
) -> BudgetReport:
    """Every budget from `start` to `end` against its actual, on the monthly rollup when it can answer,
    remembered for the data (this route and the Budgets page share it)."""

    def run(table: ir.Table) -> BudgetReport:
        return budget_status(table, config, start=start, end=end, metrics=metrics)

    return results.get("budgets", (start, end), lambda: on_rollup(run, ledger.monthly, ledger.table))


@router.get("/units", response_model=UnitsResponse)
def units(
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    start: StartDate = None,
    end: EndDate = None,
) -> UnitsResponse:
    """The unit costs of cloudledger.yaml (cost per order, per 1,000 calls...) per day or month.

    Example: `/api/v1/units?start=2025-01-01&end=2025-03-31`"""
    check_range(start, end)
    if ledger is None:
        return UnitsResponse(start=start, end=end, hint=EMPTY_HINT)
    if not policy.config.unit_costs:
        return UnitsResponse(start=start, end=end, hint=NO_UNITS)
    table = metrics if metrics is not None else ibis.memtable(metrics_arrow([]))
    report = on_rollup(lambda t: unit_costs(t, policy.config, table, start=start, end=end), ledger.daily, ledger.table)
    return units_response(report)
