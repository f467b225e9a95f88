"""Providers' delivery layouts, read from a listing and the manifests: which data files are current.

Each manifest describes one delivery of one export and period; a newer delivery of the same export and period
replaces the older one. A delivery's *scope* is the folder every delivery of that export and period writes
under; a data file in a scope that the current delivery does not name is superseded.

- AWS legacy CUR: `<report>/<YYYYMMDD-YYYYMMDD>/<report>-Manifest.json` names the current `assemblyId` and its
  `reportKeys`; the scope is the period folder (older assemblies are subfolders of it).
- AWS Data Exports (CUR 2.0, FOCUS): `<export>/metadata/BILLING_PERIOD=P/...Manifest.json` lists `dataFiles`;
  the scope is `<export>/data/BILLING_PERIOD=P/`; the newest manifest (`deliveryTime`) wins.
- Azure Cost Management exports: `<export>/<YYYYMMDD-YYYYMMDD>/<runId>/manifest.json` with
  `runInfo.submittedTime` and `blobs`; the scope is the period folder; the latest submitted run wins.
- Anything else (Google Cloud partitioned exports, plain folders): every billing file is current.

A delivery whose manifest names files that are not (yet) in the listing is incomplete: nothing in its scope is
downloaded or removed until it is whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cloudledger.connectors.base import RemoteObject
from cloudledger.sources.files import file_kind, is_manifest

_SPAN = re.compile(r"^\d{8}-\d{8}$")


@dataclass(frozen=True)
class Delivery:
    """One delivery of one export and period, as its manifest describes it."""

    scope: str
    """Folder (key prefix ending in '/') every delivery of this export and period writes under."""
    rank: str
    """Orders deliveries of one scope: the greatest is current."""
    manifest: str
    files: frozenset[str]
    """Keys of the data files this delivery consists of (as found in the listing)."""
    missing: tuple[str, ...] = ()
    """Files the manifest names that the listing does not hold."""


@dataclass
class Plan:
    """What is current in a listing, what newer deliveries supersede, and what is not billing data."""

    manifests: list[RemoteObject] = field(default_factory=list)
    wanted: list[RemoteObject] = field(default_factory=list)
    superseded: list[RemoteObject] = field(default_factory=list)
    ignored: list[RemoteObject] = field(default_factory=list)
    current: dict[str, Delivery] = field(default_factory=dict)
    """The current delivery of each scope."""
    incomplete: dict[str, Delivery] = field(default_factory=dict)

    def is_stale(self, key: str) -> bool:
        """Whether a previously downloaded data file is no longer part of its export's current delivery."""
        if is_manifest_key(key):
            return False
        scope = _scope_of(key, self.current)
        return scope is not None and key not in self.current[scope].files


def is_manifest_key(key: str) -> bool:
    return is_manifest(Path(key))


def is_data_key(key: str) -> bool:
    """Billing files as a folder ingest reads them (single-document .json files are not)."""
    kind = file_kind(Path(key))
    return kind is not None and kind != "json" and not is_manifest_key(key)


def _folder(key: str) -> str:
    return key.rsplit("/", 1)[0] + "/" if "/" in key else ""


def _scope_of(key: str, scopes: Mapping[str, Delivery]) -> str | None:
    """The longest scope holding `key`."""
    found = [s for s in scopes if key.startswith(s)]
    return max(found, key=len) if found else None


def _match(names: Sequence[str], under: str, keys: set[str], anchor: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Keys of the files a manifest names: the exact key, else the key under `under` ending like the name.

    `anchor` is the folder name from which a manifest's path is compared when the bucket or prefix differs
    (deliveries copied elsewhere keep their layout below the export folder)."""
    found: set[str] = set()
    missing: list[str] = []
    for name in names:
        key = re.sub(r"^[a-z0-9]+://[^/]+/", "", str(name))
        if key in keys:
            found.add(key)
            continue
        tail = key[key.find(anchor) :] if anchor and anchor in key else key.rsplit("/", 1)[-1]
        candidates = [k for k in keys if k.startswith(under) and (k.endswith("/" + tail) or k == under + tail)]
        if len(candidates) == 1:
            found.add(candidates[0])
        else:
            missing.append(key)
    return frozenset(found), tuple(missing)


def _cur(key: str, doc: Mapping[str, Any], obj: RemoteObject, keys: set[str]) -> Delivery | None:
    folder = _folder(key)
    if not _SPAN.match(PurePosixPath(folder).name) or not isinstance(doc.get("reportKeys"), list):
        return None
    span = PurePosixPath(folder).name + "/"
    files, missing = _match(doc["reportKeys"], folder, keys, span)
    rank = obj.last_modified.isoformat() if obj.last_modified else ""
    return Delivery(folder, f"{rank}|{doc.get('assemblyId', '')}", key, files, missing)


def _data_exports(key: str, doc: Mapping[str, Any], obj: RemoteObject, keys: set[str]) -> Delivery | None:
    found = re.match(r"^((?:.*/)?)metadata/(BILLING_PERIOD=[^/]+)/", key)
    if found is None or not isinstance(doc.get("dataFiles"), list):
        return None
    root, period = found.groups()
    scope = f"{root}data/{period}/"
    files, missing = _match(doc["dataFiles"], scope, keys, f"data/{period}/")
    modified = obj.last_modified.isoformat() if obj.last_modified else ""
    return Delivery(scope, f"{doc.get('deliveryTime', '')}|{modified}", key, files, missing)


def _azure(key: str, doc: Mapping[str, Any], obj: RemoteObject, keys: set[str]) -> Delivery | None:
    run, config = doc.get("runInfo"), doc.get("exportConfig")
    if not isinstance(run, dict) or not isinstance(config, dict):
        return None
    run_folder = _folder(key)
    scope = _folder(run_folder.rstrip("/"))
    if not scope:
        return None
    blobs = doc.get("blobs")
    if isinstance(blobs, list) and blobs:
        names = [str(b.get("blobName", "")) for b in blobs if isinstance(b, dict)]
        files, missing = _match(names, run_folder, keys, "")
    else:
        files, missing = frozenset(k for k in keys if k.startswith(run_folder) and is_data_key(k)), ()
    return Delivery(scope, f"{run.get('submittedTime', '')}|{key}", key, files, missing)


READERS = (_azure, _data_exports, _cur)
"""Each reads one kind of manifest into a Delivery, or returns None when the manifest is not of its kind."""


def deliveries(listing: Sequence[RemoteObject], manifests: Mapping[str, Mapping[str, Any] | None]) -> list[Delivery]:
    """Every delivery the manifests describe."""
    keys = {o.key for o in listing if is_data_key(o.key)}
    by_key = {o.key: o for o in listing}
    found: list[Delivery] = []
    for key, doc in sorted(manifests.items()):
        if not doc or key not in by_key:
            continue
        for reader in READERS:
            delivery = reader(key, doc, by_key[key], keys)
            if delivery is not None:
                found.append(delivery)
                break
    return found


def plan(listing: Sequence[RemoteObject], manifests: Mapping[str, Mapping[str, Any] | None]) -> Plan:
    """Split a listing into manifests, current data files, superseded data files and other objects."""
    result = Plan()
    for delivery in deliveries(listing, manifests):
        best = result.current.get(delivery.scope)
        if best is None or delivery.rank > best.rank:
            result.current[delivery.scope] = delivery
    for scope, delivery in list(result.current.items()):
        if delivery.missing:
            result.incomplete[scope] = result.current.pop(scope)
    for obj in listing:
        if is_manifest_key(obj.key):
            result.manifests.append(obj)
        elif not is_data_key(obj.key):
            result.ignored.append(obj)
        elif _scope_of(obj.key, result.incomplete) is not None:
            continue
        elif result.is_stale(obj.key):
            result.superseded.append(obj)
        else:
            result.wanted.append(obj)
    return result
