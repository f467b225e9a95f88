"""The `azure-cost` source's mapping table and notes (they drive `docs/sources/azure-cost.md`)."""

from __future__ import annotations

from cloudledger.sources import ColumnMapping

_M = ColumnMapping

COLUMN_MAP = (
    _M(
        "BilledCost",
        "CostInBillingCurrency (EA 2021+) / Cost (older EA) / costInBillingCurrency (MCA) of the actual cost file",
        "0 on rows only the amortized file has; see pairing",
    ),
    _M(
        "EffectiveCost",
        "the same cost column of the amortized cost file",
        "0 on rows only the actual file has (commitment purchases and refunds)",
    ),
    _M(
        "BillingAccountId",
        "BillingAccountId and BillingProfileId, as a billing resource id",
        "as Microsoft's FOCUS export writes it: MCA `/providers/Microsoft.Billing/billingAccounts/{billingAccountId}"
        "/billingProfiles/{billingProfileId}` (the billing profile, the level invoices are issued at); EA "
        "`/providers/Microsoft.Billing/billingAccounts/{BillingAccountId}` (the enrollment; its profile id equals it)",
    ),
    _M("BillingAccountName", "BillingProfileName, else BillingAccountName", ""),
    _M(
        "BillingAccountType",
        "`Billing Profile` when the profile differs from the billing account, else `Billing Account`",
        "",
    ),
    _M("BillingCurrency", "BillingCurrencyCode / BillingCurrency / billingCurrency", ""),
    _M("PricingCurrency", "pricingCurrency (MCA), else the billing currency (EA)", "as Microsoft's conversion guide"),
    _M(
        "BillingPeriodStart",
        "BillingPeriodStartDate",
        "when empty (some MCA files): the first day of the month of Date",
    ),
    _M(
        "BillingPeriodEnd", "BillingPeriodEndDate + 1 day", "exclusive end; when empty: the first day of the next month"
    ),
    _M("ChargePeriodStart", "Date", "M/D/YYYY, MM/DD/YYYY or YYYY-MM-DD, UTC midnight"),
    _M("ChargePeriodEnd", "Date + 1 day", ""),
    _M(
        "ChargeCategory",
        "ChargeType",
        "Usage, UnusedReservation, UnusedSavingsPlan -> Usage; Purchase, Refund -> Purchase; Tax -> Tax; "
        "Credit -> Credit; anything else (RoundingAdjustment, Adjustment...) -> Adjustment",
    ),
    _M("ChargeClass", "ChargeType", "Refund -> Correction, else null"),
    _M("ChargeDescription", "ProductName / Product, else MeterName", ""),
    _M(
        "ChargeFrequency",
        "Frequency",
        "OneTime -> One-Time, Recurring -> Recurring, UsageBased -> Usage-Based (One-Time on purchases)",
    ),
    _M(
        "PricingCategory",
        "PricingModel",
        "OnDemand -> Standard, Spot -> Dynamic, Reservation/SavingsPlan usage and unused rows -> Committed, "
        "commitment purchases -> Standard, Tax -> null",
    ),
    _M("CommitmentDiscountId", "benefitId, else ReservationId", "only where a commitment applies"),
    _M("CommitmentDiscountName", "benefitName, else ReservationName", ""),
    _M(
        "CommitmentDiscountType",
        "benefitId (`/microsoft.capacity/` -> Reservation, `/microsoft.billingbenefits/` -> Savings Plan), "
        "else PricingModel / ChargeType",
        "",
    ),
    _M("CommitmentDiscountCategory", "CommitmentDiscountType", "Reservation -> Usage, Savings Plan -> Spend"),
    _M(
        "CommitmentDiscountStatus",
        "ChargeType",
        "UnusedReservation/UnusedSavingsPlan -> Unused; usage with a commitment -> Used",
    ),
    _M("PricingQuantity", "Quantity", "in UnitOfMeasure blocks, the quantity the prices apply to"),
    _M("PricingUnit", "UnitOfMeasure via PricingUnits.csv", "`10K` -> `10000 Units`, `1 Hour` -> `Hours`"),
    _M("ConsumedQuantity", "Quantity x PricingBlockSize", "usage rows only (not unused commitment)"),
    _M("ConsumedUnit", "UnitOfMeasure via PricingUnits.csv (DistinctUnits)", ""),
    _M("ListUnitPrice", "PayGPrice x ExchangeRatePricingToBilling (1 when absent)", "null on Tax rows"),
    _M("ListCost", "PaygCostInBillingCurrency, else ListUnitPrice x Quantity, else the row's cost", ""),
    _M("ContractedUnitPrice", "UnitPrice x ExchangeRatePricingToBilling (1 when absent)", "null on Tax rows"),
    _M("ContractedCost", "ContractedUnitPrice x Quantity, else the row's cost", ""),
    _M(
        "SubAccountId",
        "`/subscriptions/` + SubscriptionId / SubscriptionGuid",
        "the subscription's resource id, as Microsoft's FOCUS export writes it; the bare id stays in x_SubscriptionId",
    ),
    _M("SubAccountName", "SubscriptionName, else SubscriptionId", ""),
    _M("SubAccountType", "`Subscription`", ""),
    _M("ResourceId", "ResourceId / InstanceId (early MCA: InstanceName)", ""),
    _M("ResourceName", "ResourceName, else the last segment of ResourceId", ""),
    _M("ResourceType", "type of ResourceId via ResourceTypes.csv", "display name, else the ARM type"),
    _M(
        "ServiceName",
        "ConsumedService + the resource's type via Services.csv",
        "without a resource: the service named like MeterCategory, else ConsumedService alone; else MeterCategory",
    ),
    _M("ServiceCategory", "ConsumedService + resource type via Services.csv", "Other when unknown"),
    _M("ServiceSubcategory", "ConsumedService + resource type via Services.csv", "Other (Other) when unknown"),
    _M("RegionId", "ResourceLocation via Regions.csv", "unknown spellings: lower case without spaces"),
    _M("RegionName", "ResourceLocation via Regions.csv", ""),
    _M("AvailabilityZone", "AvailabilityZone", ""),
    _M("ProviderName", "`Microsoft`", ""),
    _M("PublisherName", "PublisherName, else `Microsoft`", ""),
    _M("InvoiceIssuerName", "PartnerName, else `Microsoft`", ""),
    _M("InvoiceId", "InvoiceId (MCA)", ""),
    _M("SkuId", "ProductId (MCA), else PartNumber (EA), else MeterId", "EA files have no product id"),
    _M(
        "SkuPriceId",
        "`{SkuId}_{MeterId}` (ProductId / PartNumber joined with MeterId), else SkuId",
        "cost details carry no price id (Microsoft's conversion guide: not available); the meter under its product "
        "is the price point Microsoft's price sheet join uses. Null on Tax rows; SkuId on rows without a meter "
        "(commitment purchases)",
    ),
    _M("SkuMeter", "MeterName", "where SkuId is given"),
    _M("Tags", "Tags", "JSON object, or its pairs without braces (EA)"),
    _M(
        "x_CostDatasets",
        "(computed)",
        "`actual+amortized` (paired row), `actual`, `amortized`, or `either` (file without commitment rows, "
        "same in both)",
    ),
    _M(
        "x_ActualSourceFile, x_ActualSourceRow",
        "(computed)",
        "on paired rows: the actual cost file and row whose cost is the BilledCost",
    ),
    _M("x_PricingBlockSize", "UnitOfMeasure via PricingUnits.csv", ""),
    _M(
        "x_<column>",
        "every other column",
        "under one name for EA and MCA: e.g. x_MeterCategory, x_BillingProfileId, x_InvoiceSectionName, "
        "x_CostInBillingCurrency",
    ),
)

NOTES = """
Reads the cost details that Azure Cost Management exports or downloads as CSV (or CSV.gz): **actual cost**
(`ActualCost`, also called usage) and **amortized cost** (`AmortizedCost`), for Enterprise Agreement (EA,
PascalCase columns; the older names `Cost`, `BillingCurrency`, `Product`, `InvoiceSection` and the
2021-10-01 names `CostInBillingCurrency`, `BillingCurrencyCode`, `ProductName` alike) and Microsoft Customer
Agreement (MCA, camelCase columns). Column names are matched whatever their case, so EA and MCA rows land
with the same FOCUS and `x_` columns. For FOCUS exports (`FocusCost`) use the `focus` source.

**What to point at.** Both exports of a month, e.g. `cloudledger ingest exports/`: the actual and amortized
files of one billing account and period are read together and become one set of FOCUS rows, following
Microsoft's own conversion to FOCUS: BilledCost comes from the actual file, EffectiveCost from the amortized
one. Which file is which is told, in this order, by the export's `manifest.json` beside the file
(`exportConfig.type`), by an `actual` or `amortized` token in the file name (or its folders), or by the rows:
unused commitment rows or non-zero commitment-covered usage are amortized, commitment purchases or zero-cost
covered usage are actual. A file with none of these reads the same in both datasets (`x_CostDatasets` =
`either`: BilledCost = EffectiveCost = its cost); next to a file of known dataset it is taken as the other one.

**Pairing.** A row in both files (same charge type, pricing model, day, subscription, resource, meter,
commitment, order and quantity; the n-th such row of one file with the n-th of the other) becomes one ledger
row: BilledCost = the actual cost (0 for usage a reservation or savings plan covers, unless actual bills it),
EffectiveCost = the amortized cost (`x_CostDatasets` = `actual+amortized`; `x_ActualSourceFile`/`Row` name the
actual row). Rows only in actual (reservation and savings plan purchases and refunds) get EffectiveCost 0;
rows only in amortized (unused reservation / savings plan) get BilledCost 0. So per billing account and
period, BilledCost equals the actual file's total and EffectiveCost the amortized file's, to the cent.

**A lone file** still lands. Actual alone: BilledCost = cost; EffectiveCost = cost, except commitment
purchases and refunds (0, as FOCUS requires: amortization needs the amortized file, so EffectiveCost then
misses the commitments). Amortized alone: EffectiveCost = cost; BilledCost = cost, except commitment-covered
usage and unused commitment (0): the purchases that bill them are only in the actual file, so BilledCost is
short of the invoice by them. `x_CostDatasets` says which dataset(s) each row came from.

**Charge types.** Usage -> Usage; Purchase -> Purchase (reservation and savings plan purchases: PricingCategory
Standard, EffectiveCost 0); Refund -> Purchase with ChargeClass Correction; UnusedReservation /
UnusedSavingsPlan -> Usage with CommitmentDiscountStatus Unused; Tax -> Tax; RoundingAdjustment and other
adjustments -> Adjustment. PricingModel OnDemand -> Standard, Spot -> Dynamic, Reservation / SavingsPlan ->
Committed with the CommitmentDiscount columns from `benefitId` (`/microsoft.capacity/` reservations: Usage
category; `/microsoft.billingbenefits/` savings plans: Spend category).

**Billing account.** BillingAccountId is the billing resource id Microsoft's own FOCUS export (FocusCost)
writes, so that the same account delivered as cost details and as FOCUS lands under one id. For EA it is the
enrollment, `/providers/Microsoft.Billing/billingAccounts/{BillingAccountId}` (its `BillingProfileId` is the
same number). For MCA it is the billing profile, the level at which Microsoft issues invoices:
`/providers/Microsoft.Billing/billingAccounts/{billingAccountId}/billingProfiles/{billingProfileId}`. The raw
ids stay in `x_BillingAccountId` and `x_BillingProfileId`. (Microsoft's conversion guide for cost details
names the bare ids; its FOCUS export writes the resource ids, and those are what a FOCUS delivery of the same
account carries.) Invoices given to `cloudledger reconcile` name the account by this id.

**Units and prices.** Azure's Quantity counts UnitOfMeasure blocks (`10K` operations, `100 Hours`) and its
prices are per block: PricingQuantity = Quantity with PricingUnit `10000 Units`, and ConsumedQuantity =
Quantity x block size in `Units`. MCA prices are in the pricing currency and are converted with
`exchangeRatePricingToBilling`. Services, regions, units and resource types are looked up in the FinOps
toolkit's open data (MIT licence, vendored with cloudledger).

**SkuPriceId.** Cost details have no price id: Microsoft's guide to converting them to FOCUS lists SkuPriceId
as not available, and the id its FocusCost export writes is not in them. cloudledger names the price point a
row was charged at by its SKU and meter, `{SkuId}_{MeterId}` (e.g. `DZH318Z0BQ5S_<meter GUID>`): the product
and meter are what Microsoft's notes join the price sheet on, and one such id has one SkuId, as FOCUS requires.
Usage a commitment covers keeps its meter's id; a commitment purchase names no meter and gets its SkuId. So
the same account delivered as FocusCost and as cost details agrees on SkuPriceId only where FocusCost uses
that form; Microsoft's own values differ.

**Native totals** recorded for `reconcile`: the cost column as written, summed per billing account and period:
of actual files as BilledCost, of amortized files as EffectiveCost (of `either` files as both).

**Rejected** (nothing of the ingest lands; the error names file, row and column): a missing key column (Date,
cost, billing currency, billing account or profile); a cost, quantity or price that is not a number; a date
that is not M/D/YYYY, MM/DD/YYYY or YYYY-MM-DD; tags that are not JSON; bytes that are not UTF-8; a file
mixing schemas (two spellings of one column, such as `Cost` and `CostInBillingCurrency` or `BillingCurrency`
and `billingCurrency`); an actual and amortized pair in different schemas (EA vs MCA) or currencies, or whose
billing accounts differ for a period; the same dataset of one account and period from two deliveries
(different folders) unless their manifests tell the newest, which is then the one read.
"""
