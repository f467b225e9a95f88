"""Load a FOCUS version's column set from `focus/data/focus-<version>.json`.

The JSON is data extracted from the FinOps Foundation's specification (one entry per column, with the
section it comes from), so supporting the next FOCUS version is a data change, not a code change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import pyarrow as pa

LEDGER_FOCUS_VERSION = "1.2"
"""The FOCUS version the ledger stores; older exports are upgraded to it on read."""

MONEY_TYPE = pa.decimal128(38, 10)
TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")
TAGS_TYPE = pa.map_(pa.string(), pa.string())

FeatureLevel = Literal["Mandatory", "Recommended", "Conditional"]
DataType = Literal["String", "Decimal", "Date/Time", "JSON"]


@dataclass(frozen=True)
class FocusColumn:
    """One column of the FOCUS Cost and Usage dataset."""

    name: str
    display_name: str
    column_type: Literal["Dimension", "Metric"]
    data_type: DataType
    feature_level: FeatureLevel
    nullable: bool
    allowed_values: tuple[str, ...] | None
    introduced: str
    section: str
    """Where the spec defines it, e.g. 'columns/chargecategory.md' (cited by conformance rules)."""

    @property
    def arrow_type(self) -> pa.DataType:
        """The ledger's physical type: exact decimals for money, UTC timestamps, Tags as a map."""
        if self.data_type == "Decimal":
            return MONEY_TYPE
        if self.data_type == "Date/Time":
            return TIMESTAMP_TYPE
        if self.name == "Tags":
            return TAGS_TYPE
        return pa.string()

    @property
    def is_money(self) -> bool:
        return self.data_type == "Decimal"


@dataclass(frozen=True)
class FocusSpec:
    """The ordered column set of one FOCUS version."""

    version: str
    source: str
    columns: tuple[FocusColumn, ...]

    @property
    def by_name(self) -> dict[str, FocusColumn]:
        return {c.name: c for c in self.columns}

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def mandatory(self) -> list[FocusColumn]:
        return [c for c in self.columns if c.feature_level == "Mandatory"]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type, nullable=True) for c in self.columns])


def _column_from_json(raw: dict[str, object]) -> FocusColumn:
    allowed = raw.get("allowed_values")
    return FocusColumn(
        name=str(raw["name"]),
        display_name=str(raw["display_name"]),
        column_type=raw["column_type"],  # type: ignore[arg-type]
        data_type=raw["data_type"],  # type: ignore[arg-type]
        feature_level=raw["feature_level"],  # type: ignore[arg-type]
        nullable=bool(raw["nullable"]),
        allowed_values=tuple(str(v) for v in allowed) if isinstance(allowed, list) else None,
        introduced=str(raw["introduced"]),
        section=str(raw["section"]),
    )


@cache
def load_spec(version: str = LEDGER_FOCUS_VERSION) -> FocusSpec:
    """The column set of FOCUS `version` (e.g. "1.2")."""
    name = f"focus-{version}.json"
    data_dir = resources.files("cloudledger.focus") / "data"
    path = data_dir / name
    if not path.is_file():
        known = sorted(p.name for p in data_dir.iterdir() if p.name.startswith("focus-"))
        raise ValueError(f"unknown FOCUS version {version!r}; known: {', '.join(known)}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return FocusSpec(
        version=str(raw["version"]),
        source=str(raw["source"]),
        columns=tuple(_column_from_json(c) for c in raw["columns"]),
    )
