"""`GET /cloud`: cost by provider and service, by department and provider, and AI/ML workloads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated

import ibis.expr.types as ir
from fastapi import APIRouter, Query

from cloudledger.analyses.cloud_mix import UnknownProvider, cloud_mix
from cloudledger.analyses.cloud_mix_model import CloudMix
from cloudledger.analyses.summary import on_rollup
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep
from cloudledger.api.errors import ParameterError
from cloudledger.api.models_cloud import (
    CloudResponse,
    CurrencyMixModel,
    DepartmentCostModel,
    ProviderCostModel,
    ServiceCostModel,
    WorkloadCostModel,
    WorkloadLineModel,
)
from cloudledger.api.params import EndMonth, StartMonth, check_range
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.allocation import Metric
from cloudledger.config.model import CloudledgerConfig
from cloudledger.ledger.read import LedgerView

router = APIRouter(tags=["cloud"])

Providers = Annotated[list[str], Query(description="ProviderName to keep, repeatable (default: every provider).")]


@router.get("/cloud", response_model=CloudResponse)
def cloud(
    ledger: LedgerDep,
    policy: PolicyDep,
    results: ResultsDep,
    metrics: MetricsDep,
    start: StartMonth = None,
    end: EndMonth = None,
    provider: Providers = [],  # noqa: B006
    metric: Metric = "EffectiveCost",
) -> CloudResponse:
    """Cost by provider and service, allocated cost by department and provider, and AI/ML infrastructure
    (GPU training, GPU inference, managed ML, data and analytics) with its spot and committed shares, per
    billing currency, over billing periods (default: the ledger's last 12).

    Example: `/api/v1/cloud?start=2025-01&end=2025-12&provider=AWS`"""
    check_range(start, end)
    if ledger is None:
        return CloudResponse(start=start, end=end, metric=metric, providers=provider, hint=EMPTY_HINT)
    report = cloud_report(ledger, policy.config, metrics, results, start, end, provider, metric)
    return cloud_response(report)


def cloud_report(
    ledger: LedgerView,
    config: CloudledgerConfig,
    metrics: ir.Table | None,
    results: Results,
    start: str | None,
    end: str | None,
    providers: Sequence[str],
    metric: str,
) -> CloudMix:
    """The cloud mix, on the monthly rollup when it can answer, remembered for the data; an unknown provider is
    a 422 naming `provider`. Shared by this route and the page."""
    chosen = [p for p in providers if p]

    def compute() -> CloudMix:
        def run(table: ir.Table) -> CloudMix:
            return cloud_mix(table, config, start=start, end=end, providers=chosen, metric=metric, metrics=metrics)

        return on_rollup(run, ledger.monthly, ledger.table)

    try:
        return results.get("cloud", (start, end, tuple(chosen), metric), compute)
    except UnknownProvider as exc:
        raise ParameterError(exc, "provider") from exc


def cloud_response(report: CloudMix) -> CloudResponse:
    currencies = [
        CurrencyMixModel(
            currency=c.currency,
            total=c.total,
            providers=[
                ProviderCostModel(
                    provider=p.provider,
                    amount=p.amount,
                    services=[ServiceCostModel(**asdict(s)) for s in p.services],
                )
                for p in c.providers
            ],
            departments=[
                DepartmentCostModel(
                    department=d.department,
                    amounts=dict(zip(c.provider_names, d.amounts, strict=True)),
                    total=d.total,
                )
                for d in c.departments
            ],
            ai_total=c.ai_total,
            ai_pct=c.ai_pct,
            workloads=[WorkloadCostModel(**asdict(w)) for w in c.workloads],
            workload_lines=[WorkloadLineModel(**asdict(line)) for line in c.workload_lines],
        )
        for c in report.currencies
    ]
    return CloudResponse(
        start=report.start,
        end=report.end,
        metric=report.metric,
        providers=list(report.providers),
        available_providers=list(report.available_providers),
        currencies=currencies,
    )
