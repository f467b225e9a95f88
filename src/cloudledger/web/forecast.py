"""The forecast page (`/forecast`): this month's cost by day with the forecast of its rest as a cone, every
scope's month end, and on request how far off the forecasts were in the past (the backtest)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cloudledger.analyses.forecast import BASELINE, MIN_DAYS, MonthEnd, Series, SeriesBacktest, daily_series
from cloudledger.analyses.forecast_days import DailyForecast, daily_forecasts
from cloudledger.analyses.forecast_year import YearForecast
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.summary import on_rollup
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.api.errors import bad
from cloudledger.api.results import Results, ResultsDep
from cloudledger.api.routes.forecast import forecast_of, year_of
from cloudledger.config.allocation import Metric
from cloudledger.ledger.read import LedgerView
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)

SCOPES: tuple[tuple[str, str], ...] = (
    ("total", "Whole bill"),
    ("ProviderName", "Provider"),
    ("ServiceName", "Service"),
    ("department", "Department"),
    ("team", "Team"),
    ("budget", "Budget"),
)
"""(value of `by`, label) of every scope the page forecasts by, in the order of its selector."""
MODEL_NAMES = {
    "AutoETS": "AutoETS (exponential smoothing)",
    "MSTL": "MSTL (trend + weekly season)",
    "AutoARIMA": "AutoARIMA (seasonal ARIMA, order chosen automatically)",
    BASELINE: "Seasonal naive (same weekday last week)",
    "none": "none (month complete)",
}
HORIZONS = (1, 7, 14)
"""Days ahead shown in the accuracy table."""
BACKTEST_DAYS = MIN_DAYS + 14 * 4
"""Days a series needs for its accuracy to be measured (the API's 14-day horizon, four windows)."""

Scope = Annotated[str, Query(description="total, ProviderName, ServiceName, department, team or budget.")]
Backtest = Annotated[bool, Query(description="Also show how far off the forecasts were in the past.")]


@dataclass(frozen=True)
class Accuracy:
    """One series' backtest in words: the chosen model's and the baseline's MAPE by days ahead."""

    score: SeriesBacktest

    def mape(self, model: str, ahead: int) -> float | None:
        values = self.score.accuracy(model).by_horizon
        return values[ahead - 1] if ahead <= len(values) else None

    @property
    def sentence(self) -> str:
        ahead = 7 if len(self.score.accuracy(self.score.chosen).by_horizon) >= 7 else 1
        off = self.mape(self.score.chosen, ahead)
        if off is None:
            return "The past days had no cost to compare with."
        days = "1 day" if ahead == 1 else f"{ahead} days"
        base = self.mape(BASELINE, ahead)
        than = "" if base is None or self.score.chosen == BASELINE else f" (the same weekday last week: {base:.1f} %)"
        return f"On average the forecast {days} ahead was {off:.1f} % off{than}."


def _series(ledger: LedgerView, results: Results, by: str, metric: str) -> list[Series]:
    return results.get(
        "forecast-series",
        (by, metric),
        lambda: on_rollup(lambda t: daily_series(t, by, metric), ledger.daily, ledger.ledger),
    )


def month_days(ledger: LedgerView, results: Results, metric: str) -> list[DailyForecast]:
    """The whole bill's month by day per currency, each read from the model its month end used (remembered)."""
    ends, _, _ = forecast_of(ledger, results, "total", metric, run_backtest=False)
    chosen = {f"{e.scope}|{e.currency}": e.model for e in ends}
    series = _series(ledger, results, "total", metric)
    return results.get("forecast-days", ("total", metric), lambda: daily_forecasts(series, chosen))


def month_chart(days: DailyForecast, end: MonthEnd | None) -> dict[str, Any]:
    """Chart JSON of one currency's month: cumulative actual, forecast and 80 % cone (numbers for drawing)."""
    return {
        "kind": "forecast-month",
        "currency": days.currency,
        "month": days.month,
        "days": [d.isoformat() for d in days.days],
        **{k: [None if v is None else round(v, 2) for v in vs] for k, vs in days.cumulative().items()},
        "daily": [round(v, 2) for v in (*days.actual, *days.forecast)],
        "total": float(end.total) if end else None,
    }


@dataclass(frozen=True)
class DayRow:
    """One day of the month for the chart's table: exact cost where actual, forecast rounded to cents."""

    day: str
    actual: bool
    cost: Decimal
    running: Decimal
    low: Decimal | None
    high: Decimal | None


def _cents(value: float | None) -> Decimal | None:
    return None if value is None else round_half_up(Decimal(str(value)))


def day_rows(days: DailyForecast) -> list[DayRow]:
    """The month's days as table rows (the same numbers the chart draws)."""
    lines = days.cumulative()
    rows = []
    for i, (day, cost) in enumerate(zip(days.days, (*days.actual, *days.forecast), strict=True)):
        actual = i < len(days.actual)
        running = lines["actual"][i] if actual else lines["forecast"][i]
        low, high = (None, None) if actual else (_cents(lines["low"][i]), _cents(lines["high"][i]))
        rows.append(
            DayRow(day.isoformat(), actual, _cents(cost) or Decimal(0), _cents(running) or Decimal(0), low, high)
        )
    return rows


def accuracy_chart(score: SeriesBacktest) -> dict[str, Any]:
    """Chart JSON of the MAPE of every model by days ahead, for one series."""
    return {
        "kind": "forecast-accuracy",
        "currency": score.currency,
        "chosen": score.chosen,
        "horizons": list(range(1, len(score.models[0].by_horizon) + 1)) if score.models else [],
        "models": [
            {"name": a.model, "values": [None if v is None else round(v, 2) for v in a.by_horizon]}
            for a in score.models
        ],
    }


def year_chart(forecast: YearForecast) -> dict[str, Any]:
    """Chart JSON of one series' next 12 months: the forecast total of each month and its 80 % interval."""
    return {
        "kind": "forecast-year",
        "currency": forecast.currency,
        "months": [m.month for m in forecast.months],
        "forecast": [float(m.forecast) for m in forecast.months],
        "low": [float(m.low) for m in forecast.months],
        "high": [float(m.high) for m in forecast.months],
    }


def _years_by_currency(years: tuple[YearForecast, ...]) -> dict[str, list[YearForecast]]:
    out: dict[str, list[YearForecast]] = {}
    for year in sorted(years, key=lambda y: (y.currency, -sum(m.forecast for m in y.months), y.scope)):
        out.setdefault(year.currency, []).append(year)
    return out


def _ends_by_currency(ends: list[MonthEnd]) -> dict[str, list[MonthEnd]]:
    out: dict[str, list[MonthEnd]] = {}
    for end in sorted(ends, key=lambda e: (e.currency, -e.total, e.scope)):
        out.setdefault(end.currency, []).append(end)
    return out


@router.get("/forecast", response_class=HTMLResponse)
def forecast(
    request: Request,
    ledger: LedgerDep,
    settings: SettingsDep,
    results: ResultsDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    by: Scope = "total",
    metric: Metric = "EffectiveCost",
    backtest: Backtest = False,
) -> HTMLResponse:
    """This month's forecast by day and every scope's month end; with `backtest`, the forecasts' past accuracy."""
    if by not in dict(SCOPES):
        raise bad("by", f"cannot forecast by {by!r}; valid: {', '.join(k for k, _ in SCOPES)}")
    base = {
        "scopes": SCOPES,
        "by": by,
        "metric": metric,
        "backtest": backtest,
        "min_days": MIN_DAYS,
        "backtest_days": BACKTEST_DAYS,
    }
    if ledger is None:
        return render(request, "forecast.html", "forecast", {**base, "ends": None, "ingest": ingest_command(settings)})
    config = policy.config
    ends, scores, day = forecast_of(ledger, results, by, metric, run_backtest=True, config=config, metrics=metrics)
    context: dict[str, Any] = {**base, "ends": ends, "as_of_day": day, "names": MODEL_NAMES, "horizons": HORIZONS}
    if not ends:
        series = _series(ledger, results, "total", metric)
        context["longest"] = max(series, key=lambda s: len(s.values), default=None)
        return render(request, "forecast.html", "forecast", context)
    totals, _, _ = forecast_of(ledger, results, "total", metric, run_backtest=False)
    total_of = {e.currency: e for e in totals}
    days = month_days(ledger, results, metric)
    context["charts"] = [
        {"data": month_chart(d, total_of.get(d.currency)), "end": total_of.get(d.currency), "rows": day_rows(d)}
        for d in days
    ]
    context["by_currency"] = _ends_by_currency(ends)
    context["month"] = ends[0].month
    context["year_charts"] = [
        year_chart(y) for y in year_of(ledger, results, config, metrics, "total", metric, False).forecasts
    ]
    context["years"] = _years_by_currency(year_of(ledger, results, config, metrics, by, metric, False).forecasts)
    if backtest:
        context["accuracy"] = [Accuracy(s) for s in scores]
        _, total_scores, _ = forecast_of(ledger, results, "total", metric, run_backtest=True)
        context["accuracy_charts"] = [accuracy_chart(s) for s in total_scores]
        context["unscored"] = len(ends) - len(scores)
    return render(request, "forecast.html", "forecast", context)
