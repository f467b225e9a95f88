"""The fast forecast paths: fits on the last FIT_DAYS days, month ends fitting only the chosen model, and
remembered model choices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from statsforecast import StatsForecast
from statsforecast.models import MSTL, AutoETS, SeasonalNaive

from cloudledger.analyses import forecast
from cloudledger.analyses.forecast import BASELINE, FIT_DAYS, Series, backtest, month_end
from cloudledger.analyses.forecast_choices import Choice, choose, remembered_month_end, stale

PATTERN = (100.0, 120.0, 130.0, 125.0, 110.0, 60.0, 55.0)
START = date(2025, 1, 1)


def series(name: str, days: int, trend: float = 0.0, noise: int = 0, start: date = START) -> Series:
    values = tuple(PATTERN[d % 7] + trend * d + ((d * 37 + noise) % 11) * noise / 10 for d in range(days))
    return Series(name, "USD", start, values)


def test_the_frame_keeps_each_series_last_days_on_their_dates() -> None:
    s = series("a", 30, trend=1.0)
    frame = forecast.series_frame([s, series("b", 5)], days=10)
    a = frame[frame["unique_id"] == "a|USD"]
    assert a["y"].tolist() == list(s.values[-10:])
    assert [d.date() for d in a["ds"]] == [START + timedelta(days=d) for d in range(20, 30)]
    assert (frame["unique_id"] == "b|USD").sum() == 5  # shorter than the cut: every day


def test_the_backtest_reads_only_the_last_fit_days_before_each_origin() -> None:
    days = FIT_DAYS + 14 * 3 + 60
    clean = series("s", days, trend=0.8, noise=3)
    noisy_past = replace(clean, values=tuple(v * 5 if i < 60 else v for i, v in enumerate(clean.values)))
    [a], [b] = backtest([clean], horizon=14, windows=3), backtest([noisy_past], horizon=14, windows=3)
    assert a == b  # the first 60 days are never read


def test_a_month_end_fitting_only_the_chosen_models_equals_fitting_every_model() -> None:
    group = [series("flat", 85, noise=4), series("growing", 85, trend=1.5, noise=2), series("other", 85, noise=7)]
    chosen = {"flat|USD": "AutoETS", "growing|USD": "MSTL", "other|USD": BASELINE}
    actual = {("flat", "USD"): Decimal("1000.00")}
    ends = {e.scope: e for e in month_end(group, actual, chosen)}
    last = group[0].end
    left = ((last.replace(day=28) + timedelta(days=4)).replace(day=1) - last).days - 1
    models = [AutoETS(season_length=7, model="ANA"), MSTL(season_length=7), SeasonalNaive(season_length=7)]
    every = StatsForecast(models=models, freq="D").forecast(
        df=forecast.series_frame(group, FIT_DAYS), h=left, level=[80]
    )
    for s in group:
        model = chosen[s.key]
        part = every[every["unique_id"] == s.key]
        expected = Decimal(str(float(part[model].clip(lower=0).sum()))).quantize(Decimal("0.01"))
        high = Decimal(str(float(part[f"{model}-hi-80"].clip(lower=0).sum()))).quantize(Decimal("0.01"))
        end = ends[s.scope]
        assert end.model == model
        assert end.remaining == pytest.approx(expected, abs=Decimal("0.01"))
        assert end.high - end.actual == pytest.approx(high, abs=Decimal("0.01"))
    assert ends["flat"].actual == Decimal("1000.00") and ends["growing"].actual == Decimal(0)


def test_choices_are_made_for_new_series_and_again_after_a_week() -> None:
    a, b = series("a", 120, trend=1.0, noise=3), series("b", 120, noise=5)
    first = choose([a], {})
    assert set(first) == {"a|USD"} and first["a|USD"].day == a.end
    six_days_on = replace(a, values=a.values + a.values[-6:])
    assert stale([six_days_on, b], first) == [b]  # b is new
    eight_days_on = replace(a, values=a.values + a.values[-8:])
    assert stale([eight_days_on], first) == [eight_days_on]
    later = choose([eight_days_on, b], first)
    assert later["a|USD"].day == eight_days_on.end and later["b|USD"].day == b.end
    assert choose([series("short", 50)], {}) == {}  # too short to backtest: no choice


def test_a_remembered_choice_forecasts_what_a_fresh_run_does() -> None:
    group = [series("a", 130, trend=1.2, noise=3), series("b", 130, noise=6), series("c", 40)]
    actual = {("a", "USD"): Decimal("500.00")}
    scores = backtest(group)
    fresh = month_end(group, actual, {f"{b.scope}|{b.currency}": b.chosen for b in scores})
    ends, kept_scores, kept = remembered_month_end(group, actual, {})
    assert ends == fresh and list(kept_scores) == scores  # no memory: the fresh run
    # a day later the remembered choice is used without a backtest, and forecasts as a fresh fit of it does
    longer = [replace(s, values=(*s.values, s.values[-7])) for s in group]
    remembered = {k: Choice(c.backtest, c.day) for k, c in kept.items()}
    again, again_scores, again_kept = remembered_month_end(longer, actual, remembered)
    assert again_kept == remembered and again_scores == kept_scores
    assert again == month_end(longer, actual, {k: c.model for k, c in kept.items()})
    assert {e.scope: e.model for e in again}["c"] == BASELINE  # too short to backtest: the baseline
