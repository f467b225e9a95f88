"""The tags & allocation page (`/tags`): tag compliance of one billing period by a dimension, the resources
missing tags, and who owns the period's cost (direct, shared, unallocated), with the config's loose ends.

It calls the analyses of `GET /api/v1/tags/compliance` and `GET /api/v1/allocation` with their default metrics,
and `config_coverage` (`cloudledger check`). What is summed by spend alone (allocation, the config's loose ends,
spend missing tags, the tag keys) reads the monthly rollup; resource counts and the untagged resources read the
ledger's rows of the periods shown. Each part is remembered per ledger version and policy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

import ibis.expr.types as ir
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cloudledger.analyses.allocation import AllocationQuery, allocate, rule_columns
from cloudledger.analyses.allocation_summary import allocation_shares
from cloudledger.analyses.budget_plan import month_after
from cloudledger.analyses.chargeback import owner_name
from cloudledger.analyses.chargeback_model import UNALLOCATED
from cloudledger.analyses.config_coverage import config_coverage
from cloudledger.analyses.summary import TableSource, on_rollup
from cloudledger.analyses.tag_compliance import tag_compliance, top_untagged, unallocated_by_missing_tag
from cloudledger.analyses.tag_compliance_model import (
    ComplianceReport,
    GroupCompliance,
    UnallocatedByTag,
    UntaggedResource,
    percent,
)
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep, tables
from cloudledger.api.errors import bad
from cloudledger.api.params import MONTH_PATTERN
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.selectors import TAG_PREFIX
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)

Dimension = Literal["provider", "account", "service", "department", "team", "month"]
DIMENSIONS: dict[str, tuple[str, str]] = {
    "provider": ("ProviderName", "Provider"),
    "account": ("SubAccountId", "Account"),
    "service": ("ServiceName", "Service"),
    "department": ("department", "Department"),
    "team": ("team", "Team"),
    "month": ("month", "Billing period"),
}
"""Page name of a dimension → (the `by` of the compliance analysis and API, its label)."""
OWNER_LEVELS = ("department", "team")
COMPLIANCE_METRIC = "EffectiveCost"
"""The compliance metric (the default of `GET /api/v1/tags/compliance`)."""
TOP = 20
TREND_MONTHS = 12
"""By month, the page shows the billing periods of the year up to the chosen one."""

ByParam = Annotated[Dimension, Query(description="Break compliance down by this dimension.")]
PeriodParam = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="Billing period, YYYY-MM (default: the latest).")
]


@dataclass(frozen=True)
class OwnerLine:
    """One owner's cost of the period in one currency, by kind."""

    owner: str
    direct: Decimal
    shared: Decimal
    unallocated: Decimal
    share_pct: Decimal | None

    @property
    def total(self) -> Decimal:
        return self.direct + self.shared + self.unallocated


@dataclass(frozen=True)
class CurrencyAllocation:
    """The period's allocation in one billing currency."""

    currency: str
    total: Decimal
    allocated_pct: Decimal | None
    """Cost that reached an owner (directly or by a split) ÷ all the period's cost × 100."""
    owners: tuple[OwnerLine, ...]
    """Largest first; the unallocated line last."""


def allocation_by_currency(rows: Iterable[Mapping[str, Any]], level: str) -> list[CurrencyAllocation]:
    """Rows of `allocate()` for one period as direct, shared and unallocated per owner at `level` (the sums
    `GET /api/v1/allocation` returns, pivoted by kind)."""
    shares, totals = allocation_shares(rows, lambda row: (owner_name(row, level), row["kind"]))
    amounts: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for share in shares:
        owner, kind = share.key
        amounts[share.currency][owner][kind] += share.amount
    out = []
    for currency in sorted(amounts):
        total = sum((t for (_, c), t in totals.items() if c == currency), Decimal(0))
        lines = [
            OwnerLine(
                owner,
                kinds["direct"],
                kinds["shared"],
                kinds["unallocated"],
                percent(sum(kinds.values(), Decimal(0)), total),
            )
            for owner, kinds in amounts[currency].items()
        ]
        lines.sort(key=lambda line: (line.owner == UNALLOCATED, -line.total, line.owner))
        left = sum((line.total for line in lines if line.owner == UNALLOCATED), Decimal(0))
        out.append(CurrencyAllocation(currency, total, percent(total - left, total), tuple(lines)))
    return out


def compliance_chart(
    groups: list[GroupCompliance], currency: str, by: str, required: tuple[str, ...]
) -> dict[str, Any]:
    """Chart data: compliant share of taggable spend per group, for every required tag and each key."""

    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    series = [{"name": "Every required tag", "values": [number(g.spend_percent) for g in groups]}]
    series += [{"name": key, "values": [number(g.key(key).spend_percent) for g in groups]} for key in required]
    nobody = "(no owner)" if by in OWNER_LEVELS else "(none)"
    labels = [g.group if g.group is not None else nobody for g in groups]
    return {"kind": "tag-compliance", "currency": currency, "by": by, "groups": labels, "series": series}


def _sections(report: ComplianceReport, by: str) -> list[dict[str, Any]]:
    """The grouped report per currency: its groups and its chart."""
    currencies = sorted({g.currency or "" for g in report.groups})
    sections = []
    for currency in currencies:
        groups = [g for g in report.groups if (g.currency or "") == currency]
        chart = compliance_chart(groups, currency, by, report.required)
        sections.append({"currency": currency, "groups": groups, "chart": chart})
    return sections


def _explorer_range(start: str) -> tuple[str, str]:
    """The first day of billing period `start` and of the next one (an explorer range, end exclusive)."""
    return f"{start}-01", f"{month_after(start)}-01"


def rollup_or_ledger(every: TableSource, config: CloudledgerConfig) -> ir.Table:
    """The monthly rollup when it keeps every column the ownership rules, shared pools and untaggable selectors
    read, else the ledger. A rule on a column the rollup leaves out (ResourceId...) would be refused there as
    an unknown column rather than fail as a missing one, so such a config is answered by the ledger."""
    read = rule_columns(config) | {name for selector in config.tag_policy.untaggable for name in selector}
    kept = set(every.monthly.columns)
    if all(name.startswith(TAG_PREFIX) or name in kept for name in read):
        return every.monthly
    return every.ledger


def _period_context(
    every: TableSource,
    config: CloudledgerConfig,
    metrics: ir.Table | None,
    results: Results,
    tags: TagResolver,
    period: str,
    by: str,
) -> dict[str, Any]:
    """Compliance, untagged resources and allocation of `period` (compliance grouped by `by`). Resource counts
    and the untagged resources read the ledger (restricted to the billing periods asked for); spend alone
    is answered by the monthly rollup when it can. Each part is remembered for the data it was computed on."""
    scope: dict[str, Any] = {"metric": COMPLIANCE_METRIC, "start": period, "end": period, "tags": tags}
    grouped_start = month_after(period, 1 - TREND_MONTHS) if by == "month" else period
    level = by if by in OWNER_LEVELS else config.chargeback.level
    query = AllocationQuery(config.chargeback.metric, period, period, keep=())

    def overall() -> ComplianceReport:
        return tag_compliance(every.ledger, config, **scope)

    def grouped() -> ComplianceReport:
        return tag_compliance(every.ledger, config, by=DIMENSIONS[by][0], **{**scope, "start": grouped_start})

    def top() -> list[UntaggedResource]:
        return top_untagged(every.ledger, config, TOP, **scope)

    def unallocated() -> list[UnallocatedByTag]:
        return on_rollup(
            lambda t: unallocated_by_missing_tag(t, config, **scope), rollup_or_ledger(every, config), every.ledger
        )

    def allocation() -> list[CurrencyAllocation]:
        found = on_rollup(
            lambda t: allocate(t, config, query, metrics, tags), rollup_or_ledger(every, config), every.ledger
        )
        return allocation_by_currency(found.to_pyarrow().to_pylist(), level)

    return {
        "required": tuple(config.tag_policy.required),
        "metric": COMPLIANCE_METRIC,
        "overall": results.get("tags-overall", (period,), overall),
        "grouped_start": grouped_start,
        "sections": _sections(results.get("tags-grouped", (by, grouped_start, period), grouped), by),
        "top": results.get("tags-untagged", (period, TOP), top),
        "top_limit": TOP,
        "unallocated": results.get("tags-unallocated", (period,), unallocated),
        "explorer_range": _explorer_range(period),
        "allocation": results.get("tags-allocation", (period, level), allocation),
        "level": level,
        "allocation_metric": config.chargeback.metric,
    }


@router.get("/tags", response_class=HTMLResponse)
def tags_page(
    request: Request,
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    results: ResultsDep,
    period: PeriodParam = None,
    by: ByParam = "department",
) -> HTMLResponse:
    """Tag compliance and allocation of one billing period."""
    base: dict[str, Any] = {"ready": False, "ingest": ingest_command(settings), "by": by, "dimensions": DIMENSIONS}
    if ledger is None:
        return render(request, "tags.html", "tags", base)
    config = policy.config
    every = tables(ledger)
    coverage = results.get(
        "config-coverage",
        (),
        lambda: on_rollup(lambda t: config_coverage(t, config, metrics), rollup_or_ledger(every, config), every.ledger),
    )
    if not coverage.periods:
        return render(request, "tags.html", "tags", base)
    period = period or coverage.periods[-1]
    if period not in coverage.periods:
        span = f"{coverage.periods[0]} to {coverage.periods[-1]}"
        raise bad("period", f"the ledger holds no cost for {period}; its billing periods run from {span}")
    tags = results.get("tag-resolver", (), lambda: TagResolver.of(every.monthly, config.tag_policy))
    context = {
        **base,
        "ready": True,
        "period": period,
        "periods": list(reversed(coverage.periods)),
        "warnings": coverage.warnings,
        "latest": coverage.periods[-1],
        **_period_context(every, config, metrics, results, tags, period, by),
    }
    return render(request, "tags.html", "tags", context)
