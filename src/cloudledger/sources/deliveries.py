"""Provider delivery layouts: pick the newest delivery of each export and period, using the manifests.

Providers re-deliver a month many times. Azure Cost Management writes each run to a new folder with a
`manifest.json` (`runInfo.submittedTime`); AWS Data Exports keeps one folder per billing period and a
`metadata/BILLING_PERIOD=.../*-Manifest.json` listing the current data files. Pointed at a folder that
holds several deliveries, cloudledger ingests the newest one and reports the others as superseded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cloudledger.sources.files import BillingFile


@dataclass(frozen=True)
class Selection:
    """The files to ingest and those a newer delivery (or the manifest) leaves out."""

    files: list[BillingFile]
    superseded: list[BillingFile]


@cache
def _json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


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
        if current and _aws_listed(file) is not False:
            kept.append(file)
        else:
            superseded.append(file)
    _json.cache_clear()
    return Selection(kept, superseded)
