"""Rollups: each slice's rows summed by the dimensions dashboards group by, in two shapes.

- `daily`: per UTC day (`ChargePeriodStart` cut to the day) and FOCUS text dimension (provider, accounts,
  service, region, charge and pricing categories, commitment...), without tags;
- `monthly`: per charge month (`x_charge_month`, the first day of the month; there is no `ChargePeriodStart`)
  and FOCUS text dimension, with `Tags`.
Measured on the demo company at 10 M rows (one row per resource and day, 19,000 resources, 7,900 distinct tag
sets a month): day × dimensions × tags is as many rows as the ledger, while each of these shapes is ~20× fewer.

A rollup has the ledger's own column names, so an analysis runs on it unchanged as long as it reads only
columns it keeps, the cost columns being sums (exact: decimals). Per-row columns (resource ids and names, SKU
price ids, charge descriptions, invoice ids, lineage), quantities and provider `x_` columns are left out;
`x_rollup_rows` counts the rows summed. An analysis that reads a column a rollup lacks fails on it (Ibis
raises at once) and runs on the ledger instead (`cloudledger.analyses.summary.on_rollup`).

Every rollup file belongs to one slice as written by one ingest
(`<rollups>/<layout>/<shape>/<slice folders>/<ingest id>.parquet`): the ingest that writes a slice writes its
rollup before its Delta commit, so the commit that makes the rows visible makes their rollup current, and a
ledger version read "as of" the past finds the rollups of exactly its own rows. A rollup that is missing (a
ledger written before rollups existed, a slice whose files a schema change re-linked) is built from the
slice's files the first time it is needed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import ibis
import ibis.expr.types as ir

from cloudledger.focus.spec import load_spec
from cloudledger.ledger.datafiles import DataFile, slice_folder
from cloudledger.ledger.overlap import slice_of_file
from cloudledger.sources.normalize import SLICE_COLUMNS, SliceKey, quiet_duckdb

SUMMED = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
ROWS = "x_rollup_rows"
DAY_COLUMN = "ChargePeriodStart"
MONTH_COLUMN = "x_charge_month"
SHAPES = ("daily", "monthly")
LAYOUT = "v1"
"""The rollups' layout: a change of what a shape keeps gets a new folder, so no rollup of an older layout is read."""
PER_ROW = frozenset(
    {
        "ResourceId",
        "ResourceName",
        "ChargeDescription",
        "InvoiceId",
        "SkuId",
        "SkuPriceId",
        "SkuPriceDetails",
        "SkuMeter",
        "CapacityReservationId",
        "x_source_file",
        "x_source_row",
    }
)
"""Text columns with (nearly) one value per row: summing over them would not make the rollup smaller."""
PRODUCT_TEXTS = (
    "ChargeDescription",
    "SkuMeter",
    "SkuPriceDetails",
    "x_UsageType",
    "x_SkuDescription",
    "x_SkuMeterSubcategory",
    "x_MeterSubCategory",
    "x_MeterName",
)
"""Texts that name an instance type, accelerator or SKU, kept by the monthly rollup (the AI/ML classification
reads them). A month has a few hundred of them: measured on the demo at 10 M rows, keeping them makes the monthly
rollup 5 % longer."""


def _ingest_id(uri: str) -> str:
    """The ingest id in a data file's name (`part-NNNNN-<ingest id>-c000.snappy.parquet`)."""
    name = unquote(uri.replace("\\", "/").rsplit("/", 1)[-1])
    return name[len("part-") :].split("-", 1)[1].rsplit("-c000", 1)[0] if name.startswith("part-") else name


@dataclass(frozen=True)
class SliceFiles:
    """The data files of one slice in one snapshot, and the name of the rollup that sums them."""

    key: SliceKey
    files: tuple[str, ...]

    @property
    def rollup_name(self) -> str:
        ids = sorted({_ingest_id(f) for f in self.files})
        return ids[0] if len(ids) == 1 else uuid.uuid5(uuid.NAMESPACE_URL, "|".join(ids)).hex

    def rollup_path(self, root: Path, shape: str) -> Path:
        return root / LAYOUT / shape / slice_folder(self.key) / f"{self.rollup_name}.parquet"


def by_slice(files: Iterable[str]) -> list[SliceFiles]:
    """Data files grouped by slice (files outside a slice folder are ignored: the ledger has none)."""
    grouped: dict[SliceKey, list[str]] = {}
    for uri in files:
        key = slice_of_file(uri)
        if key is not None:
            grouped.setdefault(key, []).append(uri)
    return [SliceFiles(key, tuple(sorted(paths))) for key, paths in sorted(grouped.items())]


def dimensions(schema: ir.Schema, monthly: bool) -> list[str]:
    """The columns a rollup groups by: FOCUS text dimensions but the per-row ones, and the billing period's
    bounds; the monthly rollup adds `Tags` and the PRODUCT_TEXTS. Other provider `x_` columns are left out: most
    of them carry per-row values (line item ids, prices, quantities as text)."""
    spec = load_spec().by_name
    keep = []
    for name, kind in schema.items():
        if monthly and name in PRODUCT_TEXTS:
            keep.append(name)
            continue
        column = spec.get(name)
        if column is None or name in PER_ROW or name == DAY_COLUMN:
            continue
        text = kind.is_string() and column.data_type == "String"
        if text or (kind.is_map() and monthly) or name in ("BillingPeriodStart", "BillingPeriodEnd"):
            keep.append(name)
    return keep


def rollup_expression(rows: ir.Table, shape: str) -> ir.Table:
    """`rows` (one slice's ledger rows, without the slice columns) summed into `shape`."""
    schema = rows.schema()
    if shape == "daily":
        keys: dict[str, ir.Value] = {DAY_COLUMN: rows[DAY_COLUMN].truncate("D")}
    else:
        keys = {MONTH_COLUMN: rows[DAY_COLUMN].truncate("M").date()}
    for name in dimensions(schema, monthly=shape == "monthly"):
        keys[name] = rows[name]
    sums = {name: rows[name].sum() for name in SUMMED if name in schema}
    return rows.group_by(**keys).aggregate(**sums, **{ROWS: rows.count()})


def write_rollups(con: ibis.BaseBackend, root: Path, part: SliceFiles, shapes: Sequence[str] = SHAPES) -> None:
    """Sum one slice's data files into its rollups, each written atomically (a reader sees all of it or none)."""
    rows = con.read_parquet(list(part.files), union_by_name=True)
    rows = rows.drop(*[c for c in SLICE_COLUMNS if c in rows.columns])
    for shape in shapes:
        target = part.rollup_path(root, shape)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.stem}.{uuid.uuid4().hex}.partial")
        try:
            con.to_parquet(rollup_expression(rows, shape), partial, compression="zstd")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)


def ensure_rollups(con: ibis.BaseBackend, root: Path, slices: Sequence[SliceFiles], shape: str) -> list[Path]:
    """The `shape` rollup file of every slice, building the missing ones."""
    paths = []
    for part in slices:
        target = part.rollup_path(root, shape)
        if not target.exists():
            write_rollups(con, root, part, [shape])
        paths.append(target)
    return paths


def read_rollups(con: ibis.BaseBackend, paths: Sequence[Path], shape: str) -> ir.Table:
    """The rollup rows of `paths` as one table, slice columns decoded from the folders."""
    return con.read_parquet(
        [str(p) for p in paths],
        table_name=f"ledger_{shape}",
        hive_partitioning=True,
        hive_types_autocast=False,
        union_by_name=True,
    )


def write_ingest_rollups(root: Path, ledger_root: Path, files: Sequence[DataFile], ingest_id: str) -> None:
    """The rollups of the slices an ingest is about to commit (called before its commit)."""
    per_slice: dict[SliceKey, list[str]] = {}
    for written in files:
        per_slice.setdefault(written.key, []).append(str(ledger_root / written.path))
    con = quiet_duckdb()
    try:
        for key, paths in sorted(per_slice.items()):
            part = SliceFiles(key, tuple(sorted(paths)))
            assert part.rollup_name == ingest_id, "an ingest's data files carry its id"
            write_rollups(con, root, part)
    finally:
        con.disconnect()


def discard_ingest_rollups(root: Path, ingest_id: str) -> None:
    """Remove the rollups an ingest wrote (it failed, or died before its commit)."""
    if root.exists():
        for path in root.rglob(f"{ingest_id}.parquet"):
            path.unlink(missing_ok=True)
