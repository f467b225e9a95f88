"""The monthly fee line of each reservation and savings plan, built from the FOCUS rows it stands for.

AWS bills a commitment once a month: a reservation's `RIFee` line (its recurring fee, 0 when paid all
upfront) carries the unused hours and their amortized cost (`reservation/UnusedQuantity`,
`reservation/UnusedAmortizedUpfrontFeeForBillingPeriod` or `reservation/UnusedRecurringFee`); a savings
plan's `SavingsPlanRecurringFee` line carries `savingsPlan/TotalCommitmentToDate` and
`savingsPlan/UsedCommitment`. The `aws-cur` source turns their unused part back into the FOCUS Unused rows,
so the unused amounts are summed from those rows and the used commitment is the total minus them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.native_aws_columns import schema, typed_table
from cloudledger.demo.native_aws_lines import RI, SP, ZERO

_ATTRIBUTES = (
    "BillingAccountId", "BillingAccountName", "SubAccountName", "BillingCurrency", "BillingPeriodStart",
    "BillingPeriodEnd", "InvoiceId", "InvoiceIssuerName", "PublisherName", "SubAccountId", "SkuId", "SkuPriceId",
    "ServiceName", "RegionId", "RegionName", "CommitmentDiscountId", "CommitmentDiscountType",
    "CommitmentDiscountName", "x_ServiceCode", "x_UsageType", "x_Operation",
)  # fmt: skip


@dataclass
class _Held:
    """What one commitment's FOCUS rows of the month add up to."""

    attributes: dict[str, Any]
    owned: bool
    """The attributes come from the commitment's own rows (purchase or unused), not from covered usage."""
    used: Decimal = Decimal(0)
    used_hours: Decimal = Decimal(0)
    unused: Decimal = Decimal(0)
    unused_hours: Decimal = Decimal(0)
    recurring: Decimal | None = None
    recurring_quantity: Decimal | None = None

    def add(self, part: str, cost: Decimal, qty: Decimal) -> None:
        """Count one (commitment, part) sum: Used / Unused rows or the month's recurring purchase."""
        if part == "Used":
            self.used += cost
            self.used_hours += qty
        elif part == "Unused":
            self.unused += cost
            self.unused_hours += qty
        elif part == "recurring":
            self.recurring = (self.recurring or Decimal(0)) + cost
            self.recurring_quantity = (self.recurring_quantity or Decimal(0)) + qty


def _parts(rows: pa.Table) -> pa.ChunkedArray:
    status, category = rows["CommitmentDiscountStatus"], rows["ChargeCategory"]
    recurring = pc.and_(pc.equal(category, "Purchase"), pc.equal(rows["ChargeFrequency"], "Recurring"))
    part = pc.if_else(pc.fill_null(recurring, False), "recurring", "other")
    return pc.if_else(pc.is_valid(status), status, part)


class FeeLines:
    """Tallies the commitments' rows chunk by chunk; `table()` gives their fee lines for the month."""

    def __init__(self) -> None:
        self.held: dict[str, _Held] = {}

    def add(self, chunk: pa.Table) -> None:
        rows = chunk.filter(pc.is_valid(chunk["CommitmentDiscountId"]))
        if rows.num_rows == 0:
            return
        parts = _parts(rows)
        amount = pc.if_else(pc.equal(parts, "recurring"), rows["BilledCost"], rows["EffectiveCost"])
        tally = pa.table({"id": rows["CommitmentDiscountId"], "part": parts, "cost": amount,
                          "qty": pc.fill_null(rows["PricingQuantity"], ZERO)})  # fmt: skip
        for r in tally.group_by(["id", "part"]).aggregate([("cost", "sum"), ("qty", "sum")]).to_pylist():
            self._held(rows, parts, r["id"]).add(r["part"], r["cost_sum"], r["qty_sum"])

    def _held(self, rows: pa.Table, parts: pa.ChunkedArray, ident: str) -> _Held:
        owner = pc.and_(pc.equal(rows["CommitmentDiscountId"], ident), pc.not_equal(parts, "Used"))
        held = self.held.get(ident)
        if held is not None and (held.owned or not pc.any(owner).as_py()):
            return held
        mine = (
            rows.filter(owner) if pc.any(owner).as_py() else rows.filter(pc.equal(rows["CommitmentDiscountId"], ident))
        )
        attributes = mine.select(list(_ATTRIBUTES)).slice(0, 1).to_pylist()[0]
        if held is None:
            held = self.held[ident] = _Held(attributes, pc.any(owner).as_py())
        else:
            held.attributes, held.owned = attributes, True
        return held

    def table(self) -> pa.Table:
        """One fee line per commitment seen this month (empty table when there were none)."""
        lines = [_fee_line(held) for _, held in sorted(self.held.items())]
        columns = {f.name: pa.array([line.get(f.name) for line in lines], f.type) for f in schema()}
        return typed_table(columns, len(lines))


def _fee_line(held: _Held) -> dict[str, Any]:
    """The RIFee or SavingsPlanRecurringFee line of one commitment."""
    line = _common(held)
    if held.attributes["CommitmentDiscountType"] == SP:
        line.update(_savings_plan(held))
    else:
        assert held.attributes["CommitmentDiscountType"] == RI, held.attributes["CommitmentDiscountType"]
        line.update(_reservation(held))
    return line


def _common(held: _Held) -> dict[str, Any]:
    a = held.attributes
    fee = held.recurring or Decimal(0)
    start, end = a["BillingPeriodStart"], a["BillingPeriodEnd"]
    line: dict[str, Any] = {
        "identity/TimeInterval": f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}",
        "bill/InvoiceId": a["InvoiceId"], "bill/InvoicingEntity": a["InvoiceIssuerName"], "bill/BillingEntity": "AWS",
        "bill/BillType": "Anniversary", "bill/PayerAccountId": a["BillingAccountId"],
        "bill/BillingPeriodStartDate": start, "bill/BillingPeriodEndDate": end,
        "lineItem/UsageAccountId": a["SubAccountId"] if held.owned else a["BillingAccountId"],
        "bill/PayerAccountName": a["BillingAccountName"],
        "lineItem/UsageAccountName": a["SubAccountName"] if held.owned else None,
        "lineItem/UsageStartDate": start, "lineItem/UsageEndDate": end, "lineItem/ProductCode": a["x_ServiceCode"],
        "lineItem/UsageType": a["x_UsageType"], "lineItem/Operation": a["x_Operation"],
        "lineItem/CurrencyCode": a["BillingCurrency"], "lineItem/UnblendedCost": fee, "lineItem/BlendedCost": fee,
        "lineItem/LegalEntity": a["PublisherName"], "product/ProductName": a["ServiceName"],
        "product/regionCode": a["RegionId"], "product/location": a["RegionName"], "pricing/unit": "Hours",
        "product/sku": a["SkuId"], "pricing/RateCode": a["SkuPriceId"],
    }  # fmt: skip
    return line


def _savings_plan(held: _Held) -> dict[str, Any]:
    a, fee = held.attributes, held.recurring or Decimal(0)
    total = fee if held.recurring is not None else held.used + held.unused
    rate = _rate(fee, held.recurring_quantity)
    return {
        "lineItem/LineItemType": "SavingsPlanRecurringFee", "lineItem/UsageAmount": held.recurring_quantity,
        "lineItem/UnblendedRate": rate, "lineItem/BlendedRate": rate, "pricing/publicOnDemandRate": rate,
        "lineItem/LineItemDescription": f"Savings Plan recurring fee: {a['CommitmentDiscountName']}",
        "savingsPlan/SavingsPlanARN": a["CommitmentDiscountId"], "savingsPlan/TotalCommitmentToDate": total,
        "savingsPlan/UsedCommitment": total - held.unused,
    }  # fmt: skip


def _reservation(held: _Held) -> dict[str, Any]:
    a, fee = held.attributes, held.recurring or Decimal(0)
    upfront = held.recurring is None
    hours = held.used_hours + held.unused_hours
    quantity = hours if upfront else held.recurring_quantity
    rate = _rate(fee, quantity)
    return {
        "lineItem/LineItemType": "RIFee", "lineItem/UsageAmount": quantity,
        "lineItem/UnblendedRate": rate, "lineItem/BlendedRate": rate, "pricing/publicOnDemandRate": rate,
        "lineItem/LineItemDescription": f"Reserved Instance fee: {a['CommitmentDiscountName']}",
        "reservation/ReservationARN": a["CommitmentDiscountId"], "reservation/TotalReservedUnits": hours,
        "reservation/UnusedQuantity": held.unused_hours,
        "reservation/AmortizedUpfrontFeeForBillingPeriod": held.used + held.unused if upfront else Decimal(0),
        "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod": held.unused if upfront else Decimal(0),
        "reservation/UnusedRecurringFee": Decimal(0) if upfront else held.unused,
    }  # fmt: skip


def _rate(fee: Decimal, quantity: Decimal | None) -> Decimal:
    """The fee per unit of the fee line's quantity (0 for a fee of 0)."""
    if not quantity or not fee:
        return Decimal(0)
    return (fee / quantity).quantize(Decimal("1E-10"))
