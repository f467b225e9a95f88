"""How an Azure charge (ChargeType x PricingModel x commitment) maps to the FOCUS charge columns.

Follows Microsoft's own conversion of cost details to FOCUS (FinOps toolkit, "Convert Cost Management
data to FOCUS"): one classification per distinct combination, spread over the rows.
"""

from __future__ import annotations

from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.sources.azure_values import combined

COMMITMENT_MODELS = ("reservation", "savingsplan")
UNUSED = {"unusedreservation": "Reservation", "unusedsavingsplan": "Savings Plan"}
_CATEGORY = {"usage": "Usage", "purchase": "Purchase", "tax": "Tax", "credit": "Credit", "refund": "Purchase"}
_FREQUENCY = {"onetime": "One-Time", "recurring": "Recurring", "usagebased": "Usage-Based"}
_PRICING = {"ondemand": "Standard", "spot": "Dynamic", "": "Standard"}
_KIND_BY_MODEL = {"reservation": "Reservation", "savingsplan": "Savings Plan"}
_KIND_BY_BENEFIT = {"capacity": "Reservation", "billingbenefits": "Savings Plan"}
CD_CATEGORY = {"Reservation": "Usage", "Savings Plan": "Spend"}


class Charge(NamedTuple):
    """The FOCUS view of one kind of Azure charge."""

    category: str
    charge_class: str | None
    pricing: str | None
    frequency: str | None
    commitment: str | None
    """CommitmentDiscountType (Reservation / Savings Plan), None when no commitment applies."""
    status: str | None
    consumed: bool
    """Whether ConsumedQuantity applies (usage that is not an unused commitment)."""
    commitment_purchase: bool
    """A reservation or savings plan purchase or refund (billed in actual cost, amortized elsewhere)."""
    commitment_usage: bool
    """Usage covered by a commitment, or its unused part (billed through the purchase)."""
    unused: bool
    """An UnusedReservation / UnusedSavingsPlan row (only in amortized cost)."""


def classify(charge_type: str, model: str, benefit: str, has_id: bool, frequency: str) -> Charge:
    """ChargeType, PricingModel, benefit kind (capacity/billingbenefits), commitment id present, Frequency
    (all lower case) -> FOCUS charge columns."""
    category = "Usage" if charge_type in UNUSED or not charge_type else _CATEGORY.get(charge_type, "Adjustment")
    kind = _KIND_BY_BENEFIT.get(benefit) or _KIND_BY_MODEL.get(model) or UNUSED.get(charge_type)
    commitment = kind if has_id else None
    unused = charge_type in UNUSED
    committed_model = model in COMMITMENT_MODELS or unused
    if category == "Tax":
        pricing = None
    elif category == "Usage" and committed_model:
        pricing = "Committed" if commitment else "Other"
    elif category == "Purchase" and model in COMMITMENT_MODELS:
        pricing = "Standard"
    else:
        pricing = _PRICING.get(model, "Other")
    freq = _FREQUENCY.get(frequency)
    if category == "Purchase" and freq == "Usage-Based":
        freq = "One-Time"
    status = ("Unused" if unused else "Used") if commitment and category == "Usage" else None
    return Charge(
        category=category,
        charge_class="Correction" if charge_type == "refund" else None,
        pricing=pricing,
        frequency=freq,
        commitment=commitment,
        status=status,
        consumed=category == "Usage" and not unused,
        commitment_purchase=charge_type in ("purchase", "refund") and model in COMMITMENT_MODELS,
        commitment_usage=(charge_type == "usage" and model in COMMITMENT_MODELS) or unused,
        unused=unused,
    )


def _classify_key(key: str) -> Charge:
    charge_type, model, benefit, has_id, frequency = key.split("|")
    return classify(charge_type, model, benefit, has_id == "1", frequency)


def _lower(values: pa.ChunkedArray | pa.Array | None, count: int) -> pa.Array:
    if values is None:
        return pa.repeat("", count)
    return pc.fill_null(pc.utf8_lower(pc.utf8_trim_whitespace(combined(values))), "")


def charges(table: pa.Table, commitment_id: pa.Array) -> dict[str, pa.Array]:
    """Every Charge field as a column, for the rows of a unified cost details table."""
    count = table.num_rows

    def col(name: str) -> pa.Array:
        return _lower(table[name] if name in table.column_names else None, count)

    benefit = pc.if_else(
        pc.match_substring(col("BenefitId"), "/microsoft.capacity/"),
        "capacity",
        pc.if_else(pc.match_substring(col("BenefitId"), "/microsoft.billingbenefits/"), "billingbenefits", ""),
    )
    has_id = pc.if_else(pc.is_valid(commitment_id), "1", "0")
    key = pc.binary_join_element_wise(col("ChargeType"), col("PricingModel"), benefit, has_id, col("Frequency"), "|")
    encoded = pc.dictionary_encode(key)
    kinds = [_classify_key(k) for k in encoded.dictionary.to_pylist()]
    flags = ("consumed", "commitment_purchase", "commitment_usage", "unused")
    types = {name: pa.bool_() for name in flags}
    return {
        field: pa.array([getattr(k, field) for k in kinds], types.get(field, pa.string())).take(encoded.indices)
        for field in Charge._fields
    }
