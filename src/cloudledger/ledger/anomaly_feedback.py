"""Anomalies marked as expected, in the state database: a planned migration, a load test, a known month-end job.

A marked anomaly keeps being listed (with its reason) but is no longer sent as an alert. The mark is keyed by the
anomaly's id (series, currency and first day), so it holds on every later run while the anomaly lasts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from cloudledger.analyses.anomalies_model import Anomaly
from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.state import METADATA, StateDB

ANOMALY_FEEDBACK = sa.Table(
    "anomaly_feedback",
    METADATA,
    sa.Column("anomaly_id", sa.String(16), primary_key=True),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("marked_by", sa.Text, nullable=True),
    sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
)
MAX_REASON = 500


@dataclass(frozen=True)
class Expected:
    """Why an anomaly was expected, who said so and when."""

    anomaly_id: str
    scope: str
    currency: str
    start: dt.date
    reason: str
    marked_by: str | None
    marked_at: dt.datetime


class FeedbackStore:
    """The `anomaly_feedback` table of a state database (migrated by whoever created the engine)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def mark_expected(self, anomaly: Anomaly, reason: str, marked_by: str | None = None) -> Expected:
        """Mark `anomaly` as expected for `reason` (replacing an earlier mark of it)."""
        reason = " ".join(reason.split())
        if not reason:
            raise InputError("say why the anomaly was expected: --reason cannot be empty")
        if len(reason) > MAX_REASON:
            raise InputError(f"the reason is {len(reason)} characters long; at most {MAX_REASON} are kept")
        mark = Expected(
            anomaly.id, str(anomaly.scope), anomaly.currency, anomaly.start, reason, marked_by, dt.datetime.now(dt.UTC)
        )
        with self.engine.begin() as conn:
            conn.execute(sa.delete(ANOMALY_FEEDBACK).where(ANOMALY_FEEDBACK.c.anomaly_id == anomaly.id))
            conn.execute(sa.insert(ANOMALY_FEEDBACK).values(**vars(mark)))
        return mark

    def unmark(self, anomaly_id: str) -> bool:
        """Take a mark back; whether there was one."""
        with self.engine.begin() as conn:
            done = conn.execute(sa.delete(ANOMALY_FEEDBACK).where(ANOMALY_FEEDBACK.c.anomaly_id == anomaly_id))
        return bool(done.rowcount)

    def expected(self) -> dict[str, Expected]:
        """Every mark by anomaly id."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(ANOMALY_FEEDBACK)).mappings().all()
        return {row["anomaly_id"]: _expected(row) for row in rows}

    def dispose(self) -> None:
        self.engine.dispose()


def _expected(row: sa.RowMapping) -> Expected:
    at: dt.datetime = row["marked_at"]
    return Expected(
        anomaly_id=row["anomaly_id"],
        scope=row["scope"],
        currency=row["currency"],
        start=row["start"],
        reason=row["reason"],
        marked_by=row["marked_by"],
        marked_at=at if at.tzinfo else at.replace(tzinfo=dt.UTC),  # SQLite returns the stored UTC time naive
    )


def open_feedback(home: Home) -> FeedbackStore:
    """The feedback store of `home`'s state database, migrated to the newest schema first (call `dispose()`)."""
    return FeedbackStore(StateDB(home.ensure().state_db_url).engine)


def read_expected(home: Home) -> dict[str, Expected]:
    """The marks of `home` (none when it has no state database yet), without creating anything."""
    if not home.state_db_path.exists():
        return {}
    store = open_feedback(home)
    try:
        return store.expected()
    finally:
        store.dispose()
