"""The daily picture around an anomaly: each day's actual cost, its expected cost and the flag line (the cost
above which the day would have been flagged), for a chart and its table.

The flag line of a day is expected + the largest of: the score threshold × the score's scale (detection's
`score_scale`: 1.4826 × the MAD of the previous residuals, grown with a day expected above the usual level, at
least 1 % of the expected cost), the money minimum, and the percent minimum × the expected cost. A day's cost
above it passes all three tests of `anomalies.flagged`. Both the expected cost and the scale use earlier days
only, as detection does; a day without enough history has neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from cloudledger.analyses.anomalies import DailySeries, expected_values, score_scale
from cloudledger.analyses.anomalies_model import Anomaly, Thresholds
from cloudledger.analyses.rounding import round_half_up

BEFORE = 42
"""Days shown before the anomaly's first day (six weeks of its season)."""
AFTER = 14
"""Days shown after its last day, when the ledger has them."""
SHOWN = 56
"""At least this many days are shown when the ledger has them (eight weeks)."""


@dataclass(frozen=True)
class BandDay:
    """One day of the series: amounts rounded half-up to cents; None before the series has enough history."""

    day: date
    actual: Decimal
    expected: Decimal | None
    flag_above: Decimal | None
    anomalous: bool
    """One of the anomaly's days."""


@dataclass(frozen=True)
class AnomalyBand:
    """The days of an anomaly's series around it."""

    currency: str
    days: tuple[BandDay, ...]


def flag_lines(values: np.ndarray, start: date, th: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """(expected, flag line) per day, as floats (NaN without enough history)."""
    expected = expected_values(values, start, th)
    scale = score_scale(values, expected, th)
    margin = np.maximum.reduce(
        [th.score * scale, np.full(len(values), float(th.min_impact)), th.min_percent / 100 * np.abs(expected)]
    )
    return expected, expected + margin


def find_series(series: Sequence[DailySeries], anomaly: Anomaly) -> DailySeries | None:
    """The series `anomaly` was found in."""
    return next((s for s in series if s.scope == anomaly.scope and s.currency == anomaly.currency), None)


def window(series: DailySeries, anomaly: Anomaly) -> range:
    """Indexes of the days shown: six weeks before the anomaly to two weeks after, eight weeks at least."""
    last_index = len(series.amounts) - 1
    first = (anomaly.start - series.start).days
    last = min(last_index, (anomaly.end - series.start).days + AFTER)
    start = max(0, min(first - BEFORE, last - SHOWN + 1))
    return range(start, last + 1)


def anomaly_band(series: DailySeries, anomaly: Anomaly, th: Thresholds | None = None) -> AnomalyBand:
    """Each day shown around `anomaly` in its `series`: actual (the ledger's sum), expected and flag line (as
    detection computes them, in floats), rounded half-up to cents."""
    th = th or Thresholds()
    expected, flag = flag_lines(series.values(), series.start, th)
    days = []
    for i in window(series, anomaly):
        day = series.day(i)
        days.append(
            BandDay(
                day=day,
                actual=round_half_up(series.amounts[i]),
                expected=_cents(expected[i]),
                flag_above=_cents(flag[i]),
                anomalous=anomaly.start <= day <= anomaly.end,
            )
        )
    return AnomalyBand(anomaly.currency, tuple(days))


def _cents(value: float) -> Decimal | None:
    return None if np.isnan(value) else round_half_up(Decimal(repr(float(value))))
