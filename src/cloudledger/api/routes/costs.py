"""`GET /costs` (the cost explorer) and `GET /columns` (what it can group and filter by)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cloudledger.analyses.explorer import CostQuery, CostTable, groupable_columns, run_costs, uses_tags
from cloudledger.analyses.explorer_source import cost_source
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, PolicyDep, tables
from cloudledger.api.models import ColumnsResponse, CostsResponse
from cloudledger.api.params import EndDay, Grain, StartDate, check_columns, check_range, pairs
from cloudledger.api.results import ResultsDep
from cloudledger.config.allocation import Metric

router = APIRouter(tags=["costs"])


@router.get("/costs", response_model=CostsResponse)
def costs(
    ledger: LedgerDep,
    policy: PolicyDep,
    results: ResultsDep,
    group_by: Annotated[list[str], Query(description="Column or tag:KEY, repeatable.")] = [],  # noqa: B006
    metric: Metric = "BilledCost",
    grain: Grain | None = None,
    start: StartDate = None,
    end: EndDay = None,
    filter: Annotated[list[str], Query(description="COLUMN=VALUE, repeatable.")] = [],  # noqa: B006
    tag: Annotated[list[str], Query(description="KEY=VALUE, repeatable.")] = [],  # noqa: B006
    limit: Annotated[int | None, Query(ge=1)] = None,
) -> CostsResponse:
    """Total a cost column by any columns and tags, per billing currency, over a date range.

    Example: `/api/v1/costs?group_by=ServiceName&group_by=tag:team&metric=EffectiveCost&start=2025-01-01`"""
    check_range(start, end)
    query = CostQuery(tuple(group_by), metric, grain, start, end, pairs(filter, "filter"), pairs(tag, "tag"), limit)
    if ledger is None:
        return CostsResponse(metric=metric, columns=[], rows=[], hint=EMPTY_HINT)
    check_columns(groupable_columns(ledger.columns), query)
    every = tables(ledger)

    def compute() -> CostTable:
        tags = TagResolver.of(every.monthly, policy.config.tag_policy) if uses_tags(query) else None
        return run_costs(ledger.con, cost_source(query, every), query, tags)

    result = results.get("costs", query, compute)
    return CostsResponse(
        metric=result.metric,
        columns=list(result.columns),
        rows=list(result.rows),
        totals=result.totals,
        totals_cents={currency: round_half_up(total) for currency, total in result.totals.items()},
        version=ledger.snapshot.version,
    )


@router.get("/columns", response_model=ColumnsResponse)
def columns(ledger: LedgerDep) -> ColumnsResponse:
    """The columns `/costs` can group and filter by."""
    if ledger is None:
        return ColumnsResponse(columns=[], hint=EMPTY_HINT)
    return ColumnsResponse(columns=groupable_columns(ledger.table))
