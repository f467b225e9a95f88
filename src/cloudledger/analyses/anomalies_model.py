"""What anomaly detection takes and returns: thresholds, anomalies and their root causes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ALL = "(all)"
"""A scope component that is not fixed: the total series has every component set to it."""


@dataclass(frozen=True)
class Thresholds:
    """When a day is anomalous: its robust score, its impact in money and in percent of the expected cost all
    pass their minimum."""

    score: float = 8.0
    """Residual over 1.4826 × MAD of the recent residuals (a z-score were they normal)."""
    min_impact: Decimal = Decimal(50)
    """Actual − expected of the day, in the billing currency."""
    min_percent: float = 100.0
    """Actual − expected of the day, in percent of the expected cost."""
    weeks: int = 4
    """Same weekdays looked back for the weekly expected cost (the median of those present, at least two)."""
    months: int = 3
    """Months looked back for the monthly expected cost (month-end jobs, charges on the first of the month)."""
    max_days: int = 7
    """Longer runs of anomalous days are level shifts (a new normal the baseline takes in), not anomalies; a run
    still going on the newest day is reported."""
    scale_days: int = 56
    """Days of past residuals whose MAD scales the score (at least 14 of them present)."""
    shift_days: int = 7
    """A run is part of a level shift when most of this many days before it, or after it, were elevated too."""
    shift_percent: float = 50.0
    """A day is elevated when its cost is above expected by at least this percent of it."""


@dataclass(frozen=True)
class Scope:
    """Which series: provider, service and sub account (each `ALL` for the total)."""

    provider: str
    service: str
    sub_account: str

    @property
    def is_total(self) -> bool:
        return self.provider == ALL

    def __str__(self) -> str:
        return "total" if self.is_total else f"{self.provider} / {self.service} / {self.sub_account}"


@dataclass(frozen=True)
class Cause:
    """One value of a dimension and its part of the deviation over the anomaly's days."""

    dimension: str
    value: str
    expected: Decimal
    actual: Decimal
    deviation: Decimal
    share: float
    """deviation / the sum of the dimension's deviations (shares of a dimension add up to 1)."""


@dataclass(frozen=True)
class Anomaly:
    """Consecutive anomalous days of one series; amounts summed over them, rounded half-up to cents."""

    scope: Scope
    currency: str
    start: date
    end: date
    expected: Decimal
    actual: Decimal
    max_score: float
    causes: tuple[Cause, ...] = field(default=())
    """The top values of each dimension not fixed by the scope, by share (filled by `root_causes`)."""

    @property
    def id(self) -> str:
        """A short stable name: the same series, currency and first day give the same id on every run (an anomaly
        that goes on keeps its first day)."""
        parts = (self.scope.provider, self.scope.service, self.scope.sub_account, self.currency, self.start.isoformat())
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def impact(self) -> Decimal:
        return self.actual - self.expected

    @property
    def impact_percent(self) -> float | None:
        return None if self.expected == 0 else float(self.impact / self.expected * 100)

    def top_cause(self) -> Cause | None:
        """The most specific cause that explains at least half the deviation, else the largest share."""
        for cause in self.causes:
            if cause.share >= 0.5:
                return cause
        return max(self.causes, key=lambda c: c.share, default=None)
