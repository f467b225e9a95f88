"""What detection takes for the usual course of a series: month-end jobs at today's level, level shifts whose
pieces pass the thresholds, series only days old."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cloudledger.analyses.anomalies import DailySeries, detect, exact_expected, month_positions
from cloudledger.analyses.anomalies_model import Scope, Thresholds

START = date(2025, 1, 1)
SCOPE = Scope("Acme Cloud", "Virtual Machines", "222222222222")


def series(cost: dict[date, Decimal], last: date) -> DailySeries:
    amounts = tuple(cost[START + timedelta(days=d)] for d in range((last - START).days + 1))
    return DailySeries(SCOPE, "USD", START, amounts)


def month_end(day: date) -> bool:
    """One of the month's last three days."""
    return (day + timedelta(days=3)).month != day.month


def test_a_month_end_job_at_a_new_level_is_the_season_not_an_anomaly() -> None:
    # 100 a day until March, 200 from April on; a month-end job makes the last three days 2.2 times a day's cost.
    last = date(2025, 5, 31)
    cost = {}
    for d in range((last - START).days + 1):
        day = START + timedelta(days=d)
        level = Decimal(100) if day < date(2025, 4, 1) else Decimal(200)
        cost[day] = level * Decimal("2.2") if month_end(day) else level
    s = series(cost, last)
    assert detect([s]) == []
    # April's month end is expected at 2.2 × its new level (the monthly median alone says 220).
    positions = month_positions(START, len(s.amounts), Thresholds().months)
    index = (date(2025, 4, 28) - START).days
    assert exact_expected(s, index, positions, Thresholds().weeks) == Decimal(440)


def step_up(last: date) -> DailySeries:
    """100 a day, then 250 from April 1st on, but 180 (80 % up, not double) on April 9th."""
    cost = {}
    for d in range((last - START).days + 1):
        day = START + timedelta(days=d)
        cost[day] = Decimal(100) if day < date(2025, 4, 1) else Decimal(250)
    cost[date(2025, 4, 9)] = Decimal(180)
    return series(cost, last)


def test_a_step_up_is_flagged_as_it_arrives_then_known_as_a_new_level() -> None:
    [anomaly] = detect([step_up(date(2025, 4, 1))])
    assert (anomaly.start, anomaly.end, anomaly.actual, anomaly.expected) == (
        date(2025, 4, 1),
        date(2025, 4, 1),
        Decimal(250),
        Decimal(100),
    )
    # The days from April 10th pass every threshold again until the weekly median takes in the new level; they
    # follow a week of elevated days, so they are the same level shift, not a new incident.
    assert detect([step_up(date(2025, 5, 31))]) == []


def test_a_series_days_old_is_not_judged_yet() -> None:
    young = DailySeries(SCOPE, "USD", START, (Decimal(1),) * 9 + (Decimal(500),))
    assert detect([young]) == []
