"""The demo company's business metrics: orders per day and active customers per month, as a metrics CSV.

Values are a fixed function of the date (growth, a weekly rhythm, a small wobble that looks random), so the
same window always gives the same file; `cloudledger units import` reads it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cloudledger.demo.months import Month

ORDERS_PER_DAY = 1800
ORDER_GROWTH = 1.02
"""Orders grow about 2 % a month, a little slower than the cloud bill."""
WEEKDAY_FACTOR = (1.0, 1.02, 1.04, 1.06, 1.22, 1.40, 1.30)
"""Monday … Sunday: shoppers buy most at the weekend."""
ACTIVE_CUSTOMERS = 40_000
CUSTOMER_GROWTH = 1.025
WOBBLE = 0.05
"""At most ±5 % from one day (or month) to the next."""
HEADER = ("date", "metric", "dimension", "value")


def _wobble(day: date, salt: int) -> float:
    """A deterministic number in [-WOBBLE, WOBBLE] that changes from date to date without a pattern."""
    mixed = (day.toordinal() * 2_654_435_761 + salt * 40_503) % 2**32
    return (mixed / 2**32 * 2 - 1) * WOBBLE


def orders(day: date, index: int) -> int:
    """Orders placed on `day`, in month number `index` of the demo window."""
    level = ORDERS_PER_DAY * ORDER_GROWTH**index * WEEKDAY_FACTOR[day.weekday()]
    return round(level * (1 + _wobble(day, 1)))


def active_customers(month: Month) -> int:
    """Customers who ordered at least once in `month`."""
    return round(ACTIVE_CUSTOMERS * CUSTOMER_GROWTH**month.index * (1 + _wobble(month.start, 2)))


def demo_metric_rows(months: Sequence[Month]) -> list[tuple[str, str, str, str]]:
    """(date, metric, dimension, value) rows: daily orders, then monthly active customers."""
    rows = [
        (month.day(i).isoformat(), "orders", "", str(orders(month.day(i), month.index)))
        for month in months
        for i in range(month.days)
    ]
    rows += [(month.label, "active_customers", "", str(active_customers(month))) for month in months]
    return rows


def write_demo_metrics(path: Path, months: Sequence[Month]) -> Path:
    """Write the business metrics CSV of the demo window `months` to `path`; return `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(demo_metric_rows(months))
    return path
