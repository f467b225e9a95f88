"""The explorer's state: the query string (the `/api/v1/costs` parameters plus `top`) ↔ a `CostQuery`, with
the default range, the period axis, and the links that change one thing (drill down, remove a filter)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from cloudledger.analyses.explorer import TAG_PREFIX, CostQuery
from cloudledger.api.errors import bad
from cloudledger.api.params import check_columns, check_range, pairs

PageGrain = Literal["day", "month"]
DRILL_PATH = ("ProviderName", "ServiceCategory", "ServiceName", "SubAccountId", "RegionId", "ResourceId")
"""The levels a click goes down, one at a time; any other grouping goes to ServiceName, then down this path."""
DEFAULT_GROUP = "ServiceName"
DEFAULT_METRIC = "BilledCost"
DEFAULT_TOP = 7
"""Groups drawn in the chart before the rest is summed as Other (seven colours plus Other's grey)."""
MAX_TOP = 50
MAX_DAYS = 366
"""The longest range shown at a daily grain (one table column per day)."""
MONTHS_BEFORE = 3
"""The default range: this many complete months before the ledger's current month, and that month."""


@dataclass(frozen=True)
class Given:
    """The parameters as the request gave them (before defaults)."""

    group_by: str | None = None
    metric: str = DEFAULT_METRIC
    grain: PageGrain = "month"
    start: date | None = None
    end: date | None = None
    filter: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    top: int = DEFAULT_TOP


@dataclass(frozen=True)
class ExplorerState:
    """What the page shows: one grouping, one metric, a grain, a range [start, end) and the filters."""

    group_by: str
    metric: str
    grain: PageGrain
    start: date
    end: date
    """Exclusive, like the API's `end`."""
    filters: tuple[tuple[str, str], ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    top: int = DEFAULT_TOP

    @property
    def last_day(self) -> date:
        """The last day of the range (inclusive)."""
        return self.end - timedelta(days=1)

    @property
    def tag_key(self) -> str | None:
        """The tag key grouped by, when the grouping is a tag."""
        return self.group_by[len(TAG_PREFIX) :] if self.group_by.startswith(TAG_PREFIX) else None

    def query(self) -> CostQuery:
        """The analysis' query: totals per period and group, per currency."""
        return CostQuery((self.group_by,), self.metric, self.grain, self.start, self.end, self.filters, self.tags)

    def params(self) -> dict[str, Any]:
        """The query string that shows this state (also a valid `/api/v1/costs` query string, `top` aside)."""
        out: dict[str, Any] = {
            "group_by": self.group_by,
            "metric": self.metric,
            "grain": self.grain,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "filter": [f"{name}={value}" for name, value in self.filters],
            "tag": [f"{key}={value}" for key, value in self.tags],
        }
        if self.top != DEFAULT_TOP:
            out["top"] = self.top
        return out

    def without_filter(self, index: int) -> ExplorerState:
        return replace(self, filters=self.filters[:index] + self.filters[index + 1 :])

    def without_tag(self, index: int) -> ExplorerState:
        return replace(self, tags=self.tags[:index] + self.tags[index + 1 :])

    def next_level(self, allowed: list[str]) -> str | None:
        """The grouping one level down the drill path (levels already filtered skipped), None at the bottom."""
        if self.group_by in DRILL_PATH:
            rest = DRILL_PATH[DRILL_PATH.index(self.group_by) + 1 :]
        else:
            rest = DRILL_PATH[DRILL_PATH.index("ServiceName") :]
        filtered = {name for name, _ in self.filters}
        return next((c for c in rest if c not in filtered and c != self.group_by and c in allowed), None)

    def drill(self, value: str | None, allowed: list[str]) -> ExplorerState | None:
        """The state one level down into the group `value` (None when it cannot be drilled into)."""
        level = self.next_level(allowed)
        if value is None or level is None:
            return None
        key = self.tag_key
        if key is not None:
            tags = (*(t for t in self.tags if t[0] != key), (key, value))
            return replace(self, group_by=level, tags=tags)
        filters = (*(f for f in self.filters if f[0] != self.group_by), (self.group_by, value))
        return replace(self, group_by=level, filters=filters)

    def periods(self, span: tuple[date, date]) -> list[date]:
        """Every period of the range that the ledger's charge days `span` reach: first days of months, or days."""
        first = max(self.start, span[0])
        last = min(self.last_day, span[1])
        if first > last:
            return []
        if self.grain == "day":
            return [first + timedelta(days=i) for i in range((last - first).days + 1)]
        out, month = [], first.replace(day=1)
        while month <= last:
            out.append(month)
            month = add_months(month, 1)
        return out


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after the month of `month` (before it when negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def resolve(given: Given, allowed: list[str], span: tuple[date, date]) -> ExplorerState:
    """The state shown for `given`: validated like `/api/v1/costs` (a bad parameter is named), defaults filled.

    Default range: the ledger's current month (that of its last charge day, `span[1]`) and the three complete
    months before it; with only `end` given, the month before `end` and the three before it."""
    check_range(given.start, given.end)
    filters = pairs([f for f in given.filter if f.strip()], "filter")
    tags = pairs([t for t in given.tag if t.strip()], "tag")
    group_by = given.group_by or DEFAULT_GROUP
    check_columns(allowed, CostQuery(group_by=(group_by,), filters=filters))
    end = given.end or add_months(span[1], 1)
    start = given.start or add_months(end - timedelta(days=1), -MONTHS_BEFORE)
    check_range(start, end)
    if not 1 <= given.top <= MAX_TOP:
        raise bad("top", f"top must be between 1 and {MAX_TOP}, got {given.top}")
    state = ExplorerState(group_by, given.metric, given.grain, start, end, filters, tags, given.top)
    if given.grain == "day" and len(state.periods(span)) > MAX_DAYS:
        raise bad("grain", f"a daily grain shows at most {MAX_DAYS} days: narrow start and end, or choose month")
    return state


def period_label(period: date, grain: PageGrain) -> str:
    """`2026-08` for a month, `2026-08-05` for a day."""
    return period.isoformat()[:7] if grain == "month" else period.isoformat()
