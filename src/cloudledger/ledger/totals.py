"""Rows and exact totals per slice of what an ingest read, and the one-currency-per-account rule."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pyarrow as pa

from cloudledger.errors import InputError
from cloudledger.ledger.state import SliceTotals
from cloudledger.sources.files import BillingFile
from cloudledger.sources.normalize import SLICE_ACCOUNT, SLICE_PERIOD, SLICE_SOURCE, SOURCE_FILE, SOURCE_ROW, SliceKey


def slice_totals(rows: pa.Table) -> list[SliceTotals]:
    """Rows and exact totals per slice; rejects a billing account billed in two currencies."""
    keys = [SLICE_PERIOD, SLICE_SOURCE, SLICE_ACCOUNT]
    per_currency = rows.group_by([*keys, "BillingCurrency"]).aggregate([(SOURCE_ROW, "count")])
    if per_currency.num_rows != rows.group_by(keys).aggregate([]).num_rows:
        _reject_mixed_currencies(rows, per_currency)
    metrics = ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"]
    totals = rows.group_by(keys).aggregate(
        [("BillingCurrency", "max"), (SOURCE_ROW, "count"), *((m, "sum") for m in metrics)]
    )
    result = sorted(totals.to_pylist(), key=lambda r: tuple(r[k] for k in keys))
    return [
        SliceTotals(
            r[SLICE_PERIOD],
            r[SLICE_SOURCE],
            r[SLICE_ACCOUNT],
            r["BillingCurrency_max"],
            int(r[f"{SOURCE_ROW}_count"]),
            *(r[f"{m}_sum"] or Decimal(0) for m in metrics),
        )
        for r in result
    ]


def _reject_mixed_currencies(rows: pa.Table, per_currency: pa.Table) -> None:
    """Name the first row billed in a second currency for one account and period."""
    keys = [SLICE_PERIOD, SLICE_SOURCE, SLICE_ACCOUNT]
    seen: dict[tuple[str, ...], str] = {}
    for index, row in enumerate(rows.select([*keys, "BillingCurrency"]).to_pylist()):
        key = tuple(row[k] for k in keys)
        first = seen.setdefault(key, row["BillingCurrency"])
        if row["BillingCurrency"] != first:
            raise InputError(
                f"billing account {key[2]} is billed in several currencies in {key[0]} "
                f"({first}, {row['BillingCurrency']}); one account has one billing currency",
                file=rows[SOURCE_FILE][index].as_py(),
                row=rows[SOURCE_ROW][index].as_py(),
                column="BillingCurrency",
            )
    raise AssertionError(f"mixed currencies expected in {per_currency.num_rows} groups")  # pragma: no cover


def merge_totals(totals: dict[SliceKey, SliceTotals], new: Sequence[SliceTotals], file: BillingFile) -> None:
    """Add one file's slice totals to the ingest's; one account keeps one currency across files."""
    for part in new:
        seen = totals.get(part.key)
        if seen is None:
            totals[part.key] = part
            continue
        if seen.currency != part.currency:
            raise InputError(
                f"billing account {part.billing_account} is billed in several currencies in "
                f"{part.billing_period} ({seen.currency}, {part.currency}); one account has one billing currency",
                file=str(file.path),
                column="BillingCurrency",
            )
        totals[part.key] = SliceTotals(
            part.billing_period,
            part.source,
            part.billing_account,
            part.currency,
            seen.rows + part.rows,
            seen.billed_cost + part.billed_cost,
            seen.effective_cost + part.effective_cost,
            seen.list_cost + part.list_cost,
            seen.contracted_cost + part.contracted_cost,
        )


def rows_per_file(table: pa.Table) -> dict[str, int]:
    counts = table.group_by([SOURCE_FILE]).aggregate([([], "count_all")])
    paths, numbers = counts[SOURCE_FILE].to_pylist(), counts["count_all"].to_pylist()
    return {str(path): int(n) for path, n in zip(paths, numbers, strict=True)}
