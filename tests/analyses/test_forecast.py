"""Daily series from the ledger, the rolling-origin backtest and the month-end forecast, on series whose right
answer is known."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.forecast import BASELINE, MIN_DAYS, Series, backtest, daily_series, month_end
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from focus_rows import focus_row, write_focus_csv


def row(day: date, provider: str, cost: str) -> dict[str, str]:
    nxt = day + timedelta(days=1)
    return focus_row(
        ProviderName=provider,
        ChargePeriodStart=f"{day.isoformat()}T00:00:00Z",
        ChargePeriodEnd=f"{nxt.isoformat()}T00:00:00Z",
        BilledCost=cost,
        EffectiveCost=cost,
        ListCost=cost,
        ContractedCost=cost,
    )


def test_daily_series_sum_each_day_and_count_missing_days_as_zero(tmp_path: Path) -> None:
    days = [date(2025, 1, d) for d in (5, 5, 6, 9)]
    rows = [
        row(days[0], "AWS", "1.50"),
        row(days[1], "AWS", "2.25"),
        row(days[2], "Acme", "4"),
        row(days[3], "AWS", "1"),
    ]
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_focus_csv(tmp_path / "f.csv", rows)])
    view = open_ledger(home)
    try:
        total = daily_series(view.daily)
        by_provider = {s.scope: s for s in daily_series(view.daily, "ProviderName")}
        with pytest.raises(QueryError, match="cannot forecast by 'ResourceId'"):
            daily_series(view.table, "ResourceId")
    finally:
        view.close()
    assert [(s.scope, s.currency, s.start, s.values) for s in total] == [
        ("total", "USD", date(2025, 1, 5), (3.75, 4.0, 0.0, 0.0, 1.0))
    ]
    assert by_provider["AWS"].values == (3.75, 0.0, 0.0, 0.0, 1.0)
    assert by_provider["Acme"].start == date(2025, 1, 6) and by_provider["Acme"].values == (4.0, 0.0, 0.0, 0.0)


def weekly(days: int, trend: float = 0.0, start: date = date(2025, 1, 1)) -> Series:
    pattern = [100, 120, 130, 125, 110, 60, 55]
    return Series("total", "USD", start, tuple(pattern[d % 7] + trend * d for d in range(days)))


def test_a_purely_weekly_series_is_forecast_exactly_by_the_baseline() -> None:
    [result] = backtest([weekly(200)], horizon=7, windows=3)
    baseline = result.accuracy(BASELINE)
    assert baseline.overall == pytest.approx(0.0, abs=1e-9)
    assert all(m == pytest.approx(0.0, abs=1e-9) for m in baseline.by_horizon)
    assert len(baseline.by_horizon) == 7
    chosen = result.accuracy(result.chosen)
    assert chosen.overall is not None and chosen.overall <= 1e-6


def test_on_a_growing_series_the_chosen_model_beats_last_weeks_values() -> None:
    [result] = backtest([weekly(240, trend=1.5)], horizon=14, windows=3)
    chosen, baseline = result.accuracy(result.chosen), result.accuracy(BASELINE)
    assert baseline.overall is not None and baseline.overall > 2  # a week of growth is missed every time
    assert result.chosen != BASELINE and chosen.overall is not None and chosen.overall < baseline.overall / 2
    # the errors of the baseline grow with the horizon: two weeks ahead it misses two weeks of growth
    assert baseline.by_horizon[13] is not None and baseline.by_horizon[0] is not None
    assert baseline.by_horizon[13] > baseline.by_horizon[0]


def test_short_series_are_not_backtested() -> None:
    assert backtest([weekly(MIN_DAYS)], horizon=14, windows=3) == []


def test_the_month_end_adds_the_forecast_of_the_remaining_days_to_the_exact_cost_so_far() -> None:
    start = date(2026, 8, 1)
    last = date(2026, 10, 12)
    flat = Series("total", "USD", start, tuple(100.0 for _ in range((last - start).days + 1)))
    so_far = Decimal("1200.005")  # the ledger's exact cost of 1..12 October
    [end] = month_end([flat], {("total", "USD"): so_far})
    remaining_days = 31 - 12
    assert end.month == "2026-10" and end.actual == so_far
    assert math.isclose(float(end.remaining), 100 * remaining_days, abs_tol=0.05)
    assert end.total == so_far + end.remaining
    assert end.low <= end.total <= end.high


def test_the_command_forecasts_the_rest_of_the_month_and_scores_the_models(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cloudledger.cli import app

    start, last = date(2025, 6, 1), date(2025, 9, 10)
    pattern = [100, 120, 130, 125, 110, 60, 55]
    rows = [
        row(start + timedelta(d), "AWS", str(pattern[(start + timedelta(d)).weekday()]))
        for d in range((last - start).days + 1)
    ]
    home = Home(tmp_path / "home").ensure()
    for month in (6, 7, 8, 9):  # one file per billing period, as providers deliver them
        part = [r for r in rows if r["ChargePeriodStart"][5:7] == f"{month:02d}"]
        for r in part:
            r["BillingPeriodStart"] = f"2025-{month:02d}-01T00:00:00Z"
            r["BillingPeriodEnd"] = f"2025-{month + 1:02d}-01T00:00:00Z"
        ingest(home, [write_focus_csv(tmp_path / f"m{month}.csv", part)])
    result = CliRunner().invoke(
        app, ["forecast", "--home", str(home.root), "--backtest", "--horizon", "7", "--windows", "3", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    ends, scores = _two_json(result.output)
    [end] = ends
    so_far = sum(pattern[date(2025, 9, d).weekday()] for d in range(1, 11))
    rest = sum(pattern[date(2025, 9, d).weekday()] for d in range(11, 31))
    assert Decimal(end["so far"]) == so_far
    assert Decimal(end["month end"]) == Decimal(end["so far"]) + Decimal(end["forecast rest"])
    assert math.isclose(float(end["forecast rest"]), rest, rel_tol=0.02)  # a weekly pattern, forecast to ~2 %
    baseline = next(s for s in scores if s["model"] == BASELINE)
    assert float(baseline["MAPE all %"]) == pytest.approx(0.0, abs=1e-6)


def _two_json(text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The two JSON lists the command prints, one after the other."""
    decoder = json.JSONDecoder()
    first, end = decoder.raw_decode(text)
    second, _ = decoder.raw_decode(text[end:].lstrip())
    return first, second


def test_few_series_try_arima_too_and_many_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from cloudledger.analyses import forecast

    [few] = backtest([weekly(200, trend=0.8)], horizon=7, windows=3)
    assert [a.model for a in few.models] == ["AutoETS", "MSTL", BASELINE, forecast.ARIMA]
    arima = few.accuracy(forecast.ARIMA)
    assert arima.overall is not None and arima.overall < few.accuracy(BASELINE).overall  # type: ignore[operator]
    monkeypatch.setattr(forecast, "ARIMA_UP_TO", 1)
    many = backtest([weekly(200, trend=0.8), weekly(200, trend=0.5)], horizon=7, windows=3)
    assert all([a.model for a in b.models] == ["AutoETS", "MSTL", BASELINE] for b in many)


def test_a_series_that_chose_arima_is_forecast_by_it() -> None:
    from cloudledger.analyses.forecast import ARIMA

    series = weekly(200, trend=0.8, start=date(2026, 1, 1))  # to 19 July 2026
    [end] = month_end([series], {("total", "USD"): Decimal(0)}, {series.key: ARIMA})
    assert end.model == ARIMA and end.low <= end.total <= end.high
    # twelve days left in July on a series of about 290 a day: the forecast rest is of that order
    assert Decimal(12 * 200) < end.remaining < Decimal(12 * 400)
