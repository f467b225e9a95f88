"""Source `oci-cost`: OCI's own (non-FOCUS) cost reports, the `reports/cost-csv/*.csv.gz` files.

Mapped after the FinOps Foundation's FOCUS converter for OCI (`conversion_configs/oci`) and OCI's
cost report schema. OCI's FOCUS reports (`FOCUS Reports/...`) are read by the `focus` source: they carry
FOCUS column names, which this source refuses.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.sources import ColumnMapping, Source, register
from cloudledger.sources.decimals import blank_as_null, parse_decimal
from cloudledger.sources.files import BillingFile, read_csv_as_text
from cloudledger.sources.native import SourceRows, sum_native_by_slice
from cloudledger.sources.normalize import FileRows, normalize
from cloudledger.sources.oci_services import service_categories
from cloudledger.sources.typed_values import (
    constant,
    month_start,
    next_month_start,
    parse_times,
    require,
    tags_from_columns,
)

NAME = "oci-cost"
PROVIDER = "Oracle"
SIGNATURE = frozenset({"lineItem/referenceNo", "lineItem/intervalUsageStart", "product/service", "cost/myCost"})
REQUIRED = (
    "lineItem/tenantId",
    "lineItem/intervalUsageStart",
    "lineItem/intervalUsageEnd",
    "product/service",
    "cost/myCost",
    "cost/currencyCode",
)
TAG_PREFIX = "tags/"
RENAMED = {
    "lineItem/referenceNo": "x_oci_reference_no",
    "lineItem/isCorrection": "x_oci_is_correction",
    "lineItem/backreferenceNo": "x_oci_backreference_no",
    "product/compartmentId": "x_oci_compartment_id",
    "product/compartmentName": "x_oci_compartment_name",
    "product/resource": "x_oci_resource",
    "usage/billedQuantityOverage": "x_oci_billed_quantity_overage",
    "usage/consumedQuantity": "x_oci_consumed_quantity",
    "cost/subscriptionId": "x_oci_subscription_id",
    "cost/unitPriceOverage": "x_oci_unit_price_overage",
    "cost/myCostOverage": "x_oci_my_cost_overage",
    "cost/billingUnitReadable": "x_oci_billing_unit",
    "cost/overageFlag": "x_oci_overage_flag",
}
"""Provider columns kept under readable `x_` names (the others keep theirs, `x_`-prefixed)."""
DIRECT = {
    "product/region": ("RegionId", "RegionName"),
    "product/availabilityDomain": ("AvailabilityZone",),
    "product/resourceId": ("ResourceId",),
    "product/Description": ("ChargeDescription",),
    "cost/productSku": ("SkuId",),
    "cost/skuUnitDescription": ("PricingUnit", "ConsumedUnit"),
}
"""Text columns copied as they are into FOCUS columns."""


def detect(header: Sequence[str]) -> bool:
    return SIGNATURE.issubset(header) and "BilledCost" not in header


def read(file: BillingFile) -> SourceRows:
    """Ledger rows of one cost report, with its Σ cost/myCost (as written) as the BilledCost total."""
    path = str(file.path)
    text = read_csv_as_text(file, file.header)
    missing = [name for name in REQUIRED if name not in text.column_names]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; an OCI cost report has them", file=path)
    rows = normalize(FileRows(_focus_table(text, path), path, NAME))
    native = sum_native_by_slice(rows, text["cost/myCost"], metric="BilledCost", native_column="cost/myCost", file=path)
    return SourceRows(rows, native)


def _optional(text: pa.Table, name: str) -> pa.ChunkedArray:
    if name in text.column_names:
        return blank_as_null(text[name])
    return pa.chunked_array([constant(None, text.num_rows)])


def _checked(text: pa.Table, path: str) -> dict[str, pa.ChunkedArray]:
    """Required values present and well formed: cost, interval, tenancy, service, currency."""
    for name, expected in (
        ("cost/myCost", "the line's cost"),
        ("lineItem/intervalUsageStart", "the usage interval's start"),
        ("lineItem/intervalUsageEnd", "the usage interval's end"),
        ("lineItem/tenantId", "the tenancy OCID"),
        ("product/service", "the service name"),
        ("cost/currencyCode", "an ISO 4217 currency code such as USD"),
    ):
        require(text[name], file=path, column=name, expected=expected)
    out = {
        "cost": parse_decimal(text["cost/myCost"], file=path, column="cost/myCost"),
        "start": parse_times(text["lineItem/intervalUsageStart"], file=path, column="lineItem/intervalUsageStart"),
        "end": parse_times(text["lineItem/intervalUsageEnd"], file=path, column="lineItem/intervalUsageEnd"),
    }
    for name in ("usage/billedQuantity", "cost/unitPrice"):
        out[name] = parse_decimal(_optional(text, name), file=path, column=name)
    return out


def _focus_table(text: pa.Table, path: str) -> pa.Table:
    n = text.num_rows
    values = _checked(text, path)
    tenancy = blank_as_null(text["lineItem/tenantId"])
    account = pc.coalesce(_optional(text, "cost/subscriptionId"), tenancy)
    service = blank_as_null(text["product/service"])
    category, subcategory = service_categories(service)
    correction = pc.equal(pc.utf8_lower(_optional(text, "lineItem/isCorrection")), "true")
    table: dict[str, pa.ChunkedArray | pa.Array] = {
        "BilledCost": values["cost"],
        "EffectiveCost": values["cost"],
        "ListCost": values["cost"],
        "ContractedCost": values["cost"],
        "ContractedUnitPrice": values["cost/unitPrice"],
        "BillingAccountId": account,
        "BillingAccountType": constant("Subscription", n),
        "BillingCurrency": pc.utf8_upper(blank_as_null(text["cost/currencyCode"])),
        "BillingPeriodStart": month_start(values["start"]),
        "BillingPeriodEnd": next_month_start(values["start"]),
        "ChargeCategory": constant("Usage", n),
        "ChargeClass": pc.if_else(pc.fill_null(correction, False), "Correction", pa.scalar(None, pa.string())),
        "ChargeFrequency": constant("Usage-Based", n),
        "ChargePeriodStart": values["start"],
        "ChargePeriodEnd": values["end"],
        "ConsumedQuantity": values["usage/billedQuantity"],
        "InvoiceIssuerName": constant(PROVIDER, n),
        "PricingCategory": constant("Standard", n),
        "PricingQuantity": values["usage/billedQuantity"],
        "ProviderName": constant(PROVIDER, n),
        "PublisherName": constant(PROVIDER, n),
        "ServiceCategory": category,
        "ServiceSubcategory": subcategory,
        "ServiceName": service,
        "SubAccountId": tenancy,
        "SubAccountType": constant("Tenancy", n),
        "BillingAccountName": constant(None, n),
    }
    return pa.table(table | _provider_columns(text))


def _provider_columns(text: pa.Table) -> dict[str, pa.ChunkedArray | pa.Array]:
    """Columns copied as they are (DIRECT), Tags, and the other provider columns as `x_` text."""
    table: dict[str, pa.ChunkedArray | pa.Array] = {"Tags": _tags(text)}
    for column, targets in DIRECT.items():
        for target in targets:
            table[target] = _optional(text, column)
    done = {*REQUIRED, *DIRECT, "usage/billedQuantity", "cost/unitPrice"}
    for column in text.column_names:
        if column not in done and not column.startswith(TAG_PREFIX):
            table[RENAMED.get(column, f"x_{column}")] = text[column]
    return table


def _tags(text: pa.Table) -> pa.Array:
    """`tags/<namespace>.<key>` (defined) and `tags/<key>` (free-form) columns, keys as OCI writes them."""
    columns = {name[len(TAG_PREFIX) :]: name for name in text.column_names if name.startswith(TAG_PREFIX)}
    return tags_from_columns(text, columns)


def _column_map() -> tuple[ColumnMapping, ...]:
    m = ColumnMapping
    rows = [
        m("BilledCost, EffectiveCost, ListCost, ContractedCost", "`cost/myCost`", "overage included, as OCI says"),
        m("ContractedUnitPrice", "`cost/unitPrice`", "your price per unit; no list price in the report"),
        m("PricingQuantity, ConsumedQuantity", "`usage/billedQuantity`", "in `cost/skuUnitDescription` units"),
        m("BillingAccountId", "`cost/subscriptionId`, else `lineItem/tenantId`", "as the FOCUS converter"),
        m("BillingAccountType / SubAccountType", '"Subscription" / "Tenancy"', ""),
        m("SubAccountId", "`lineItem/tenantId`", "the tenancy OCID"),
        m("BillingCurrency", "`cost/currencyCode`", ""),
        m("BillingPeriodStart, BillingPeriodEnd", "the calendar month of `lineItem/intervalUsageStart`", ""),
        m("ChargePeriodStart, ChargePeriodEnd", "`lineItem/intervalUsageStart`, `lineItem/intervalUsageEnd`", ""),
        m("ChargeCategory / ChargeFrequency / PricingCategory", '"Usage" / "Usage-Based" / "Standard"', ""),
        m("ChargeClass", '"Correction" where `lineItem/isCorrection` is true', ""),
        m("ProviderName, PublisherName, InvoiceIssuerName", '"Oracle"', ""),
        m("ServiceName", "`product/service`", ""),
        m("ServiceCategory, ServiceSubcategory", "from `product/service`", "Other / Other (Other) when unknown"),
        m("Tags", "`tags/*` columns", "key = the column name after `tags/`; empty values absent"),
    ]
    rows += [m(", ".join(targets), f"`{column}`", "") for column, targets in DIRECT.items()]
    rows += [m(name, f"`{column}`", "text") for column, name in RENAMED.items()]
    rows.append(m("x_<column>", "any other column", "text"))
    return tuple(rows)


NOTES = """
Reads OCI's proprietary cost reports: the CSV files (`reports/cost-csv/*.csv.gz`, or unpacked `.csv`)
OCI writes every few hours to its usage-report bucket, with slash-named columns (`lineItem/*`,
`product/*`, `usage/*`, `cost/*`, `tags/*`). OCI's **FOCUS** reports (`FOCUS Reports/...`) are read by the
`focus` source; a file is never claimed by both (a header with FOCUS's `BilledCost` is refused here).
Ingest either the cost reports or the FOCUS reports of a tenancy, not both: they hold the same cost
under different billing account ids (the FOCUS report's numeric account, the subscription OCID here).

- **Cost**: BilledCost = EffectiveCost = ContractedCost = `cost/myCost` (OCI: quantity, price and cost include
  overage); ListCost is the same amount because the report has no list price. `cost/myCostOverage` and
  `cost/overageFlag` are kept as `x_oci_*` columns. The FinOps Foundation converter maps
  `cost/myCostOverage` to BilledCost; that column is empty on most reports, so `cost/myCost` is used.
- **Billing account** = `cost/subscriptionId` (as the converter does; the tenancy when a line has none),
  sub account = the tenancy (`lineItem/tenantId`); compartments are `x_oci_compartment_*`.
- **Billing period**: reports are hourly slices, not monthly files; each line's billing period is the
  calendar month (UTC) of `lineItem/intervalUsageStart`. Ingest all the month's reports together (their
  folder): an ingest replaces the (month, subscription) slices it covers, so a later ingest of one report
  alone would replace the month with that report's lines.
- **Dates** such as `2023-11-13T05:00Z` (no seconds) are read; numbers may use E-notation (`2.32E-9`).
- **Corrections**: lines with `lineItem/isCorrection` = true are ChargeClass `Correction`; the corrected
  line's number is in `x_oci_backreference_no`.
- **Rejected**: a missing `lineItem/tenantId`, `lineItem/intervalUsageStart`/`End`, `product/service`,
  `cost/myCost` or `cost/currencyCode` column or value, a cost, price or quantity that is not a number, a
  date that is not ISO 8601, non-UTF-8 text.
"""

SOURCE = register(
    Source(
        name=NAME,
        description="OCI cost reports (the proprietary cost-csv format; OCI's FOCUS reports use `focus`).",
        detect=detect,
        read=read,
        column_map=_column_map(),
        notes=NOTES,
    )
)
