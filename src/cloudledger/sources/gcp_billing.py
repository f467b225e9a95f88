"""Source `gcp-billing`: Google Cloud Billing standard and detailed usage cost exports.

The BigQuery tables `gcp_billing_export_v1_*` (standard) and `gcp_billing_export_resource_v1_*`
(detailed) exported as Parquet or newline-delimited JSON (nested records), or a query over them saved
as CSV (dotted column names, repeated fields as JSON or Python-literal text). One ledger row per export
row, mapped as Google's own FOCUS view maps it: credits are folded into the row's BilledCost and
EffectiveCost, so a billing account's BilledCost per invoice month is Σ cost + Σ credits.amount, what
Google invoices.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.sources import Source, register
from cloudledger.sources.files import BillingFile
from cloudledger.sources.gcp_charges import classify, cost_types
from cloudledger.sources.gcp_credits import CREDIT_FIELDS, Credits, summarize_credits
from cloudledger.sources.gcp_custom import custom_columns
from cloudledger.sources.gcp_docs import COLUMN_MAP, NOTES
from cloudledger.sources.gcp_nested import field, parse_times, records, text
from cloudledger.sources.gcp_period import billing_period
from cloudledger.sources.gcp_prices import unit_prices
from cloudledger.sources.gcp_reference import region_name
from cloudledger.sources.gcp_services import service_categories
from cloudledger.sources.gcp_tags import LABEL_FIELDS, LABEL_SOURCES, TAG_FIELDS, build_tags, tag_pairs
from cloudledger.sources.gcp_values import decimal_quantity, ledger_money, money, read_export
from cloudledger.sources.native import SourceRows, sum_native_by_slice
from cloudledger.sources.normalize import FileRows, normalize

NAME = "gcp-billing"
PROVIDER = "Google Cloud"
REQUIRED = ("billing_account_id", "cost", "currency", "usage_start_time", "usage_end_time", "service.description")
"""Fields without which no row can be placed or totalled."""
RESOURCE_TYPE = r"^//(?P<service>[a-z0-9-]+)\.googleapis\.com/(?:.*/)?(?P<kind>[^/]+)/[^/]+$"
"""`resource.global_name` (//compute.googleapis.com/projects/p/zones/z/instances/1) -> compute.instances."""
NATIVE_COLUMN = "cost + credits.amount"


def detect(header: Sequence[str]) -> bool:
    """A billing export row has a billing account, a service and a SKU (nested or dotted)."""
    names = set(header)
    service = bool(names & {"service", "service.id", "service.description"})
    sku = bool(names & {"sku", "sku.id", "sku.description"})
    return "billing_account_id" in names and service and sku


def read(file: BillingFile) -> SourceRows:
    """Ledger rows of one export file, with its Σ cost + Σ credits.amount per billing account and month."""
    path = str(file.path)
    raw = read_export(file)
    _require(raw, path)
    count = raw.num_rows
    credit_lists = records(field(raw, "credits"), CREDIT_FIELDS, count, file=path, column="credits")
    credits = summarize_credits(credit_lists, file=path)
    cost = money(field(raw, "cost"), count, path, "cost", required=True)
    invoiced = pc.add(cost, credits.total)
    kinds = cost_types(field(raw, "cost_type"), count, file=path)
    charges = _charges(raw, kinds, credits.commitment_id)
    costs = _costs(raw, path, kinds, cost, invoiced)
    columns = {
        **_accounts(raw, path),
        **charges,
        **costs,
        **_pricing(raw, path, charges, costs),
        **_commitments(raw, credits),
        **_places(raw),
        "Tags": _tags(raw, path),
        **custom_columns(raw, path, credits.listed, credits.by_type),
    }
    rows = normalize(FileRows(pa.table(columns), path, NAME))
    native = sum_native_by_slice(rows, invoiced, metric="BilledCost", native_column=NATIVE_COLUMN, file=path)
    return SourceRows(rows, native)


def _require(raw: pa.Table, path: str) -> None:
    missing = [name for name in REQUIRED if field(raw, name) is None]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; a Cloud Billing export to BigQuery has them",
            file=path,
            column=missing[0],
        )
    for name in REQUIRED[:3]:
        values = text(field(raw, name), raw.num_rows)
        if values.null_count:
            row = pc.index(pc.is_null(values), True).as_py() + 1
            raise InputError(f"{name} is empty; every export row has one", file=path, row=row, column=name)


def _accounts(raw: pa.Table, path: str) -> dict[str, pa.ChunkedArray]:
    count = raw.num_rows
    start = parse_times(field(raw, "usage_start_time"), count, file=path, column="usage_start_time")
    end = parse_times(field(raw, "usage_end_time"), count, file=path, column="usage_end_time")
    for name, times in (("usage_start_time", start), ("usage_end_time", end)):
        if times.null_count:
            row = pc.index(pc.is_null(times), True).as_py() + 1
            raise InputError(f"{name} is empty; every export row has one", file=path, row=row, column=name)
    period_start, period_end = billing_period(field(raw, "invoice.month"), start, file=path)
    project = text(field(raw, "project.id"), count)
    has_project = pc.is_valid(project)
    return {
        "BillingAccountId": text(field(raw, "billing_account_id"), count),
        "BillingAccountName": text(None, count),
        "BillingAccountType": _constant("Billing Account", count),
        "BillingCurrency": pc.utf8_upper(text(field(raw, "currency"), count)),
        "BillingPeriodStart": period_start,
        "BillingPeriodEnd": period_end,
        "ChargePeriodStart": start,
        "ChargePeriodEnd": end,
        "SubAccountId": project,
        "SubAccountName": _where(has_project, text(field(raw, "project.name"), count)),
        "SubAccountType": _where(has_project, _constant("Project", count)),
        "InvoiceIssuerName": _constant(PROVIDER, count),
        "ProviderName": _constant(PROVIDER, count),
        "PublisherName": _publisher(raw),
    }


def _publisher(raw: pa.Table) -> pa.ChunkedArray:
    """Google Cloud, or the marketplace seller for third-party services (Google's FOCUS view's rule)."""
    count = raw.num_rows
    seller = text(field(raw, "seller_name"), count)
    kind = pc.utf8_upper(text(field(raw, "transaction_type"), count))
    google = pc.fill_null(pc.equal(kind, "GOOGLE"), True)
    return pc.if_else(google, PROVIDER, pc.coalesce(seller, PROVIDER))


def _charges(raw: pa.Table, kinds: pa.ChunkedArray, commitment_id: pa.Array) -> dict[str, pa.ChunkedArray]:
    count = raw.num_rows
    sku = text(field(raw, "sku.description"), count)
    charges = classify(
        kinds,
        text(field(raw, "adjustment_info.type"), count),
        text(field(raw, "adjustment_info.mode"), count),
        sku,
        commitment_id,
    )
    usage = charges.is_usage
    service = text(field(raw, "service.description"), count)
    consumed, consumed_unit = _quantity(raw, "usage.amount", "usage.unit", usage)
    pricing, pricing_unit = _quantity(raw, "usage.amount_in_pricing_units", "usage.pricing_unit", usage)
    not_tax = pc.not_equal(charges.category, "Tax")
    category, subcategory = service_categories(service)
    return {
        "ChargeCategory": charges.category,
        "ChargeClass": charges.charge_class,
        "ChargeDescription": pc.coalesce(sku, service),
        "ChargeFrequency": charges.frequency,
        "PricingCategory": charges.pricing_category,
        "CommitmentDiscountStatus": charges.commitment_status,
        "ConsumedQuantity": consumed,
        "ConsumedUnit": consumed_unit,
        "PricingQuantity": pricing,
        "PricingUnit": pricing_unit,
        "ServiceName": pc.coalesce(service, PROVIDER),
        "ServiceCategory": category,
        "ServiceSubcategory": subcategory,
        "SkuId": _where(not_tax, text(field(raw, "sku.id"), count)),
    }


def _quantity(raw: pa.Table, amount: str, unit: str, usage: pa.ChunkedArray) -> tuple[pa.ChunkedArray, ...]:
    """A quantity and its unit on Usage rows that have both (null elsewhere: FOCUS ties them together)."""
    count = raw.num_rows
    quantity = decimal_quantity(field(raw, amount), count)
    units = text(field(raw, unit), count)
    given = pc.and_(pc.and_(usage, pc.is_valid(quantity)), pc.is_valid(units))
    return _where(given, quantity), _where(given, units)


def _costs(
    raw: pa.Table, path: str, kinds: pa.ChunkedArray, cost: pa.ChunkedArray, invoiced: pa.ChunkedArray
) -> dict[str, pa.ChunkedArray]:
    """Billed = Effective = cost + credits; Contracted = cost on usage; List = cost_at_list on usage and tax.

    A tax row's `cost_at_list` is the tax on its charges' list cost (FOCUS: a tax's ListCost comes from the
    ListCost of the charges it is levied on); without it, usage falls back to cost, other rows to BilledCost.
    """
    values = field(raw, "cost_at_list")
    at_list = None if values is None else money(values, raw.num_rows, path, "cost_at_list")
    regular = pc.equal(kinds, "regular")
    billed = ledger_money(invoiced)
    fallback = pc.if_else(regular, ledger_money(cost), billed)
    listed = fallback if at_list is None else pc.coalesce(ledger_money(at_list), fallback)
    priced = pc.or_(regular, pc.equal(kinds, "tax"))
    return {
        "BilledCost": billed,
        "EffectiveCost": billed,
        "ContractedCost": fallback,
        "ListCost": pc.if_else(priced, listed, billed),
    }


def _pricing(
    raw: pa.Table, path: str, charges: dict[str, pa.ChunkedArray], costs: dict[str, pa.ChunkedArray]
) -> dict[str, pa.ChunkedArray]:
    """Unit prices and SkuPriceId (`gcp_prices`); prices and costs in the billing currency, as Google quotes them."""
    usage = pc.equal(charges["ChargeCategory"], "Usage")
    prices = unit_prices(raw, path, usage, charges["PricingQuantity"], costs)
    return {
        **prices,
        "PricingCurrency": pc.utf8_upper(text(field(raw, "currency"), raw.num_rows)),
        "PricingCurrencyContractedUnitPrice": prices["ContractedUnitPrice"],
        "PricingCurrencyListUnitPrice": prices["ListUnitPrice"],
        "PricingCurrencyEffectiveCost": costs["EffectiveCost"],
    }


def _commitments(raw: pa.Table, credits: Credits) -> dict[str, pa.ChunkedArray | pa.Array]:
    """Commitment columns from the row's committed use discount credit (id: the subscription, else the credit)."""
    count = raw.num_rows
    has = pc.is_valid(credits.commitment_id)
    subscription = text(field(raw, "subscription.instance_id"), count)
    return {
        "CommitmentDiscountId": _where(has, pc.coalesce(subscription, credits.commitment_id)),
        "CommitmentDiscountName": credits.commitment_name,
        "CommitmentDiscountCategory": credits.commitment_category,
        "CommitmentDiscountType": credits.commitment_type,
    }


def _places(raw: pa.Table) -> dict[str, pa.ChunkedArray]:
    count = raw.num_rows
    region = text(field(raw, "location.region"), count)
    resource = text(field(raw, "resource.global_name"), count)
    has = pc.is_valid(resource)
    derived = _resource_types(resource)
    service = text(field(raw, "service.description"), count)
    return {
        "RegionId": region,
        "RegionName": region_name(region),
        "AvailabilityZone": text(field(raw, "location.zone"), count),
        "ResourceId": resource,
        "ResourceName": _where(has, text(field(raw, "resource.name"), count)),
        "ResourceType": _where(has, pc.coalesce(derived, service, _constant(PROVIDER, count))),
    }


def _resource_types(resources: pa.ChunkedArray) -> pa.Array:
    """`<service>.<collection>` of each distinct `resource.global_name` (null where it has no such form)."""
    encoded = pc.dictionary_encode(resources.combine_chunks())
    parts = pc.extract_regex(encoded.dictionary, RESOURCE_TYPE)
    kinds = pc.binary_join_element_wise(pc.struct_field(parts, "service"), pc.struct_field(parts, "kind"), ".")
    return kinds.take(encoded.indices)


def _tags(raw: pa.Table, path: str) -> pa.Array:
    count = raw.num_rows
    pairs = []
    for name, precedence in LABEL_SOURCES:
        names = TAG_FIELDS if name == "tags" else LABEL_FIELDS
        lists = records(field(raw, name), names, count, file=path, column=name)
        pairs.append(tag_pairs(lists, precedence, namespaced=name == "tags"))
    return build_tags(pairs, count)


def _constant(value: str, count: int) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array([value] * count, pa.string())]) if count else pa.chunked_array([], pa.string())


def _where(condition: pa.ChunkedArray, values: pa.ChunkedArray) -> pa.ChunkedArray:
    """`values` where `condition` holds, null elsewhere."""
    return pc.if_else(condition, values, pa.scalar(None, values.type))


SOURCE = register(
    Source(
        name=NAME,
        description="Google Cloud Billing standard and detailed usage cost exports (CSV, JSON, Parquet).",
        detect=detect,
        read=read,
        column_map=COLUMN_MAP,
        notes=NOTES,
    )
)
