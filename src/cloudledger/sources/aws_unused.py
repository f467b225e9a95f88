"""Unused reservation and savings plan commitment as FOCUS rows of its own.

A fee line (`RIFee`, `SavingsPlanRecurringFee`) with unused commitment gets a second ledger row (same
source row): ChargeCategory Usage, CommitmentDiscountStatus Unused, BilledCost 0 and the unused amount
as EffectiveCost, as FOCUS models an unused commitment. The fee line has no on-demand price for the unused
hours: ListCost and ContractedCost are 0, and so are the unit prices (0 x PricingQuantity).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.focus.spec import MONEY_TYPE
from cloudledger.sources.aws_columns import Column
from cloudledger.sources.aws_mapping import Rows, add, coalesce, const_money, const_text

_ZERO = pa.scalar(Decimal(0), MONEY_TYPE)


def unused_rows(rows: Rows, table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """Second rows for fee lines with unused commitment: Usage, Unused, EffectiveCost = the unused amount."""
    cur, kind = rows.cur, rows.attr("unused")
    ri_unused = add(cur.money("reservation_unused_amortized_upfront_fee_for_billing_period"),
                    cur.money("reservation_unused_recurring_fee"))  # fmt: skip
    sp_unused = add(cur.money("savings_plan_total_commitment_to_date"), cur.money("savings_plan_used_commitment"), -1)
    amount = rows.pick(kind, {"reservation": ri_unused, "savings_plan": sp_unused})
    quantity = rows.pick(kind, {"reservation": cur.money("reservation_unused_quantity"), "savings_plan": sp_unused})
    wanted = pc.and_(pc.is_valid(table["CommitmentDiscountId"]), pc.not_equal(pc.fill_null(amount, _ZERO), _ZERO))
    index = pc.indices_nonzero(pc.fill_null(wanted, False))
    extra = table.take(index)
    n = extra.num_rows
    quantity = pc.take(coalesce(quantity, amount), index)
    overrides: dict[str, Column] = {
        "ChargeCategory": const_text("Usage", n),
        "ChargeFrequency": const_text("Usage-Based", n),
        "PricingCategory": const_text("Committed", n),
        "CommitmentDiscountStatus": const_text("Unused", n),
        "BilledCost": const_money("0", n),
        "EffectiveCost": pc.take(amount, index),
        "PricingCurrencyEffectiveCost": pc.take(amount, index),
        "PricingCurrencyListUnitPrice": const_money("0", n),
        "PricingCurrencyContractedUnitPrice": const_money("0", n),
        "ListCost": const_money("0", n),
        "ContractedCost": const_money("0", n),
        "ConsumedQuantity": pa.nulls(n, MONEY_TYPE),
        "ConsumedUnit": pa.nulls(n, pa.string()),
        "PricingQuantity": quantity,
        "PricingUnit": extra["CommitmentDiscountUnit"],
        "CommitmentDiscountQuantity": quantity,
        "ListUnitPrice": const_money("0", n),
        "ContractedUnitPrice": const_money("0", n),
        "ChargeDescription": pc.binary_join_element_wise("Unused commitment: ", extra["ChargeDescription"], ""),
    }
    for name, values in overrides.items():
        extra = extra.set_column(extra.column_names.index(name), name, values)
    return extra, index.to_numpy() + 1
