"""The record of delivery attempts: one row per alert, channel and attempt, in memory or in the state database."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

import sqlalchemy as sa

from cloudledger.ledger.state import METADATA

Status = Literal["delivered", "failed", "skipped"]

ALERT_DELIVERIES = sa.Table(
    "alert_deliveries",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_key", sa.Text, nullable=False, index=True),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # delivered | failed | skipped
    sa.Column("error", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Attempt:
    """One try to deliver alert `alert_key` to `channel` (1-based `attempt`); `error` says why it failed."""

    alert_key: str
    channel: str
    attempt: int
    status: Status
    error: str | None
    at: datetime


def now() -> datetime:
    return datetime.now(UTC)


class Outbox(Protocol):
    """Where `send` records its attempts and learns which channels already have an alert."""

    def record(self, attempt: Attempt) -> None: ...

    def delivered(self, alert_key: str, channel: str) -> bool: ...

    def attempts(self, alert_key: str | None = None) -> list[Attempt]: ...


class MemoryOutbox:
    """Attempts kept in memory (tests, one-off runs); safe to share between threads."""

    def __init__(self) -> None:
        self._attempts: list[Attempt] = []
        self._lock = threading.Lock()

    def record(self, attempt: Attempt) -> None:
        with self._lock:
            self._attempts.append(attempt)

    def delivered(self, alert_key: str, channel: str) -> bool:
        with self._lock:
            return any(
                a.alert_key == alert_key and a.channel == channel and a.status == "delivered" for a in self._attempts
            )

    def attempts(self, alert_key: str | None = None) -> list[Attempt]:
        with self._lock:
            return [a for a in self._attempts if alert_key is None or a.alert_key == alert_key]


class SqlOutbox:
    """Attempts in the `alert_deliveries` table of a state database (migrated by whoever created the engine)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def record(self, attempt: Attempt) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                ALERT_DELIVERIES.insert().values(
                    alert_key=attempt.alert_key,
                    channel=attempt.channel,
                    attempt=attempt.attempt,
                    status=attempt.status,
                    error=attempt.error,
                    at=attempt.at,
                )
            )

    def delivered(self, alert_key: str, channel: str) -> bool:
        table = ALERT_DELIVERIES
        query = (
            sa.select(table.c.id)
            .where(table.c.alert_key == alert_key, table.c.channel == channel, table.c.status == "delivered")
            .limit(1)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def attempts(self, alert_key: str | None = None) -> list[Attempt]:
        table = ALERT_DELIVERIES
        query = sa.select(table).order_by(table.c.id)
        if alert_key is not None:
            query = query.where(table.c.alert_key == alert_key)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            Attempt(r["alert_key"], r["channel"], r["attempt"], r["status"], r["error"], _aware(r["at"])) for r in rows
        ]


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
