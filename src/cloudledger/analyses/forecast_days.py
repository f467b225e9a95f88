"""Each series' forecast day by day over the rest of its last month, for drawing the month-end forecast.

The forecast is the one `forecast.month_end` sums (`forecast.chosen_paths`): each series fitted by the model
its backtest chose on its last days, every day's value and 80 % bounds clipped at zero. The sum of a
series' days is therefore its month-end `remaining` (before rounding to cents), and its cumulative bounds end at
the month end's `low` and `high`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from cloudledger.analyses.forecast import BASELINE, MIN_DAYS, Series, chosen_paths


@dataclass(frozen=True)
class DailyForecast:
    """One series' month: the cost of each day so far, then the forecast of each remaining day."""

    scope: str
    currency: str
    month: str
    model: str
    """The model read ('none' when the month is complete)."""
    first: date
    """The first day of the month."""
    actual: tuple[float, ...]
    """Cost per day from the first of the month to the series' last day."""
    forecast: tuple[float, ...]
    """Forecast cost per remaining day, to the month's last day."""
    low: tuple[float, ...]
    high: tuple[float, ...]

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.first + timedelta(d) for d in range(len(self.actual) + len(self.forecast)))

    @property
    def actual_to_date(self) -> float:
        return sum(self.actual)

    def cumulative(self) -> dict[str, list[float | None]]:
        """Running totals for a chart, one value per day of the month (None where a line has none): `actual`
        over the days so far; `forecast`, `low` and `high` from the last actual day (where the cone starts)
        to the month's end."""
        done = list(accumulate(self.actual))
        start = done[-1] if done else 0.0
        before: list[float | None] = [None] * max(len(done) - 1, 0)

        def ahead(values: tuple[float, ...]) -> list[float | None]:
            return [*before, *accumulate(values, initial=start)] if values else []

        return {
            "actual": [*done, *([None] * len(self.forecast))],
            "forecast": ahead(self.forecast),
            "low": ahead(self.low),
            "high": ahead(self.high),
        }


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _days_left(last: date) -> int:
    first_next = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (first_next - last).days - 1


def _so_far(series: Series, first: date) -> tuple[float, ...]:
    """The series' daily values from `first` (days before the series starts count as zero)."""
    offset = (first - series.start).days
    if offset >= 0:
        return series.values[offset:]
    return (0.0,) * -offset + series.values


def daily_forecasts(series: Sequence[Series], chosen: Mapping[str, str] | None = None) -> list[DailyForecast]:
    """The daily path of every series long enough to forecast (`forecast.MIN_DAYS`), from the day after the
    last charge day to the month's end; `chosen` is the model per series key (the baseline without one)."""
    usable = [s for s in series if len(s.values) >= MIN_DAYS]
    if not usable:
        return []
    last = max(s.end for s in usable)
    first, left = _month_start(last), _days_left(last)
    month = last.strftime("%Y-%m")
    if left == 0:
        return [DailyForecast(s.scope, s.currency, month, "none", first, _so_far(s, first), (), (), ()) for s in usable]
    models = {s.key: (chosen or {}).get(s.key, BASELINE) for s in usable}
    paths = chosen_paths(usable, models, left)
    out = []
    for s in usable:
        forecast, low, high = (tuple(float(v) for v in p) for p in paths[s.key])
        out.append(
            DailyForecast(s.scope, s.currency, month, models[s.key], first, _so_far(s, first), forecast, low, high)
        )
    return out
