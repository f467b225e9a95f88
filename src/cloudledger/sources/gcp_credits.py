"""Google Cloud `credits`: what each export row's credits add up to, by type, and its committed use discount.

Every export row carries a (possibly empty) list of credits {name, amount, full_name, id, type}; amounts
are negative. Google's FOCUS view folds all of them into the row's BilledCost and EffectiveCost, takes
the commitment columns from the row's committed use discount credit, and keeps the list as `x_Credits`;
this module computes those per-row values exactly (decimals parsed from the amounts as written).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.sources.gcp_json import json_lists
from cloudledger.sources.gcp_nested import long_records
from cloudledger.sources.native import parse_native_amounts

CREDIT_FIELDS = ("name", "amount", "full_name", "id", "type")
SUM_TYPE = pa.decimal128(37, 12)
"""Exact per-row sums; 37 digits so that cost + credits still fits Arrow's 38-digit decimals."""
CREDIT_TYPES = (
    "COMMITTED_USAGE_DISCOUNT",
    "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE",
    "SUSTAINED_USAGE_DISCOUNT",
    "FREE_TIER",
    "PROMOTION",
    "DISCOUNT",
    "SUBSCRIPTION_BENEFIT",
    "RESELLER_MARGIN",
    "FEE_UTILIZATION_OFFSET",
)
"""The credit types Google documents; any other type is summed into `x_CreditsOther`."""
CREDIT_COLUMNS = {
    **{kind: "x_Credits" + kind.title().replace("_", "") for kind in CREDIT_TYPES},
    "OTHER": "x_CreditsOther",
}
"""Credit type -> the custom column with the row's sum of that type (`x_CreditsFreeTier`...)."""
COMMITMENT_CREDITS = {
    "COMMITTED_USAGE_DISCOUNT": ("Usage", "Resource-based committed use discount"),
    "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE": ("Spend", "Spend-based committed use discount"),
}
"""Credit type -> (CommitmentDiscountCategory, CommitmentDiscountType)."""


@dataclass(frozen=True)
class Credits:
    """Per export row: the credits' exact total and per-type sums, and the committed use discount applied."""

    total: pa.Array
    """Sum of `credits.amount` (0 when the row has none), decimal(37,12)."""
    by_type: dict[str, pa.Array]
    """`x_Credits<Type>` column -> sum of that type's amounts as text (null when the row has none of it)."""
    listed: pa.ChunkedArray
    """The row's credits as a JSON array (amounts as numbers), for `x_Credits`."""
    commitment_id: pa.Array
    commitment_name: pa.Array
    commitment_category: pa.Array
    commitment_type: pa.Array


def summarize_credits(lists: pa.ListArray, *, file: str, column: str = "credits") -> Credits:
    """The credits of every row of `lists` (a list of {name, amount, full_name, id, type} per row)."""
    count = len(lists)
    long = long_records(lists)
    amounts = _amounts(long, file=file, column=column).cast(SUM_TYPE)
    long = long.append_column("value", amounts)
    total = _scatter_sums(long, count)
    zero = pa.scalar(Decimal(0), SUM_TYPE)
    total = pc.fill_null(total, zero)
    kinds = pc.fill_null(long["type"], "")
    bucket = pc.if_else(pc.is_in(kinds, pa.array(CREDIT_TYPES)), kinds, "OTHER")
    by_type = {
        name: _scatter_sums(long.filter(pc.equal(bucket, kind)), count).cast(pa.string())
        for kind, name in CREDIT_COLUMNS.items()
    }
    listed = json_lists(lists, {"amount": amounts.cast(pa.string())})
    return Credits(total, by_type, listed, *_commitments(long, count))


def _amounts(long: pa.Table, *, file: str, column: str) -> pa.ChunkedArray:
    """`credits.amount` as exact decimals; a bad amount names the export row it belongs to."""
    try:
        return parse_native_amounts(long["amount"], file=file, column=column)
    except InputError as exc:
        row = None if exc.row is None else int(long["row"][exc.row - 1].as_py()) + 1
        message = str(exc).split(": ", 1)[-1] if exc.row is not None else str(exc)
        raise InputError(f"credit amount {message}", file=file, row=row, column=column) from None


def _scatter(rows: pa.ChunkedArray | pa.Array, values: pa.ChunkedArray | pa.Array, count: int) -> pa.Array:
    """An array of `count` rows with `values` at positions `rows` (unique) and nulls elsewhere."""
    positions = np.full(count, -1, dtype=np.int64)
    index = np.asarray(pc.cast(rows, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
    positions[index] = np.arange(len(index), dtype=np.int64)
    picks = pa.array(positions, mask=positions < 0)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.take(picks)


def _scatter_sums(long: pa.Table, count: int) -> pa.Array:
    """Per-row sums of `value` (null for rows without records in `long`)."""
    if long.num_rows == 0:
        return pa.nulls(count, SUM_TYPE)
    sums = long.group_by("row").aggregate([("value", "sum")])
    return _scatter(sums["row"], sums["value_sum"].cast(SUM_TYPE), count)


def _commitments(long: pa.Table, count: int) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """Id, name, category and type of each row's first committed use discount credit (else nulls)."""
    cuds = long.filter(pc.is_in(pc.fill_null(long["type"], ""), pa.array(list(COMMITMENT_CREDITS))))
    rows = cuds["row"].to_numpy()
    _, first = np.unique(rows, return_index=True)
    firsts = cuds.take(pa.array(first, pa.int64()))
    kinds = firsts["type"]
    category = pc.if_else(pc.equal(kinds, "COMMITTED_USAGE_DISCOUNT"), *(v[0] for v in COMMITMENT_CREDITS.values()))
    label = pc.if_else(pc.equal(kinds, "COMMITTED_USAGE_DISCOUNT"), *(v[1] for v in COMMITMENT_CREDITS.values()))
    name = pc.coalesce(_blank_null(firsts["full_name"]), _blank_null(firsts["name"]), _blank_null(firsts["id"]))
    ident = pc.coalesce(_blank_null(firsts["id"]), _blank_null(firsts["name"]))
    where = firsts["row"]
    return (
        _scatter(where, ident, count),
        _scatter(where, name, count),
        _scatter(where, category, count),
        _scatter(where, label, count),
    )


def _blank_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
