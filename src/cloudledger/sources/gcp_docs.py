"""The `gcp-billing` column mapping table and notes (they drive `docs/sources/gcp-billing.md`)."""

from __future__ import annotations

from cloudledger.sources import ColumnMapping

_M = ColumnMapping
COLUMN_MAP: tuple[ColumnMapping, ...] = (
    _M("BillingAccountId", "billing_account_id", "a reseller's subaccount for subaccount usage"),
    _M("BillingAccountName", "(none)", "not in the export: null"),
    _M("BillingAccountType", "`Billing Account`", ""),
    _M("BillingCurrency", "currency", "one currency per billing account and invoice month"),
    _M("BillingPeriodStart", "invoice.month", "00:00 America/Los_Angeles on the 1st, as UTC"),
    _M("BillingPeriodEnd", "invoice.month + 1 month", "exclusive; without invoice.month: usage_start_time's month"),
    _M("ChargePeriodStart", "usage_start_time", "UTC"),
    _M("ChargePeriodEnd", "usage_end_time", "UTC"),
    _M("ChargeCategory", "cost_type", "regular→Usage, tax→Tax, rounding_error→Adjustment, adjustment→Adjustment "
       "or Credit (adjustment_info.type GOODWILL, SALES_BASED_GOODWILL, SLA_VIOLATION)"),
    _M("ChargeClass", "adjustment_info.type / .mode", "Correction for *_CORRECTION types and correction modes"),
    _M("ChargeDescription", "sku.description", "else service.description"),
    _M("ChargeFrequency", "cost_type, sku.description",
       "Usage-Based; Recurring for commitment fees; One-Time for other categories"),
    _M("BilledCost", "cost + Σ credits.amount", "all credit types (Google's FOCUS view)"),
    _M("EffectiveCost", "cost + Σ credits.amount", "same as BilledCost: the export has no amortization"),
    _M("ContractedCost", "cost", "Usage rows; other rows copy BilledCost"),
    _M("ListCost", "cost_at_list", "Usage and Tax rows (else cost on Usage); other rows copy BilledCost"),
    _M("ContractedUnitPrice", "price.effective_price / price.pricing_unit_quantity",
       "Usage rows; where that price x PricingQuantity is not ContractedCost (or no price record): "
       "ContractedCost / PricingQuantity"),
    _M("ListUnitPrice", "price.list_price / price.pricing_unit_quantity",
       "Usage rows; where that price x PricingQuantity is not ListCost (or no list price): ListCost / PricingQuantity"),
    _M("PricingCurrency", "currency", "Google prices in the billing currency"),
    _M("PricingCurrencyContractedUnitPrice, PricingCurrencyListUnitPrice", "(as the unit prices)", ""),
    _M("PricingCurrencyEffectiveCost", "cost + Σ credits.amount", "= EffectiveCost"),
    _M("SkuPriceId", "billing_account_id, sku.id, price.tier_start_amount",
       "Usage rows: `Billing Account ID:<account>, SKU ID: <sku>, Price Tier Start Amount: <tier>` (Google's view)"),
    _M("CommitmentDiscountId", "subscription.instance_id, else credits.id",
       "rows with a COMMITTED_USAGE_DISCOUNT(_DOLLAR_BASE) credit"),
    _M("CommitmentDiscountName", "credits.full_name, else credits.name", "of that credit"),
    _M("CommitmentDiscountCategory", "credits.type", "COMMITTED_USAGE_DISCOUNT→Usage, …_DOLLAR_BASE→Spend"),
    _M("CommitmentDiscountType", "credits.type", "Resource-based / Spend-based committed use discount"),
    _M("CommitmentDiscountStatus", "credits.type", "Used on Usage rows with such a credit"),
    _M("PricingCategory", "credits.type, sku.description",
       "Usage rows: Committed with a CUD credit, Dynamic for Spot/Preemptible SKUs, else Standard"),
    _M("ConsumedQuantity", "usage.amount", "Usage rows"),
    _M("ConsumedUnit", "usage.unit", "Usage rows"),
    _M("PricingQuantity", "usage.amount_in_pricing_units", "Usage rows"),
    _M("PricingUnit", "usage.pricing_unit", "Usage rows"),
    _M("ProviderName", "`Google Cloud`", ""),
    _M("PublisherName", "seller_name", "when transaction_type is not GOOGLE; else `Google Cloud`"),
    _M("InvoiceIssuerName", "`Google Cloud`", ""),
    _M("ServiceName", "service.description", ""),
    _M("ServiceCategory", "service.description", "lookup table; `Other` when unknown"),
    _M("ServiceSubcategory", "service.description",
       "lookup table of FOCUS 1.2 subcategories; `Other (<category>)` when none fits, `Other (Other)` when unknown"),
    _M("SkuId", "sku.id", "null on Tax rows"),
    _M("SubAccountId", "project.id", ""),
    _M("SubAccountName", "project.name", ""),
    _M("SubAccountType", "`Project`", "where project.id is given"),
    _M("RegionId", "location.region", ""),
    _M("RegionName", "location.region", "Google's location name (Iowa, Belgium...), else the id"),
    _M("AvailabilityZone", "location.zone", ""),
    _M("ResourceId", "resource.global_name", "detailed export"),
    _M("ResourceName", "resource.name", "detailed export"),
    _M("ResourceType", "resource.global_name", "`<service>.<collection>`, e.g. compute.instances"),
    _M("Tags", "labels, project.labels, tags, system_labels", "resource labels override inherited project labels"),
    _M("x_Credits", "credits", "the list as JSON"),
    _M("x_Credits<Type>", "credits.amount by credits.type", "e.g. x_CreditsFreeTier, x_CreditsPromotion, "
       "x_CreditsCommittedUsageDiscount; x_CreditsOther for undocumented types"),
    _M("x_CostType, x_InvoiceMonth, x_InvoicePublisherType", "cost_type, invoice.*", "as written"),
    _M("x_ServiceId, x_Location, x_Country", "service.id, location.location, location.country", ""),
    _M("x_ProjectNumber, x_ProjectAncestryNumbers, x_ProjectAncestors", "project.*", "ancestors as JSON"),
    _M("x_Adjustment{Id,Description,Type,Mode}", "adjustment_info.*", ""),
    _M("x_TransactionType, x_SellerName, x_SubscriptionInstanceId", "transaction_type, seller_name, subscription.*",
       ""),
    _M("x_CurrencyConversionRate, x_ExportTime", "currency_conversion_rate, export_time", "as written"),
    _M("x_<field>", "any other field (price, consumption_model...)", "nested records as JSON, dots as `_`"),
)  # fmt: skip

NOTES = """
Reads Cloud Billing data exported to BigQuery: the **standard** (`gcp_billing_export_v1_<account>`) and
**detailed** (`gcp_billing_export_resource_v1_<account>`) usage cost tables, extracted from BigQuery as
Parquet or newline-delimited JSON (nested records; name the files `.jsonl` or `.ndjson`, or keep
BigQuery's gzip-compressed `.json.gz`: a plain `.json` is read as one JSON document), or the result of a
query saved as CSV (dotted column names such as `service.description`; repeated fields such as `credits`
and `labels` written as JSON or as the Python literal a dataframe library prints, which is parsed as
data, never run). A file is recognised by `billing_account_id`, a service and a SKU column.

- **What to point at**: the files of one extract of the table. An extract should cover whole invoice
  months (`WHERE invoice.month = '202401'`): an ingest replaces the (billing account, invoice month)
  slices its files cover, so a partial month replaces the whole month.
- **One row per export row**, mapped as Google's FOCUS view maps it. **Credits** are not separate rows:
  every credit on a row (free tier, promotions and free trial, sustained use, spending-based discounts,
  committed use discounts, subscription benefits, reseller margin, fee utilization offsets) reduces that
  row's BilledCost and EffectiveCost, so Σ BilledCost per billing account and invoice month is
  Σ cost + Σ credits.amount, the invoice total (native total `cost + credits.amount`). ContractedCost is
  `cost` (negotiated prices, before credits) and ListCost is `cost_at_list` (or `cost` in exports without
  it), so List − Contracted is the negotiated saving and Contracted − Effective the credits. A tax row's
  ListCost is its `cost_at_list` where the export gives one (the tax on list prices, as Google's view
  and FOCUS have it), else its BilledCost. The
  `x_Credits<Type>` columns hold each credit type's part, `x_Credits` the list as JSON.
- **Committed use discounts**: usage with a `COMMITTED_USAGE_DISCOUNT` (resource-based, category Usage)
  or `COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE` (legacy spend-based, category Spend) credit is PricingCategory
  Committed, CommitmentDiscountStatus Used, with the commitment's id (`subscription.instance_id` in
  detailed exports, else the credit's id). The commitment fees ("Commitment v1: ..." SKUs) stay Usage rows
  (ChargeFrequency Recurring) with their cost, as in Google's view: the export does not say which usage a
  fee covers, so no amortization and no Unused rows can be derived (EffectiveCost = BilledCost).
  `FEE_UTILIZATION_OFFSET` (new spend-based model) offsets the fee row it is on.
- **cost_type**: regular → Usage; tax → Tax (no SKU, price or quantity); rounding_error → Adjustment;
  adjustment → Credit when `adjustment_info.type` is GOODWILL, SALES_BASED_GOODWILL or SLA_VIOLATION,
  else Adjustment. Rows whose `adjustment_info` is a correction (USAGE/PRICE/METADATA_CORRECTION, or a
  PARTIAL_CORRECTION / COMPLETE_NEGATION mode) are ChargeClass Correction: Google books them on a later
  invoice than the usage they correct. Another cost_type is rejected.
- **Billing period** = `invoice.month` in Pacific time (Google invoices by Pacific calendar month), so
  BillingPeriodStart is 07:00 or 08:00 UTC on the 1st. Late usage can sit on the next month's invoice:
  its ChargePeriod lies before its billing period. Exports without `invoice.month` (before June 2018)
  use the Pacific month of `usage_start_time`.
- **Tags** merge the resource's labels, its project's labels (inherited; a resource label of the same
  key wins), resource manager tags (key `<namespace>/<key>`) and system labels. Keys are as Google writes
  them: Google's own carry prefixes (`goog-` labels set by Google services, `<service>.googleapis.com/`
  system labels); user labels have none.
- **Conformance**: rows in the first hours of a month (UTC) that Google invoices in that month start
  before BillingPeriodStart (midnight Pacific), which `validate` reports as a SHOULD warning.
- **Money**: `cost` and `credits.amount` are summed exactly from the text (CSV) or the shortest decimal
  form of the float (Parquet, JSON); ledger values keep 10 decimals.
- **Unit prices** come from the `price` record (detailed exports; standard exports since 2024): the
  SKU's price per pricing unit, `effective_price` (contract pricing included) for ContractedUnitPrice and
  `list_price` for ListUnitPrice, each divided by `pricing_unit_quantity`. FOCUS requires
  ContractedCost = ContractedUnitPrice × PricingQuantity and ListCost = ListUnitPrice × PricingQuantity,
  and a row's cost does not always follow its SKU price: a row spanning price tiers or the free tier,
  or a cost rounded to micro-units. The SKU price is used where price × PricingQuantity gives the row's
  cost (within the tolerance `validate` allows); elsewhere, and in exports without a `price` record, the
  unit price is the row's own price, cost / PricingQuantity: what the row was actually charged per
  pricing unit, never a cost changed to fit a price (the SKU price stays in `x_price`). A derived price
  that would be negative (a correction) falls back to the SKU price. Rows whose cost was rounded to
  micro-dollars give approximate derived prices (the 2020 sample's Event Threat Detection rows:
  0.18-0.22 per GiB). Prices are in the billing currency (PricingCurrency = `currency`), so the
  PricingCurrency* columns repeat the unit prices and EffectiveCost. SkuPriceId names the account's
  SKU price tier as Google's FOCUS view does; exports without a `price` record have none.
- **ServiceSubcategory** comes with ServiceCategory from one lookup table of Google's service names.
- **Not mapped**: InvoiceId (not in the export), CommitmentDiscountQuantity/Unit (the export has no
  commitment quantity per row: a spend-based commitment's consumption depends on its discount rate,
  which no row carries).
- **Rejected files**: a missing `billing_account_id`, `cost`, `currency`, `usage_start_time`,
  `usage_end_time` or `service.description`; an empty billing account, currency or cost; a cost or credit
  amount that is not a number; a date that is not ISO 8601 (BigQuery's `2024-01-31 10:00:00 UTC` is);
  an `invoice.month` that is not YYYYMM; a `credits`/`labels` value that is neither JSON nor a literal
  list of records; an unknown `cost_type`; two currencies for one billing account and month. The error
  names the file, the row (data row, header excluded) and the column; nothing of the ingest lands.
"""
