"""FOCUS 1.2 rows of the demo's AWS bill back to Cost and Usage Report line items (the inverse of `aws-cur`).

Per FOCUS row: usage -> `Usage`; reservation-covered usage -> `DiscountedUsage` (UnblendedCost 0,
reservation/EffectiveCost = EffectiveCost); savings-plan-covered usage -> `SavingsPlanCoveredUsage`
(UnblendedCost = the on-demand ContractedCost, savingsPlan/SavingsPlanEffectiveCost = EffectiveCost) plus a
`SavingsPlanNegation` line of -UnblendedCost; an upfront reservation purchase and the support fee -> `Fee`;
an upfront savings plan -> `SavingsPlanUpfrontFee`; tax -> `Tax`; the refund (an Adjustment, ChargeClass
Correction) -> `Refund`; credits -> `Credit`. Recurring commitment purchases and the Unused rows fold into one
`RIFee` / `SavingsPlanRecurringFee` line per commitment and month (see `native_aws_fees`).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.formats import MONEY_TYPE
from cloudledger.demo.native_aws_columns import DISCOUNTS, TAGS, typed_table

RI, SP = "Reserved Instance", "Savings Plan"
FOLDED = "folded"
"""Kind of the rows that become part of a commitment's monthly fee line instead of a line of their own."""
ZERO = pa.scalar(Decimal(0), MONEY_TYPE)
NO_TEXT = pa.scalar(None, pa.string())
NO_MONEY = pa.scalar(None, MONEY_TYPE)


def _eq(table: pa.Table, column: str, value: str) -> pa.Array:
    return pc.fill_null(pc.equal(table[column], value), False)


def line_types(table: pa.Table) -> pa.ChunkedArray:
    """The lineItem/LineItemType of each FOCUS row (FOLDED for rows a fee line carries)."""
    cat, ri, sp = (
        table["ChargeCategory"],
        _eq(table, "CommitmentDiscountType", RI),
        _eq(table, "CommitmentDiscountType", SP),
    )
    once = _eq(table, "ChargeFrequency", "One-Time")
    purchase = _eq(table, "ChargeCategory", "Purchase")
    rules: list[tuple[pa.Array, str]] = [
        (pc.equal(cat, "Tax"), "Tax"),
        (_eq(table, "ChargeClass", "Correction"), "Refund"),
        (pc.is_in(cat, pa.array(["Credit", "Adjustment"])), "Credit"),
        (_eq(table, "CommitmentDiscountStatus", "Unused"), FOLDED),
        (pc.and_(purchase, pc.and_(ri, once)), "Fee"),
        (pc.and_(purchase, pc.and_(sp, once)), "SavingsPlanUpfrontFee"),
        (pc.and_(purchase, pc.or_(ri, sp)), FOLDED),
        (purchase, "Fee"),
        (ri, "DiscountedUsage"),
        (sp, "SavingsPlanCoveredUsage"),
    ]
    out: pa.ChunkedArray = pa.chunked_array([pa.repeat(pa.scalar("Usage"), table.num_rows)])
    for condition, value in reversed(rules):
        out = pc.if_else(condition, value, out)
    return out


def _where(mask: pa.Array, values: pa.ChunkedArray | pa.Array, other: pa.Scalar) -> pa.ChunkedArray:
    return pc.if_else(mask, values, other)


def _usage_like(kinds: pa.ChunkedArray) -> pa.Array:
    return pc.is_in(kinds, pa.array(["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"]))


def _costs(t: pa.Table, kinds: pa.ChunkedArray) -> dict[str, pa.ChunkedArray]:
    ri_used, sp_used = pc.equal(kinds, "DiscountedUsage"), pc.equal(kinds, "SavingsPlanCoveredUsage")
    usage = _usage_like(kinds)
    unblended = pc.if_else(ri_used, ZERO, pc.if_else(sp_used, t["ContractedCost"], t["BilledCost"]))
    fee = pc.is_in(kinds, pa.array(["Fee", "SavingsPlanUpfrontFee"]))
    rate = pc.if_else(ri_used, ZERO, pc.if_else(fee, t["ListUnitPrice"], t["ContractedUnitPrice"]))
    ri, sp = _eq(t, "CommitmentDiscountType", RI), _eq(t, "CommitmentDiscountType", SP)
    return {
        "lineItem/UnblendedCost": unblended,
        "lineItem/BlendedCost": unblended,
        "lineItem/UnblendedRate": rate,
        "lineItem/BlendedRate": rate,
        "lineItem/UsageAmount": _where(pc.or_(usage, fee), t["PricingQuantity"], NO_MONEY),
        "pricing/publicOnDemandCost": _where(usage, t["ListCost"], NO_MONEY),
        "pricing/publicOnDemandRate": _where(pc.or_(usage, fee), t["ListUnitPrice"], NO_MONEY),
        "reservation/EffectiveCost": _where(ri_used, t["EffectiveCost"], NO_MONEY),
        "reservation/AmortizedUpfrontCostForUsage": _where(ri_used, t["EffectiveCost"], NO_MONEY),
        "reservation/ReservationARN": _where(ri, t["CommitmentDiscountId"], NO_TEXT),
        "reservation/TotalReservedUnits": _where(pc.and_(ri, fee), t["CommitmentDiscountQuantity"], NO_MONEY),
        "savingsPlan/SavingsPlanARN": _where(sp, t["CommitmentDiscountId"], NO_TEXT),
        "savingsPlan/SavingsPlanEffectiveCost": _where(sp_used, t["EffectiveCost"], NO_MONEY),
    }


def _term(t: pa.Table, kinds: pa.ChunkedArray) -> pa.ChunkedArray:
    dynamic = _eq(t, "PricingCategory", "Dynamic")
    term = pc.if_else(dynamic, "Spot", pc.if_else(pc.equal(kinds, "DiscountedUsage"), "Reserved", "OnDemand"))
    return _where(_usage_like(kinds), term, NO_TEXT)


def _bill_type(kinds: pa.ChunkedArray) -> pa.ChunkedArray:
    upfront = pc.is_in(kinds, pa.array(["Fee", "SavingsPlanUpfrontFee"]))
    return pc.if_else(pc.equal(kinds, "Refund"), "Refund", pc.if_else(upfront, "Purchase", "Anniversary"))


def _interval(start: pa.ChunkedArray, end: pa.ChunkedArray) -> pa.ChunkedArray:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    seconds = pa.timestamp("s", tz="UTC")
    text = [pc.strftime(pc.cast(v, seconds), format=fmt) for v in (start, end)]
    return pc.binary_join_element_wise(*text, "/")


def line_items(t: pa.Table, kinds: pa.ChunkedArray) -> dict[str, pa.ChunkedArray | pa.Array]:
    """CUR columns (legacy names, typed) of FOCUS rows `t` whose line types are `kinds` (none FOLDED)."""
    tax = pc.equal(kinds, "Tax")
    columns: dict[str, pa.ChunkedArray | pa.Array] = {
        "identity/TimeInterval": _interval(t["ChargePeriodStart"], t["ChargePeriodEnd"]),
        "bill/InvoiceId": t["InvoiceId"],
        "bill/InvoicingEntity": t["InvoiceIssuerName"],
        "bill/BillingEntity": pa.repeat(pa.scalar("AWS"), t.num_rows),
        "bill/BillType": _bill_type(kinds),
        "bill/PayerAccountId": t["BillingAccountId"],
        "bill/PayerAccountName": t["BillingAccountName"],
        "lineItem/UsageAccountName": t["SubAccountName"],
        "bill/BillingPeriodStartDate": t["BillingPeriodStart"],
        "bill/BillingPeriodEndDate": t["BillingPeriodEnd"],
        "lineItem/UsageAccountId": t["SubAccountId"],
        "lineItem/LineItemType": kinds,
        "lineItem/UsageStartDate": t["ChargePeriodStart"],
        "lineItem/UsageEndDate": t["ChargePeriodEnd"],
        "lineItem/ProductCode": t["x_ServiceCode"],
        "lineItem/UsageType": t["x_UsageType"],
        "lineItem/Operation": t["x_Operation"],
        "lineItem/AvailabilityZone": t["AvailabilityZone"],
        "lineItem/ResourceId": t["ResourceId"],
        "lineItem/CurrencyCode": t["BillingCurrency"],
        "lineItem/LineItemDescription": t["ChargeDescription"],
        "lineItem/TaxType": _where(tax, pa.repeat(pa.scalar("Sales Tax"), t.num_rows), NO_TEXT),
        "lineItem/LegalEntity": t["PublisherName"],
        "pricing/RateCode": t["SkuPriceId"],
        "pricing/term": _term(t, kinds),
        "pricing/unit": t["PricingUnit"],
        TAGS: t["Tags"],
        DISCOUNTS: t["x_Discounts"],
    }
    columns.update(_costs(t, kinds))
    columns.update(_product(t))
    return columns


def _product(t: pa.Table) -> dict[str, pa.ChunkedArray]:
    return {
        "product/ProductName": t["ServiceName"],
        "product/location": t["RegionName"],
        "product/regionCode": t["RegionId"],
        "product/servicecode": t["x_ServiceCode"],
        "product/sku": t["SkuId"],
        "product/usagetype": t["x_UsageType"],
        "product/operation": t["x_Operation"],
    }


def negations(lines: pa.Table) -> pa.Table:
    """A `SavingsPlanNegation` line for each covered line: -UnblendedCost, nothing amortized or listed."""
    covered = lines.filter(pc.equal(lines["lineItem/LineItemType"], "SavingsPlanCoveredUsage"))
    n = covered.num_rows
    cost = pc.negate(covered["lineItem/UnblendedCost"])
    overrides: dict[str, pa.ChunkedArray | pa.Array] = {
        "lineItem/LineItemType": pa.repeat(pa.scalar("SavingsPlanNegation"), n),
        "lineItem/UnblendedCost": cost,
        "lineItem/BlendedCost": cost,
        "lineItem/UsageAmount": pa.repeat(ZERO, n),
        "lineItem/LineItemDescription": pc.binary_join_element_wise(
            "SavingsPlanNegation used by AccountId : ", covered["lineItem/UsageAccountId"], ""
        ),
    }
    for name in ("pricing/publicOnDemandCost", "savingsPlan/SavingsPlanEffectiveCost"):
        overrides[name] = pa.nulls(n, MONEY_TYPE)
    for name, values in overrides.items():
        covered = covered.set_column(covered.schema.get_field_index(name), name, values)
    return covered


def chunk_lines(t: pa.Table) -> tuple[pa.Table, pa.Table]:
    """(line items of the chunk with their negations, the FOCUS rows folded into fee lines)."""
    kinds = line_types(t)
    folded = pc.equal(kinds, FOLDED)
    own = t.filter(pc.invert(folded))
    own_kinds = kinds.filter(pc.invert(folded))
    lines = typed_table({k: _combined(v) for k, v in line_items(own, own_kinds).items()}, own.num_rows)
    return pa.concat_tables([lines, negations(lines)]), t.filter(folded)


def _combined(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def with_ids(lines: pa.Table, prefix: str, first: int) -> pa.Table:
    """Fill identity/LineItemId: the delivery's prefix and the line's number (unique and deterministic)."""
    numbers = pa.array(np.arange(first, first + lines.num_rows, dtype=np.int64)).cast(pa.string())
    ids = pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, 12, "0"), "")
    return lines.set_column(lines.schema.get_field_index("identity/LineItemId"), "identity/LineItemId", ids)
