"""Billing months of the demo window."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

DAY = 86_400


@dataclass(frozen=True)
class Month:
    """One calendar month (a billing period) of the demo window."""

    index: int
    start: date
    end: date
    """Exclusive end: the first day of the next month."""

    @property
    def label(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def start_epoch(self) -> int:
        return int(datetime(self.start.year, self.start.month, 1, tzinfo=UTC).timestamp())

    @property
    def end_epoch(self) -> int:
        return self.start_epoch + self.days * DAY

    def weekdays(self) -> np.ndarray:
        """Day of week (0 = Monday) of each day of the month."""
        return (np.arange(self.days) + self.start.weekday()) % 7

    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)


def _next(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def months_ending(end_month: str, count: int) -> list[Month]:
    """The `count` consecutive months that end with `end_month` ("YYYY-MM")."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", end_month)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"end_month must look like 2026-10, got {end_month!r}")
    if count < 1:
        raise ValueError("months must be at least 1")
    year, month = int(m.group(1)), int(m.group(2))
    first = year * 12 + month - 1 - (count - 1)
    starts = [date(k // 12, k % 12 + 1, 1) for k in range(first, first + count)]
    return [Month(i, s, _next(s)) for i, s in enumerate(starts)]


def iso(epoch: int) -> str:
    """FOCUS date-time text for an epoch second."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
