"""Twelve months ahead: each series' monthly totals with an 80 % interval, from its daily history.

A series with two years of days (730) is forecast by MSTL with a weekly and a yearly season (7 and 365 days),
so a December that costs double shows again next December; a shorter one cannot tell a yearly pattern from
noise and is forecast by MSTL with the weekly season alone (either way its trend by a damped additive AutoETS).
The daily forecast is summed into calendar months (negative days count as zero); the current month is its exact
cost so far plus the forecast of its remaining days. The interval of a month sums its days' 80 % bounds: it
assumes a day's error persists through the month, wider than independent days would give; `year_backtest`
measures how often it held.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from cloudledger.analyses.budget_plan import month_after
from cloudledger.analyses.forecast import MIN_DAYS, SEASON, MonthEnd, Series, series_frame
from cloudledger.analyses.forecast_scopes import scope_costs
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.summary import TableSource
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig

YEAR = 365
YEARLY_DAYS = 2 * YEAR
"""Days a series needs before it is forecast with a yearly season (the season seen twice)."""
MONTHS_AHEAD = 12
HISTORY_MONTHS = 36
"""Billing periods of allocated cost (owners, budgets) read for the year view: enough for a yearly season."""
MODEL = "MSTL"
NAIVE = "SeasonalNaive"


@dataclass(frozen=True)
class MonthForecast:
    """One calendar month: its exact cost so far (the current month; zero after it) and the forecast total."""

    month: str
    actual: Decimal
    forecast: Decimal
    low: Decimal
    high: Decimal
    """80 % interval of the month's total."""


@dataclass(frozen=True)
class YearForecast:
    scope: str
    currency: str
    model: str
    yearly_season: bool
    months: tuple[MonthForecast, ...]


def has_yearly_season(days: int) -> bool:
    return days >= YEARLY_DAYS


def _models(yearly: bool) -> list[Any]:
    """MSTL whose trend is a damped additive AutoETS: measured on the demo, the default (any error and trend
    type) forecast the monthly totals about as well but its multiplicative fits gave 80 % intervals up to
    billions wide; an undamped trend over-extends a growth spurt over 12 months."""
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive

    seasons: int | list[int] = [SEASON, YEAR] if yearly else SEASON
    trend = AutoETS(model="AAN", damped=True)
    return [
        MSTL(season_length=seasons, trend_forecaster=trend, alias=MODEL),
        SeasonalNaive(season_length=SEASON, alias=NAIVE),
    ]


def forecast_days(series: Sequence[Series], horizon: int) -> dict[str, pd.DataFrame]:
    """Per series key: `horizon` days after its end (`ds`), the model's forecast with its 80 % bounds
    (`MODEL`, `MODEL-lo-80`, `MODEL-hi-80`) and the seasonal-naive baseline (`NAIVE`)."""
    from statsforecast import StatsForecast

    out: dict[str, pd.DataFrame] = {}
    for yearly in (True, False):
        group = [s for s in series if has_yearly_season(len(s.values)) == yearly and len(s.values) >= MIN_DAYS]
        if not group:
            continue
        predicted = StatsForecast(models=_models(yearly), freq="D").forecast(
            df=series_frame(group), h=horizon, level=[80]
        )
        for key, part in predicted.groupby("unique_id"):
            out[str(key)] = part.reset_index(drop=True)
    return out


def monthly(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The daily `columns` (negative days as zero) summed per calendar month (index YYYY-MM)."""
    months = frame["ds"].dt.strftime("%Y-%m")
    return frame[list(columns)].clip(lower=0).groupby(months).sum()


def year_span(last: date, months: int = MONTHS_AHEAD) -> tuple[list[str], int]:
    """The months forecast from `last` (its month when days of it are left, then the next ones) and the days
    from `last` to the last of them."""
    current = last.strftime("%Y-%m")
    first = current if (last + timedelta(days=1)).month == last.month else month_after(current)
    shown = [month_after(first, i) for i in range(months)]
    end = date.fromisoformat(f"{month_after(shown[-1])}-01") - timedelta(days=1)
    return shown, (end - last).days


def _cents(value: float) -> Decimal:
    return round_half_up(Decimal(str(float(value))))


def year_ahead(
    series: Sequence[Series],
    actual: dict[tuple[str, str], Decimal],
    months: int = MONTHS_AHEAD,
    month_ends: Mapping[str, MonthEnd] | None = None,
) -> list[YearForecast]:
    """Each series' next `months` calendar months; `actual` is each series' exact cost of its last day's month
    so far (added to the current month's forecast rest). `month_ends` (by series key), when given, are the
    month-end forecasts of the current month (the model its backtest chose): that month is taken from them, so
    the year view and the month end agree."""
    usable = [s for s in series if len(s.values) >= MIN_DAYS]
    if not usable:
        return []
    last = max(s.end for s in usable)
    shown, horizon = year_span(last, months)
    predicted = forecast_days(usable, horizon)
    current = last.strftime("%Y-%m")
    out = []
    for s in usable:
        sums = monthly(predicted[s.key], (MODEL, f"{MODEL}-lo-80", f"{MODEL}-hi-80"))
        so_far = actual.get((s.scope, s.currency), Decimal(0))
        rows = []
        for month in shown:
            base = so_far if month == current else Decimal(0)
            found = sums.loc[month] if month in sums.index else None

            def part(column: str, found: Any = found) -> Decimal:
                return Decimal(0) if found is None else _cents(found[column])

            end = (month_ends or {}).get(s.key) if month == current else None
            if end is not None:
                rows.append(MonthForecast(month, end.actual, end.total, end.low, end.high))
                continue
            rows.append(
                MonthForecast(
                    month,
                    base,
                    base + part(MODEL),
                    base + part(f"{MODEL}-lo-80"),
                    base + part(f"{MODEL}-hi-80"),
                )
            )
        yearly = has_yearly_season(len(s.values))
        out.append(YearForecast(s.scope, s.currency, MODEL, yearly, tuple(rows)))
    return out


YEARLY_NAIVE = "YearlyNaive"
ORIGINS = (3, 6, 9)


@dataclass(frozen=True)
class YearAccuracy:
    """One forecast's backtest errors: MAPE (%) of the monthly totals by months ahead (1, 2, ...) and overall."""

    model: str
    by_month: tuple[float | None, ...]
    overall: float | None


@dataclass(frozen=True)
class YearBacktest:
    """A series' year-view backtest: the origins used (the last month each fit saw), whether the model had a
    yearly season at each, the errors of the model and the baselines, and how often the 80 % interval held."""

    scope: str
    currency: str
    origins: tuple[str, ...]
    yearly_season: tuple[bool, ...]
    models: tuple[YearAccuracy, ...]
    coverage: float | None
    """Share of the months forecast whose actual fell inside the model's 80 % interval."""

    def accuracy(self, model: str) -> YearAccuracy:
        return next(a for a in self.models if a.model == model)


def month_totals(series: Series) -> dict[str, float]:
    """The series' cost per calendar month it covers from the month's first day."""
    days = pd.Series(series.values, index=pd.date_range(series.start, periods=len(series.values), freq="D"))
    sums = days.groupby(days.index.strftime("%Y-%m")).sum()
    first = series.start.strftime("%Y-%m") if series.start.day == 1 else month_after(series.start.strftime("%Y-%m"))
    return {str(m): float(v) for m, v in sums.items() if str(m) >= first}


def last_full_month(last: date) -> str:
    current = last.strftime("%Y-%m")
    return current if (last + timedelta(days=1)).month != last.month else month_after(current, -1)


def _cut(series: Series, cutoff: date) -> Series:
    return Series(series.scope, series.currency, series.start, series.values[: (cutoff - series.start).days + 1])


def year_backtest(series: Sequence[Series], origins: Sequence[int] = ORIGINS) -> list[YearBacktest]:
    """Each series forecast from the end of the month `o` months before its last complete month, for each `o`
    of `origins` (when 8 weeks of history precede it), against the months that followed: the year model, the
    seasonal-naive baseline (last week repeated) and the yearly naive one (the same month a year before, when
    the history holds it)."""
    if not series:
        return []
    final = last_full_month(max(s.end for s in series))
    end = date.fromisoformat(f"{month_after(final)}-01") - timedelta(days=1)
    errors: dict[str, dict[str, dict[int, list[float]]]] = {s.key: {} for s in series}
    used: dict[str, list[tuple[str, bool]]] = {s.key: [] for s in series}
    inside: dict[str, list[bool]] = {s.key: [] for s in series}
    totals = {s.key: month_totals(s) for s in series}
    for ahead in sorted(origins, reverse=True):
        origin = month_after(final, -ahead)
        cutoff = date.fromisoformat(f"{month_after(origin)}-01") - timedelta(days=1)
        cut = [_cut(s, cutoff) for s in series if (cutoff - s.start).days + 1 >= 2 * MIN_DAYS]
        predicted = forecast_days(cut, (end - cutoff).days)
        for s in cut:
            used[s.key].append((origin, has_yearly_season(len(s.values))))
            sums = monthly(predicted[s.key], (MODEL, f"{MODEL}-lo-80", f"{MODEL}-hi-80", NAIVE))
            for k in range(1, ahead + 1):
                month = month_after(origin, k)
                actual = totals[s.key].get(month)
                if actual is None or actual == 0 or month not in sums.index:
                    continue
                row = sums.loc[month]
                inside[s.key].append(bool(row[f"{MODEL}-lo-80"] <= actual <= row[f"{MODEL}-hi-80"]))
                guesses = {MODEL: row[MODEL], NAIVE: row[NAIVE]}
                year_before = month_after(month, -12)
                if year_before <= origin and year_before in totals[s.key]:
                    guesses[YEARLY_NAIVE] = totals[s.key][year_before]
                for model, guess in guesses.items():
                    error = abs(float(guess) - actual) / actual * 100
                    errors[s.key].setdefault(model, {}).setdefault(k, []).append(error)
    return [_scored(s, used[s.key], errors[s.key], inside[s.key], max(origins)) for s in series if used[s.key]]


def _scored(
    series: Series,
    used: list[tuple[str, bool]],
    errors: dict[str, dict[int, list[float]]],
    inside: list[bool],
    most: int,
) -> YearBacktest:
    models = []
    for model in (MODEL, NAIVE, YEARLY_NAIVE):
        found = errors.get(model, {})
        by_month = tuple(sum(found[k]) / len(found[k]) if found.get(k) else None for k in range(1, most + 1))
        every = [e for values in found.values() for e in values]
        models.append(YearAccuracy(model, by_month, sum(every) / len(every) if every else None))
    coverage = sum(inside) / len(inside) if inside else None
    return YearBacktest(
        series.scope,
        series.currency,
        tuple(o for o, _ in used),
        tuple(y for _, y in used),
        tuple(models),
        coverage,
    )


@dataclass(frozen=True)
class YearView:
    """Every series' next 12 months from the ledger's last charge day, and on request the year backtest."""

    forecasts: tuple[YearForecast, ...]
    scores: tuple[YearBacktest, ...]
    last_day: date | None


def year_view(
    tables: TableSource,
    config: CloudledgerConfig,
    by: str = "total",
    metric: str = "EffectiveCost",
    *,
    run_backtest: bool = False,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
    month_ends: Sequence[MonthEnd] = (),
) -> YearView:
    """The 12 months ahead of `by`'s series (owners and budgets: their allocated cost of the last
    `HISTORY_MONTHS` billing periods), and with `run_backtest` each series' year backtest. `month_ends` (the
    month-end forecasts of the same series) give the current month, so that both views agree."""
    costs = scope_costs(tables, config, by, metric, months=HISTORY_MONTHS, metrics=metrics, tags=tags)
    scores = tuple(year_backtest(costs.series)) if run_backtest else ()
    ends = {f"{e.scope}|{e.currency}": e for e in month_ends}
    return YearView(tuple(year_ahead(costs.series, costs.actual, month_ends=ends)), scores, costs.last_day)
