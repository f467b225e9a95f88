"""The Anomalies pages: `/anomalies` lists cost anomalies (filters: since, money minimum, status, provider) and
`/anomalies/{id}` shows one: its series around it against the expected cost and flag line, its root causes, and
how to mark it as expected (the page twins of `GET /api/v1/anomalies` and `/api/v1/anomalies/{id}`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cloudledger.analyses.anomalies_model import Cause, Thresholds
from cloudledger.analyses.anomaly_band import AnomalyBand
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.api.errors import ParameterError
from cloudledger.api.results import ResultsDep
from cloudledger.api.routes.anomalies import (
    DEFAULT_MIN_IMPACT,
    Explaining,
    MinImpactParam,
    ProviderParam,
    SinceParam,
    StatusParam,
    filters_of,
    listed,
    mark_command,
    opened,
    parse_amount,
    providers_of,
)
from cloudledger.errors import QueryError
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)


@router.get("/anomalies", response_class=HTMLResponse)
def anomalies_page(
    request: Request,
    ledger: LedgerDep,
    results: ResultsDep,
    settings: SettingsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    since: SinceParam = None,
    min_impact: MinImpactParam = None,
    status: StatusParam = "all",
    provider: ProviderParam = None,
) -> HTMLResponse:
    """Cost anomalies, newest first, each linking to its detail."""
    filters = filters_of(since, min_impact, status, provider)
    if ledger is None:
        return render(request, "anomalies.html", "anomalies", {"found": None, "ingest": ingest_command(settings)})
    found = listed(ledger, results, Explaining(settings.ledger_home, policy.config, metrics), filters)
    context = {
        "found": found,
        "filters": filters,
        "thresholds": filters.thresholds,
        "providers": providers_of(ledger, results),
        "impact_param": None if filters.min_impact == DEFAULT_MIN_IMPACT else str(filters.min_impact),
        "filtered": filters.since is not None or filters.status != "all" or filters.provider is not None,
    }
    return render(request, "anomalies.html", "anomalies", context)


@router.get("/anomalies/{anomaly_id}", response_class=HTMLResponse)
def anomaly_page(
    request: Request,
    anomaly_id: str,
    ledger: LedgerDep,
    results: ResultsDep,
    settings: SettingsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    min_impact: MinImpactParam = None,
) -> HTMLResponse:
    """One anomaly: its series, root causes and mark."""
    amount = parse_amount(min_impact, "min_impact")
    if ledger is None:
        message = f"no anomaly {anomaly_id!r}: the ledger is empty; run {ingest_command(settings)}"
        raise ParameterError(QueryError(message), "anomaly_id", 404)
    item, band = opened(ledger, results, Explaining(settings.ledger_home, policy.config, metrics), anomaly_id, amount)
    anomaly = item.anomaly
    context = {
        "item": item,
        "anomaly": anomaly,
        "band": band,
        "by_dimension": by_dimension(anomaly.causes),
        "series_chart": series_chart(band),
        "causes_chart": causes_chart(anomaly.causes, anomaly.currency),
        "command": mark_command(settings.ledger_home, anomaly_id),
        "thresholds": Thresholds(min_impact=amount),
        "impact_param": None if amount == DEFAULT_MIN_IMPACT else str(amount),
    }
    return render(request, "anomaly.html", "anomalies", context)


def by_dimension(causes: tuple[Cause, ...]) -> dict[str, list[Cause]]:
    """Causes grouped by dimension, in the analysis' order."""
    out: dict[str, list[Cause]] = defaultdict(list)
    for cause in causes:
        out[cause.dimension].append(cause)
    return dict(out)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def series_chart(band: AnomalyBand) -> dict[str, Any]:
    """The chart of the anomaly's series: actual per day, expected cost and flag line (numbers for ECharts)."""
    return {
        "kind": "anomaly-series",
        "currency": band.currency,
        "days": [d.day.isoformat() for d in band.days],
        "actual": [float(d.actual) for d in band.days],
        "expected": [_number(d.expected) for d in band.days],
        "flag": [_number(d.flag_above) for d in band.days],
        "anomalous": [d.anomalous for d in band.days],
    }


def causes_chart(causes: tuple[Cause, ...], currency: str) -> dict[str, Any]:
    """The chart of the causes' shares of their dimension's deviation, in percent."""
    return {
        "kind": "anomaly-causes",
        "currency": currency,
        "labels": [f"{c.dimension}: {c.value}" for c in causes],
        "dimensions": [c.dimension for c in causes],
        "shares": [round(c.share * 100, 2) for c in causes],
        "deviations": [float(c.deviation) for c in causes],
    }
