"""Native totals of a Cost and Usage Report, summed from its own columns independently of the FOCUS mapping.

BilledCost must equal the sum of lineItem/UnblendedCost (the invoice). EffectiveCost must equal the
amortized cost, defined on the native columns by one SQL expression: the reservation's or savings plan's
effective cost on covered usage, nothing on negations and prepaid fees, the unused commitment on the
recurring fee lines, and lineItem/UnblendedCost on everything else.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.sources.aws_columns import CurTable
from cloudledger.sources.native import NativeTotal, parse_native_amounts, sum_native

_AMOUNTS = {
    "unblended": "line_item_unblended_cost",
    "ri_effective": "reservation_effective_cost",
    "sp_effective": "savings_plan_savings_plan_effective_cost",
    "sp_total": "savings_plan_total_commitment_to_date",
    "sp_used": "savings_plan_used_commitment",
    "ri_unused_upfront": "reservation_unused_amortized_upfront_fee_for_billing_period",
    "ri_unused_recurring": "reservation_unused_recurring_fee",
}
_AMORTIZED_SQL = """
SELECT p, a, c, CASE line_type
    WHEN 'DiscountedUsage' THEN coalesce(ri_effective, unblended)
    WHEN 'SavingsPlanCoveredUsage' THEN coalesce(sp_effective, unblended)
    WHEN 'SavingsPlanNegation' THEN 0
    WHEN 'SavingsPlanUpfrontFee' THEN 0
    WHEN 'SavingsPlanRecurringFee' THEN
        CASE WHEN sp_arn IS NULL THEN 0 ELSE coalesce(sp_total, 0) - coalesce(sp_used, 0) END
    WHEN 'RIFee' THEN
        CASE WHEN ri_arn IS NULL THEN 0 ELSE coalesce(ri_unused_upfront, 0) + coalesce(ri_unused_recurring, 0) END
    WHEN 'Fee' THEN CASE WHEN ri_arn IS NULL THEN unblended ELSE 0 END
    ELSE unblended END::DECIMAL(38, 12) AS amortized
FROM native_rows
"""
AMORTIZED_NAME = (
    "amortized cost: reservation/EffectiveCost and savingsPlan/SavingsPlanEffectiveCost on covered usage, "
    "unused reservation and savings plan fees, lineItem/UnblendedCost on other lines"
)
AMORTIZED_COLUMNS = ("reservation_effective_cost", "savings_plan_savings_plan_effective_cost")


def native_totals(cur: CurTable, source: str) -> tuple[NativeTotal, ...]:
    """BilledCost = Σ lineItem/UnblendedCost; EffectiveCost = Σ amortized cost where the file has amortized columns."""
    keys = {
        "periods": pc.strftime(cur.timestamp("bill_billing_period_start_date"), format="%Y-%m"),
        "accounts": cur.text("bill_payer_account_id"),
        "currencies": cur.text("line_item_currency_code"),
    }
    unblended = cur.name("line_item_unblended_cost")
    billed = parse_native_amounts(_amounts(cur, "line_item_unblended_cost"), file=cur.file, column=unblended)
    totals = sum_native(source=source, **keys, amounts=billed, metric="BilledCost", native_column=unblended)
    if not any(cur.has(name) for name in AMORTIZED_COLUMNS):
        return totals
    rows = _amortized(cur, keys["periods"], keys["accounts"], keys["currencies"])
    amortized = sum_native(
        source=source,
        periods=rows["p"],
        accounts=rows["a"],
        currencies=rows["c"],
        amounts=rows["amortized"],
        metric="EffectiveCost",
        native_column=AMORTIZED_NAME,
    )
    return totals + amortized


def _amortized(
    cur: CurTable, periods: pa.ChunkedArray, accounts: pa.ChunkedArray, currencies: pa.ChunkedArray
) -> pa.Table:
    """Each row's amortized cost with its slice keys (DuckDB does not promise to keep row order)."""
    columns: dict[str, pa.ChunkedArray | pa.Array] = {
        "p": periods,
        "a": accounts,
        "c": currencies,
        "line_type": cur.text("line_item_line_item_type"),
        "sp_arn": cur.text("savings_plan_savings_plan_a_r_n"),
        "ri_arn": cur.text("reservation_reservation_a_r_n"),
    }
    for alias, key in _AMOUNTS.items():
        values = cur.raw(key)
        if values is None:
            columns[alias] = pa.nulls(cur.rows, pa.decimal128(38, 12))
        else:
            parsed = parse_native_amounts(_amounts(cur, key), file=cur.file, column=cur.name(key))
            columns[alias] = pc.if_else(pc.is_valid(cur.text(key)), parsed, pa.scalar(None, parsed.type))
    native_rows = pa.table(columns)
    con = duckdb.connect()
    try:
        con.register("native_rows", native_rows)
        return con.execute(_AMORTIZED_SQL).to_arrow_table()
    finally:
        con.close()


def _amounts(cur: CurTable, key: str) -> pa.ChunkedArray:
    """A native amount column as exact numbers: the mapping's decimals when they hold every value as written,
    else the (trimmed) text, parsed to 12 decimals."""
    values = cur.table[key]
    if pa.types.is_decimal(values.type) or pa.types.is_integer(values.type):
        return values
    money = cur.money(key)  # exact as written when every value has at most 10 decimals
    return money if key in cur.exact else cur.text(key)
