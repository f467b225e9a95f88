"""What sync remembers per storage URL: each object it downloaded, by key, with its ETag, MD5 and size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from cloudledger.connectors.base import RemoteObject
from cloudledger.ledger.state import METADATA

REMOTE_OBJECTS = sa.Table(
    "remote_objects",
    METADATA,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("etag", sa.Text, nullable=False),
    sa.Column("md5", sa.String(32)),
    sa.Column("last_modified", sa.DateTime(timezone=True)),
    sa.Column("local_path", sa.Text, nullable=False),
    sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class SyncedObject:
    """An object as it was when sync last downloaded it, and where its copy is."""

    key: str
    size: int
    etag: str
    md5: str | None
    last_modified: datetime | None
    local_path: Path
    synced_at: datetime

    def matches(self, obj: RemoteObject) -> bool:
        """Whether the remote object is still the one downloaded (and its copy is still there, whole)."""
        same = self.etag == obj.etag and self.size == obj.size and (obj.md5 is None or self.md5 in (None, obj.md5))
        return same and self.local_path.is_file() and self.local_path.stat().st_size == obj.size


class SyncedObjects:
    """The `remote_objects` table for one storage URL."""

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    def all(self) -> dict[str, SyncedObject]:
        query = sa.select(REMOTE_OBJECTS).where(REMOTE_OBJECTS.c.url == self.url)
        with self.engine.connect() as conn:
            return {
                r.key: SyncedObject(r.key, r.size, r.etag, r.md5, r.last_modified, Path(r.local_path), r.synced_at)
                for r in conn.execute(query)
            }

    def record(self, obj: RemoteObject, local_path: Path, md5: str) -> None:
        """Remember a completed download (replacing what was remembered of that key) and its content's MD5."""
        values = {
            "size": obj.size,
            "etag": obj.etag,
            "md5": md5,
            "last_modified": obj.last_modified,
            "local_path": str(local_path),
            "synced_at": datetime.now(UTC),
        }
        with self.engine.begin() as conn:
            conn.execute(self._where(REMOTE_OBJECTS.delete(), [obj.key]))
            conn.execute(REMOTE_OBJECTS.insert().values(url=self.url, key=obj.key, **values))

    def forget(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        with self.engine.begin() as conn:
            for start in range(0, len(keys), 500):
                conn.execute(self._where(REMOTE_OBJECTS.delete(), keys[start : start + 500]))

    def _where(self, statement: sa.Delete, keys: list[str]) -> sa.Delete:
        return statement.where(REMOTE_OBJECTS.c.url == self.url, REMOTE_OBJECTS.c.key.in_(keys))
