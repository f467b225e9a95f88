"""Reading one Cost and Usage Report file into ledger rows (shared by `aws-cur` and `aws-cur2`), in batches.

A file streams through in batches (`aws_select`): each batch is mapped, checked and totalled on its own,
and errors name the file's row, counted from the first batch.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.sources.aws_columns import CurTable, first_row
from cloudledger.sources.aws_mapping import PAYER, Flavour, focus_table
from cloudledger.sources.aws_native import native_totals
from cloudledger.sources.aws_select import iter_cur_file
from cloudledger.sources.deliveries import cur_manifest
from cloudledger.sources.files import BillingFile
from cloudledger.sources.native import SourceRows
from cloudledger.sources.normalize import SOURCE_ROW, FileRows, normalize


def read_cur(file: BillingFile, flavour: Flavour, source: str) -> Iterator[SourceRows]:
    """Ledger rows and native totals of one CUR file (legacy CSV/Parquet or CUR 2.0), batch by batch."""
    account = manifest_account(file)
    first = 1
    for raw in iter_cur_file(file):
        try:
            rows = _read_batch(CurTable.from_raw(raw, str(file.path), file.header), flavour, source, account, first)
        except InputError as exc:
            raise _shifted(exc, first - 1) from None
        first += raw.num_rows
        yield rows


def _read_batch(cur: CurTable, flavour: Flavour, source: str, account: str | None, first: int) -> SourceRows:
    """One batch; errors name rows within the batch (the caller shifts them)."""
    if account is not None:
        check_manifest_account(cur, account)
    focus_named, source_rows = focus_table(cur, flavour)
    rows = normalize(FileRows(focus_named, cur.file, source))
    numbers = pa.array(source_rows + (first - 1))
    rows = rows.set_column(rows.column_names.index(SOURCE_ROW), SOURCE_ROW, numbers)
    return SourceRows(rows, native_totals(cur, source))


def _shifted(exc: InputError, offset: int) -> InputError:
    """`exc` with its batch row made a row of the file."""
    if exc.row is None or offset == 0:
        return exc
    return type(exc)(exc.message, file=exc.file, row=exc.row + offset, column=exc.column)


def manifest_account(file: BillingFile) -> str | None:
    """The payer account the delivery's manifest names (None outside a delivery)."""
    manifest = cur_manifest(file.path, cached=False)
    return None if manifest is None else str(manifest.get("account", "")).strip()


def check_manifest_account(cur: CurTable, account: str) -> None:
    """A file of a CUR delivery must belong to the payer account its manifest names."""
    if not cur.has(PAYER):
        return
    payers = cur.text(PAYER)
    row = first_row(pc.not_equal(pc.fill_null(payers, ""), account))
    if row is not None:
        found = payers[row - 1].as_py()
        raise InputError(
            f"payer account {found!r} is not the account {account!r} this delivery's manifest names; the file "
            "belongs to another account's report (copied into the wrong folder?)",
            file=cur.file,
            row=row,
            column=cur.name(PAYER),
        )
