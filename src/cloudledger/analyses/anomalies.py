"""Cost anomalies: days whose usage cost is far above its weekly and monthly season.

Each series is the daily EffectiveCost of the Usage rows charged by use (purchases, tax, credits and recurring
fees are calendar events, not anomalies) of one provider × service × sub account, and of the total, per billing
currency; a day without cost counts as zero from the series' first day on. A day's expected cost is the largest of
three robust seasonal baselines: the median of the same weekday over the previous `weeks` weeks (weekly), the
median of the same place in the previous `months` months (monthly: month-end jobs), and the weekly baseline times
the median ratio of those same places to their own weekly baseline (seasonal: a month-end job that doubles the
usual cost doubles today's level too); a median ignores one anomalous week or month. Its residual is actual −
expected, its score the residual over 1.4826 × the MAD of the residuals of the previous `scale_days` days (a
robust z-score), the scale grown in proportion on a day expected above the usual level of those days (usage varies
in proportion to its level). A day is anomalous when its score, its impact in money and its impact in percent of
the expected cost all pass their thresholds; consecutive anomalous days are one anomaly, unless they are part of a
level shift: the run lasted over `max_days` and ended, or most of the `shift_days` days before or after it were
elevated too (a new resource, a bigger fleet). Every expected cost uses only earlier days, so the newest day is
judged as it arrives. Measured precision and recall on the demo's injected incidents: docs/anomalies.md.

Scores are floats; the amounts reported are the ledger's exact decimals (the expected cost a median of them, or
a median times a median ratio), rounded half-up to cents.
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
from cloudledger.analyses.tag_values import TagResolver

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
        if len(values) > SEASON * k:  # a series younger than k weeks has no such lag yet
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


def weekly_values(values: np.ndarray, weeks: int) -> np.ndarray:
    """The weekly baseline: the median of the same weekday over the previous `weeks` weeks."""
    return _median(_lagged(values, weeks))


def expected_values(values: np.ndarray, start: date, th: Thresholds) -> np.ndarray:
    """The largest of the weekly baseline, the monthly one (median of the same place in the previous months) and
    the seasonal one (the weekly baseline × the median ratio of the same place in the previous months to their own
    weekly baseline: a month-end job that doubles the usual cost doubles it at today's level too); NaN until the
    weekly and monthly baselines have two periods of history."""
    weekly = weekly_values(values, th.weeks)
    positions = month_positions(start, len(values), th.months)
    present = positions >= 0
    earlier = np.where(present, values[np.maximum(positions, 0)], np.nan)
    level = np.where(present, weekly[np.maximum(positions, 0)], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(level > 0, earlier / level, np.nan)
    expected: np.ndarray = np.maximum(weekly, _median(earlier))
    return np.where(np.isnan(expected), np.nan, np.fmax(expected, weekly * _median(ratio)))


def _previous(values: np.ndarray, days: int) -> np.ndarray:
    """(len(values), days): each day's previous `days` values, NaN before the series."""
    padded = np.concatenate([np.full(days, np.nan), values])
    return np.lib.stride_tricks.sliding_window_view(padded[:-1], days)


def score_scale(values: np.ndarray, expected: np.ndarray, th: Thresholds) -> np.ndarray:
    """Per day, what the score divides the residual by: 1.4826 × the MAD of the previous `scale_days` residuals,
    times the day's expected cost over the median expected cost of those days when it is higher (usage varies in
    proportion to its level: a month-end day expected at twice the usual cost varies twice as much); at least 1 %
    of the expected cost and one cent. NaN with fewer than `MIN_RESIDUALS` previous residuals."""
    residuals = _previous(values - expected, th.scale_days)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(residuals, axis=1)
        mad = np.nan_to_num(np.nanmedian(np.abs(residuals - centre[:, None]), axis=1))
        typical = np.nanmedian(_previous(expected, th.scale_days), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(typical > 0, np.maximum(expected / typical, 1.0), 1.0)
    floor = np.maximum(SCALE_FLOOR * np.abs(expected), SCALE_FLOOR)
    scale = np.maximum(1.4826 * mad * level, floor)
    enough = np.sum(~np.isnan(residuals), axis=1) >= MIN_RESIDUALS
    return np.where(enough & ~np.isnan(expected), scale, np.nan)


def scores(values: np.ndarray, start: date, th: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """(expected, score) per day: the score is the residual over `score_scale`."""
    expected = expected_values(values, start, th)
    return expected, (values - expected) / score_scale(values, expected, th)


def flagged(values: np.ndarray, start: date, th: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """(anomalous day mask, score) of one series."""
    expected, score = scores(values, start, th)
    return passes(values, expected, score, th), score


def passes(values: np.ndarray, expected: np.ndarray, score: np.ndarray, th: Thresholds) -> np.ndarray:
    """Days whose score, impact in money and impact in percent all pass their thresholds."""
    residual = values - expected
    with np.errstate(invalid="ignore"):
        mask = (
            (score > th.score)
            & (residual >= float(th.min_impact))
            & (residual >= th.min_percent / 100 * np.abs(expected))
        )
    out: np.ndarray = np.nan_to_num(mask, nan=0).astype(bool)
    return out


def elevated(values: np.ndarray, expected: np.ndarray, th: Thresholds) -> np.ndarray:
    """Days whose cost is above expected by at least `shift_percent` % of it (some cost on a day expected at 0)."""
    residual = values - expected
    with np.errstate(invalid="ignore"):
        out: np.ndarray = (residual > 0) & (residual >= th.shift_percent / 100 * expected)  # NaN compares False
    return out


def level_shift(rise: np.ndarray, first: int, last: int, th: Thresholds) -> bool:
    """Whether the run `first`..`last` is part of a longer rise: it lasted over `max_days` and ended, or most of the
    `shift_days` days before it or after it were elevated too (a new resource, a bigger fleet: a new normal the
    baseline takes in within weeks, not an incident)."""
    if last - first + 1 > th.max_days and last < len(rise) - 1:
        return True
    before = rise[max(0, first - th.shift_days) : first]
    after = rise[last + 1 : last + 1 + th.shift_days]
    return max(int(before.sum()), int(after.sum())) > th.shift_days // 2


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist(), strict=True))


def _exact_median(values: list[Decimal]) -> Decimal | None:
    return statistics.median(values) if len(values) >= MIN_PERIODS else None


def _exact_weekly(series: DailySeries, index: int, weeks: int) -> Decimal | None:
    return _exact_median([series.amounts[index - SEASON * k] for k in range(1, weeks + 1) if index >= SEASON * k])


def exact_expected(series: DailySeries, index: int, positions: np.ndarray, weeks: int) -> Decimal:
    """The expected cost of a day in the ledger's decimals, as `expected_values` computes it in floats."""
    weekly = _exact_weekly(series, index, weeks)
    earlier = [i for i in positions[index].tolist() if i >= 0]
    monthly = _exact_median([series.amounts[i] for i in earlier])
    ratios = []
    for i in earlier:
        level = _exact_weekly(series, i, weeks)
        if level is not None and level > 0:
            ratios.append(series.amounts[i] / level)
    ratio = _exact_median(ratios)
    seasonal = weekly * ratio if weekly is not None and ratio is not None else None
    present = [m for m in (weekly, monthly, seasonal) if m is not None]
    return max(present) if present else Decimal(0)


def detect_series(series: DailySeries, th: Thresholds) -> list[Anomaly]:
    """The anomalies of one series."""
    values = series.values()
    expected_floats, score = scores(values, series.start, th)
    mask = passes(values, expected_floats, score, th)
    rise = elevated(values, expected_floats, th)
    positions = month_positions(series.start, len(series.amounts), th.months)
    out = []
    for first, last in _runs(mask):
        if level_shift(rise, first, last, th):
            continue
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


WARM_DAYS = 190
"""Days of history a day's score reads: its expected cost looks back `months` months and the weekly baselines of
those days (about 121 days), and its scale the residuals and expected costs of the previous `scale_days` days."""


def exact_after(th: Thresholds) -> int:
    """Days of history after which a day's score and its level-shift window (`shift_days` before it) are exactly
    those of the whole series."""
    return WARM_DAYS + (th.months - 3) * 31 + max(th.scale_days - 56, 0) + th.shift_days


def warm_days(th: Thresholds) -> int:
    """Days kept before `since`: the history of `exact_after`, and room for runs (`max_days`) and the level-shift
    window that end on or after it."""
    return exact_after(th) + th.max_days + th.shift_days


def recent(series: DailySeries, since: date, th: Thresholds) -> DailySeries:
    """The part of `series` that decides its anomalies ending on or after `since` (the whole series when it is
    not longer)."""
    cut = (since - series.start).days - warm_days(th)
    if cut <= 0:
        return series
    return DailySeries(series.scope, series.currency, series.day(cut), series.amounts[cut:])


def detect_since(series: DailySeries, th: Thresholds, since: date) -> list[Anomaly]:
    """The anomalies of `series` ending on or after `since`, scoring only its recent days; the whole series again
    when one of them starts before the recent days are warm (a run that has gone on for months)."""
    part = recent(series, since, th)
    found = [a for a in detect_series(part, th) if a.end >= since]
    if part is not series and any((a.start - part.start).days < exact_after(th) for a in found):
        found = [a for a in detect_series(series, th) if a.end >= since]
    return found


def detect(series: Sequence[DailySeries], th: Thresholds | None = None, since: date | None = None) -> list[Anomaly]:
    """Every anomaly of `series` ending on or after `since`, newest first (with `since`, each series is scored on
    its recent days only: the same anomalies, found in a fraction of the time on long series)."""
    th = th or Thresholds()
    if since is None:
        found = [a for s in series for a in detect_series(s, th)]
    else:
        found = [a for s in series for a in detect_since(s, th, since)]
    return sorted(found, key=lambda a: (a.start, a.impact), reverse=True)


def anomalies(
    daily: ir.Table,
    ledger: ir.Table,
    th: Thresholds | None = None,
    since: date | None = None,
    causes: bool = True,
    *,
    tags: TagResolver | None = None,
    tag_keys: Sequence[str] | None = None,
) -> list[Anomaly]:
    """Detect on the daily rollup (`daily`), then explain each anomaly from the ledger's rows of its days (by tag
    too when `tags` is given: `tag_keys`, else the tag policy's keys the ledger spells)."""
    from cloudledger.analyses.anomaly_causes import root_causes
    from cloudledger.analyses.summary import on_rollup

    th = th or Thresholds()
    found = detect(on_rollup(usage_series, daily, ledger), th, since)
    if not causes:
        return found
    return [replace(a, causes=root_causes(ledger, a, th.weeks, tags, tag_keys)) for a in found]
