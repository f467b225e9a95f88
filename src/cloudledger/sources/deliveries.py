"""Provider delivery layouts: pick the newest delivery of each export and period, using the manifests.

Providers re-deliver a month many times. Azure Cost Management writes each run to a new folder with a
`manifest.json` (`runInfo.submittedTime`); AWS Data Exports keeps one folder per billing period and a
`metadata/BILLING_PERIOD=.../*-Manifest.json` listing the current data files; a legacy AWS Cost and Usage
Report writes each run to `<report>/<YYYYMMDD-YYYYMMDD>/<assemblyId>/` and lists the current run's files
in `<report>/<YYYYMMDD-YYYYMMDD>/<report>-Manifest.json` (`reportKeys`). Pointed at a folder that holds
several deliveries, cloudledger ingests the newest one and reports the others as superseded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cloudledger.errors import InputError
from cloudledger.sources.files import BillingFile

_CUR_PERIOD = re.compile(r"^\d{8}-\d{8}$")


@dataclass(frozen=True)
class Selection:
    """The files to ingest and those a newer delivery (or the manifest) leaves out."""

    files: list[BillingFile]
    superseded: list[BillingFile]


def json_object(path: Path) -> dict[str, Any] | None:
    """A manifest's JSON object, or None when the file is missing, not JSON, or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


_json = cache(json_object)


def _azure_run(file: BillingFile) -> tuple[tuple[str, str, str], str] | None:
    """(export, period start, period end) and the run's submitted time, from the run folder's manifest."""
    manifest = _json(file.path.parent / "manifest.json")
    if not manifest or "runInfo" not in manifest or "exportConfig" not in manifest:
        return None
    run, config = manifest["runInfo"], manifest["exportConfig"]
    key = (str(config.get("exportName")), str(run.get("startDate")), str(run.get("endDate")))
    return key, str(run.get("submittedTime", ""))


def _aws_listed(file: BillingFile) -> bool | None:
    """Whether the AWS manifest of the file's billing period lists it (None: no AWS manifest)."""
    period = file.path.parent
    if not period.name.startswith("BILLING_PERIOD=") or period.parent.name != "data":
        return None
    export = period.parent.parent
    manifests = sorted((export / "metadata" / period.name).glob("*Manifest.json"))
    listed: set[str] = set()
    for path in manifests:
        manifest = _json(path)
        if manifest and isinstance(manifest.get("dataFiles"), list):
            listed.update(str(uri).rsplit("/", 1)[-1] for uri in manifest["dataFiles"])
    if not manifests or not listed:
        return None
    return file.path.name in listed


@dataclass(frozen=True)
class CurDelivery:
    """Where a legacy CUR data file sits: its billing period folder, report name and period manifest."""

    period: Path
    report: str
    relative: str
    """The file's path below the period folder (`<assemblyId>/<report>-1.csv.gz`)."""

    @property
    def manifest_path(self) -> Path:
        return self.period / f"{self.report}-Manifest.json"


def cur_delivery(path: Path) -> CurDelivery | None:
    """The legacy CUR delivery a file belongs to, from its place in the layout (None outside one)."""
    for period in (path.parent, path.parent.parent):
        report = period.parent.name
        if _CUR_PERIOD.match(period.name) and report and path.name.startswith(f"{report}-"):
            return CurDelivery(period, report, path.relative_to(period).as_posix())
    return None


def cur_manifest(path: Path, *, cached: bool = True) -> dict[str, Any] | None:
    """The period manifest of a legacy CUR file in its delivery layout; None for a file outside one.

    A file in the layout without its manifest, or with one that cannot be read, is an error."""
    delivery = cur_delivery(path)
    if delivery is None:
        return None
    manifest = (_json if cached else _json.__wrapped__)(delivery.manifest_path)
    if manifest is None or not isinstance(manifest.get("reportKeys"), list):
        found = "cannot be read as a CUR manifest" if delivery.manifest_path.exists() else "is missing"
        raise InputError(
            f"this Cost and Usage Report file sits in a CUR delivery folder, but the billing period's manifest "
            f"{delivery.manifest_path} {found}; without it cloudledger cannot tell the current delivery from "
            "superseded ones. Copy the whole report folder, manifests included",
            file=str(path),
        )
    return manifest


def _cur_listed(file: BillingFile) -> bool | None:
    """Whether the CUR period manifest lists the file (None: not in a legacy CUR delivery layout)."""
    manifest = cur_manifest(file.path)
    if manifest is None:
        return None
    delivery = cur_delivery(file.path)
    assert delivery is not None
    tails = {str(key).split(f"/{delivery.period.name}/", 1)[-1] for key in manifest["reportKeys"]}
    return delivery.relative in tails


def select_deliveries(files: Sequence[BillingFile]) -> Selection:
    """Keep the newest Azure run per export and period and only the data files AWS manifests list."""
    newest: dict[tuple[str, str, str], str] = {}
    runs: dict[BillingFile, tuple[tuple[str, str, str], str]] = {}
    for file in files:
        run = _azure_run(file)
        if run is not None:
            runs[file] = run
            key, submitted = run
            newest[key] = max(newest.get(key, ""), submitted)
    kept: list[BillingFile] = []
    superseded: list[BillingFile] = []
    for file in files:
        run = runs.get(file)
        current = run is None or run[1] == newest[run[0]]
        if current and _aws_listed(file) is not False and _cur_listed(file) is not False:
            kept.append(file)
        else:
            superseded.append(file)
    _json.cache_clear()
    return Selection(kept, superseded)
