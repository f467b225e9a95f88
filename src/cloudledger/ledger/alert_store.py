"""Budget alerts in the state database: a crossing is stored the first time it is seen, so evaluating again
(after every ingest) reports only what is new."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa

from cloudledger.analyses.budget_alerts import Crossing
from cloudledger.home import Home
from cloudledger.ledger.state import METADATA, StateDB

BUDGET_ALERTS = sa.Table(
    "budget_alerts",
    METADATA,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("budget", sa.Text, nullable=False),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("threshold", sa.Text, nullable=False),
    sa.Column("amount", sa.Text, nullable=False),
    sa.Column("budgeted", sa.Text, nullable=False),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
)


class AlertStore:
    """The `budget_alerts` table of a state database (migrated by whoever created the engine)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def record(self, found: Sequence[Crossing]) -> list[Crossing]:
        """Store the crossings not stored yet, in one transaction; the new ones, in the order given."""
        now = dt.datetime.now(dt.UTC)
        with self.engine.begin() as conn:
            known = {row[0] for row in conn.execute(sa.select(BUDGET_ALERTS.c.key))}
            new = [c for c in dict((c.key, c) for c in found).values() if c.key not in known]
            if new:
                conn.execute(sa.insert(BUDGET_ALERTS), [_row(c, now) for c in new])
        return new

    def history(self) -> list[tuple[dt.datetime, Crossing]]:
        """Every stored crossing with when it was first seen, newest first."""
        query = sa.select(BUDGET_ALERTS).order_by(BUDGET_ALERTS.c.first_seen.desc(), BUDGET_ALERTS.c.key)
        with self.engine.connect() as conn:
            return [(row.first_seen, _crossing(row)) for row in conn.execute(query)]

    def dispose(self) -> None:
        self.engine.dispose()


def _row(crossing: Crossing, now: dt.datetime) -> dict[str, object]:
    return {
        "key": crossing.key,
        "budget": crossing.budget,
        "scope": crossing.scope,
        "period": crossing.period,
        "currency": crossing.currency,
        "kind": crossing.kind,
        "threshold": str(crossing.threshold),
        "amount": str(crossing.amount),
        "budgeted": str(crossing.budgeted),
        "first_seen": now,
    }


def _crossing(row: sa.Row[tuple[object, ...]]) -> Crossing:
    m = row._mapping
    return Crossing(
        str(m["budget"]),
        str(m["scope"]),
        str(m["period"]),
        str(m["currency"]),
        "forecast" if m["kind"] == "forecast" else "actual",
        Decimal(str(m["threshold"])),
        Decimal(str(m["amount"])),
        Decimal(str(m["budgeted"])),
    )


def open_alerts(home: Home) -> AlertStore:
    """The alert store of `home`'s state database, migrated to the newest schema first (call `dispose()`)."""
    return AlertStore(StateDB(home.ensure().state_db_url).engine)
