"""Values of Google Cloud exports: reading the file, exact amounts, quantities as ledger decimals."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE
from cloudledger.sources.files import BillingFile, read_raw
from cloudledger.sources.gcp_credits import SUM_TYPE
from cloudledger.sources.gcp_nested import text
from cloudledger.sources.native import parse_native_amounts


def read_export(file: BillingFile) -> pa.Table:
    """The file's rows (bytes that are not UTF-8 are reported with their row and column by `read_raw`)."""
    return read_raw(file)


def money(
    values: pa.ChunkedArray | None, count: int, path: str, column: str, *, required: bool = False
) -> pa.ChunkedArray:
    """Amounts as exact decimal(37,12), null where empty (an empty required amount is an error)."""
    if values is None:
        return pa.chunked_array([pa.nulls(count, SUM_TYPE)])
    empty = pc.is_null(text(values, count)) if not pa.types.is_floating(values.type) else pc.is_null(values)
    if required and pc.any(empty).as_py():
        row = pc.index(empty, True).as_py() + 1
        raise InputError(f"{column} is empty; expected an amount", file=path, row=row, column=column)
    parsed = parse_native_amounts(values, file=path, column=column).cast(SUM_TYPE)
    return pc.if_else(empty, pa.scalar(None, SUM_TYPE), parsed)


def ledger_money(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Exact amounts as the ledger keeps them (10 decimals, half away from zero)."""
    return pc.cast(pc.round(values, ndigits=10, round_mode="half_towards_infinity"), MONEY_TYPE)


def decimal_quantity(values: pa.ChunkedArray | None, count: int) -> pa.ChunkedArray:
    """Quantities as ledger decimals where Arrow can convert them (else text, which normalize checks)."""
    if values is None:
        return pa.chunked_array([pa.nulls(count, MONEY_TYPE)])
    if pa.types.is_floating(values.type) or pa.types.is_integer(values.type):
        return pc.cast(values, MONEY_TYPE)
    written = text(values, count)
    try:
        wide = pc.cast(written, pa.decimal128(38, 20))
        return pc.cast(pc.round(wide, ndigits=10, round_mode="half_towards_infinity"), MONEY_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    try:
        return pc.cast(pc.cast(written, pa.float64()), MONEY_TYPE)  # float text with over 20 decimals
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return written
