"""Daily cost forecasts with their accuracy measured, not assumed.

Each series is one scope's cost per charge day (total, or per provider or service) in one billing currency, missing
days counted as zero. Candidate models (statsforecast): AutoETS and MSTL with a weekly season, the seasonal-naive
baseline (the same weekday last week), and AutoARIMA when there are few series (ARIMA_UP_TO). Each series keeps the
model with the lowest MAPE in a rolling-origin backtest: the model is fitted on the days before each origin and
forecasts the next `horizon` days, origins `step` days apart, so every error is one the model would have made at
the time. The accuracy is reported by horizon (day 1, day 2, ...) for the chosen model and the baseline. Every fit
(each backtest origin and the forecast itself) reads the series' last `FIT_DAYS` days, and the exponential-
smoothing model has a fixed form (additive error, no trend, additive weekly season; MSTL carries the trend):
measured on 2,000 series of 730 days, this keeps a full run with model selection within minutes on two cores for a
backtest error 0.3 points of MAPE above fitting every ETS form on all days (docs/benchmarks.md, "Forecasts and
anomalies at scale").

Forecasts are statistical estimates: they are floats, rounded half-up to cents when reported; the actual cost
they extend stays exact.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.summary import TableSource, on_rollup
from cloudledger.errors import QueryError

SEASON = 7
BASELINE = "SeasonalNaive"
ARIMA = "AutoARIMA"
MODELS = ("AutoETS", "MSTL", BASELINE)
"""The candidates of every backtest."""
ARIMA_UP_TO = 100
"""Backtests of up to this many series try AutoARIMA too. Measured on 40 synthetic series of 168 days (4 origins
of 14 days): its MAPE 5.37 % against 5.56 % for ETS and MSTL, but 0.41 s a series against 0.02–0.04 s, so that
2,000 series would take about 7 minutes on 2 cores for it alone; a company's total, providers, departments and
budgets are far fewer series."""
SCOPES = ("total", "ProviderName", "ServiceName")
MIN_DAYS = 4 * SEASON
"""Days a series needs before it is forecast (four weeks: a weekly season seen four times)."""
FIT_DAYS = 24 * SEASON
"""Days (the last ones) each model is fitted on: recent weeks carry the level and season of the next ones."""
ETS_FORM = "ANA"
"""The exponential-smoothing form: additive error, no trend, additive season (a search over every form costs
about 15 fits per series)."""
PARALLEL_FROM = 200
"""Series from which the fits run in one process per core (starting the processes costs about a second)."""


@dataclass(frozen=True)
class Series:
    """One scope's daily cost in one currency, first to last charge day, missing days as zero."""

    scope: str
    currency: str
    start: date
    values: tuple[float, ...]

    @property
    def key(self) -> str:
        return f"{self.scope}|{self.currency}"

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.values) - 1)


def daily_series(
    table: ir.Table, by: str = "total", metric: str = "EffectiveCost", end: date | None = None
) -> list[Series]:
    """The daily series of `table` (the daily rollup answers: it keeps every column read here) per value of
    `by` and billing currency, up to and including `end` (default: the last charge day)."""
    if by not in SCOPES:
        raise QueryError(f"cannot forecast by {by!r}; valid: {', '.join(SCOPES)}")
    rows = bill_rows(table)
    if end is not None:
        rows = rows.filter(rows.ChargePeriodStart.date() <= end)
    keys = {"day": rows.ChargePeriodStart.date(), "currency": rows.BillingCurrency}
    if by != "total":
        keys["scope"] = rows[by]
    summed = rows.group_by(**keys).aggregate(amount=rows[metric].sum()).to_pyarrow().to_pylist()
    grouped: dict[tuple[str, str], dict[date, float]] = {}
    for row in summed:
        scope = "total" if by == "total" else (row["scope"] or "(not set)")
        grouped.setdefault((scope, row["currency"] or ""), {})[row["day"]] = float(row["amount"] or 0)
    out = []
    last = max((max(days) for days in grouped.values()), default=None)
    for (scope, currency), days in sorted(grouped.items()):
        first = min(days)
        assert last is not None
        length = (last - first).days + 1
        out.append(Series(scope, currency, first, tuple(days.get(first + timedelta(d), 0.0) for d in range(length))))
    return out


def series_frame(series: Sequence[Series], days: int | None = None) -> pd.DataFrame:
    """The statsforecast frame of `series`, each cut to its last `days` days (all of them by default)."""
    keys, dates, values = [], [], []
    for s in series:
        kept = s.values[-days:] if days else s.values
        first = np.datetime64(s.end - timedelta(days=len(kept) - 1), "D")
        keys.append(np.full(len(kept), s.key, dtype=object))
        dates.append(first + np.arange(len(kept)))
        values.append(np.asarray(kept, dtype=float))
    return pd.DataFrame(
        {
            "unique_id": np.concatenate(keys),
            "ds": pd.to_datetime(np.concatenate(dates).astype("datetime64[ns]")),
            "y": np.concatenate(values),
        }
    )


def jobs(count: int) -> int:
    """Processes for fitting `count` series: one per core when there are enough series to pay for them."""
    return max(1, min(os.cpu_count() or 1, 8)) if count >= PARALLEL_FROM else 1


def month_actuals(
    table: ir.Table, last: date, by: str = "total", metric: str = "EffectiveCost"
) -> dict[tuple[str, str], Decimal]:
    """The exact cost per (scope, currency) from the first of `last`'s month to `last`, inclusive."""
    rows = bill_rows(table)
    day = rows.ChargePeriodStart.date()
    rows = rows.filter((day >= last.replace(day=1)) & (day <= last))
    keys = {"currency": rows.BillingCurrency, "scope": rows[by] if by != "total" else rows.BillingCurrency}
    summed = rows.group_by(**keys).aggregate(amount=rows[metric].sum()).to_pyarrow().to_pylist()
    out: dict[tuple[str, str], Decimal] = {}
    for row in summed:
        scope = "total" if by == "total" else (row["scope"] or "(not set)")
        out[(scope, row["currency"] or "")] = row["amount"] or Decimal(0)
    return out


@contextmanager
def quiet_fits() -> Iterator[None]:
    """ARIMA's optimiser warns when a candidate order converges badly; the backtest scores that fit like any
    other, so the warning says nothing to the user."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="possible convergence problem", category=UserWarning)
        yield


def candidates(count: int) -> tuple[str, ...]:
    """The models a backtest of `count` series tries: AutoARIMA too while there are few (see ARIMA_UP_TO)."""
    return (*MODELS, ARIMA) if count <= ARIMA_UP_TO else MODELS


def forecaster(n_jobs: int = 1, models: Sequence[str] = MODELS) -> Any:
    """A statsforecast runner of `models` (names from MODELS and ARIMA)."""
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, SeasonalNaive

    makers: dict[str, Callable[[], Any]] = {
        "AutoETS": lambda: AutoETS(season_length=SEASON, model=ETS_FORM),
        "MSTL": lambda: MSTL(season_length=SEASON),
        BASELINE: lambda: SeasonalNaive(season_length=SEASON),
        # the stepwise search, approximated and kept to small orders: an exhaustive one is 10 to 20 times slower
        ARIMA: lambda: AutoARIMA(season_length=SEASON, approximation=True, max_p=2, max_q=2, max_P=1, max_Q=1),
    }
    return StatsForecast(models=[makers[m]() for m in models], freq="D", n_jobs=n_jobs)


@dataclass(frozen=True)
class Accuracy:
    """One model's backtest errors: MAPE (%) by days ahead (1..horizon) and over all of them."""

    model: str
    by_horizon: tuple[float | None, ...]
    overall: float | None


@dataclass(frozen=True)
class SeriesBacktest:
    scope: str
    currency: str
    chosen: str
    models: tuple[Accuracy, ...]

    def accuracy(self, model: str) -> Accuracy:
        return next(a for a in self.models if a.model == model)


def _mape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean absolute percentage error over the days with cost (days without cost have no percentage)."""
    mask = actual != 0
    if not mask.any():
        return None
    return float(np.mean(np.abs(actual[mask] - predicted[mask]) / np.abs(actual[mask])) * 100)


def backtest(series: Sequence[Series], horizon: int = 14, windows: int = 4, n_jobs: int = 1) -> list[SeriesBacktest]:
    """Rolling-origin backtest of every model on every series long enough (MIN_DAYS plus the windows)."""
    usable = [s for s in series if len(s.values) >= MIN_DAYS + horizon * windows]
    if not usable:
        return []
    models = candidates(len(usable))
    with quiet_fits():
        cv = forecaster(n_jobs, models).cross_validation(
            df=series_frame(usable, FIT_DAYS + horizon * windows),
            h=horizon,
            n_windows=windows,
            step_size=horizon,
            input_size=FIT_DAYS,
        )
    steps = (cv["ds"] - cv["cutoff"]).dt.days.to_numpy()
    by_key = {key: index for key, index in cv.groupby("unique_id", sort=False).indices.items()}
    return [_scored(s, cv, by_key[s.key], steps, horizon, models) for s in usable]


def _scored(
    s: Series, cv: pd.DataFrame, rows: np.ndarray, steps: np.ndarray, horizon: int, candidates: Sequence[str]
) -> SeriesBacktest:
    """One series' accuracy per model and horizon from its cross-validation rows, and the model it keeps."""
    actual = cv["y"].to_numpy()[rows]
    step = steps[rows]
    models = []
    for model in candidates:
        predicted = cv[model].to_numpy()[rows]
        by_step = tuple(_mape(actual[step == k], predicted[step == k]) for k in range(1, horizon + 1))
        models.append(Accuracy(model, by_step, _mape(actual, predicted)))
    scored = [m for m in models if m.overall is not None]
    chosen = min(scored, key=lambda m: (m.overall, m.model != BASELINE)).model if scored else BASELINE
    return SeriesBacktest(s.scope, s.currency, chosen, tuple(models))


@dataclass(frozen=True)
class MonthEnd:
    """The month's cost so far (exact), the forecast of its remaining days and the total, with an 80 % interval."""

    scope: str
    currency: str
    month: str
    model: str
    actual: Decimal
    remaining: Decimal
    total: Decimal
    low: Decimal
    high: Decimal


def month_end(
    series: Sequence[Series], actual: dict[tuple[str, str], Decimal], chosen: dict[str, str] | None = None
) -> list[MonthEnd]:
    """Each series' month-end forecast from its last day: `actual` is the month's exact cost so far per (scope,
    currency); `chosen` the model per series key (the backtest's choice; the seasonal-naive baseline for a
    series without one: measured on the demo, month ends forecast on day 10 by the backtest's choice were 2.4 %
    off, by AutoETS alone 3.9 %)."""
    out: list[MonthEnd] = []
    usable = [s for s in series if len(s.values) >= MIN_DAYS]
    if not usable:
        return out
    last = max(s.end for s in usable)
    first_next = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    left = (first_next - last).days - 1
    month = last.strftime("%Y-%m")
    if left == 0:
        return [
            MonthEnd(s.scope, s.currency, month, "none", a, Decimal(0), a, a, a)
            for s in usable
            for a in [actual.get((s.scope, s.currency), Decimal(0))]
        ]
    models = {s.key: (chosen or {}).get(s.key, BASELINE) for s in usable}
    sums = _remaining(usable, models, left)
    for s in usable:
        model = models[s.key]
        so_far = actual.get((s.scope, s.currency), Decimal(0))
        remaining, low, high = (round_half_up(Decimal(str(v))) for v in sums[s.key])
        out.append(
            MonthEnd(
                s.scope, s.currency, month, model, so_far, remaining, so_far + remaining, so_far + low, so_far + high
            )
        )
    return out


def chosen_paths(usable: Sequence[Series], models: dict[str, str], left: int) -> dict[str, tuple[np.ndarray, ...]]:
    """Per series key, its model's forecast of each of the next `left` days and the 80 % bounds, each day clipped
    at zero: each model is fitted only on the series that chose it, on their last FIT_DAYS days."""
    paths: dict[str, tuple[np.ndarray, ...]] = {}
    for model in dict.fromkeys(models[s.key] for s in usable):
        group = [s for s in usable if models[s.key] == model]
        with quiet_fits():
            runner = forecaster(jobs(len(group)), [model])
            predicted = runner.forecast(df=series_frame(group, FIT_DAYS), h=left, level=[80])
        columns = (model, f"{model}-lo-80", f"{model}-hi-80")
        for key, rows in predicted.groupby("unique_id", sort=False).indices.items():
            part = predicted.iloc[rows]
            paths[str(key)] = tuple(part[c].clip(lower=0).to_numpy(dtype=float) for c in columns)
    return paths


def _remaining(usable: Sequence[Series], models: dict[str, str], left: int) -> dict[str, tuple[float, ...]]:
    """Per series key, the sums over the next `left` days of its model's forecast and 80 % bounds."""
    return {key: tuple(float(p.sum()) for p in path) for key, path in chosen_paths(usable, models, left).items()}


@dataclass(frozen=True)
class MonthEndForecast:
    """Every series' month end, each with the model its backtest chose, and the backtest itself."""

    ends: tuple[MonthEnd, ...]
    scores: tuple[SeriesBacktest, ...]
    last_day: date | None
    """The ledger's last charge day the forecasts start from (None when there is no cost)."""


def month_end_forecast(
    tables: TableSource, by: str = "total", metric: str = "EffectiveCost", horizon: int = 14, windows: int = 4
) -> MonthEndForecast:
    """The month ends of `by`'s series (read from the daily rollup when it can answer), each forecast by the
    model its rolling-origin backtest chose (the baseline for a series too short to backtest)."""
    series = on_rollup(lambda t: daily_series(t, by, metric), tables.daily, tables.ledger)
    if not series:
        return MonthEndForecast((), (), None)
    last = max(s.end for s in series)
    actual = on_rollup(lambda t: month_actuals(t, last, by, metric), tables.daily, tables.ledger)
    scores = backtest(series, horizon, windows, n_jobs=jobs(len(series)))
    chosen = {f"{b.scope}|{b.currency}": b.chosen for b in scores}
    return MonthEndForecast(tuple(month_end(series, actual, chosen)), tuple(scores), last)
