"""Write a ledger snapshot as FOCUS datasets (one per provider): data file plus FOCUS metadata file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import ibis.expr.types as ir

from cloudledger.errors import QueryError
from cloudledger.focus.datasets import dataset_names, dataset_rows, dataset_slug
from cloudledger.focus.metadata import focus_metadata
from cloudledger.focus.spec import load_spec
from cloudledger.ledger.read import LedgerView
from cloudledger.sources.normalize import INTERNAL_COLUMNS

FileFormat = Literal["parquet", "csv"]


@dataclass(frozen=True)
class ExportResult:
    dataset: str | None
    data_path: Path
    metadata_path: Path
    rows: int


def focus_columns(table: ir.Table, file_format: FileFormat) -> ir.Table:
    """FOCUS columns in spec order, then provider `x_` columns; Tags as JSON text, CSV dates as ISO 8601 Z."""
    spec = load_spec()
    values: dict[str, ir.Value] = {}
    for column in spec.columns:
        value = table[column.name]
        if column.name == "Tags":
            value = value.cast("json").cast("string")
        elif file_format == "csv" and column.data_type == "Date/Time":
            value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        values[column.name] = value
    for name in table.columns:
        if name.startswith("x_") and name not in INTERNAL_COLUMNS:
            values[name] = table[name]
    return table.select(**values).order_by(["BillingPeriodStart", "BillingAccountId", "ChargePeriodStart"])


def export_focus(view: LedgerView, out_dir: Path, file_format: str = "parquet") -> list[ExportResult]:
    """Export the snapshot in `view`, one FOCUS dataset per provider: `out_dir/<provider>/focus.<ext>`
    with `focus-metadata.json` beside it (FOCUS metadata describes one dataset and its schema)."""
    if file_format not in ("parquet", "csv"):
        raise QueryError(f"unknown file format {file_format!r}; valid: parquet, csv")
    results = []
    for name in dataset_names(view.con, view.table):
        folder = out_dir / dataset_slug(name)
        folder.mkdir(parents=True, exist_ok=True)
        expr = focus_columns(dataset_rows(view.table, name), file_format)  # type: ignore[arg-type]
        data_path = folder / f"focus.{file_format}"
        if file_format == "parquet":
            view.con.to_parquet(expr, data_path)
        else:
            view.con.to_csv(expr, data_path)
        arrow_schema = view.con.to_pyarrow(expr.limit(0)).schema
        metadata_path = folder / "focus-metadata.json"
        metadata_path.write_text(json.dumps(focus_metadata(load_spec(), arrow_schema), indent=2) + "\n")
        results.append(ExportResult(name, data_path, metadata_path, int(view.con.execute(expr.count()))))
    return results
