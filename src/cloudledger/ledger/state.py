"""The state database (SQLite by default): the ingest log, with file checksums and totals per slice."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from cloudledger.sources.native import NativeTotal
from cloudledger.sources.normalize import SliceKey

METADATA = sa.MetaData()

INGESTS = sa.Table(
    "ingests",
    METADATA,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.String(16), nullable=False),  # running | landed | failed | interrupted | unchanged
    sa.Column("pid", sa.Integer),
    sa.Column("delta_version", sa.Integer),
    sa.Column("files", sa.Integer, nullable=False, default=0),
    sa.Column("rows", sa.Integer, nullable=False, default=0),
    sa.Column("message", sa.Text),
)
INGEST_FILES = sa.Table(
    "ingest_files",
    METADATA,
    sa.Column("ingest_id", sa.ForeignKey("ingests.id"), nullable=False, index=True),
    sa.Column("path", sa.Text, nullable=False, index=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("source", sa.String(64)),
    sa.Column("rows", sa.Integer),
    sa.Column("action", sa.String(16), nullable=False),  # read | unchanged
)
INGEST_SLICES = sa.Table(
    "ingest_slices",
    METADATA,
    sa.Column("ingest_id", sa.ForeignKey("ingests.id"), nullable=False, index=True),
    sa.Column("billing_period", sa.String(7), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("billing_account", sa.Text, nullable=False),
    sa.Column("currency", sa.String(16)),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("billed_cost", sa.String(60), nullable=False),
    sa.Column("effective_cost", sa.String(60), nullable=False),
    sa.Column("list_cost", sa.String(60), nullable=False),
    sa.Column("contracted_cost", sa.String(60), nullable=False),
)
INGEST_NATIVE_TOTALS = sa.Table(
    "ingest_native_totals",
    METADATA,
    sa.Column("ingest_id", sa.ForeignKey("ingests.id"), nullable=False, index=True),
    sa.Column("billing_period", sa.String(7), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("billing_account", sa.Text, nullable=False),
    sa.Column("currency", sa.String(16), nullable=False),
    sa.Column("metric", sa.String(64), nullable=False),
    sa.Column("native_column", sa.Text, nullable=False),
    sa.Column("amount", sa.String(60), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
)


@dataclass(frozen=True)
class SliceTotals:
    """Rows and exact totals of one (billing period, source, billing account) slice."""

    billing_period: str
    source: str
    billing_account: str
    currency: str | None
    rows: int
    billed_cost: Decimal
    effective_cost: Decimal
    list_cost: Decimal
    contracted_cost: Decimal

    @property
    def key(self) -> SliceKey:
        return (self.billing_period, self.source, self.billing_account)


@dataclass(frozen=True)
class FileRecord:
    path: str
    sha256: str
    size: int
    source: str | None
    rows: int | None
    action: str


@dataclass(frozen=True)
class IngestRecord:
    id: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    delta_version: int | None
    files: int
    rows: int
    message: str | None


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is current)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.begin() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _now() -> datetime:
    return datetime.now(UTC)


class StateDB:
    """Access to the state database; safe for several processes (SQLite WAL)."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)
        if url.startswith("sqlite"):
            with self.engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        migrate(self.engine)

    def start_ingest(self, ingest_id: str, files: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                INGESTS.insert().values(
                    id=ingest_id, started_at=_now(), status="running", pid=os.getpid(), files=files, rows=0
                )
            )

    def record_plan(
        self,
        ingest_id: str,
        files: Sequence[FileRecord],
        slices: Iterable[SliceTotals],
        rows: int,
        native: Iterable[NativeTotal] = (),
    ) -> None:
        """What the ingest is about to commit, written before the Delta commit (kept if it crashes)."""
        native_rows = [{"ingest_id": ingest_id, **vars(t), "amount": str(t.amount)} for t in native]
        with self.engine.begin() as conn:
            if native_rows:
                conn.execute(INGEST_NATIVE_TOTALS.insert(), native_rows)
            if files:
                conn.execute(INGEST_FILES.insert(), [{"ingest_id": ingest_id, **vars(f)} for f in files])
            slice_rows = [
                {
                    "ingest_id": ingest_id,
                    "billing_period": s.billing_period,
                    "source": s.source,
                    "billing_account": s.billing_account,
                    "currency": s.currency,
                    "rows": s.rows,
                    "billed_cost": str(s.billed_cost),
                    "effective_cost": str(s.effective_cost),
                    "list_cost": str(s.list_cost),
                    "contracted_cost": str(s.contracted_cost),
                }
                for s in slices
            ]
            if slice_rows:
                conn.execute(INGEST_SLICES.insert(), slice_rows)
            conn.execute(INGESTS.update().where(INGESTS.c.id == ingest_id).values(rows=rows))

    def finish_ingest(
        self, ingest_id: str, status: str, *, delta_version: int | None = None, message: str | None = None
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                INGESTS.update()
                .where(INGESTS.c.id == ingest_id)
                .values(status=status, ended_at=_now(), delta_version=delta_version, message=message)
            )

    def running_ingests(self) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(INGESTS.c.id).where(INGESTS.c.status == "running"))
            return [r.id for r in rows]

    def landed_file(self, path: str) -> FileRecord | None:
        """The file as it was last read by a landed ingest."""
        query = (
            sa.select(INGEST_FILES)
            .join(INGESTS, INGESTS.c.id == INGEST_FILES.c.ingest_id)
            .where(INGEST_FILES.c.path == path, INGESTS.c.status == "landed", INGEST_FILES.c.action == "read")
            .order_by(INGESTS.c.started_at.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return FileRecord(row.path, row.sha256, row.size, row.source, row.rows, row.action)

    def ingests(self, limit: int | None = None) -> list[IngestRecord]:
        return self._ingests(sa.select(INGESTS).order_by(INGESTS.c.started_at.desc()).limit(limit))

    def ingest(self, ingest_id: str) -> IngestRecord | None:
        found = self._ingests(sa.select(INGESTS).where(INGESTS.c.id == ingest_id))
        return found[0] if found else None

    def _ingests(self, query: sa.Select[Any]) -> list[IngestRecord]:
        with self.engine.connect() as conn:
            return [
                IngestRecord(r.id, r.started_at, r.ended_at, r.status, r.delta_version, r.files, r.rows, r.message)
                for r in conn.execute(query)
            ]

    def slices(self, ingest_id: str) -> list[SliceTotals]:
        query = sa.select(INGEST_SLICES).where(INGEST_SLICES.c.ingest_id == ingest_id)
        with self.engine.connect() as conn:
            return [
                SliceTotals(
                    r.billing_period,
                    r.source,
                    r.billing_account,
                    r.currency,
                    r.rows,
                    Decimal(r.billed_cost),
                    Decimal(r.effective_cost),
                    Decimal(r.list_cost),
                    Decimal(r.contracted_cost),
                )
                for r in conn.execute(query)
            ]

    def native_totals(self, ingest_id: str) -> list[NativeTotal]:
        """The native cost-column totals an ingest recorded, per slice, currency and metric."""
        table = INGEST_NATIVE_TOTALS
        query = sa.select(table).where(table.c.ingest_id == ingest_id)
        with self.engine.connect() as conn:
            return [
                NativeTotal(
                    r.billing_period,
                    r.source,
                    r.billing_account,
                    r.currency,
                    r.metric,
                    r.native_column,
                    Decimal(r.amount),
                    r.rows,
                )
                for r in conn.execute(query)
            ]

    def slice_writers(self, max_version: int | None = None) -> dict[SliceKey, str]:
        """For each slice, the landed ingest that last wrote it (up to ledger version `max_version`)."""
        query = (
            sa.select(
                INGEST_SLICES.c.billing_period, INGEST_SLICES.c.source, INGEST_SLICES.c.billing_account, INGESTS.c.id
            )
            .join(INGESTS, INGESTS.c.id == INGEST_SLICES.c.ingest_id)
            .where(INGESTS.c.status == "landed", INGESTS.c.delta_version.is_not(None))
            .order_by(INGESTS.c.delta_version)
        )
        if max_version is not None:
            query = query.where(INGESTS.c.delta_version <= max_version)
        writers: dict[SliceKey, str] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                writers[(row.billing_period, row.source, row.billing_account)] = row.id
        return writers

    def files(self, ingest_id: str) -> list[FileRecord]:
        query = sa.select(INGEST_FILES).where(INGEST_FILES.c.ingest_id == ingest_id)
        with self.engine.connect() as conn:
            return [FileRecord(r.path, r.sha256, r.size, r.source, r.rows, r.action) for r in conn.execute(query)]

    def dispose(self) -> None:
        self.engine.dispose()
