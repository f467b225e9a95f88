"""A local or mounted folder (a plain path or file://): copied into the mirror like a bucket is downloaded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cloudledger.connectors.base import CHUNK, Download, RemoteObject
from cloudledger.connectors.url import StorageURL
from cloudledger.errors import StorageError


class LocalStore:
    """Keys are paths relative to the folder; size and modification time stand in for the ETag."""

    def __init__(self, url: StorageURL) -> None:
        self.root = Path(url.bucket)

    def list(self, prefix: str) -> Iterator[RemoteObject]:
        base = self.root / prefix if prefix else self.root
        for folder, dirs, names in os.walk(base):
            dirs.sort()
            for name in sorted(names):
                path = Path(folder, name)
                stat = path.stat()
                key = path.relative_to(self.root).as_posix()
                modified = datetime.fromtimestamp(stat.st_mtime, UTC)
                yield RemoteObject(key, stat.st_size, f"{stat.st_size}-{stat.st_mtime_ns}", None, modified)

    def open(self, obj: RemoteObject) -> Download:
        try:
            handle = (self.root / obj.key).open("rb")
        except OSError as exc:
            raise StorageError(f"cannot read {self.root / obj.key}: {exc.strerror}") from exc
        return Download(_chunks(handle), None)


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    with stream:
        while chunk := stream.read(CHUNK):
            yield chunk
