"""Analysis results as response models (the analyses return frozen dataclasses)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from cloudledger.analyses.allocation_summary import allocation_shares
from cloudledger.analyses.budgets import BudgetReport
from cloudledger.analyses.chargeback import owner_name
from cloudledger.analyses.chargeback_model import ChargebackReport
from cloudledger.analyses.tag_compliance_model import ComplianceReport
from cloudledger.analyses.unit_costs import UnitCostReport
from cloudledger.api.models_policy import (
    AllocationResponse,
    AllocationRow,
    BudgetLineModel,
    BudgetsResponse,
    ChargebackLineModel,
    ChargebackResponse,
    ComplianceResponse,
    GroupComplianceModel,
    KeyComplianceModel,
    TopService,
    UnitCostLineModel,
    UnitCostSeriesModel,
    UnitsResponse,
)


def chargeback_response(report: ChargebackReport) -> ChargebackResponse:
    lines = []
    for line in report.lines:
        fields = asdict(line)
        fields["top_services"] = [TopService(service=s, amount=a) for s, a in line.top_services]
        lines.append(ChargebackLineModel(**fields))
    return ChargebackResponse(
        period=report.period,
        level=report.level,
        metric=report.metric,
        lines=lines,
        ledger_total=report.ledger_total,
        allocated_pct={c: report.allocated_pct(c) for c in report.currencies},
    )


def allocation_response(rows: Iterable[Mapping[str, Any]], level: str, metric: str) -> AllocationResponse:
    """Allocated rows summed per period × currency × owner (at `level`) × kind, with each one's share."""
    shares, totals = allocation_shares(rows, lambda row: (owner_name(row, level), row["kind"]))
    out = [
        AllocationRow(
            period=s.period, currency=s.currency, owner=s.key[0], kind=s.key[1], amount=s.amount, share_pct=s.share_pct
        )
        for s in shares
    ]
    plain: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (period, currency), total in totals.items():
        plain[period][currency] = total
    return AllocationResponse(level=level, metric=metric, rows=out, totals=dict(plain))


def compliance_response(report: ComplianceReport) -> ComplianceResponse:
    groups = [
        GroupComplianceModel(
            group=g.group,
            currency=g.currency,
            taggable_spend=g.taggable_spend,
            untaggable_spend=g.untaggable_spend,
            compliant_spend=g.compliant_spend,
            spend_percent=g.spend_percent,
            resources=g.resources,
            compliant_resources=g.compliant_resources,
            count_percent=g.count_percent,
            keys=[KeyComplianceModel(**asdict(k)) for k in g.keys],
        )
        for g in report.groups
    ]
    return ComplianceResponse(by=report.by, metric=report.metric, required=list(report.required), groups=groups)


def budgets_response(report: BudgetReport) -> BudgetsResponse:
    lines = [
        BudgetLineModel(
            name=b.name,
            scope=b.scope,
            period=b.period,
            currency=b.currency,
            metric=b.metric,
            budget=b.budget,
            actual=b.actual,
            actual_cents=b.actual_cents,
            variance=b.variance,
            variance_pct=b.variance_pct,
            utilisation_pct=b.utilisation_pct,
            over_budget=b.over_budget,
            source=b.source,
        )
        for b in report.lines
    ]
    return BudgetsResponse(lines=lines, other_currencies=list(report.other_currencies))


def units_response(report: UnitCostReport) -> UnitsResponse:
    series = [
        UnitCostSeriesModel(
            name=s.unit.name,
            metric=s.unit.metric,
            grain=s.unit.grain,
            per=s.unit.per,
            currency=s.currency,
            slope=s.slope,
            lines=[UnitCostLineModel(**asdict(line)) for line in s.lines],
        )
        for s in report.series
    ]
    return UnitsResponse(series=series, start=report.start, end=report.end)
