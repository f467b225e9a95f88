"""Scoring only a series' recent days finds exactly the anomalies that scoring every day finds: on long noisy
series with weekly and month-end seasons, spikes, a level shift, and a run still going on the newest day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest

from cloudledger.analyses import anomalies
from cloudledger.analyses.anomalies import DailySeries, detect, recent, warm_days
from cloudledger.analyses.anomalies_model import ALL, Scope, Thresholds

START = date(2024, 1, 1)
DAYS = 730


def series(seed: int) -> DailySeries:
    rng = np.random.default_rng(seed)
    days = np.arange(DAYS)
    dates = [START + timedelta(days=int(d)) for d in days]
    weekly = np.array([1.0, 1.1, 1.15, 1.1, 1.0, 0.55, 0.5])[[d.weekday() for d in dates]]
    month_end = np.array([1.8 if (d + timedelta(days=3)).month != d.month else 1.0 for d in dates])
    level = 200 + 0.1 * days + np.where(days > 400, 120, 0)  # growth, and a new level from day 400
    values = level * weekly * month_end * rng.lognormal(0, 0.08, DAYS)
    for spike in rng.choice(np.arange(150, DAYS - 5), size=8, replace=False):
        values[spike : spike + rng.integers(1, 4)] += rng.uniform(400, 1500)
    values[-3:] += 2000  # a run still going on the newest day
    amounts = tuple(Decimal(str(round(float(v), 2))) for v in values)
    return DailySeries(Scope("Acme", f"Service {seed}", ALL), "USD", START, amounts)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recent_days_find_the_same_anomalies_as_every_day(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    th = Thresholds()
    full = series(seed)
    lengths: list[int] = []
    scored = anomalies.detect_series
    monkeypatch.setattr(anomalies, "detect_series", lambda s, t: lengths.append(len(s.amounts)) or scored(s, t))
    every = detect([full], th)
    assert every, "the series has anomalies to find"
    for since in (START + timedelta(days=DAYS - 1), START + timedelta(days=DAYS - 8), START + timedelta(days=500)):
        assert recent(full, since, th).start > START
        lengths.clear()
        assert detect([full], th, since) == [a for a in every if a.end >= since]
        assert lengths == [(START + timedelta(days=DAYS) - since).days + warm_days(th)]  # only the recent days


def test_a_series_shorter_than_the_warm_up_is_scored_whole() -> None:
    th = Thresholds()
    full = series(4)
    since = START + timedelta(days=warm_days(th) - 1)
    assert recent(full, since, th) is full
