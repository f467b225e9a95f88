"""Google Cloud committed use discounts as Google bills them (and as Google's FOCUS view shows them).

Google charges the commitment every month as a regular usage row on its "Commitment v1: ..." SKU (ChargeCategory
Usage, ChargeFrequency Recurring, every cost column the fee) and gives covered usage a committed use discount
credit equal to its cost, so that it costs nothing (BilledCost = EffectiveCost = 0, ContractedCost and ListCost
its price). The fee is not amortized over the usage it covers and no row shows what the commitment left unused.
The fee row names no commitment discount (Google's view takes the commitment columns from the CUD credit of
covered usage) and is priced Standard: FOCUS keeps "Committed" for usage a commitment covers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudledger.demo.months import Month
from cloudledger.demo.records import Row
from cloudledger.demo.services import sku_id

if TYPE_CHECKING:
    from cloudledger.demo.commitments import Commitment

UNIT = 10**10
COMMITMENT_COLUMNS = (
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountType",
    "CommitmentDiscountCategory",
    "CommitmentDiscountUnit",
    "CommitmentDiscountStatus",
    "CommitmentDiscountQuantity",
)


def fee_row(row: Row, c: Commitment, month: Month) -> Row:
    """The month's fee of commitment `c`: `row` (the commitment's row for the month) as a recurring Usage row."""
    plan = c.plan
    hours = month.days * 24 * UNIT
    fee = hours * c.count // UNIT
    row.update(dict.fromkeys(COMMITMENT_COLUMNS))
    row.update(
        ChargeCategory="Usage",
        ChargeFrequency="Recurring",
        PricingCategory="Standard",
        ChargeDescription=plan.sku,
        BilledCost=fee,
        ListCost=fee,
        ContractedCost=fee,
        EffectiveCost=fee,
        PricingCurrencyEffectiveCost=fee,
        PricingQuantity=hours,
        PricingUnit="Hours",
        ConsumedQuantity=hours,
        ConsumedUnit="Hours",
        ListUnitPrice=c.count,
        ContractedUnitPrice=c.count,
        PricingCurrencyListUnitPrice=c.count,
        PricingCurrencyContractedUnitPrice=c.count,
        SkuId=sku_id(plan.provider, plan.sku),
        SkuPriceId=sku_id(plan.provider, plan.sku) + "-" + plan.key,
        SkuMeter="Commitment Fee",
    )
    return row
