"""Neutral columns of usage rows, and their conversion to a provider's physical columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.columns import kind, provider_columns
from cloudledger.demo.commitments import Commitment
from cloudledger.demo.formats import (
    csv_field,
    decimal_array,
    money_strings,
    time_array,
    time_strings,
)
from cloudledger.demo.months import DAY, Month
from cloudledger.demo.population import Streams
from cloudledger.demo.records import ARROW_KIND, NEUTRAL_COLUMNS, account_table, month_fields, template_table
from cloudledger.demo.usage import POW10, PRICING_CATEGORIES, STANDARD, UsageRows


@dataclass(frozen=True)
class Context:
    """What usage rows of one provider-month need besides their own arrays."""

    provider: str
    month: Month
    streams: Streams
    commitments: list[Commitment]


def _const(value: object, n: int, typ: pa.DataType) -> pa.Array:
    return pa.array([value], typ).take(pa.array(np.zeros(n, dtype=np.int32)))


def _int(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(values.astype(np.int64), pa.int64(), mask=None if valid is None else ~valid)


def usage_columns(rows: UsageRows, ctx: Context) -> dict[str, pa.Array]:
    """All neutral columns of `rows` (usage charges of alive resources)."""
    n = len(rows)
    month = ctx.month
    accounts = ctx.streams.numeric("account")[rows.stream]
    cols: dict[str, pa.Array] = {}
    for table, idx in (
        (template_table(), rows.template),
        (account_table(), accounts),
        (ctx.streams.text_table(), rows.stream),
    ):
        taken = table.take(pa.array(idx.astype(np.int32)))
        cols.update({name: taken.column(name).combine_chunks() for name in taken.column_names})
    for name, value in month_fields(ctx.provider, month).items():
        cols[name] = _const(value, n, ARROW_KIND[kind(name)])
    start = np.where(rows.monthly, month.start_epoch, month.start_epoch + rows.day.astype(np.int64) * DAY)
    end = np.where(rows.monthly, month.end_epoch, start + DAY)
    p = rows.decimals.astype(np.int64)
    qty = rows.qty * POW10[p]
    list_price = rows.list_price * POW10[10 - p]
    contracted_price = rows.contracted_price * POW10[10 - p]
    cols.update(
        ChargePeriodStart=_int(start),
        ChargePeriodEnd=_int(end),
        BilledCost=_int(rows.billed),
        EffectiveCost=_int(rows.effective),
        ListCost=_int(rows.list_cost),
        ContractedCost=_int(rows.contracted_cost),
        PricingCurrencyEffectiveCost=_int(rows.effective),
        ListUnitPrice=_int(list_price),
        ContractedUnitPrice=_int(contracted_price),
        PricingCurrencyListUnitPrice=_int(list_price),
        PricingCurrencyContractedUnitPrice=_int(contracted_price),
        PricingQuantity=_int(qty),
        ConsumedQuantity=_int(qty),
        PricingCategory=pa.array(PRICING_CATEGORIES).take(pa.array(rows.pricing.astype(np.int32))),
        Tags=pa.array(rows.stream.astype(np.int32), pa.int32(), mask=~rows.tagged),
    )
    cols.update(_commitment_columns(rows, ctx.commitments))
    if ctx.provider == "gcp":
        # Google's bill (and its FOCUS view) says which commitment covered a row, not how much of it.
        cols["CommitmentDiscountQuantity"] = pa.nulls(len(rows), pa.int64())
        cols["CommitmentDiscountUnit"] = pa.nulls(len(rows), pa.string())
    cr = cols["CapacityReservationId"]
    cols["CapacityReservationStatus"] = pc.if_else(pc.is_valid(cr), "Used", pa.scalar(None, pa.string()))
    if ctx.provider == "aws":
        cols["x_Discounts"] = _discounts(rows)
    for name in NEUTRAL_COLUMNS:
        if name not in cols:
            cols[name] = pa.nulls(n, ARROW_KIND[kind(name)])
    return cols


def _commitment_columns(rows: UsageRows, commitments: list[Commitment]) -> dict[str, pa.Array]:
    used = rows.commitment >= 0
    idx = pa.array(np.where(used, rows.commitment, len(commitments)).astype(np.int32))

    def pick(values: list[str | None]) -> pa.Array:
        return pa.array([*values, None], pa.string()).take(idx)

    return {
        "CommitmentDiscountId": pick([c.id for c in commitments]),
        "CommitmentDiscountName": pick([c.name for c in commitments]),
        "CommitmentDiscountType": pick([c.plan.type for c in commitments]),
        "CommitmentDiscountCategory": pick([c.plan.category for c in commitments]),
        "CommitmentDiscountUnit": pick([c.plan.unit for c in commitments]),
        "CommitmentDiscountStatus": pick(["Used"] * len(commitments)),
        "CommitmentDiscountQuantity": _int(rows.commit_qty, used),
    }


def _discounts(rows: UsageRows) -> pa.Array:
    """AWS x_Discounts: the negotiated (EDP) discount of the row as a JSON object, when there is one."""
    saved = rows.contracted_cost - rows.list_cost
    has = (saved < 0) & (rows.pricing == STANDARD)
    amount = money_strings(_int(saved))
    text = pc.binary_join_element_wise('{"edp_discount":', amount, "}", "")
    return pc.if_else(pa.array(has), text, pa.scalar(None, pa.string()))


def physical(
    cols: dict[str, pa.Array], provider: str, version: str, tags: tuple[pa.Array, pa.Array], binary: bool
) -> pa.Table:
    """The provider's columns: Parquet types when `binary`, else CSV-ready text."""
    tag_json, tag_map = tags
    out: dict[str, pa.Array] = {}
    for name in provider_columns(provider, version):
        arr = cols[name]
        k = kind(name)
        if k == "money":
            out[name] = decimal_array(arr) if binary else money_strings(arr)
        elif k == "time":
            out[name] = time_array(arr) if binary else time_strings(arr)
        elif k == "tags":
            out[name] = tag_map.take(arr) if binary else csv_field(tag_json.take(arr))
        else:
            out[name] = arr if binary else csv_field(arr)
    return pa.table(out)
