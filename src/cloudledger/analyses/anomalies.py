"""Cost anomalies: days whose usage cost is far above its weekly and monthly season.

Each series is the daily EffectiveCost of the Usage rows charged by use (purchases, tax, credits and recurring
fees are calendar events, not anomalies) of one provider × service × sub account, and of the total, per billing
currency; a day without cost counts as zero from the series' first day on. A day's expected cost is the larger of
two robust seasonal baselines: the median of the same weekday over the previous `weeks` weeks, and the median of
the same place in the previous `months` months (month-end jobs); a median ignores one anomalous week or month.
Its residual is actual − expected, its score the residual over 1.4826 × the MAD of the residuals of the previous
`scale_days` days (a robust z-score). A day is anomalous when its score, its impact in money and its impact in
percent of the expected cost all pass their thresholds; consecutive anomalous days are one anomaly, unless the run
lasted over `max_days` (a level shift). Every expected cost uses only earlier days, so the newest day is judged
as it arrives. Measured precision and recall on the demo's injected incidents: docs/anomalies.md.

Scores are floats; the amounts reported are the ledger's exact decimals (the expected cost a median of them),
rounded half-up to cents.
"""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

import ibis.expr.types as ir
import numpy as np

from cloudledger.analyses.anomalies_model import ALL, Anomaly, Scope, Thresholds
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.rounding import round_half_up

METRIC = "EffectiveCost"
SEASON = 7
MIN_PERIODS = 2
HALF_MONTH = 14
MIN_RESIDUALS = 14
SCALE_FLOOR = 0.01
"""The score's scale is at least 1 % of the expected cost (and one cent): a perfectly regular series has MAD 0."""


@dataclass(frozen=True)
class DailySeries:
    """One scope's daily cost in one currency from its first charge day to the last day of the ledger."""

    scope: Scope
    currency: str
    start: date
    amounts: tuple[Decimal, ...]

    def values(self) -> np.ndarray:
        return np.array([float(a) for a in self.amounts], dtype=float)

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)


def usage_rows(table: ir.Table) -> ir.Table:
    """The bill's Usage rows charged by use (recurring fees are scheduled; Kubernetes allocation rows are
    left out)."""
    rows = bill_rows(table)
    return rows.filter((rows.ChargeCategory == "Usage") & (rows.ChargeFrequency.fill_null("") != "Recurring"))


def usage_series(table: ir.Table, end: date | None = None) -> list[DailySeries]:
    """Daily series per provider × service × sub account and the total, per currency, up to `end` inclusive (the
    daily rollup answers: it keeps every column read here)."""
    rows = usage_rows(table)
    if end is not None:
        rows = rows.filter(rows.ChargePeriodStart.date() <= end)
    keys = {
        "day": rows.ChargePeriodStart.date(),
        "provider": rows.ProviderName.fill_null("(not set)"),
        "service": rows.ServiceName.fill_null("(not set)"),
        "account": rows.SubAccountId.fill_null("(not set)"),
        "currency": rows.BillingCurrency.fill_null(""),
    }
    summed = rows.group_by(**keys).aggregate(amount=rows[METRIC].sum()).to_pyarrow().to_pylist()
    grouped: dict[tuple[Scope, str], dict[date, Decimal]] = {}
    for row in summed:
        amount = row["amount"] or Decimal(0)
        for scope in (Scope(row["provider"], row["service"], row["account"]), Scope(ALL, ALL, ALL)):
            days = grouped.setdefault((scope, row["currency"]), {})
            days[row["day"]] = days.get(row["day"], Decimal(0)) + amount
    last = max((max(days) for days in grouped.values()), default=None)
    out = []
    for (scope, currency), days in grouped.items():
        assert last is not None
        first = min(days)
        length = (last - first).days + 1
        amounts = tuple(days.get(first + timedelta(d), Decimal(0)) for d in range(length))
        out.append(DailySeries(scope, currency, first, amounts))
    return sorted(out, key=lambda s: (not s.scope.is_total, s.currency, str(s.scope)))


def _lagged(values: np.ndarray, weeks: int) -> np.ndarray:
    """(days, weeks): the same weekday 1..weeks weeks earlier, NaN before the series starts."""
    lags = np.full((len(values), weeks), np.nan)
    for k in range(1, weeks + 1):
        lags[SEASON * k :, k - 1] = values[: len(values) - SEASON * k]
    return lags


def month_positions(start: date, days: int, months: int) -> np.ndarray:
    """(days, months): the index of the same place in each of the previous `months` months (-1 before the
    series): the same day of the month in a month's first half, the same distance from its end in the second."""
    dates = np.datetime64(start, "D") + np.arange(days)
    month = dates.astype("datetime64[M]")
    day = (dates - month.astype("datetime64[D]")).astype(int)
    length = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(int)
    out = np.empty((days, months), dtype=np.int64)
    for k in range(1, months + 1):
        first = (month - k).astype("datetime64[D]")
        other = ((month - k + 1).astype("datetime64[D]") - first).astype(int)
        offset = np.where(day < HALF_MONTH, np.minimum(day, other - 1), other - (length - day))
        index = (first + offset - np.datetime64(start, "D")).astype(int)
        out[:, k - 1] = np.where(index >= 0, index, -1)
    return out


def _median(lags: np.ndarray) -> np.ndarray:
    """Median of each row's values present, NaN with fewer than two."""
    enough = np.sum(~np.isnan(lags), axis=1) >= MIN_PERIODS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        median = np.nanmedian(lags, axis=1)
    return np.where(enough, median, np.nan)


def expected_values(values: np.ndarray, start: date, th: Thresholds) -> np.ndarray:
    """The larger of the weekly baseline (median of the same weekday over the previous weeks) and the monthly
    one (median of the same place in the previous months); NaN until both have two periods of history."""
    weekly = _median(_lagged(values, th.weeks))
    positions = month_positions(start, len(values), th.months)
    monthly = _median(np.where(positions >= 0, values[np.maximum(positions, 0)], np.nan))
    expected: np.ndarray = np.maximum(weekly, monthly)
    return expected


def scores(values: np.ndarray, start: date, th: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """(expected, score) per day: the score is the residual over 1.4826 × MAD of the previous residuals."""
    expected = expected_values(values, start, th)
    residual = values - expected
    padded = np.concatenate([np.full(th.scale_days, np.nan), residual])
    windows = np.lib.stride_tricks.sliding_window_view(padded[:-1], th.scale_days)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(windows, axis=1)
        mad = np.nanmedian(np.abs(windows - centre[:, None]), axis=1)
    enough = np.sum(~np.isnan(windows), axis=1) >= MIN_RESIDUALS
    scale = np.maximum(1.4826 * np.nan_to_num(mad), np.maximum(SCALE_FLOOR * np.abs(expected), SCALE_FLOOR))
    score = np.where(enough & ~np.isnan(expected), residual / scale, np.nan)
    return expected, score


def flagged(values: np.ndarray, start: date, th: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """(anomalous day mask, score) of one series."""
    expected, score = scores(values, start, th)
    residual = values - expected
    with np.errstate(invalid="ignore"):
        mask = (
            (score > th.score)
            & (residual >= float(th.min_impact))
            & (residual >= th.min_percent / 100 * np.abs(expected))
        )
    return np.nan_to_num(mask, nan=0).astype(bool), score


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist(), strict=True))


def _exact_median(values: list[Decimal]) -> Decimal | None:
    return statistics.median(values) if len(values) >= MIN_PERIODS else None


def exact_expected(series: DailySeries, index: int, positions: np.ndarray, weeks: int) -> Decimal:
    """The expected cost of a day in the ledger's decimals, as `expected_values` computes it in floats."""
    weekly = _exact_median([series.amounts[index - SEASON * k] for k in range(1, weeks + 1) if index >= SEASON * k])
    monthly = _exact_median([series.amounts[i] for i in positions[index].tolist() if i >= 0])
    present = [m for m in (weekly, monthly) if m is not None]
    return max(present) if present else Decimal(0)


def detect_series(series: DailySeries, th: Thresholds) -> list[Anomaly]:
    """The anomalies of one series."""
    mask, score = flagged(series.values(), series.start, th)
    positions = month_positions(series.start, len(series.amounts), th.months)
    out = []
    for first, last in _runs(mask):
        if last - first + 1 > th.max_days and last < len(series.amounts) - 1:
            continue  # a level shift: the new cost lasted until the baseline took it in
        days = range(first, last + 1)
        expected = sum((exact_expected(series, i, positions, th.weeks) for i in days), Decimal(0))
        actual = sum(series.amounts[first : last + 1], Decimal(0))
        out.append(
            Anomaly(
                scope=series.scope,
                currency=series.currency,
                start=series.day(first),
                end=series.day(last),
                expected=round_half_up(expected),
                actual=round_half_up(actual),
                max_score=round(float(np.nanmax(score[first : last + 1])), 2),
            )
        )
    return out


def detect(series: Sequence[DailySeries], th: Thresholds | None = None, since: date | None = None) -> list[Anomaly]:
    """Every anomaly of `series` ending on or after `since`, newest first."""
    th = th or Thresholds()
    found = [a for s in series for a in detect_series(s, th) if since is None or a.end >= since]
    return sorted(found, key=lambda a: (a.start, a.impact), reverse=True)


def anomalies(
    daily: ir.Table, ledger: ir.Table, th: Thresholds | None = None, since: date | None = None, causes: bool = True
) -> list[Anomaly]:
    """Detect on the daily rollup (`daily`), then explain each anomaly from the ledger's rows of its days."""
    from cloudledger.analyses.anomaly_causes import root_causes
    from cloudledger.analyses.summary import on_rollup

    th = th or Thresholds()
    found = detect(on_rollup(usage_series, daily, ledger), th, since)
    if not causes:
        return found
    return [replace(a, causes=root_causes(ledger, a, th.weeks)) for a in found]
