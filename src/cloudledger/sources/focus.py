"""Source `focus`: FOCUS exports as AWS, Azure, Google Cloud and OCI deliver them.

CSV, CSV.gz or Parquet; FOCUS 1.0 and 1.1 files are upgraded to the ledger's version on read (renamed
columns, new columns as null); provider columns outside FOCUS are kept as `x_` columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from cloudledger.focus import upgrade
from cloudledger.focus.spec import load_spec
from cloudledger.sources import ColumnMapping, Source, register
from cloudledger.sources.files import BillingFile, read_csv_as_text, read_header, read_parquet
from cloudledger.sources.normalize import FileRows, normalize

NAME = "focus"
SIGNATURE = frozenset({"BilledCost", "BillingAccountId", "ChargePeriodStart", "ChargePeriodEnd"})
"""Columns every FOCUS version since 1.0 has, and no native provider export uses."""


def detect(header: Sequence[str]) -> bool:
    return SIGNATURE.issubset(header)


def read(file: BillingFile) -> pa.Table:
    """Ledger rows of one FOCUS file."""
    header = read_header(file)
    raw = read_parquet(file) if file.kind == "parquet" else read_csv_as_text(file, header)
    renames = upgrade.upgrade_columns(list(raw.column_names))
    return normalize(FileRows(raw, str(file.path), NAME), renames=renames)


def _column_map() -> tuple[ColumnMapping, ...]:
    return tuple(
        ColumnMapping(c.name, c.name, "same name; typed as " + str(c.arrow_type)) for c in load_spec().columns
    )


SOURCE = register(
    Source(
        name=NAME,
        description="FOCUS 1.0-1.2 exports (AWS Data Exports, Azure FocusCost, Google Cloud, OCI)",
        detect=detect,
        read=read,
        column_map=_column_map(),
    )
)
