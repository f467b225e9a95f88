"""Storage URLs: `s3://bucket/prefix`, `azure://account/container/prefix`, `gs://bucket/prefix`, local folders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from cloudledger.errors import StorageError

EXAMPLES = "s3://bucket/prefix, azure://account/container/prefix, gs://bucket/prefix or a local folder"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$")
_ACCOUNT = re.compile(r"^[a-z0-9]{3,24}$")
_CONTAINER = re.compile(r"^(\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9])$")


@dataclass(frozen=True)
class StorageURL:
    """A parsed storage URL: where the deliveries are and where their mirror goes under the home."""

    scheme: str  # s3 | azure | gs | file
    bucket: str
    """The bucket, the Azure storage account, or for local folders the folder itself."""
    container: str | None
    prefix: str
    """Key prefix, without leading slash; ends with '/' unless empty."""

    @property
    def text(self) -> str:
        if self.scheme == "file":
            return f"file://{self.bucket}"
        parts = [self.bucket, self.container or "", self.prefix]
        return f"{self.scheme}://" + "/".join(p.strip("/") for p in parts if p)

    def mirror(self, downloads: Path) -> Path:
        """The folder that mirrors the bucket's keys (the prefix is part of each key)."""
        root = downloads / self.scheme
        if self.scheme == "file":
            return root / self.bucket.lstrip("/")
        return root / self.bucket / self.container if self.container else root / self.bucket


def _prefix(path: str) -> str:
    clean = path.strip("/")
    if any(part in (".", "..") for part in clean.split("/")):
        raise StorageError(f"the prefix {path!r} has '.' or '..' in it; give the folder as it is named in storage")
    return f"{clean}/" if clean else ""


def parse_url(text: str) -> StorageURL:
    """Parse a storage URL, or say what one looks like."""
    split = urlsplit(text)
    scheme = split.scheme.lower()
    if scheme in ("", "file"):
        folder = Path(unquote(split.path) if scheme == "file" else text).expanduser().resolve()
        if not folder.is_dir():
            raise StorageError(f"{folder} is not a folder; sync reads {EXAMPLES}")
        return StorageURL("file", str(PurePosixPath(folder)), None, "")
    if scheme not in ("s3", "azure", "gs"):
        raise StorageError(f"unknown storage URL {text!r}: expected {EXAMPLES}")
    host, path = split.netloc, split.path
    if scheme == "azure":
        return _azure(text, host, path)
    if not _BUCKET.match(host or ""):
        raise StorageError(f"{text!r} does not name a valid bucket: expected {scheme}://bucket/prefix")
    return StorageURL(scheme, host, None, _prefix(path))


def _azure(text: str, account: str, path: str) -> StorageURL:
    container, _, rest = path.lstrip("/").partition("/")
    if not _ACCOUNT.match(account or ""):
        raise StorageError(
            f"{text!r} does not name a valid storage account (3-24 lower-case letters and digits): "
            "expected azure://account/container/prefix"
        )
    if not _CONTAINER.match(container):
        raise StorageError(f"{text!r} does not name a container: expected azure://account/container/prefix")
    return StorageURL("azure", account, container, _prefix(rest))
