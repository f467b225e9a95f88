"""How each AWS line item type (`lineItem/LineItemType`) maps to FOCUS charge and cost columns.

One `ChargeRule` per type: the registry drives the mapping (`aws_mapping`) and the docs page alike.
Cost kinds name where a FOCUS cost comes from: `billed` (lineItem/UnblendedCost), `public`
(pricing/publicOnDemandCost), `reservation` (reservation/EffectiveCost), `savings_plan`
(savingsPlan/SavingsPlanEffectiveCost), `fee` (0 for a reservation's upfront fee, else billed), `zero`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChargeRule:
    """The FOCUS treatment of one line item type."""

    category: str
    frequency: str
    pricing: str | None
    """PricingCategory ("Standard" usage becomes "Dynamic" for Spot)."""
    effective: str
    list_cost: str
    contracted: str
    quantity: str
    """ConsumedQuantity / PricingQuantity: `usage` (lineItem/UsageAmount), `zero` or `none` (null)."""
    commitment: str | None = None
    """`ri` or `sp`: the row carries the reservation's or savings plan's ARN as CommitmentDiscountId."""
    status: str | None = None
    commitment_quantity: str = "none"
    unused: str | None = None
    """`reservation` / `savings_plan`: a fee row whose unused commitment becomes a second, Unused row."""
    unit_prices: str | None = None
    """`rates`: ListUnitPrice / ContractedUnitPrice from pricing/publicOnDemandRate and lineItem/UnblendedRate;
    `public`: both from pricing/publicOnDemandRate (the line's ContractedCost is its public on-demand cost)."""
    note: str = ""


DISCOUNT = ChargeRule(
    "Usage", "Usage-Based", "Standard", "billed", "zero", "billed", "zero", note="negotiated discount on usage"
)
DEFAULT = ChargeRule(
    "Adjustment", "One-Time", "Other", "billed", "billed", "billed", "none", note="any other type AWS adds"
)
RULES: dict[str, ChargeRule] = {
    "Usage": ChargeRule("Usage", "Usage-Based", "Standard", "billed", "public", "billed", "usage", unit_prices="rates"),
    "DiscountedUsage": ChargeRule(
        "Usage", "Usage-Based", "Committed", "reservation", "public", "public", "usage", "ri", "Used", "covered",
        unit_prices="public",
    ),
    "SavingsPlanCoveredUsage": ChargeRule(
        "Usage", "Usage-Based", "Committed", "savings_plan", "public", "billed", "usage", "sp", "Used", "covered",
        unit_prices="rates",
    ),
    "SavingsPlanNegation": ChargeRule(
        "Usage", "Usage-Based", "Committed", "zero", "zero", "zero", "zero", "sp", "Used", "zero",
        unit_prices="rates", note="cancels the covered usage's on-demand cost on the invoice",
    ),
    "SavingsPlanUpfrontFee": ChargeRule(
        "Purchase", "One-Time", "Standard", "zero", "billed", "billed", "usage", "sp", commitment_quantity="billed",
        unit_prices="rates",
    ),
    "SavingsPlanRecurringFee": ChargeRule(
        "Purchase", "Recurring", "Standard", "zero", "billed", "billed", "usage", "sp",
        commitment_quantity="commitment", unused="savings_plan", unit_prices="rates",
    ),
    "RIFee": ChargeRule(
        "Purchase", "Recurring", "Standard", "zero", "billed", "billed", "usage", "ri",
        commitment_quantity="reserved", unused="reservation", unit_prices="rates",
    ),
    "Fee": ChargeRule(
        "Purchase", "One-Time", "Standard", "fee", "billed", "billed", "usage", "ri", commitment_quantity="reserved",
        unit_prices="rates",
        note="upfront fees; a reservation's upfront fee has EffectiveCost 0 (it is amortized into its usage)",
    ),
    "Tax": ChargeRule("Tax", "One-Time", None, "billed", "billed", "billed", "none"),
    "Credit": ChargeRule("Credit", "One-Time", "Other", "billed", "billed", "billed", "none"),
    "Refund": ChargeRule(
        "Adjustment", "One-Time", "Other", "billed", "billed", "billed", "none",
        note="the refunded charge's category is not in the report; ChargeClass Correction when its usage "
        "started before the billing period",
    ),
    "EdpDiscount": DISCOUNT,
    "PrivateRateDiscount": DISCOUNT,
    "BundledDiscount": DISCOUNT,
    "RiVolumeDiscount": DISCOUNT,
    "Discount": DISCOUNT,
}  # fmt: skip
"""Every line item type AWS documents for CUR and CUR 2.0."""


def rule_for(line_item_type: str | None) -> ChargeRule:
    """The rule of a type; other `...Discount` types are discounts, anything else the default."""
    if line_item_type in RULES:
        return RULES[line_item_type]
    if line_item_type and line_item_type.endswith("Discount"):
        return DISCOUNT
    return DEFAULT


COMMITMENT_TYPES = {"ri": "Reserved Instance", "sp": "Savings Plan"}
COMMITMENT_CATEGORIES = {"ri": "Usage", "sp": "Spend"}
