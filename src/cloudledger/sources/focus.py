"""Source `focus`: FOCUS exports as AWS, Azure, Google Cloud and OCI deliver them.

CSV, CSV.gz or Parquet; FOCUS 1.0-preview, 1.0 and 1.1 files are upgraded to the ledger's version on
read (renamed columns, remapped values, new columns as null); columns outside FOCUS are kept as `x_`
columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cloudledger.errors import InputError
from cloudledger.focus.spec import LEDGER_FOCUS_VERSION, load_spec
from cloudledger.focus.upgrade import STEPS, plan_upgrade
from cloudledger.sources import ColumnMapping, Source, register
from cloudledger.sources.files import BillingFile, iter_raw
from cloudledger.sources.native import SourceRows, sum_native_by_slice
from cloudledger.sources.normalize import FileRows, normalize

NAME = "focus"
SIGNATURE = frozenset({"BilledCost", "BillingAccountId", "ChargePeriodStart", "ChargePeriodEnd"})
"""Columns every FOCUS version since 1.0-preview has, and no native provider export uses."""
NATIVE_METRICS = ("BilledCost", "EffectiveCost")
"""Cost columns summed as written, for `reconcile` (1.0-preview has no EffectiveCost: it is skipped)."""


def detect(header: Sequence[str]) -> bool:
    return SIGNATURE.issubset(header)


def read(file: BillingFile) -> Iterator[SourceRows]:
    """Ledger rows of one FOCUS file of any supported version, with its BilledCost/EffectiveCost totals,
    in batches (a file larger than memory streams through)."""
    plan = plan_upgrade(list(file.header))
    mandatory = {c.name for c in load_spec().mandatory()}
    missing = [name for name in plan.missing if name in mandatory]
    if missing:
        raise InputError(
            f"missing mandatory FOCUS column(s) {', '.join(missing)}; a FOCUS {plan.source_version} export has them",
            file=str(file.path),
        )
    first = 1
    for raw in iter_raw(file):
        rows = normalize(FileRows(plan.apply(raw, as_strings=True), str(file.path), NAME, first))
        native = [
            total
            for metric in NATIVE_METRICS
            if metric in raw.column_names
            for total in sum_native_by_slice(
                rows, raw[metric], metric=metric, native_column=metric, file=str(file.path)
            )
        ]
        first += raw.num_rows
        yield SourceRows(rows, tuple(native))


def _column_map() -> tuple[ColumnMapping, ...]:
    older = {new: f"{old} (FOCUS {step.older})" for step in STEPS for old, new in step.renames.items()}
    rows = []
    for column in load_spec().columns:
        source = column.name + (f", or {older[column.name]}" if column.name in older else "")
        note = f"{column.feature_level}; {column.arrow_type}"
        if column.introduced not in ("0.5", "1.0"):
            note += f"; null in exports older than FOCUS {column.introduced}"
        rows.append(ColumnMapping(column.name, source, note))
    rows.append(ColumnMapping("x_*", "any other column", "kept as text; `x_` added to names that lack it"))
    return tuple(rows)


NOTES = f"""
Reads the FOCUS exports that providers deliver: AWS Data Exports ("FOCUS 1.0/1.2 with AWS columns",
Parquet or CSV.gz), Azure Cost Management `FocusCost` exports (CSV, CSV.gz; 1.0-preview to 1.2-preview),
Google Cloud's FOCUS export, OCI's FOCUS cost reports, and any file that follows the specification.
A file is recognised by its header (it has {", ".join(sorted(SIGNATURE))}); its FOCUS version is detected
from its column set and upgraded to FOCUS {LEDGER_FOCUS_VERSION}, the version the ledger stores.

- **Deliveries**: point `ingest` at an export folder; the providers' manifests decide which files are the
  current delivery (Azure: the newest run folder of each period; AWS: the files the period's manifest
  lists). Superseded files are reported, not read.
- **Text values** are read exactly as written: `NULL`, `null` and empty fields are nulls; decimals may use
  E-notation (`5.64902E-05`). Money, prices and quantities are stored as decimal(38,10): values with more
  than 10 decimal places are rounded half away from zero, so totals reconcile to the cent (and to 1e-10
  per row).
- **Dates** are ISO 8601; a value without a zone is UTC, an explicit offset (`+02:00`) is converted to UTC.
- **Tags** (a JSON object) become a map of text keys to text values; key case is preserved.
- **Other columns** survive as `x_` text columns (a provider's `x_` columns keep their names; a column such
  as `Id` becomes `x_Id`). Nested Parquet values are kept as JSON text.
- **Rejected files**: a missing mandatory column, a value that is not a number or a date where one is due,
  Tags that are not a JSON object, an empty BillingAccountId / BillingPeriodStart / BillingCurrency /
  BilledCost, two currencies in one billing account and period, an empty or truncated file. The error
  names the file, the row (data row, header excluded) and the column; nothing of the ingest lands.
- Conformance beyond what the ledger needs (allowed values, commitment invariants...) is reported by
  `cloudledger validate`, not enforced at ingest: real exports deviate from the spec and must still land.
"""

SOURCE = register(
    Source(
        name=NAME,
        description="FOCUS 1.0-1.2 exports (AWS Data Exports, Azure FocusCost, Google Cloud, OCI).",
        detect=detect,
        read=read,
        column_map=_column_map(),
        notes=NOTES,
    )
)
