"""Small Azure cost details files for tests, in the EA (PascalCase) and MCA (camelCase) shapes.

`ea_row()` is one row in the EA 2021-10-01 schema's names; `write_cost` writes rows as an EA or an MCA
file (renaming columns, moving the account to the billing profile for MCA and wrapping tags in braces),
optionally with the export's `manifest.json` beside it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

ACCOUNT = "100200"
MCA_ACCOUNT = "aaaa-bbbb:cccc_2019-05-31"
MCA_PROFILE = "PROF-1234-ABC"
BILLING = "/providers/Microsoft.Billing/billingAccounts/"
EA_BILLING_ID = f"{BILLING}{ACCOUNT}"
"""The ledger's BillingAccountId of an EA enrollment (as Microsoft's FOCUS export writes it)."""
MCA_BILLING_ID = f"{BILLING}{MCA_ACCOUNT}/billingProfiles/{MCA_PROFILE}"
"""The ledger's BillingAccountId of an MCA billing profile."""
SUB = "11111111-2222-3333-4444-555555555555"
RI = "/providers/Microsoft.Capacity/reservationOrders/ro-1/reservations/ri-1"
SP = "/providers/Microsoft.BillingBenefits/savingsPlanOrders/spo-1/savingsPlans/sp-1"
VM = f"/subscriptions/{SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-1"

EA_COLUMNS = (
    "BillingAccountId", "BillingAccountName", "BillingPeriodStartDate", "BillingPeriodEndDate", "BillingProfileId",
    "BillingProfileName", "AccountName", "SubscriptionId", "SubscriptionName", "Date", "ProductName", "PartNumber",
    "MeterId", "MeterName", "MeterCategory", "MeterSubCategory", "MeterRegion", "Quantity", "UnitOfMeasure",
    "EffectivePrice", "CostInBillingCurrency", "UnitPrice", "PayGPrice", "BillingCurrencyCode", "ResourceLocation",
    "ConsumedService", "ResourceId", "ResourceName", "Tags", "ChargeType", "PricingModel", "Frequency", "benefitId",
    "benefitName", "ReservationId", "ReservationName", "ProductOrderId", "ProductOrderName", "PublisherType",
    "PublisherName", "InvoiceSectionName", "CostCenter", "AdditionalInfo",
)  # fmt: skip
MCA_NAMES = {
    "PartNumber": None,
    "AccountName": None,
    "CostCenter": "costCenter",
    "ResourceName": None,
    "ProductName": "productName",
    "BillingCurrencyCode": "billingCurrency",
    "benefitId": "benefitId",
    "benefitName": "benefitName",
}
"""EA column -> MCA column where it is not just the camelCase name (None: MCA has no such column)."""
MCA_EXTRA = ("ProductId", "paygCostInBillingCurrency", "exchangeRatePricingToBilling", "pricingCurrency", "invoiceId")


def ea_row(**changes: Any) -> dict[str, Any]:
    """An on-demand virtual machine day, EA names; `changes` replace values."""
    row: dict[str, Any] = {
        "BillingAccountId": ACCOUNT,
        "BillingAccountName": "Contoso EA",
        "BillingPeriodStartDate": "01/01/2024",
        "BillingPeriodEndDate": "01/31/2024",
        "BillingProfileId": ACCOUNT,
        "BillingProfileName": "Contoso EA",
        "AccountName": "Web team",
        "SubscriptionId": SUB,
        "SubscriptionName": "web-prod",
        "Date": "1/5/2024",
        "ProductName": "Virtual Machines D2s v3 - US East",
        "PartNumber": "AAA-00001",
        "MeterId": "meter-d2s",
        "MeterName": "D2s v3",
        "MeterCategory": "Virtual Machines",
        "MeterSubCategory": "Dsv3 Series",
        "MeterRegion": "US East",
        "Quantity": "24",
        "UnitOfMeasure": "1 Hour",
        "EffectivePrice": "0.5",
        "CostInBillingCurrency": "12",
        "UnitPrice": "0.5",
        "PayGPrice": "0.6",
        "BillingCurrencyCode": "USD",
        "ResourceLocation": "EastUS",
        "ConsumedService": "Microsoft.Compute",
        "ResourceId": VM,
        "ResourceName": "vm-1",
        "Tags": '"team": "web","env": "prod"',
        "ChargeType": "Usage",
        "PricingModel": "OnDemand",
        "Frequency": "UsageBased",
        "benefitId": "",
        "benefitName": "",
        "ReservationId": "",
        "ReservationName": "",
        "ProductOrderId": "",
        "ProductOrderName": "",
        "PublisherType": "Azure",
        "PublisherName": "Microsoft",
        "InvoiceSectionName": "Web",
        "CostCenter": "cc-1",
        "AdditionalInfo": "",
    }
    row.update(changes)
    return row


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def to_mca(row: dict[str, Any]) -> dict[str, Any]:
    """The same charge as an MCA row: camelCase names, the billing profile, tags as a JSON object."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        target = MCA_NAMES.get(name, _camel(name))
        if target is not None:
            out[target] = value
    out["billingAccountId"], out["billingProfileId"] = MCA_ACCOUNT, MCA_PROFILE
    out["billingAccountName"], out["billingProfileName"] = "Contoso MCA", "Contoso profile"
    out["tags"] = "{" + row["Tags"] + "}" if row["Tags"] else ""
    quantity, price = row["Quantity"], row["PayGPrice"]
    out["ProductId"] = "DZH318Z0BQ5S"
    out["paygCostInBillingCurrency"] = str(float(quantity) * float(price)) if quantity and price else ""
    out["exchangeRatePricingToBilling"] = "1"
    out["pricingCurrency"] = "USD"
    out["invoiceId"] = "G000123456"
    return out


def write_cost(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    shape: str = "ea",
    manifest: dict[str, Any] | None = None,
    drop: tuple[str, ...] = (),
) -> Path:
    """Write EA-named `rows` as an `ea` or `mca` file (and `manifest.json` beside it when given)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = [to_mca(r) if shape == "mca" else dict(r) for r in rows]
    header = [name for name in out[0] if name not in drop]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(out)
    if manifest is not None:
        (path.parent / "manifest.json").write_text(json.dumps(manifest))
    return path


def manifest(dataset: str, submitted: str = "2024-02-02T06:00:00Z", name: str = "export") -> dict[str, Any]:
    """An Azure export run manifest (the fields cloudledger reads)."""
    return {
        "manifestVersion": "2024-04-01",
        "exportConfig": {"exportName": f"{name}-{dataset.lower()}", "type": dataset, "dataVersion": "2021-10-01"},
        "runInfo": {"submittedTime": submitted, "startDate": "2024-01-01", "endDate": "2024-01-31", "runId": "r"},
        "blobs": [],
    }


def commitment_scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(actual rows, amortized rows) of one month with a reservation, a savings plan, spot, tax and a refund."""
    ri = {"benefitId": RI, "benefitName": "ri-d2s", "ReservationId": "ri-1", "ReservationName": "ri-d2s"}
    sp = {"benefitId": SP, "benefitName": "sp-compute"}
    purchase = {"ResourceId": "", "ResourceName": "", "ConsumedService": "", "MeterId": "", "Quantity": "1"}
    on_demand = ea_row(CostInBillingCurrency="10")
    spot = ea_row(PricingModel="Spot", CostInBillingCurrency="2", Date="1/7/2024", MeterId="meter-spot")
    tax = ea_row(ChargeType="Tax", CostInBillingCurrency="5", Frequency="OneTime", Date="1/31/2024", **purchase)
    rounding = ea_row(ChargeType="RoundingAdjustment", CostInBillingCurrency="0.01", Date="1/31/2024", **purchase)
    covered = {"PricingModel": "Reservation", "Date": "1/6/2024", **ri}
    sp_used = {"PricingModel": "SavingsPlan", "Date": "1/8/2024", "MeterId": "meter-e4", **sp}
    actual = [
        on_demand,
        ea_row(ChargeType="Purchase", PricingModel="Reservation", Frequency="OneTime", CostInBillingCurrency="300",
               Date="1/1/2024", ProductOrderId="ro-1", UnitPrice="300", PayGPrice="300", **ri, **purchase),
        ea_row(CostInBillingCurrency="0", EffectivePrice="0", **covered),
        ea_row(ChargeType="Purchase", PricingModel="SavingsPlan", Frequency="Recurring", CostInBillingCurrency="100",
               Date="1/1/2024", ProductOrderId="spo-1", UnitPrice="100", PayGPrice="100", **sp, **purchase),
        ea_row(CostInBillingCurrency="0", EffectivePrice="0", **sp_used),
        ea_row(ChargeType="Refund", PricingModel="Reservation", Frequency="OneTime", CostInBillingCurrency="-50",
               Date="1/20/2024", ProductOrderId="ro-1", UnitPrice="50", PayGPrice="50", **ri, **purchase),
        spot,
        tax,
        rounding,
    ]  # fmt: skip
    amortized = [
        on_demand,
        ea_row(CostInBillingCurrency="8", EffectivePrice="0.3333333333", **covered),
        ea_row(CostInBillingCurrency="3", EffectivePrice="0.125", **sp_used),
        ea_row(ChargeType="UnusedReservation", CostInBillingCurrency="1.5", Quantity="3", **covered),
        ea_row(ChargeType="UnusedSavingsPlan", CostInBillingCurrency="0.5", Quantity="1", **sp_used),
        spot,
        tax,
        rounding,
    ]
    return actual, amortized
