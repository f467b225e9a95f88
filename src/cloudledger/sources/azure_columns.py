"""Azure cost details column names: one canonical name per column across EA and MCA schemas.

Enterprise Agreement exports use PascalCase (`Cost`, `BillingCurrency`, `Product` before the 2021-10-01
schema; `CostInBillingCurrency`, `BillingCurrencyCode`, `ProductName` after), Microsoft Customer
Agreement exports camelCase (`costInBillingCurrency`, `billingCurrency`, `billingProfileId`). Names are
matched case-insensitively; each canonical column may come from one alias only.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from cloudledger.errors import InputError

ALIASES: dict[str, tuple[str, ...]] = {
    "BillingAccountId": ("billingaccountid",),
    "BillingAccountName": ("billingaccountname",),
    "BillingProfileId": ("billingprofileid",),
    "BillingProfileName": ("billingprofilename",),
    "BillingPeriodStartDate": ("billingperiodstartdate",),
    "BillingPeriodEndDate": ("billingperiodenddate",),
    "Date": ("date", "usagedate"),
    "CostInBillingCurrency": ("costinbillingcurrency", "cost", "pretaxcost"),
    "BillingCurrency": ("billingcurrencycode", "billingcurrency"),
    "PricingCurrency": ("pricingcurrencycode", "pricingcurrency"),
    "PaygCostInBillingCurrency": ("paygcostinbillingcurrency",),
    "ExchangeRatePricingToBilling": ("exchangeratepricingtobilling",),
    "SubscriptionId": ("subscriptionid", "subscriptionguid"),
    "SubscriptionName": ("subscriptionname",),
    "ResourceGroupName": ("resourcegroup", "resourcegroupname"),
    "ResourceId": ("resourceid", "instanceid"),
    "ResourceName": ("resourcename",),
    "ResourceLocation": ("resourcelocation",),
    "ProductName": ("productname", "product"),
    "ProductId": ("productid",),
    "MeterId": ("meterid",),
    "MeterName": ("metername",),
    "MeterCategory": ("metercategory",),
    "MeterSubCategory": ("metersubcategory",),
    "MeterRegion": ("meterregion",),
    "ConsumedService": ("consumedservice",),
    "Quantity": ("quantity", "usagequantity"),
    "UnitOfMeasure": ("unitofmeasure",),
    "UnitPrice": ("unitprice",),
    "EffectivePrice": ("effectiveprice",),
    "PayGPrice": ("paygprice",),
    "ChargeType": ("chargetype",),
    "PricingModel": ("pricingmodel",),
    "Frequency": ("frequency",),
    "BenefitId": ("benefitid",),
    "BenefitName": ("benefitname",),
    "ReservationId": ("reservationid",),
    "ReservationName": ("reservationname",),
    "ProductOrderId": ("productorderid",),
    "ProductOrderName": ("productordername",),
    "Tags": ("tags",),
    "InvoiceId": ("invoiceid",),
    "InvoiceSectionId": ("invoicesectionid",),
    "InvoiceSectionName": ("invoicesectionname", "invoicesection"),
    "PublisherName": ("publishername",),
    "PublisherType": ("publishertype",),
    "PartnerName": ("partnername",),
    "AvailabilityZone": ("availabilityzone",),
    "AdditionalInfo": ("additionalinfo",),
    "CostCenter": ("costcenter",),
    "AccountName": ("accountname",),
    "AccountOwnerId": ("accountownerid",),
    "PartNumber": ("partnumber",),
    "OfferId": ("offerid",),
    "Term": ("term",),
    "ServiceFamily": ("servicefamily",),
    "PlanName": ("planname",),
    "IsAzureCreditEligible": ("isazurecrediteligible",),
    "CostAllocationRuleName": ("costallocationrulename",),
    "CostInPricingCurrency": ("costinpricingcurrency",),
    "CostInUsd": ("costinusd",),
    "PaygCostInUsd": ("paygcostinusd",),
    "ExchangeRateDate": ("exchangeratedate",),
    "ServicePeriodStartDate": ("serviceperiodstartdate",),
    "ServicePeriodEndDate": ("serviceperiodenddate",),
    "PreviousInvoiceId": ("previousinvoiceid",),
    "ResellerName": ("resellername",),
    "ResellerMpnId": ("resellermpnid",),
    "ServiceInfo1": ("serviceinfo1",),
    "ServiceInfo2": ("serviceinfo2",),
}
"""Canonical name -> accepted spellings (lower case). A file may hold only one spelling of each."""

FALLBACKS: dict[str, tuple[str, ...]] = {
    "ResourceId": ("instancename",),
    "ResourceLocation": ("location",),
    "InvoiceSectionName": ("departmentname",),
}
"""Older names used only when no spelling of ALIASES is present (an MCA `Location` is the meter's
display location next to `resourceLocation`; early MCA files name the resource id `InstanceName`)."""

_BY_ALIAS = {alias: name for name, aliases in ALIASES.items() for alias in aliases}

REQUIRED = ("Date", "CostInBillingCurrency", "BillingCurrency")
"""Besides a billing account or profile id: what every row needs to land in the ledger."""
ACCOUNT_COLUMNS = ("BillingProfileId", "BillingAccountId")
SIGNATURE_ANY = (("meterid", "metercategory", "metername"), ("subscriptionid", "subscriptionguid"))


def detect(header: Sequence[str]) -> bool:
    """An Azure actual or amortized cost details file (EA or MCA), not a FOCUS export: meter and
    subscription columns and most key columns (a missing one is then reported by `unify`)."""
    names = {name.strip().lower() for name in header}
    if "billedcost" in names or not all(names & set(group) for group in SIGNATURE_ANY):
        return False
    keys = [*(ALIASES[c] for c in REQUIRED), tuple(a for c in ACCOUNT_COLUMNS for a in ALIASES[c])]
    return sum(1 for aliases in keys if names & set(aliases)) >= len(keys) - 1


def schema_family(header: Sequence[str]) -> str:
    """`MCA` for camelCase headers, `EA` for PascalCase ones (by the majority of known column names)."""
    known = [name for name in header if name.strip().lower() in _BY_ALIAS]
    camel = sum(1 for name in known if name[:1].islower())
    return "MCA" if camel * 2 > len(known) else "EA"


def canonical_names(header: Sequence[str], file: str) -> dict[str, str]:
    """Header name -> canonical name; raises on two spellings of one column (a mixed EA/MCA schema)."""
    lowered: dict[str, str] = {}
    for name in header:
        seen = lowered.setdefault(name.strip().lower(), name)
        if seen != name:
            raise InputError(
                f"columns {seen!r} and {name!r} differ only in case: the file mixes the EA (PascalCase) and "
                "MCA (camelCase) cost details schemas; export it again with one schema",
                file=file,
                column=name,
            )
    out: dict[str, str] = {}
    for canonical, aliases in ALIASES.items():
        present = [lowered[a] for a in aliases if a in lowered]
        if len(present) > 1:
            raise InputError(
                f"columns {' and '.join(repr(p) for p in present)} both mean {canonical}: the file mixes two "
                "Azure cost details schemas (EA and MCA, or two schema versions); export it again with one schema",
                file=file,
                column=present[1],
            )
        if not present:
            present = [lowered[a] for a in FALLBACKS.get(canonical, ()) if a in lowered][:1]
        if present:
            out[present[0]] = canonical
    return out


def unify(raw: pa.Table, file: str) -> pa.Table:
    """`raw` with canonical column names (unknown columns keep theirs); checks the key columns."""
    names = canonical_names(raw.column_names, file)
    table = raw.rename_columns([names.get(n, n) for n in raw.column_names])
    missing = [c for c in REQUIRED if c not in table.column_names]
    if not any(c in table.column_names for c in ACCOUNT_COLUMNS):
        missing.insert(0, "BillingAccountId or BillingProfileId")
    if missing:
        spelled = ", ".join("/".join(ALIASES.get(m, (m,))) for m in missing)
        raise InputError(
            f"missing key column(s) {', '.join(missing)} (accepted spellings: {spelled}); "
            "an Azure cost details export (actual or amortized) has them",
            file=file,
            column=missing[0],
        )
    return table
