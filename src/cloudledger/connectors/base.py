"""What every storage connector provides: a listing of objects and their bytes, checked before they land."""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Protocol

from cloudledger.errors import StorageError

CHUNK = 1024 * 1024
ByteCallback = Callable[[int], None]


@dataclass(frozen=True)
class RemoteObject:
    """One object of a listing: its key (relative to the bucket or container) and what identifies its content."""

    key: str
    size: int
    etag: str
    md5: str | None
    """Hex MD5 of the content, when the provider states it (None for multipart or encrypted objects)."""
    last_modified: datetime | None

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Download:
    """An object's bytes as they arrive, and the MD5 the provider stated for this very response, if any."""

    chunks: Iterator[bytes]
    md5: str | None


class Store(Protocol):
    """A bucket (or container, or folder) that holds a provider's deliveries."""

    def list(self, prefix: str) -> Iterator[RemoteObject]:
        """Every object whose key starts with `prefix`."""
        ...

    def open(self, obj: RemoteObject) -> Download:
        """Stream one object's content."""
        ...


def require(module: str, extra: str, scheme: str) -> ModuleType:
    """Import an optional SDK, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise StorageError(
            f"{scheme}:// URLs need the {module} package, which is not installed: pip install 'cloudledger[{extra}]'"
        ) from exc


def md5_from_base64(value: str | bytes | bytearray | None) -> str | None:
    """Providers state MD5 as base64 (GCS, Azure headers); cloudledger keeps it as hex."""
    if not value:
        return None
    raw = base64.b64decode(value) if isinstance(value, str) else bytes(value)
    return raw.hex() if len(raw) == 16 else None


def md5_from_etag(etag: str) -> str | None:
    """An S3 ETag is the content's MD5 unless the object was uploaded in parts (`...-N`)."""
    value = etag.strip('"').lower()
    return value if len(value) == 32 and all(c in "0123456789abcdef" for c in value) else None


def fetch_verified(store: Store, obj: RemoteObject, dest: Path, on_bytes: ByteCallback | None = None) -> str:
    """Download into a temporary file beside `dest`; rename it into place only if size and MD5 match.

    Returns the MD5 (hex) of what landed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        digest = hashlib.md5(usedforsecurity=False)
        size = 0
        with os.fdopen(handle, "wb") as out:
            download = store.open(obj)
            for chunk in download.chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if on_bytes:
                    on_bytes(len(chunk))
        md5 = digest.hexdigest()
        _check(obj, size, md5, download.md5 or obj.md5)
        tmp.replace(dest)
        return md5
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check(obj: RemoteObject, size: int, md5: str, expected_md5: str | None) -> None:
    if size != obj.size:
        raise StorageError(
            f"download of {obj.key} was incomplete or the object changed while it was read "
            f"({size:,} bytes received, {obj.size:,} listed); nothing was kept, sync again"
        )
    if expected_md5 is not None and md5 != expected_md5:
        raise StorageError(
            f"download of {obj.key} does not match its MD5 ({md5} received, {expected_md5} stated); "
            "nothing was kept, sync again"
        )
