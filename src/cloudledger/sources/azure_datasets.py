"""Which dataset an Azure cost details file is: actual cost, amortized cost, or (from its content) either.

Decided in this order: the export's `manifest.json` beside the file (`exportConfig.type`, e.g.
`ActualCost` / `AmortizedCost` / `Usage`), else an `actual` or `amortized` token in the file name (or in
the names of its three parent folders), else the rows themselves (unused commitment rows or non-zero
commitment-covered usage mean amortized; commitment purchases or zero-cost covered usage mean actual).
A file without commitment rows reads the same in both datasets: it is `None` (either).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.sources.azure_mapping import Mapped

Dataset = Literal["actual", "amortized"]


@dataclass(frozen=True)
class Manifest:
    """What an Azure export's manifest.json says about its run."""

    dataset: Dataset | None
    submitted: str | None


def _dataset_word(text: str) -> Dataset | None:
    lowered = text.lower()
    amortized = "amortized" in lowered or "amortised" in lowered
    actual = "actual" in lowered or lowered == "usage"
    if amortized == actual:
        return None
    return "amortized" if amortized else "actual"


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of the export run in `folder`, or None when there is none (or it is unreadable)."""
    try:
        data: Any = json.loads((folder / "manifest.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    config = data.get("exportConfig") or data.get("ExportConfig") or {}
    run = data.get("runInfo") or {}
    dataset = None
    if isinstance(config, dict):
        for key in ("type", "dataset", "datasetType", "Type", "Dataset"):
            if isinstance(config.get(key), str) and (dataset := _dataset_word(config[key])):
                break
    submitted = run.get("submittedTime") if isinstance(run, dict) else None
    return Manifest(dataset, str(submitted) if submitted else None)


def from_names(path: Path) -> Dataset | None:
    """`actual` / `amortized` from the file name, else from its nearest parent folder names."""
    for part in (path.name, *(p.name for p in list(path.parents)[:3])):
        found = _dataset_word(part)
        if found:
            return found
    return None


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(pc.fill_null(mask, False)).as_py())


def from_content(mapped: Mapped) -> Dataset | None:
    """The dataset the rows prove, or None when they read the same in both."""
    zero = pc.equal(mapped.cost, pa.scalar(0, mapped.cost.type))
    covered = pc.and_(mapped.commitment_usage, pc.invert(mapped.unused))
    if _any(mapped.unused) or _any(pc.and_(covered, pc.invert(zero))):
        return "amortized"
    if _any(mapped.commitment_purchase) or _any(pc.and_(covered, zero)):
        return "actual"
    return None


def dataset_of(path: Path, mapped: Mapped, manifest: Manifest | None) -> tuple[Dataset | None, str]:
    """The file's dataset and how it was told (manifest, file name, content)."""
    if manifest and manifest.dataset:
        return manifest.dataset, "manifest"
    named = from_names(path)
    if named:
        return named, "file name"
    return from_content(mapped), "content"
