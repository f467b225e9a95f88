"""`GET /forecast`: this month's end per scope and currency, and optionally the backtest of the models."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from cloudledger.analyses.forecast import MonthEnd, SeriesBacktest, month_end_forecast
from cloudledger.api.deps import EMPTY_HINT, LedgerDep
from cloudledger.api.results import Results, ResultsDep
from cloudledger.config.allocation import Metric
from cloudledger.ledger.read import LedgerView

router = APIRouter(tags=["forecast"])
Scope = Literal["total", "ProviderName", "ServiceName"]


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
    ledger: LedgerView, results: Results, by: str, metric: str, run_backtest: bool, horizon: int = 14, windows: int = 4
) -> tuple[list[MonthEnd], list[SeriesBacktest], str | None]:
    """The month-end forecasts, each series with the model its backtest chose (the scores returned only when
    `run_backtest`), remembered for the data."""

    found = results.get(
        "forecast", (by, metric, horizon, windows), lambda: month_end_forecast(ledger, by, metric, horizon, windows)
    )
    day = found.last_day.isoformat() if found.last_day is not None else None
    return list(found.ends), (list(found.scores) if run_backtest else []), day


@router.get("/forecast", response_model=ForecastResponse)
def forecast(
    ledger: LedgerDep,
    results: ResultsDep,
    by: Annotated[Scope, Query(description="total, ProviderName or ServiceName.")] = "total",
    metric: Metric = "EffectiveCost",
    backtest_models: Annotated[
        bool, Query(alias="backtest", description="Also score the models on the ledger's past (slower).")
    ] = False,
) -> ForecastResponse:
    """This month's end per scope and currency: the exact cost so far plus the forecast of the remaining days,
    with an 80 % interval, each series forecast by the model its backtest chose; with `backtest=true`, each
    model's MAPE by days ahead (rolling origins, 14 days).

    Example: `/api/v1/forecast?by=ProviderName&backtest=true`"""
    if ledger is None:
        return ForecastResponse(metric=metric, by=by, hint=EMPTY_HINT)
    ends, scores, day = forecast_of(ledger, results, by, metric, backtest_models)
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
