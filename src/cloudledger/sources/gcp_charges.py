"""How a Google Cloud export row is charged, in FOCUS terms: category, class, frequency, pricing category.

`cost_type` gives the category (regular -> Usage, tax -> Tax, rounding_error -> Adjustment, adjustment ->
Credit for goodwill and SLA credits, else Adjustment); `adjustment_info` marks corrections of usage that
an earlier invoice already billed (ChargeClass Correction); a committed use discount credit makes usage
Committed, a Spot or preemptible SKU makes it Dynamic.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError

COST_TYPES = {"regular": "Usage", "tax": "Tax", "rounding_error": "Adjustment", "adjustment": "Adjustment"}
"""`cost_type` -> ChargeCategory (an `adjustment` that credits the customer becomes Credit)."""
CREDIT_ADJUSTMENTS = ("GOODWILL", "SALES_BASED_GOODWILL", "SLA_VIOLATION")
"""`adjustment_info.type` of adjustments that are credits issued to the customer."""
CORRECTION_TYPES = ("USAGE_CORRECTION", "PRICE_CORRECTION", "METADATA_CORRECTION")
CORRECTION_MODES = ("PARTIAL_CORRECTION", "COMPLETE_NEGATION_WITH_REMONETIZATION", "COMPLETE_NEGATION")
"""`adjustment_info` type or mode of a correction: Google books it on a later invoice than the usage."""
COMMITMENT_FEE = r"(?i)^commitment\b"
"""SKU descriptions of committed use discount fees ("Commitment v1: Cpu in Americas for 1 Year")."""
DYNAMIC_SKU = r"(?i)\b(spot|preemptible)\b"


@dataclass(frozen=True)
class Charges:
    """The FOCUS charge columns of every export row."""

    category: pa.ChunkedArray
    charge_class: pa.ChunkedArray
    frequency: pa.ChunkedArray
    pricing_category: pa.ChunkedArray
    commitment_status: pa.ChunkedArray
    is_usage: pa.ChunkedArray


def cost_types(values: pa.ChunkedArray | None, count: int, *, file: str) -> pa.ChunkedArray:
    """`cost_type` in lower case (all `regular` in exports older than the column); unknown values are errors."""
    if values is None:
        return pa.chunked_array([pa.array(["regular"] * count, pa.string())])
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(values.cast(pa.string())))
    known = pc.is_in(lowered, pa.array(list(COST_TYPES)))
    if not pc.all(known).as_py() or lowered.null_count:
        bad = pc.indices_nonzero(pc.invert(pc.fill_null(known, False)))[0].as_py()
        raise InputError(
            f"{values[bad].as_py()!r} is not a cost type; expected one of {', '.join(COST_TYPES)}",
            file=file,
            row=bad + 1,
            column="cost_type",
        )
    return lowered


def classify(
    kinds: pa.ChunkedArray,
    adjustment_type: pa.ChunkedArray,
    adjustment_mode: pa.ChunkedArray,
    sku_description: pa.ChunkedArray,
    commitment_id: pa.Array,
) -> Charges:
    """Category, class, frequency and pricing category from cost type, adjustment info, SKU and CUD."""
    category = pc.take(pa.array(list(COST_TYPES.values())), pc.index_in(kinds, pa.array(list(COST_TYPES))))
    credited = pc.and_(pc.equal(kinds, "adjustment"), _is_in(adjustment_type, CREDIT_ADJUSTMENTS))
    category = pc.if_else(credited, "Credit", category)
    corrected = pc.or_(_is_in(adjustment_type, CORRECTION_TYPES), _is_in(adjustment_mode, CORRECTION_MODES))
    charge_class = pc.if_else(corrected, "Correction", pa.scalar(None, pa.string()))
    is_usage = pc.equal(category, "Usage")
    fee = pc.fill_null(pc.match_substring_regex(sku_description, COMMITMENT_FEE), False)
    frequency = pc.if_else(is_usage, pc.if_else(fee, "Recurring", "Usage-Based"), "One-Time")
    committed = pc.is_valid(commitment_id)
    dynamic = pc.fill_null(pc.match_substring_regex(sku_description, DYNAMIC_SKU), False)
    pricing = pc.if_else(committed, "Committed", pc.if_else(dynamic, "Dynamic", "Standard"))
    none = pa.scalar(None, pa.string())
    return Charges(
        category=_chunked(category),
        charge_class=_chunked(charge_class),
        frequency=_chunked(frequency),
        pricing_category=_chunked(pc.if_else(is_usage, pricing, none)),
        commitment_status=_chunked(pc.if_else(pc.and_(is_usage, committed), "Used", none)),
        is_usage=_chunked(is_usage),
    )


def _is_in(values: pa.ChunkedArray, options: tuple[str, ...]) -> pa.ChunkedArray:
    return pc.fill_null(pc.is_in(pc.utf8_upper(values), pa.array(options)), False)


def _chunked(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
