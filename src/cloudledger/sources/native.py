"""Totals of a file's own cost columns, as the provider wrote them, recorded at ingest for `reconcile`.

A source sums the provider's native cost column (e.g. `lineItem/UnblendedCost`, `CostInBillingCurrency`,
`cost` plus its credits) per billing account, billing period and currency, independently of its FOCUS
mapping; `cloudledger reconcile` then proves that the ledger's FOCUS totals equal them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.sources.decimals import parse_decimal

NATIVE_SUM_TYPE = pa.decimal128(38, 12)
"""Native amounts are summed with 12 decimals (the ledger keeps 10), so rounding never hides a cent."""


@dataclass(frozen=True)
class NativeTotal:
    """The sum of one native cost column for one (billing period, source, billing account, currency)."""

    billing_period: str
    """YYYY-MM, the same key the ledger's slice uses."""
    source: str
    billing_account: str
    currency: str
    metric: str
    """The FOCUS metric this native column must equal in the ledger (BilledCost, EffectiveCost...)."""
    native_column: str
    """What was summed, in the provider's words (e.g. `lineItem/UnblendedCost`)."""
    amount: Decimal
    rows: int

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.billing_period, self.source, self.billing_account)


@dataclass(frozen=True)
class SourceRows:
    """What a source makes of a file (or of files read together): ledger rows and the native totals."""

    table: pa.Table
    native: tuple[NativeTotal, ...] = ()


def parse_native_amounts(values: pa.ChunkedArray | pa.Array, *, file: str, column: str) -> pa.ChunkedArray:
    """Native amounts (text or numbers) as exact decimals with 12 places; nulls count as zero. Bad text
    names its row."""
    parsed = parse_decimal(values, file=file, column=column, places=NATIVE_SUM_TYPE.scale)
    return pc.fill_null(parsed, pa.scalar(Decimal(0), NATIVE_SUM_TYPE))


def sum_native(
    *,
    source: str,
    periods: pa.ChunkedArray | pa.Array,
    accounts: pa.ChunkedArray | pa.Array,
    currencies: pa.ChunkedArray | pa.Array,
    amounts: pa.ChunkedArray | pa.Array,
    metric: str,
    native_column: str,
) -> tuple[NativeTotal, ...]:
    """Group exact native amounts by (period YYYY-MM, account, currency). `amounts` must be decimal."""
    table = pa.table({"p": periods, "a": accounts, "c": currencies, "v": amounts})
    grouped = table.group_by(["p", "a", "c"]).aggregate([("v", "sum"), ([], "count_all")])
    totals = [
        NativeTotal(
            str(row["p"]),
            source,
            str(row["a"]),
            str(row["c"]),
            metric,
            native_column,
            Decimal(row["v_sum"] or 0),
            int(row["count_all"]),
        )
        for row in grouped.to_pylist()
    ]
    return tuple(sorted(totals, key=lambda t: (t.key, t.currency, t.metric)))


def merge_native(parts: Sequence[NativeTotal]) -> tuple[NativeTotal, ...]:
    """Add up totals of the same slice, currency, metric and native column (several files of one delivery)."""
    merged: dict[tuple[str, ...], NativeTotal] = {}
    for part in parts:
        key = (*part.key, part.currency, part.metric, part.native_column)
        seen = merged.get(key)
        merged[key] = (
            part
            if seen is None
            else NativeTotal(
                *part.key,
                part.currency,
                part.metric,
                part.native_column,
                seen.amount + part.amount,
                seen.rows + part.rows,
            )
        )
    return tuple(merged[k] for k in sorted(merged))


def sum_native_by_slice(
    rows: pa.Table, amounts: pa.ChunkedArray | pa.Array, *, metric: str, native_column: str, file: str
) -> tuple[NativeTotal, ...]:
    """Native amounts of a file whose raw rows map one to one onto `rows` (ledger rows), grouped by
    the ledger rows' slice keys and currency."""
    from cloudledger.sources.normalize import SLICE_ACCOUNT, SLICE_PERIOD, SLICE_SOURCE

    if rows.num_rows == 0:
        return ()
    return sum_native(
        source=str(rows[SLICE_SOURCE][0]),
        periods=rows[SLICE_PERIOD],
        accounts=rows[SLICE_ACCOUNT],
        currencies=rows["BillingCurrency"],
        amounts=parse_native_amounts(amounts, file=file, column=native_column),
        metric=metric,
        native_column=native_column,
    )
