"""Business metrics in the state database: one value per metric, dimension (team, product...) and day or month.

Values are stored as exact decimal text. A metric has one grain (`day` or `month`) across everything stored;
loading a point again replaces its value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any, Literal

import sqlalchemy as sa

from cloudledger.errors import InputError, QueryError
from cloudledger.home import Home
from cloudledger.ledger.state import METADATA, StateDB

Grain = Literal["day", "month"]
GRAINS: tuple[Grain, ...] = ("day", "month")
ADJECTIVE: dict[str, str] = {"day": "daily", "month": "monthly"}
Key = tuple[str, str, dt.date]
_CHUNK = 500

BUSINESS_METRICS = sa.Table(
    "business_metrics",
    METADATA,
    sa.Column("metric", sa.Text, primary_key=True),
    sa.Column("dimension", sa.Text, primary_key=True, server_default=""),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("grain", sa.String(5), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source_file", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class MetricPoint:
    """One value of a business metric: on a day, or for a month (then `date` is the month's first day)."""

    metric: str
    date: dt.date
    value: Decimal
    dimension: str = ""
    """A team, product or region the value belongs to; empty for the metric as a whole."""
    grain: Grain = "day"

    @property
    def key(self) -> Key:
        return (self.metric, self.dimension, self.date)


@dataclass(frozen=True)
class LoadResult:
    """What one load wrote: `inserted` new points and `replaced` points that were already stored."""

    source_file: str
    inserted: int
    replaced: int
    metrics: tuple[str, ...]

    @property
    def points(self) -> int:
        return self.inserted + self.replaced


@dataclass(frozen=True)
class MetricSummary:
    """A stored metric: its dimensions ('' = the metric as a whole), date range, grain and number of points."""

    name: str
    dimensions: tuple[str, ...]
    first_date: dt.date
    last_date: dt.date
    grain: Grain
    points: int


def check_points(points: Sequence[MetricPoint], source_file: str) -> None:
    """Reject points that cannot be stored: no metric name, unknown grain, a month not on its first day,
    a value that is not a finite number, one key twice, or one metric in two grains."""
    seen: dict[Key, int] = {}
    grains: dict[str, Grain] = {}
    for number, point in enumerate(points, start=1):
        problem = _problem(point, seen.get(point.key), grains.setdefault(point.metric, point.grain))
        if problem:
            raise InputError(f"point {number}: {problem}", file=source_file)
        seen[point.key] = number


def _problem(point: MetricPoint, earlier: int | None, grain: Grain) -> str | None:
    if not point.metric.strip():
        return "the metric name is empty"
    if point.grain not in GRAINS:
        return f"grain {point.grain!r} is neither 'day' nor 'month'"
    if point.grain == "month" and point.date.day != 1:
        return f"a monthly value is dated {point.date}; date it on the month's first day"
    if not isinstance(point.value, Decimal) or not point.value.is_finite():
        return f"{point.value!r} is not a finite decimal number"
    if earlier is not None:
        return f"{point.metric} {point.dimension!r} {point.date} is also point {earlier}"
    if point.grain != grain:
        return f"{point.metric} mixes daily and monthly values; give one metric one grain"
    return None


class MetricsStore:
    """The `business_metrics` table of a state database (migrated by whoever created the engine)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def load(self, points: Sequence[MetricPoint], source_file: str) -> LoadResult:
        """Store `points` in one transaction, replacing stored values of the same metric, dimension and date.

        Nothing is written when a point is invalid or a metric is stored with another grain."""
        check_points(points, source_file)
        with self.engine.begin() as conn:
            self._check_grains(conn, points, source_file)
            existing = self._existing(conn, points)
            self._delete(conn, points)
            now = dt.datetime.now(dt.UTC)
            for start in range(0, len(points), _CHUNK):
                rows = [_row(p, now, source_file) for p in points[start : start + _CHUNK]]
                conn.execute(BUSINESS_METRICS.insert(), rows)
        metrics = tuple(sorted({p.metric for p in points}))
        return LoadResult(source_file, len(points) - existing, existing, metrics)

    def points(
        self, metric: str | None = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[MetricPoint]:
        """Stored points ordered by metric, dimension and date; `start` and `end` are inclusive.

        Raises QueryError when `metric` is not stored at all (as opposed to having no point in the range)."""
        table = BUSINESS_METRICS
        query = sa.select(table).order_by(table.c.metric, table.c.dimension, table.c.date)
        if metric is not None:
            self._require(metric)
            query = query.where(table.c.metric == metric)
        if start is not None:
            query = query.where(table.c.date >= start)
        if end is not None:
            query = query.where(table.c.date <= end)
        with self.engine.connect() as conn:
            return [MetricPoint(r.metric, r.date, Decimal(r.value), r.dimension, r.grain) for r in conn.execute(query)]

    def metrics(self) -> list[MetricSummary]:
        """One summary per stored metric, by name."""
        table = BUSINESS_METRICS
        query = (
            sa.select(
                table.c.metric,
                table.c.dimension,
                table.c.grain,
                sa.func.min(table.c.date).label("first"),
                sa.func.max(table.c.date).label("last"),
                sa.func.count().label("points"),
            )
            .group_by(table.c.metric, table.c.dimension, table.c.grain)
            .order_by(table.c.metric, table.c.dimension)
        )
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
        return [_summary(name, list(group)) for name, group in groupby(rows, key=lambda r: r.metric)]

    def delete(self, metric: str) -> int:
        """Remove every point of `metric` (to load it again in another grain); returns how many were removed."""
        self._require(metric)
        with self.engine.begin() as conn:
            return conn.execute(BUSINESS_METRICS.delete().where(BUSINESS_METRICS.c.metric == metric)).rowcount

    def dispose(self) -> None:
        self.engine.dispose()

    def _require(self, metric: str) -> None:
        query = sa.select(BUSINESS_METRICS.c.metric).distinct().order_by(BUSINESS_METRICS.c.metric)
        with self.engine.connect() as conn:
            known = [r.metric for r in conn.execute(query)]
        if metric not in known:
            listed = ", ".join(known) if known else "none yet; load a metrics CSV first"
            raise QueryError(f"no business metric named {metric!r}; stored metrics: {listed}")

    @staticmethod
    def _check_grains(conn: sa.Connection, points: Sequence[MetricPoint], source_file: str) -> None:
        grains = {p.metric: p.grain for p in points}
        query = (
            sa.select(BUSINESS_METRICS.c.metric, BUSINESS_METRICS.c.grain)
            .where(BUSINESS_METRICS.c.metric.in_(sorted(grains)))
            .distinct()
        )
        for row in conn.execute(query):
            if row.grain != grains[row.metric]:
                raise InputError(
                    f"{row.metric} is stored with {ADJECTIVE[row.grain]} values and this file has "
                    f"{ADJECTIVE[grains[row.metric]]} "
                    f"ones; give one metric one grain (or delete the stored {row.metric} first)",
                    file=source_file,
                )

    @staticmethod
    def _existing(conn: sa.Connection, points: Sequence[MetricPoint]) -> int:
        return sum(len(list(conn.execute(_matching(sa.select(BUSINESS_METRICS.c.date), c)))) for c in _chunks(points))

    @staticmethod
    def _delete(conn: sa.Connection, points: Sequence[MetricPoint]) -> None:
        for chunk in _chunks(points):
            conn.execute(_matching(BUSINESS_METRICS.delete(), chunk))


def _chunks(points: Sequence[MetricPoint]) -> Iterable[tuple[str, str, list[dt.date]]]:
    """(metric, dimension, dates) groups of at most _CHUNK dates, for statements bound to few parameters."""
    by_series: dict[tuple[str, str], list[dt.date]] = {}
    for point in points:
        by_series.setdefault((point.metric, point.dimension), []).append(point.date)
    for (metric, dimension), dates in by_series.items():
        for start in range(0, len(dates), _CHUNK):
            yield metric, dimension, dates[start : start + _CHUNK]


def _matching(statement: Any, chunk: tuple[str, str, list[dt.date]]) -> Any:
    metric, dimension, dates = chunk
    table = BUSINESS_METRICS
    return statement.where(table.c.metric == metric, table.c.dimension == dimension, table.c.date.in_(dates))


def _row(point: MetricPoint, now: dt.datetime, source_file: str) -> dict[str, object]:
    return {
        "metric": point.metric,
        "dimension": point.dimension,
        "date": point.date,
        "grain": point.grain,
        "value": str(point.value),
        "loaded_at": now,
        "source_file": source_file,
    }


def _summary(name: str, rows: list[sa.Row[Any]]) -> MetricSummary:
    return MetricSummary(
        name=name,
        dimensions=tuple(r.dimension for r in rows),
        first_date=min(r.first for r in rows),
        last_date=max(r.last for r in rows),
        grain=rows[0].grain,
        points=sum(r.points for r in rows),
    )


def open_metrics(home: Home) -> MetricsStore:
    """The metrics store of `home`'s state database, created or migrated to the newest schema first.

    Call `dispose()` on it when done."""
    return MetricsStore(StateDB(home.ensure().state_db_url).engine)
