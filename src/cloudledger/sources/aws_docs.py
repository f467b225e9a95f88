"""The mapping tables and notes of the AWS CUR sources' docs pages (built from the same rules `read` uses)."""

from __future__ import annotations

from cloudledger.sources import ColumnMapping
from cloudledger.sources.aws_charges import DEFAULT, RULES, ChargeRule
from cloudledger.sources.aws_mapping import EXTRAS

_KINDS = {
    "billed": "lineItem/UnblendedCost",
    "public": "pricing/publicOnDemandCost",
    "reservation": "reservation/EffectiveCost",
    "savings_plan": "savingsPlan/SavingsPlanEffectiveCost",
    "fee": "0 for a reservation's fee, else lineItem/UnblendedCost",
    "zero": "0",
    "usage": "lineItem/UsageAmount",
    "none": "null",
}


def column_map(legacy: bool) -> tuple[ColumnMapping, ...]:
    """FOCUS column -> CUR column(s), in the legacy CSV spelling (Athena/CUR 2.0 use snake_case)."""
    product = "product/ProductName" if legacy else "product['product_name']"
    tags = (
        "resourceTags/user:* (key without `user:`), resourceTags/aws:* (key kept)"
        if legacy
        else "resource_tags: `user_*` keys without `user_`, `aws_*` keys as `aws:*`"
    )
    rows = [
        ("BillingAccountId", "bill/PayerAccountId", ""),
        ("BillingAccountName", "null" if legacy else "bill_payer_account_name", ""),
        ("BillingAccountType", '"Payer Account"', ""),
        ("BillingCurrency", "lineItem/CurrencyCode", ""),
        ("BillingPeriodStart / End", "bill/BillingPeriodStartDate / EndDate", ""),
        ("ChargePeriodStart / End", "lineItem/UsageStartDate / UsageEndDate", "as written"),
        ("ChargeCategory, ChargeFrequency, PricingCategory", "lineItem/LineItemType", "see the table below"),
        (
            "ChargeClass",
            '"Correction" for a Refund whose lineItem/UsageStartDate is before bill/BillingPeriodStartDate',
            "a refund of an already invoiced period; else null",
        ),
        ("ChargeDescription", "lineItem/LineItemDescription", ""),
        ("BilledCost", "lineItem/UnblendedCost", "every row: the ledger adds up to the invoice"),
        ("EffectiveCost, ListCost, ContractedCost", "by line item type", "see the table below"),
        (
            "ListUnitPrice / ContractedUnitPrice",
            "pricing/publicOnDemandRate / lineItem/UnblendedRate",
            "usage and fee lines; DiscountedUsage: both the public rate; unused commitment: 0",
        ),
        (
            "PricingCurrency, PricingCurrencyEffectiveCost / ListUnitPrice / ContractedUnitPrice",
            "lineItem/CurrencyCode; the billing-currency amounts",
            "a CUR states every amount in the line item's currency",
        ),
        ("ConsumedQuantity, PricingQuantity", "lineItem/UsageAmount", "0 on negations and discounts"),
        ("ConsumedUnit, PricingUnit", "pricing/unit", ""),
        ("CommitmentDiscountId", "savingsPlan/SavingsPlanARN or reservation/ReservationARN", "commitment rows"),
        ("CommitmentDiscountCategory / Type", '"Spend" / "Savings Plan", "Usage" / "Reserved Instance"', ""),
        ("CommitmentDiscountStatus", '"Used" on covered usage, "Unused" on unused-commitment rows', ""),
        ("CommitmentDiscountQuantity / Unit", "hours of a reservation; amount of a savings plan", "Hours / currency"),
        ("SubAccountId", "lineItem/UsageAccountId", ""),
        ("SubAccountName", "lineItem/UsageAccountId" if legacy else "line_item_usage_account_name", ""),
        ("SubAccountType", '"Linked Account"', ""),
        ("ServiceName", f"{product}, else lineItem/ProductCode", ""),
        ("ServiceCategory / ServiceSubcategory", "lineItem/ProductCode", "built-in table; unknown: Other"),
        ("RegionId", "product/regionCode, else product/region", ""),
        ("RegionName", "AWS region name of RegionId, else product/location", ""),
        ("AvailabilityZone", "lineItem/AvailabilityZone", ""),
        ("ResourceId", "lineItem/ResourceId", ""),
        ("ResourceType", "type in the ARN, else product/productFamily", ""),
        ("SkuId / SkuPriceId", "product/sku / pricing/RateCode, else pricing/RateId", ""),
        ("SkuMeter", "lineItem/UsageType", "where SkuId is set"),
        ("InvoiceId", "bill/InvoiceId", ""),
        ("InvoiceIssuerName", "bill/InvoicingEntity, else lineItem/LegalEntity, else Amazon Web Services, Inc.", ""),
        ("PublisherName", "lineItem/LegalEntity, else InvoiceIssuerName", ""),
        ("ProviderName", '"AWS"', ""),
        ("Tags", tags, "empty values are not tags"),
    ]  # fmt: skip
    extras = [(name, key, "kept as text") for name, key in EXTRAS.items()]
    extras.append(("x_cost_category_*" if legacy else "x_CostCategories, x_Discounts", "cost categories", "text"))
    return tuple(ColumnMapping(*row) for row in [*rows, *extras])


def _kind(value: str) -> str:
    return _KINDS.get(value, value)


def _rule_row(name: str, rule: ChargeRule) -> str:
    unused = f"; plus an Unused row: EffectiveCost = unused {rule.unused.replace('_', ' ')}" if rule.unused else ""
    status = f", {rule.status}" if rule.status else ""
    commitment = {"ri": "reservation", "sp": "savings plan"}.get(rule.commitment or "", "-")
    return (
        f"| {name} | {rule.category} | {rule.frequency} | {rule.pricing or 'null'} | {commitment}{status} | "
        f"{_kind(rule.effective)}{unused} | {_kind(rule.list_cost)} | {_kind(rule.contracted)} | "
        f"{_kind(rule.quantity)} | {rule.note} |"
    )


def charge_table() -> str:
    """Markdown: how each line item type maps."""
    head = (
        "| lineItem/LineItemType | ChargeCategory | ChargeFrequency | PricingCategory | Commitment | "
        "EffectiveCost | ListCost | ContractedCost | Quantity | Note |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    body = [_rule_row(name, rule) for name, rule in RULES.items()]
    body.append(_rule_row("other `...Discount`", RULES["EdpDiscount"]))
    body.append(_rule_row("anything else", DEFAULT))
    return "\n".join([head, *body])
