"""Unit prices of Google Cloud export rows, in FOCUS terms, and the SKU price they come from.

The detailed export (and newer standard exports) carry a `price` record: `effective_price` (the price
charged, contract pricing included), `list_price`, both per `pricing_unit_quantity` units of `price.unit`
at the tier starting at `tier_start_amount`. FOCUS requires ContractedCost = ContractedUnitPrice x
PricingQuantity and ListCost = ListUnitPrice x PricingQuantity on every Usage row; a row's cost does not
always follow its SKU price (a row spanning tiers or the free tier, costs rounded to micro-units). So a
row's unit price is the SKU price where price x PricingQuantity gives the row's cost (within the
tolerance FOCUS validation allows), else the row's own price, cost / PricingQuantity (what it was
actually charged per unit); without a price record, always the latter. The record is kept whole in
`x_price`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.rules import COST_TOLERANCE
from cloudledger.focus.spec import MONEY_TYPE
from cloudledger.sources.gcp_nested import field, text

F64 = pa.float64()
SKU_PRICE_ID = ("Billing Account ID:", ", SKU ID: ", ", Price Tier Start Amount: ")
"""Parts of a SkuPriceId, as Google's FOCUS view builds it from account, SKU and price tier."""


def unit_prices(
    raw: pa.Table, path: str, usage: pa.ChunkedArray, quantity: pa.ChunkedArray, costs: dict[str, pa.ChunkedArray]
) -> dict[str, pa.ChunkedArray]:
    """ContractedUnitPrice, ListUnitPrice (Usage rows; null elsewhere) and the SkuPriceId of the price tier."""
    count = raw.num_rows
    per = pc.fill_null(_floats(raw, "price.pricing_unit_quantity", path), 1.0)
    per = pc.if_else(pc.equal(per, 0.0), 1.0, per)
    prices = {}
    for column, source, cost in (
        ("ContractedUnitPrice", "price.effective_price", "ContractedCost"),
        ("ListUnitPrice", "price.list_price", "ListCost"),
    ):
        quoted = pc.divide(_floats(raw, source, path), per)
        price = _row_price(quoted, quantity, costs[cost])
        prices[column] = pc.if_else(usage, price, pa.scalar(None, MONEY_TYPE))
    tier = pc.cast(_floats(raw, "price.tier_start_amount", path), pa.string())  # 0, not 0.0 or 0E-9
    parts = (text(field(raw, "billing_account_id"), count), text(field(raw, "sku.id"), count), tier)
    joined = pc.binary_join_element_wise(*_interleave(parts), "")
    prices["SkuPriceId"] = pc.if_else(usage, joined, pa.scalar(None, pa.string()))
    return prices


def _row_price(quoted: pa.ChunkedArray, quantity: pa.ChunkedArray, cost: pa.ChunkedArray) -> pa.ChunkedArray:
    """The quoted price where it gives `cost` for `quantity`, else cost / quantity (when that is >= 0)."""
    quoted = _ledger(quoted)
    amount = pc.cast(cost, F64)
    units = pc.cast(quantity, F64)
    allowed = pc.multiply(pc.add(pc.abs(amount), 1.0), COST_TOLERANCE)
    gap = pc.abs(pc.subtract(pc.multiply(pc.cast(quoted, F64), units), amount))
    fits = pc.fill_null(pc.less_equal(gap, allowed), False)
    derived = _ledger(pc.divide(amount, pc.if_else(pc.equal(units, 0.0), pa.scalar(None, F64), units)))
    usable = pc.fill_null(pc.greater_equal(derived, pa.scalar(0, MONEY_TYPE)), False)
    return pc.if_else(fits, quoted, pc.if_else(usable, derived, quoted))


def _floats(raw: pa.Table, name: str, path: str) -> pa.ChunkedArray:
    """A numeric field as float64 (null where absent or empty); text that is not a number is an error."""
    values = field(raw, name)
    if values is None:
        return pa.chunked_array([pa.nulls(raw.num_rows, F64)])
    if not (pa.types.is_floating(values.type) or pa.types.is_integer(values.type) or pa.types.is_decimal(values.type)):
        values = text(values, raw.num_rows)
    try:
        return pc.cast(values, F64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise InputError(f"{name} holds a value that is not a number", file=path, column=name) from None


def _ledger(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """float64 prices as ledger decimals (10 decimals); prices too large for the ledger become null."""
    finite = pc.and_(pc.is_finite(values), pc.less(pc.abs(values), 1e27))
    return pc.cast(pc.if_else(finite, values, pa.scalar(None, F64)), MONEY_TYPE)


def _interleave(parts: tuple[pa.ChunkedArray, ...]) -> list[str | pa.ChunkedArray]:
    out: list[str | pa.ChunkedArray] = []
    for label, part in zip(SKU_PRICE_ID, parts, strict=True):
        out += [label, part]
    return out
