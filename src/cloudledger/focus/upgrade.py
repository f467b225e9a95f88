"""Upgrade the columns of an older FOCUS export (1.0-preview, 1.0, 1.1) to the ledger's FOCUS version.

Column sets come from `focus/data/focus-<version>.json`; what cannot be seen by diffing them (renames,
removals, changed allowed values) is listed per version step in `STEPS`, from the spec's CHANGELOG.md.
1.0-preview has no JSON of its own: its column set is derived back from 1.0 through its step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import UnknownFormatError
from cloudledger.focus.spec import LEDGER_FOCUS_VERSION, load_spec

CUSTOM_PREFIX = "x_"


@dataclass(frozen=True)
class VersionStep:
    """The column changes from one FOCUS version to the next that a diff of column sets cannot show."""

    older: str
    newer: str
    renames: Mapping[str, str] = field(default_factory=dict)
    """Old column id -> new column id."""
    removed: tuple[str, ...] = ()
    """Columns the newer version dropped; an upgrade keeps their data as `x_`-prefixed custom columns."""
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """New column id -> {old allowed value: new allowed value}."""


STEPS: tuple[VersionStep, ...] = (
    VersionStep(
        "1.0-preview",
        "1.0",
        renames={"Region": "RegionId", "UsageQuantity": "ConsumedQuantity", "UsageUnit": "ConsumedUnit"},
        removed=("ChargeSubcategory",),
        values={"PricingCategory": {"On-Demand": "Standard", "Commitment-Based": "Committed"}},
    ),
    VersionStep("1.0", "1.1"),
    VersionStep("1.1", "1.2"),
)
VERSIONS: tuple[str, ...] = (STEPS[0].older, *(s.newer for s in STEPS))
"""Known FOCUS versions, oldest first."""


@cache
def column_names(version: str) -> frozenset[str]:
    """The column ids of FOCUS `version`."""
    if version not in VERSIONS:
        raise ValueError(f"unknown FOCUS version {version!r}; known: {', '.join(VERSIONS)}")
    try:
        return frozenset(load_spec(version).names)
    except ValueError:
        pass
    step = next(s for s in STEPS if s.older == version)
    newer = load_spec(step.newer)
    back = {new: old for old, new in step.renames.items()}
    added = {c.name for c in newer.columns if c.introduced == step.newer and c.name not in back}
    kept = {back.get(name, name) for name in newer.names if name not in added}
    return frozenset(kept | set(step.removed))


def _all_focus_names() -> frozenset[str]:
    return frozenset().union(*(column_names(v) for v in VERSIONS))


def detect_version(columns: Iterable[str]) -> str:
    """The oldest FOCUS version whose column set holds every FOCUS column of a header.

    Columns no FOCUS version defines (custom ones, prefixed or not) are ignored. A header mixing
    versions gets the version it shares most columns with (the newer one on a tie).
    """
    focus = set(columns) & _all_focus_names()
    if not focus:
        raise UnknownFormatError("the header has no FOCUS column (BilledCost, ChargeCategory, ...)")
    for version in VERSIONS:
        if focus <= column_names(version):
            return version
    return max(VERSIONS, key=lambda v: (len(focus & column_names(v)), VERSIONS.index(v)))


@dataclass(frozen=True)
class ColumnUpgrade:
    """How to turn a header of `source_version` into one of `target_version`."""

    source_version: str
    target_version: str
    renames: dict[str, str]
    """Header column -> its new FOCUS id (only the columns FOCUS renamed)."""
    missing: list[str]
    """Target columns the header lacks after renaming, in spec order; a reader fills them with nulls."""
    values: dict[str, dict[str, str]]
    """Target column -> {old value: new value} for allowed values that changed."""
    removed: list[str] = field(default_factory=list)
    """Header columns that FOCUS dropped on the way (kept as `x_` custom columns)."""
    custom: list[str] = field(default_factory=list)
    """Header columns no FOCUS version defines that lack the `x_` prefix."""

    def apply(self, table: pa.Table, *, as_strings: bool = False) -> pa.Table:
        """Rename, prefix custom columns, remap values, add missing columns as nulls, FOCUS columns first.

        Missing columns get the ledger's Arrow types, or string when `as_strings` (raw text reads).
        """
        prefixed = set(self.removed) | set(self.custom)
        names = [CUSTOM_PREFIX + n if n in prefixed else self.renames.get(n, n) for n in table.column_names]
        table = table.rename_columns(names)
        for name, mapping in self.values.items():
            if name in table.column_names:
                index = table.column_names.index(name)
                table = table.set_column(index, name, _map_values(table[name], mapping))
        spec = load_spec(self.target_version)
        for col in spec.columns:
            if col.name in self.missing:
                typ = pa.string() if as_strings else col.arrow_type
                table = table.append_column(pa.field(col.name, typ), pa.nulls(len(table), typ))
        focus = [n for n in spec.names if n in table.column_names]
        others = [n for n in table.column_names if n not in set(spec.names)]
        return table.select(focus + others)


def _map_values(column: pa.ChunkedArray, mapping: Mapping[str, str]) -> pa.ChunkedArray:
    for old, new in mapping.items():
        column = pc.if_else(pc.equal(column, old), new, column)
    return column


def _steps_between(source: str, target: str) -> list[VersionStep]:
    if target not in VERSIONS:
        raise ValueError(f"unknown FOCUS version {target!r}; known: {', '.join(VERSIONS)}")
    start, end = VERSIONS.index(source), VERSIONS.index(target)
    if start > end:
        raise ValueError(f"cannot downgrade FOCUS {source} to {target}")
    return list(STEPS[start:end])


def plan_upgrade(
    columns: Sequence[str],
    *,
    source_version: str | None = None,
    target_version: str = LEDGER_FOCUS_VERSION,
) -> ColumnUpgrade:
    """Everything that changes when a FOCUS header is brought to `target_version`."""
    source = source_version or detect_version(columns)
    steps = _steps_between(source, target_version)
    renames: dict[str, str] = {}
    removed: list[str] = []
    for name in columns:
        new = name
        for step in steps:
            if new in step.removed:
                removed.append(name)
                break
            new = step.renames.get(new, new)
        else:
            if new != name:
                renames[name] = new
    values: dict[str, dict[str, str]] = {}
    for step in steps:
        for col, mapping in step.values.items():
            values.setdefault(col, {}).update(mapping)
    known = _all_focus_names()
    custom = [n for n in columns if n not in known and not n.startswith(CUSTOM_PREFIX)]
    present = {renames.get(n, n) for n in columns}
    missing = [n for n in load_spec(target_version).names if n not in present]
    return ColumnUpgrade(source, target_version, renames, missing, values, removed, custom)


def upgrade_columns(
    columns: Sequence[str],
    *,
    source_version: str | None = None,
    target_version: str = LEDGER_FOCUS_VERSION,
) -> dict[str, str]:
    """Header column -> new FOCUS id, for the columns FOCUS renamed between the header's version and
    `target_version` (the version is detected from the header unless given)."""
    return plan_upgrade(columns, source_version=source_version, target_version=target_version).renames


def missing_columns(
    columns: Sequence[str],
    *,
    source_version: str | None = None,
    target_version: str = LEDGER_FOCUS_VERSION,
) -> list[str]:
    """Columns of `target_version` that a header lacks once upgraded, in spec order."""
    return plan_upgrade(columns, source_version=source_version, target_version=target_version).missing
