"""`GET /forecast`: this month's end per scope and currency, and optionally the backtest of the models;
`GET /forecast/year`: the next 12 months per scope and currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import ibis.expr.types as ir
from fastapi import APIRouter, Query
from pydantic import BaseModel

from cloudledger.analyses.forecast import SCOPES, MonthEnd, MonthEndForecast, SeriesBacktest
from cloudledger.analyses.forecast_choices import month_end_forecast_remembered
from cloudledger.analyses.forecast_scopes import scope_forecast
from cloudledger.analyses.forecast_year import YearView, year_view
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.allocation import Metric
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.ledger.read import LedgerView

router = APIRouter(tags=["forecast"])
Scope = Literal["total", "ProviderName", "ServiceName", "department", "team", "budget"]
SCOPE_HELP = (
    "total, ProviderName, ServiceName, department, team (allocated cost, as the chargeback counts it) or budget "
    "(each budget's scope in its own metric and currency)."
)


class MonthEndModel(BaseModel):
    scope: str
    currency: str
    month: str
    model: str
    actual: Decimal
    """The month's exact cost so far."""
    remaining: Decimal
    """The forecast of the month's remaining days, rounded to cents."""
    total: Decimal
    low: Decimal
    """80 % prediction interval of the month's total."""
    high: Decimal


class AccuracyModel(BaseModel):
    model: str
    mape_by_day: list[float | None]
    """MAPE (%) 1, 2, ... days ahead."""
    mape: float | None


class BacktestModel(BaseModel):
    scope: str
    currency: str
    chosen: str
    models: list[AccuracyModel]


class ForecastResponse(BaseModel):
    metric: str
    by: str
    as_of_day: str | None = None
    month_end: list[MonthEndModel] = []
    backtest: list[BacktestModel] = []
    hint: str | None = None


def forecast_of(
    ledger: LedgerView,
    results: Results,
    by: str,
    metric: str,
    run_backtest: bool,
    horizon: int = 14,
    windows: int = 4,
    *,
    config: CloudledgerConfig | None = None,
    metrics: ir.Table | None = None,
) -> tuple[list[MonthEnd], list[SeriesBacktest], str | None]:
    """The month-end forecasts, each series with the model its backtest chose (the scores returned only when
    `run_backtest`), remembered for the data; departments, teams and budgets read `config`'s allocation."""

    def run() -> MonthEndForecast:
        if by in SCOPES:
            args = (by, metric, horizon, windows)
            found, kept = month_end_forecast_remembered(ledger, results.choices(args), by, metric, horizon, windows)
            results.remember_choices(args, kept)
            return found
        if config is None:
            raise QueryError(f"forecasting by {by} needs the policy (cloudledger.yaml)")
        return scope_forecast(ledger, config, by, metric, horizon, windows, metrics=metrics)

    found = results.get("forecast", (by, metric, horizon, windows), run)
    day = found.last_day.isoformat() if found.last_day is not None else None
    return list(found.ends), (list(found.scores) if run_backtest else []), day


@router.get("/forecast", response_model=ForecastResponse)
def forecast(
    ledger: LedgerDep,
    results: ResultsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    by: Annotated[Scope, Query(description=SCOPE_HELP)] = "total",
    metric: Metric = "EffectiveCost",
    backtest_models: Annotated[
        bool, Query(alias="backtest", description="Also score the models on the ledger's past (slower).")
    ] = False,
) -> ForecastResponse:
    """This month's end per scope and currency: the exact cost so far plus the forecast of the remaining days,
    with an 80 % interval, each series forecast by the model its backtest chose; with `backtest=true`, each
    model's MAPE by days ahead (rolling origins, 14 days).

    Departments and teams forecast their allocated cost (direct and shared, as the chargeback counts it);
    budgets their scope's cost in the budget's own metric and currency (`metric` does not apply).

    Example: `/api/v1/forecast?by=department&backtest=true`"""
    if ledger is None:
        return ForecastResponse(metric=metric, by=by, hint=EMPTY_HINT)
    ends, scores, day = forecast_of(ledger, results, by, metric, backtest_models, config=policy.config, metrics=metrics)
    return ForecastResponse(
        metric=metric,
        by=by,
        as_of_day=day,
        month_end=[MonthEndModel(**vars(e)) for e in ends],
        backtest=[
            BacktestModel(
                scope=b.scope,
                currency=b.currency,
                chosen=b.chosen,
                models=[AccuracyModel(model=a.model, mape_by_day=list(a.by_horizon), mape=a.overall) for a in b.models],
            )
            for b in scores
        ],
    )


class YearMonthModel(BaseModel):
    month: str
    """YYYY-MM."""
    actual: Decimal
    """The month's exact cost so far (the current month; 0 for the months after it)."""
    forecast: Decimal
    """The month's total: `actual` plus the forecast of its remaining days, rounded to cents."""
    low: Decimal
    """80 % prediction interval of the month's total."""
    high: Decimal


class YearSeriesModel(BaseModel):
    scope: str
    currency: str
    model: str
    yearly_season: bool
    """True when the series has two years of days and its model a yearly season (365 days) beside the weekly."""
    months: list[YearMonthModel]


class YearAccuracyModel(BaseModel):
    model: str
    mape_by_month: list[float | None]
    """MAPE (%) of the monthly totals 1, 2, ... months ahead."""
    mape: float | None


class YearBacktestModel(BaseModel):
    scope: str
    currency: str
    origins: list[str]
    """The last month each backtest fit saw (YYYY-MM)."""
    yearly_season: list[bool]
    models: list[YearAccuracyModel]
    coverage: float | None
    """Share of the months forecast whose actual fell inside the 80 % interval."""


class YearResponse(BaseModel):
    metric: str
    by: str
    as_of_day: str | None = None
    series: list[YearSeriesModel] = []
    backtest: list[YearBacktestModel] = []
    hint: str | None = None


def year_of(
    ledger: LedgerView,
    results: Results,
    config: CloudledgerConfig,
    metrics: ir.Table | None,
    by: str,
    metric: str,
    run_backtest: bool,
) -> YearView:
    """The year view of `by`'s series, remembered for the data; its current month is the month-end forecast."""

    def run() -> YearView:
        ends, _, _ = forecast_of(ledger, results, by, metric, False, config=config, metrics=metrics)
        return year_view(ledger, config, by, metric, run_backtest=run_backtest, metrics=metrics, month_ends=ends)

    return results.get("forecast-year", (by, metric, run_backtest), run)


@router.get("/forecast/year", response_model=YearResponse)
def forecast_year(
    ledger: LedgerDep,
    results: ResultsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    by: Annotated[Scope, Query(description=SCOPE_HELP)] = "total",
    metric: Metric = "EffectiveCost",
    backtest_year: Annotated[
        bool, Query(alias="backtest", description="Also score the year view on the ledger's past (slower).")
    ] = False,
) -> YearResponse:
    """The next 12 calendar months per scope and currency, each with an 80 % interval (the current month: its
    exact cost so far plus the forecast of its rest). Two years of history: MSTL with a weekly and a yearly
    season; less: MSTL with the weekly season. With `backtest=true`, the monthly MAPE by months ahead from
    origins 3, 6 and 9 months back, of the model and of the naive forecasts (last week; the month a year before).

    Example: `/api/v1/forecast/year?by=department`"""
    if ledger is None:
        return YearResponse(metric=metric, by=by, hint=EMPTY_HINT)
    found = year_of(ledger, results, policy.config, metrics, by, metric, backtest_year)
    return YearResponse(
        metric=metric,
        by=by,
        as_of_day=found.last_day.isoformat() if found.last_day else None,
        series=[
            YearSeriesModel(
                scope=y.scope,
                currency=y.currency,
                model=y.model,
                yearly_season=y.yearly_season,
                months=[YearMonthModel(**vars(m)) for m in y.months],
            )
            for y in found.forecasts
        ],
        backtest=[
            YearBacktestModel(
                scope=b.scope,
                currency=b.currency,
                origins=list(b.origins),
                yearly_season=list(b.yearly_season),
                models=[
                    YearAccuracyModel(model=a.model, mape_by_month=list(a.by_month), mape=a.overall) for a in b.models
                ],
                coverage=b.coverage,
            )
            for b in found.scores
        ],
    )
