"""Remembered model choices: each series' backtest runs once a week, not on every ingest.

A choice is a series' backtest (its chosen model and the accuracy behind it) and the series' last day when it
was made. A series is backtested again when its choice is older than `MAX_AGE` or it has none (a new series);
every other series fits only its remembered model for the month-end forecast. With no remembered choices the
result is `month_end_forecast`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cloudledger.analyses.forecast import (
    MonthEnd,
    MonthEndForecast,
    Series,
    SeriesBacktest,
    backtest,
    daily_series,
    jobs,
    month_actuals,
    month_end,
)
from cloudledger.analyses.summary import TableSource, on_rollup

MAX_AGE = timedelta(days=7)
"""A choice older than this (from the day it was made to the series' last day) is made again."""


@dataclass(frozen=True)
class Choice:
    """A series' backtest and the series' last day when it ran."""

    backtest: SeriesBacktest
    day: date

    @property
    def model(self) -> str:
        return self.backtest.chosen


Choices = Mapping[str, Choice]
"""Choices by series key (`Series.key`)."""


def stale(series: Sequence[Series], choices: Choices) -> list[Series]:
    """The series to backtest again: without a choice, with one older than MAX_AGE, or with one made on days
    the series does not reach (a choice made on newer data than the series')."""
    return [s for s in series if s.key not in choices or not timedelta(0) <= s.end - choices[s.key].day <= MAX_AGE]


def choose(series: Sequence[Series], choices: Choices, horizon: int = 14, windows: int = 4) -> dict[str, Choice]:
    """Every series' choice: the remembered one while fresh, a new backtest otherwise (series too short to
    backtest have none)."""
    again = stale(series, choices)
    fresh = {f"{b.scope}|{b.currency}": b for b in backtest(again, horizon, windows, n_jobs=jobs(len(again)))}
    ends = {s.key: s.end for s in again}
    out: dict[str, Choice] = {}
    for s in series:
        if s.key in fresh:
            out[s.key] = Choice(fresh[s.key], ends[s.key])
        elif s.key in choices and s.key not in ends:
            out[s.key] = choices[s.key]
    return out


def remembered_month_end(
    series: Sequence[Series],
    actual: dict[tuple[str, str], Decimal],
    choices: Choices,
    horizon: int = 14,
    windows: int = 4,
) -> tuple[list[MonthEnd], tuple[SeriesBacktest, ...], dict[str, Choice]]:
    """Month ends of `series` by their remembered (or renewed) choices, the backtests behind them, and the
    choices to remember for the next run."""
    kept = choose(series, choices, horizon, windows)
    scores = tuple(kept[s.key].backtest for s in series if s.key in kept)
    ends = month_end(series, actual, {key: c.model for key, c in kept.items()})
    return ends, scores, kept


def month_end_forecast_remembered(
    tables: TableSource,
    choices: Choices,
    by: str = "total",
    metric: str = "EffectiveCost",
    horizon: int = 14,
    windows: int = 4,
) -> tuple[MonthEndForecast, dict[str, Choice]]:
    """`month_end_forecast` with remembered choices, and the choices to remember for the next run."""
    series = on_rollup(lambda t: daily_series(t, by, metric), tables.daily, tables.ledger)
    if not series:
        return MonthEndForecast((), (), None), {}
    last = max(s.end for s in series)
    actual = on_rollup(lambda t: month_actuals(t, last, by, metric), tables.daily, tables.ledger)
    ends, scores, kept = remembered_month_end(series, actual, choices, horizon, windows)
    return MonthEndForecast(tuple(ends), scores, last), kept
