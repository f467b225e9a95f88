"""Twelve months ahead: the yearly season when two years of history show it, weekly otherwise; the months are
calendar months, the current one its exact cost so far plus the forecast rest; the year view's backtest."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cloudledger.analyses.forecast import Series
from cloudledger.analyses.forecast_year import (
    MODEL,
    NAIVE,
    YEARLY_NAIVE,
    month_totals,
    year_ahead,
    year_backtest,
    year_span,
)

WEEKLY = (100.0, 110.0, 125.0, 120.0, 105.0, 55.0, 50.0)


def december_double(start: date, last: date) -> Series:
    """A weekly pattern whose Decembers cost twice as much."""
    days = [start + timedelta(d) for d in range((last - start).days + 1)]
    values = tuple(WEEKLY[d.weekday()] * (2 if d.month == 12 else 1) for d in days)
    return Series("total", "USD", start, values)


def test_the_months_shown_start_with_the_current_one_while_days_of_it_are_left() -> None:
    shown, days = year_span(date(2025, 9, 10))
    assert shown[0] == "2025-09" and shown[-1] == "2026-08" and len(shown) == 12
    assert days == (date(2026, 8, 31) - date(2025, 9, 10)).days
    shown, days = year_span(date(2025, 9, 30))
    assert shown[0] == "2025-10" and shown[-1] == "2026-09"
    assert days == (date(2026, 9, 30) - date(2025, 9, 30)).days


def test_two_years_of_decembers_are_forecast_with_the_yearly_season() -> None:
    last = date(2025, 9, 10)
    series = december_double(date(2023, 1, 1), last)
    so_far = Decimal("975.0049")  # the exact cost of 1..10 September
    [year] = year_ahead([series], {("total", "USD"): so_far})
    assert year.yearly_season and year.model == MODEL
    months = {m.month: m for m in year.months}
    assert list(months) == [f"2025-{m:02d}" for m in range(9, 13)] + [f"2026-{m:02d}" for m in range(1, 9)]
    assert months["2025-09"].actual == so_far and all(m.actual == 0 for m in year.months[1:])
    assert months["2025-09"].forecast > so_far
    expected = month_totals(december_double(date(2025, 11, 1), date(2026, 1, 31)))
    for month in ("2025-11", "2025-12", "2026-01"):
        found = months[month]
        assert found.low <= found.forecast <= found.high
        assert float(found.forecast) == pytest.approx(expected[month], rel=0.1), month
    assert months["2025-12"].forecast > Decimal("1.7") * months["2025-11"].forecast  # December shows again


def test_a_short_series_is_forecast_without_a_yearly_season() -> None:
    series = december_double(date(2024, 10, 1), date(2025, 9, 30))  # one December only
    [year] = year_ahead([series], {})
    assert not year.yearly_season
    months = {m.month: m.forecast for m in year.months}
    assert next(iter(months)) == "2025-10"
    assert months["2025-12"] < Decimal("1.3") * months["2025-11"]  # one December is not a season
    assert all(m.actual == 0 for m in year.months)


def test_series_shorter_than_four_weeks_are_left_out() -> None:
    assert year_ahead([december_double(date(2025, 9, 1), date(2025, 9, 20))], {}) == []


def test_the_year_backtest_scores_the_model_against_both_naive_forecasts() -> None:
    series = december_double(date(2022, 12, 1), date(2025, 9, 30))  # two years and a month before the first origin
    [scored] = year_backtest([series])
    assert scored.origins == ("2024-12", "2025-03", "2025-06")  # 9, 6 and 3 months before September
    assert scored.yearly_season == (True, True, True)
    model, naive, yearly = (scored.accuracy(m) for m in (MODEL, NAIVE, YEARLY_NAIVE))
    assert len(model.by_month) == 9
    assert yearly.overall == pytest.approx(0.0, abs=3)  # the same month a year before: its weekdays shift only
    assert model.overall is not None and model.overall < 5
    # fitted on the end of December, last week's values are a doubled week: every month after is 100 % off
    assert naive.by_month[0] == pytest.approx(100 / 3) and naive.overall is not None and naive.overall > 30
    assert scored.coverage is not None and 0 <= scored.coverage <= 1
    [short] = year_backtest([december_double(date(2025, 3, 1), date(2025, 9, 30))], origins=(3, 6))
    assert short.origins == ("2025-06",) and short.yearly_season == (False,)  # 8 weeks before March's end: none
    assert short.accuracy(YEARLY_NAIVE).overall is None  # no month a year before
