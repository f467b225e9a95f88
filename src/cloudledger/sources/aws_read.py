"""Reading one Cost and Usage Report file into ledger rows (shared by `aws-cur` and `aws-cur2`)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.sources.aws_columns import CurTable, first_row, read_cur_file
from cloudledger.sources.aws_mapping import PAYER, Flavour, focus_table
from cloudledger.sources.aws_native import native_totals
from cloudledger.sources.deliveries import cur_manifest
from cloudledger.sources.files import BillingFile
from cloudledger.sources.native import SourceRows
from cloudledger.sources.normalize import SOURCE_ROW, FileRows, normalize


def read_cur(file: BillingFile, flavour: Flavour, source: str) -> SourceRows:
    """Ledger rows and native totals of one CUR file (legacy CSV/Parquet or CUR 2.0)."""
    cur = CurTable.from_raw(read_cur_file(file), str(file.path))
    check_manifest_account(file, cur)
    focus_named, source_rows = focus_table(cur, flavour)
    rows = normalize(FileRows(focus_named, cur.file, source))
    rows = rows.set_column(rows.column_names.index(SOURCE_ROW), SOURCE_ROW, pa.array(source_rows))
    return SourceRows(rows, native_totals(cur, source))


def check_manifest_account(file: BillingFile, cur: CurTable) -> None:
    """A file of a CUR delivery must belong to the payer account its manifest names."""
    manifest = cur_manifest(file.path, cached=False)
    if manifest is None or not cur.has(PAYER):
        return
    account = str(manifest.get("account", "")).strip()
    payers = cur.text(PAYER)
    row = first_row(pc.not_equal(pc.fill_null(payers, ""), account))
    if row is not None:
        found = payers[row - 1].as_py()
        raise InputError(
            f"payer account {found!r} is not the account {account!r} this delivery's manifest names; the file "
            "belongs to another account's report (copied into the wrong folder?)",
            file=str(file.path),
            row=row,
            column=cur.name(PAYER),
        )
