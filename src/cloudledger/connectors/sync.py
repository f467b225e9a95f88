"""Mirror a storage URL's current deliveries into the home: manifests first, then only new or changed data files.

The mirror keeps the provider's folder layout (`<home>/downloads/<scheme>/<bucket>[/<container>]/<key>`), so
that an ingest of it resolves deliveries as it does for any local folder. Data files a newer delivery
supersedes are not downloaded, and their earlier copies are removed from the mirror.
"""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cloudledger.connectors import open_store, parse_url
from cloudledger.connectors.base import ByteCallback, RemoteObject, Store, fetch_verified
from cloudledger.connectors.layouts import Plan, is_data_key, is_manifest_key, plan
from cloudledger.connectors.state import SyncedObject, SyncedObjects
from cloudledger.connectors.url import StorageURL
from cloudledger.home import Home
from cloudledger.ledger.state import StateDB
from cloudledger.sources.deliveries import json_object

DOWNLOADS = "downloads"


@dataclass
class Hooks:
    """Progress callbacks: the downloads about to start (files, bytes), bytes received, each file finished."""

    start: Callable[[int, int], None] = lambda files, size: None
    advance: ByteCallback = lambda size: None
    finished: Callable[[RemoteObject], None] = lambda obj: None


@dataclass
class SyncResult:
    """What a sync found and did."""

    url: StorageURL
    folder: Path
    """The mirror of the URL's prefix: what the ingest reads."""
    fetch: list[RemoteObject] = field(default_factory=list)
    """Data files new or changed (downloaded, or to download on a dry run)."""
    changed: set[str] = field(default_factory=set)
    """Keys in `fetch` downloaded before, whose object has changed since."""
    manifests: list[RemoteObject] = field(default_factory=list)
    """Manifests new or changed (downloaded even on a dry run, into a temporary folder)."""
    unchanged: list[RemoteObject] = field(default_factory=list)
    superseded: list[RemoteObject] = field(default_factory=list)
    removed: list[SyncedObject] = field(default_factory=list)
    """Earlier copies of data files no longer current (removed from the mirror, or to remove on a dry run)."""
    ignored: list[RemoteObject] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    """Folders of deliveries whose manifest names files not yet in storage (left alone until whole)."""

    @property
    def fetched_bytes(self) -> int:
        return sum(o.size for o in self.fetch)


def local_path(mirror: Path, key: str) -> Path | None:
    """Where a key lands in the mirror; None for keys that cannot be a relative path (`..`, `//`)."""
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return mirror.joinpath(*parts)


@contextmanager
def sync_lock(home: Home) -> Iterator[None]:
    """One sync at a time per home."""
    home.ensure()
    with (home.root / "sync.lock").open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync(home: Home, text: str, *, dry_run: bool = False, hooks: Hooks | None = None) -> SyncResult:
    """List the URL, fetch the manifests, then download what the current deliveries hold that is new."""
    url = parse_url(text)
    hooks = hooks or Hooks()
    mirror = url.mirror(home.root / DOWNLOADS)
    store = open_store(url)
    with sync_lock(home):
        state = StateDB(home.state_db_url)
        try:
            remembered = SyncedObjects(state.engine, url.text)
            return _sync(store, url, mirror, remembered, dry_run, hooks)
        finally:
            state.dispose()


def _sync(
    store: Store, url: StorageURL, mirror: Path, remembered: SyncedObjects, dry_run: bool, hooks: Hooks
) -> SyncResult:
    result = SyncResult(url, mirror.joinpath(*url.prefix.split("/")[:-1]) if url.prefix else mirror)
    listing: list[RemoteObject] = []
    for obj in store.list(url.prefix):
        (listing if local_path(mirror, obj.key) else result.ignored).append(obj)
    known = remembered.all()
    if not dry_run:
        _clear_partial(mirror)
    docs = _manifests(store, mirror, remembered, known, listing, dry_run, result)
    layout = plan(listing, docs)
    _classify(layout, known, result)
    if dry_run:
        return result
    hooks.start(len(result.fetch), result.fetched_bytes)
    for obj in result.fetch:
        _download(store, mirror, remembered, obj, hooks.advance)
        hooks.finished(obj)
    for gone in result.removed:
        if mirror in gone.local_path.parents:
            gone.local_path.unlink(missing_ok=True)
            _prune(gone.local_path.parent, mirror)
    remembered.forget(g.key for g in result.removed)
    return result


def _classify(layout: Plan, known: Mapping[str, SyncedObject], result: SyncResult) -> None:
    for obj in layout.wanted:
        record = known.get(obj.key)
        if record is not None and record.matches(obj):
            result.unchanged.append(obj)
            continue
        result.fetch.append(obj)
        if record is not None:
            result.changed.add(obj.key)
    result.superseded = layout.superseded
    result.ignored += layout.ignored
    result.incomplete = sorted(layout.incomplete)
    result.removed = [r for key, r in sorted(known.items()) if is_data_key(key) and layout.is_stale(key)]


def _download(store: Store, mirror: Path, remembered: SyncedObjects, obj: RemoteObject, on_bytes: ByteCallback) -> None:
    dest = local_path(mirror, obj.key)
    assert dest is not None, "keys that are not relative paths are ignored before"
    md5 = fetch_verified(store, obj, dest, on_bytes)
    remembered.record(obj, dest, md5)


def _manifests(
    store: Store,
    mirror: Path,
    remembered: SyncedObjects,
    known: Mapping[str, SyncedObject],
    listing: Sequence[RemoteObject],
    dry_run: bool,
    result: SyncResult,
) -> dict[str, dict[str, Any] | None]:
    """Each manifest's content: the mirrored copy when unchanged, else downloaded first."""
    docs: dict[str, dict[str, Any] | None] = {}
    with tempfile.TemporaryDirectory(prefix="cloudledger-manifests-") as scratch:
        for obj in listing:
            if not is_manifest_key(obj.key):
                continue
            record = known.get(obj.key)
            path = record.local_path if record is not None and record.matches(obj) else None
            if path is None:
                result.manifests.append(obj)
                path = local_path(Path(scratch) if dry_run else mirror, obj.key)
                assert path is not None
                md5 = fetch_verified(store, obj, path)
                if not dry_run:
                    remembered.record(obj, path, md5)
            docs[obj.key] = json_object(path)
    return docs


def _clear_partial(mirror: Path) -> None:
    """Temporary files of downloads that were killed (only one sync runs at a time)."""
    if mirror.is_dir():
        for partial in mirror.rglob(".*.part"):
            partial.unlink(missing_ok=True)


def _prune(folder: Path, mirror: Path) -> None:
    """Remove folders left empty, up to the mirror's root."""
    while folder != mirror and mirror in folder.parents and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
