"""The demo's Azure bills as Cost Management cost details exports: EA or MCA schema, actual and amortized cost.

Each delivery writes both datasets of the month, as two scheduled exports do, each run in its own folder:
`<out_dir>/azure-cost/<container>/<directory>/<export>/<YYYYMMDD-YYYYMMDD>/<runId>/part_0_0001.csv.gz` with
its `manifest.json` (`exportConfig.type` ActualCost / AmortizedCost, `runInfo.submittedTime`, `blobs`). A
restatement is a newer run (later submittedTime) of both exports. Rows: see `native_azure_rows`.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.formats import csv_bytes, csv_field, money_strings
from cloudledger.demo.native import NativeTarget, NativeWriter
from cloudledger.demo.native_azure_rows import NativeRows, amount_text, native_rows, tags_text
from cloudledger.demo.writers import AZURE_CONTAINER, AzureExport, Progress, Written, azure_manifest, run_guid

DIRECTORY = "cost-details"
DATASETS = {"actual": "ActualCost", "amortized": "AmortizedCost"}
GZIP_LEVEL = 1
"""Fast compression: the cost details files are twice the rows of a FocusCost export and three times as wide."""

# fmt: off
EA_COLUMNS = (
    "InvoiceSectionName", "AccountName", "AccountOwnerId", "SubscriptionId", "SubscriptionName", "ResourceGroup",
    "ResourceLocation", "Date", "ProductName", "MeterCategory", "MeterSubCategory", "MeterId", "MeterName",
    "MeterRegion", "UnitOfMeasure", "Quantity", "EffectivePrice", "CostInBillingCurrency", "CostCenter",
    "ConsumedService", "ResourceId", "Tags", "OfferId", "AdditionalInfo", "ServiceInfo1", "ServiceInfo2",
    "ResourceName", "ReservationId", "ReservationName", "UnitPrice", "ProductOrderId", "ProductOrderName", "Term",
    "PublisherType", "PublisherName", "ChargeType", "Frequency", "PricingModel", "AvailabilityZone",
    "BillingAccountId", "BillingAccountName", "BillingCurrencyCode", "BillingPeriodStartDate",
    "BillingPeriodEndDate", "BillingProfileId", "BillingProfileName", "InvoiceSectionId", "IsAzureCreditEligible",
    "PartNumber", "PayGPrice", "PlanName", "ServiceFamily", "CostAllocationRuleName", "benefitId", "benefitName",
)
"""Enterprise Agreement cost details, schema 2021-10-01 (PascalCase; benefit columns camelCase as exported)."""
MCA_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("invoiceId", "InvoiceId"), ("previousInvoiceId", None), ("billingAccountId", "BillingAccountId"),
    ("billingAccountName", "BillingAccountName"), ("billingProfileId", "BillingProfileId"),
    ("billingProfileName", "BillingProfileName"), ("invoiceSectionId", "InvoiceSectionId"),
    ("invoiceSectionName", "InvoiceSectionName"), ("resellerName", None), ("resellerMpnId", None),
    ("costCenter", "CostCenter"), ("billingPeriodEndDate", "BillingPeriodEndDate"),
    ("billingPeriodStartDate", "BillingPeriodStartDate"), ("servicePeriodEndDate", "ServicePeriodEndDate"),
    ("servicePeriodStartDate", "ServicePeriodStartDate"), ("date", "Date"), ("serviceFamily", "ServiceFamily"),
    ("productOrderId", "ProductOrderId"), ("productOrderName", "ProductOrderName"),
    ("consumedService", "ConsumedService"), ("meterId", "MeterId"), ("meterName", "MeterName"),
    ("meterCategory", "MeterCategory"), ("meterSubCategory", "MeterSubCategory"), ("meterRegion", "MeterRegion"),
    ("ProductId", "PartNumber"), ("ProductName", "ProductName"), ("SubscriptionId", "SubscriptionId"),
    ("subscriptionName", "SubscriptionName"), ("publisherType", "PublisherType"), ("publisherId", None),
    ("publisherName", "PublisherName"), ("resourceGroupName", "ResourceGroup"), ("ResourceId", "ResourceId"),
    ("resourceLocation", "ResourceLocation"), ("effectivePrice", "EffectivePrice"), ("quantity", "Quantity"),
    ("unitOfMeasure", "UnitOfMeasure"), ("chargeType", "ChargeType"), ("billingCurrency", "BillingCurrencyCode"),
    ("pricingCurrency", "PricingCurrency"), ("costInBillingCurrency", "CostInBillingCurrency"),
    ("costInPricingCurrency", "CostInBillingCurrency"), ("costInUsd", "CostInBillingCurrency"),
    ("paygCostInBillingCurrency", "PaygCost"), ("paygCostInUsd", "PaygCost"),
    ("exchangeRatePricingToBilling", "ExchangeRatePricingToBilling"), ("exchangeRateDate", "ExchangeRateDate"),
    ("isAzureCreditEligible", "IsAzureCreditEligible"), ("serviceInfo1", None), ("serviceInfo2", None),
    ("additionalInfo", None), ("tags", "Tags"), ("PayGPrice", "PayGPrice"), ("frequency", "Frequency"),
    ("term", "Term"), ("reservationId", "ReservationId"), ("reservationName", "ReservationName"),
    ("pricingModel", "PricingModel"), ("unitPrice", "UnitPrice"), ("costAllocationRuleName", None),
    ("benefitId", "benefitId"), ("benefitName", "benefitName"),
)
"""Microsoft Customer Agreement cost details, schema 2021-10-01 (camelCase, a few PascalCase as exported):
header name -> the EA-named column it holds (None, or a column the demo has no values for: always empty)."""
# fmt: on


@dataclass(frozen=True)
class Schema:
    """One cost details schema: its header, how it names columns, its export names and tag format."""

    name: str
    header: tuple[tuple[str, str | None], ...]
    braces: bool
    """Tags as a JSON object (MCA) or as its key-value pairs without braces (EA)."""
    currency_costs: bool
    """MCA: pay-as-you-go cost columns (in billing currency and USD) besides the cost."""


EA = Schema("ea", tuple((name, name) for name in EA_COLUMNS), braces=False, currency_costs=False)
MCA = Schema("mca", MCA_COLUMNS, braces=True, currency_costs=True)


def _effective_price(cost: pa.Array, quantity: pa.Array) -> pa.Array:
    """cost / quantity to 10 places (informative only: Azure's EffectivePrice is not summed)."""
    qty = pc.cast(quantity, pa.float64())
    price = pc.divide(pc.cast(cost, pa.float64()), pc.if_else(pc.equal(qty, 0.0), None, qty))
    scaled = pc.round(pc.multiply(price, 1e10))
    return money_strings(pc.cast(scaled, pa.int64()))


def _dataset_fields(rows: NativeRows, schema: Schema, dataset: str) -> list[pa.Array]:
    """The CSV fields of one dataset's rows of a chunk, in header order."""
    mask = rows.in_actual if dataset == "actual" else rows.in_amortized
    cost = (rows.billed if dataset == "actual" else rows.effective).filter(mask)
    quantity = rows.quantity.filter(mask)
    columns = {name: values.filter(mask) for name, values in rows.columns.items()}
    columns["Tags"] = tags_text(columns["Tags"], schema.braces)
    columns["CostInBillingCurrency"] = amount_text(cost)
    columns["EffectivePrice"] = _effective_price(cost, quantity)
    if schema.currency_costs:
        columns["PaygCost"] = amount_text(rows.list_cost.filter(mask))
    columns["Tags"] = csv_field(columns["Tags"])
    empty = pa.nulls(len(cost), pa.string())
    return [columns.get(source or "", empty) for _, source in schema.header]


@dataclass
class _Run:
    """One export run being written: its folder, gzip stream and row count."""

    export: str
    dataset: str
    folder: Path
    handle: BinaryIO
    gz: Any
    rows: int = 0

    @property
    def data(self) -> Path:
        return self.folder / "part_0_0001.csv.gz"

    def write(self, data: bytes | memoryview) -> None:
        self.handle.write(self.gz.compress(data))

    def close(self) -> None:
        self.handle.write(self.gz.flush())
        self.handle.close()


def _open_run(target: NativeTarget, schema: Schema, dataset: str, span: str) -> _Run:
    export = f"northwind-{schema.name}-{dataset}"
    run_id = run_guid(target.seed, "azure-cost", schema.name, dataset, target.month.label, target.attempt)
    folder = target.out_dir / "azure-cost" / AZURE_CONTAINER / DIRECTORY / export / span / run_id
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / "part_0_0001.csv.gz").open("wb")
    run = _Run(export, dataset, folder, handle, zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31))
    run.write((",".join(name for name, _ in schema.header) + "\n").encode())
    return run


def _manifest(run: _Run, target: NativeTarget, schema: Schema, span: str) -> Path:
    export = AzureExport(run.export, DATASETS[run.dataset], "2021-10-01", "2023-07-01-preview", DIRECTORY)
    blob = f"{AZURE_CONTAINER}/{DIRECTORY}/{run.export}/{span}/{run.folder.name}/{run.data.name}"
    doc = azure_manifest(export, target.month, target.attempt, run.folder.name, run.data, blob, run.rows)
    path = run.folder / "manifest.json"
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def write_cost_details(schema: Schema, target: NativeTarget, tables: Iterable[pa.Table], progress: Progress) -> Written:
    """Both cost details datasets of one month, streamed chunk by chunk into two gzip CSV files."""
    last = target.month.day(target.month.days - 1)
    span = f"{target.month.start:%Y%m%d}-{last:%Y%m%d}"
    runs = [_open_run(target, schema, dataset, span) for dataset in DATASETS]
    try:
        for table in tables:
            rows = native_rows(table)
            for run in runs:
                fields = _dataset_fields(rows, schema, run.dataset)
                run.write(csv_bytes(fields))
                count = len(fields[0]) if fields else 0
                run.rows += count
                progress(count)
    finally:
        for run in runs:
            run.close()
    manifests = [_manifest(run, target, schema, span) for run in runs]
    return Written([run.data for run in runs], manifests[0], sum(run.rows for run in runs))


def _writer(schema: Schema) -> NativeWriter:
    def write(target: NativeTarget, tables: Iterable[pa.Table], progress: Progress) -> Written:
        return write_cost_details(schema, target, tables, progress)

    return write


WRITERS: dict[str, NativeWriter] = {"ea": _writer(EA), "mca": _writer(MCA)}
"""Azure cost details writers by format name (see `cloudledger.demo.native`)."""
