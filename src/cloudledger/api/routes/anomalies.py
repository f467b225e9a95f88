"""`GET /anomalies` and `GET /anomalies/{anomaly_id}`: cost anomalies, newest first, with their root causes, their
mark as expected, and the daily series around one of them.

Detection is remembered per ledger version and money minimum; root causes are computed per anomaly the first time
it is listed or opened, then remembered too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

import ibis.expr.types as ir
from fastapi import APIRouter, Query
from pydantic import BaseModel

from cloudledger.analyses.anomalies import DailySeries, anomalies, usage_series
from cloudledger.analyses.anomalies_model import ALL, Anomaly, Cause, Thresholds
from cloudledger.analyses.anomaly_band import AnomalyBand, anomaly_band, find_series
from cloudledger.analyses.summary import on_rollup
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.api.errors import ParameterError, bad
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.anomaly_feedback import Expected, read_expected
from cloudledger.ledger.read import LedgerView

router = APIRouter(tags=["anomalies"])
Status = Literal["open", "expected", "all"]
DEFAULT_MIN_IMPACT = Thresholds().min_impact

SinceParam = Annotated[str | None, Query(description="Only anomalies ending on or after this day, YYYY-MM-DD.")]
MinImpactParam = Annotated[
    str | None, Query(description="Smallest daily impact flagged, in the billing currency (default 50).")
]
StatusParam = Annotated[Status, Query(description="open (not marked), expected (marked as expected) or all.")]
ProviderParam = Annotated[str | None, Query(description="Only anomalies of this provider's series.")]


class CauseModel(BaseModel):
    dimension: str
    value: str
    expected: Decimal
    actual: Decimal
    deviation: Decimal
    share: float
    """The value's part of its dimension's total deviation (0 to 1)."""


class AnomalyModel(BaseModel):
    id: str
    provider: str
    service: str
    sub_account: str
    scope: str
    """"total" for the whole bill, else provider / service / sub account."""
    currency: str
    start: dt.date
    end: dt.date
    days: int
    expected: Decimal
    actual: Decimal
    impact: Decimal
    impact_percent: float | None
    score: float
    """The highest daily score (robust z-score) of its days."""
    top_cause: CauseModel | None
    status: Literal["open", "expected"]
    reason: str | None = None
    """Why it was marked as expected (`cloudledger anomalies expect ID --reason ...`)."""
    marked_by: str | None = None
    marked_at: dt.datetime | None = None


class ThresholdsModel(BaseModel):
    score: float
    min_impact: Decimal
    min_percent: float
    weeks: int
    months: int
    max_days: int
    scale_days: int


class AnomaliesResponse(BaseModel):
    since: dt.date | None = None
    status: Status
    provider: str | None = None
    thresholds: ThresholdsModel
    anomalies: list[AnomalyModel] = []
    hint: str | None = None


class BandDayModel(BaseModel):
    day: dt.date
    actual: Decimal
    expected: Decimal | None
    flag_above: Decimal | None
    """The cost above which the day would be flagged (expected + the largest of the score, money and percent
    margins); null before the series has enough history."""
    anomalous: bool


class AnomalyDetailResponse(BaseModel):
    anomaly: AnomalyModel
    causes: list[CauseModel]
    series: list[BandDayModel]
    """The anomaly's series from six weeks before it to two weeks after (eight weeks at least)."""
    mark_command: str
    thresholds: ThresholdsModel


@dataclass(frozen=True)
class Listed:
    """An anomaly with its root causes and its mark as expected, if any."""

    anomaly: Anomaly
    mark: Expected | None

    @property
    def status(self) -> Literal["open", "expected"]:
        return "open" if self.mark is None else "expected"


@dataclass(frozen=True)
class Filters:
    """What the list shows."""

    since: dt.date | None = None
    min_impact: Decimal = DEFAULT_MIN_IMPACT
    status: Status = "all"
    provider: str | None = None

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(min_impact=self.min_impact)


def parse_day(value: str | None, name: str) -> dt.date | None:
    """A day from a query or form field (empty: none)."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise bad(name, f"{name}: expected a day as YYYY-MM-DD, e.g. 2025-01-31 (got {value!r})") from None


def parse_amount(value: str | None, name: str) -> Decimal:
    """A non-negative amount from a query or form field (empty: the default money minimum)."""
    if value is None or not value.strip():
        return DEFAULT_MIN_IMPACT
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise bad(name, f"{name}: expected an amount of 0 or more, such as 50 (got {value!r})")
    return amount


def filters_of(since: str | None, min_impact: str | None, status: Status, provider: str | None) -> Filters:
    return Filters(parse_day(since, "since"), parse_amount(min_impact, "min_impact"), status, provider or None)


def detected(ledger: LedgerView, results: Results, th: Thresholds) -> list[Anomaly]:
    """Every anomaly of the ledger for `th`, newest first, without causes (remembered)."""
    key = (str(th.min_impact.normalize()),)
    return results.get("anomalies", key, lambda: anomalies(ledger.daily, ledger.table, th, causes=False))


def series_of(ledger: LedgerView, results: Results) -> list[DailySeries]:
    """The daily usage series detection reads (remembered)."""
    return results.get("anomaly-series", (), lambda: on_rollup(usage_series, ledger.daily, ledger.table))


def providers_of(ledger: LedgerView, results: Results) -> list[str]:
    """The providers that have a usage series."""
    return sorted({s.scope.provider for s in series_of(ledger, results) if s.scope.provider != ALL})


def with_causes(
    ledger: LedgerView, results: Results, anomaly: Anomaly, th: Thresholds, explaining: Explaining
) -> Anomaly:
    """`anomaly` with its root causes, tag keys and owners (`anomaly_owners.explain`), remembered per anomaly and
    its last day."""
    from cloudledger.analyses.anomaly_owners import explain

    key = (anomaly.id, anomaly.end, th.weeks)

    def causes() -> tuple[Cause, ...]:
        policy = explaining.config.tag_policy
        tags = results.get("tag-resolver", (), lambda: TagResolver.of(ledger.monthly, policy))
        return explain(ledger.table, anomaly, explaining.config, th.weeks, explaining.metrics, tags).causes

    return replace(anomaly, causes=results.get("anomaly-causes", key, causes))


@dataclass(frozen=True)
class Explaining:
    """What the anomalies are read and explained with: the home (its marks), the policy and business metrics."""

    home: Home
    config: CloudledgerConfig
    metrics: ir.Table | None = None


def listed(ledger: LedgerView, results: Results, explaining: Explaining, filters: Filters) -> list[Listed]:
    """The anomalies the filters keep, newest first, each with its causes and its mark."""
    if filters.provider is not None:
        known = providers_of(ledger, results)
        if filters.provider not in known:
            raise bad("provider", f"unknown provider {filters.provider!r}; the ledger's providers: {', '.join(known)}")
    th = filters.thresholds
    marks = read_expected(explaining.home)
    out = []
    for anomaly in detected(ledger, results, th):
        if filters.since is not None and anomaly.end < filters.since:
            continue
        if filters.provider is not None and anomaly.scope.provider != filters.provider:
            continue
        mark = marks.get(anomaly.id)
        if filters.status != "all" and filters.status != ("open" if mark is None else "expected"):
            continue
        out.append(Listed(with_causes(ledger, results, anomaly, th, explaining), mark))
    return out


def opened(
    ledger: LedgerView, results: Results, explaining: Explaining, anomaly_id: str, min_impact: Decimal
) -> tuple[Listed, AnomalyBand]:
    """One anomaly by id, with its causes, its mark and its series around it; a 404 naming the id when the ledger
    has no such anomaly."""
    th = Thresholds(min_impact=min_impact)
    found = next((a for a in detected(ledger, results, th) if a.id == anomaly_id), None)
    if found is None:
        message = (
            f"no anomaly {anomaly_id!r} in this ledger version with a money minimum of {min_impact}: "
            "ids come from the anomaly list"
        )
        raise ParameterError(QueryError(message), "anomaly_id", 404)
    series = find_series(series_of(ledger, results), found)
    band = anomaly_band(series, found, th) if series is not None else AnomalyBand(found.currency, ())
    mark = read_expected(explaining.home).get(anomaly_id)
    return Listed(with_causes(ledger, results, found, th, explaining), mark), band


def mark_command(home: Home, anomaly_id: str) -> str:
    """The command that marks the anomaly as expected (with --home unless it is the default home)."""
    from cloudledger.home import resolve_home

    command = f'cloudledger anomalies expect {anomaly_id} --reason "..."'
    return command if home.root == resolve_home(None).root else f"{command} --home {home.root}"


def cause_model(cause: Cause) -> CauseModel:
    return CauseModel(
        dimension=cause.dimension,
        value=cause.value,
        expected=cause.expected,
        actual=cause.actual,
        deviation=cause.deviation,
        share=cause.share,
    )


def anomaly_model(item: Listed) -> AnomalyModel:
    a, mark = item.anomaly, item.mark
    top = a.top_cause()
    return AnomalyModel(
        id=a.id,
        provider=a.scope.provider,
        service=a.scope.service,
        sub_account=a.scope.sub_account,
        scope=str(a.scope),
        currency=a.currency,
        start=a.start,
        end=a.end,
        days=a.days,
        expected=a.expected,
        actual=a.actual,
        impact=a.impact,
        impact_percent=None if a.impact_percent is None else round(a.impact_percent, 2),
        score=a.max_score,
        top_cause=None if top is None else cause_model(top),
        status=item.status,
        reason=None if mark is None else mark.reason,
        marked_by=None if mark is None else mark.marked_by,
        marked_at=None if mark is None else mark.marked_at,
    )


def thresholds_model(th: Thresholds) -> ThresholdsModel:
    return ThresholdsModel(
        score=th.score,
        min_impact=th.min_impact,
        min_percent=th.min_percent,
        weeks=th.weeks,
        months=th.months,
        max_days=th.max_days,
        scale_days=th.scale_days,
    )


@router.get("/anomalies", response_model=AnomaliesResponse)
def anomaly_list(
    ledger: LedgerDep,
    results: ResultsDep,
    settings: SettingsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    since: SinceParam = None,
    min_impact: MinImpactParam = None,
    status: StatusParam = "all",
    provider: ProviderParam = None,
) -> AnomaliesResponse:
    """Cost anomalies, newest first: days whose usage cost was far above its weekly and monthly season (see
    docs/anomalies.md), each with its top root cause and whether it was marked as expected.

    Example: `/api/v1/anomalies?since=2025-06-01&min_impact=100&status=open&provider=AWS`"""
    filters = filters_of(since, min_impact, status, provider)
    response = AnomaliesResponse(
        since=filters.since, status=status, provider=filters.provider, thresholds=thresholds_model(filters.thresholds)
    )
    if ledger is None:
        response.hint = EMPTY_HINT
        return response
    found = listed(ledger, results, Explaining(settings.ledger_home, policy.config, metrics), filters)
    response.anomalies = [anomaly_model(item) for item in found]
    return response


@router.get("/anomalies/{anomaly_id}", response_model=AnomalyDetailResponse)
def anomaly_detail(
    anomaly_id: str,
    ledger: LedgerDep,
    results: ResultsDep,
    settings: SettingsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    min_impact: MinImpactParam = None,
) -> AnomalyDetailResponse:
    """One anomaly with all its root causes and its series' daily actual, expected cost and flag line from six
    weeks before it to two weeks after; 404 for an id the ledger does not have.

    Example: `/api/v1/anomalies/3f2a9c1b7e`"""
    amount = parse_amount(min_impact, "min_impact")
    if ledger is None:
        raise ParameterError(QueryError(f"no anomaly {anomaly_id!r}: {EMPTY_HINT}"), "anomaly_id", 404)
    item, band = opened(ledger, results, Explaining(settings.ledger_home, policy.config, metrics), anomaly_id, amount)
    return AnomalyDetailResponse(
        anomaly=anomaly_model(item),
        causes=[cause_model(c) for c in item.anomaly.causes],
        series=[BandDayModel(**vars(d)) for d in band.days],
        mark_command=mark_command(settings.ledger_home, anomaly_id),
        thresholds=thresholds_model(Thresholds(min_impact=amount)),
    )
