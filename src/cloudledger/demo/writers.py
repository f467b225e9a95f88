"""Files as each provider delivers FOCUS: AWS Parquet + manifest, Azure CSV.gz + manifest, GCP CSV."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cloudledger.demo.company import PROVIDER_BY_KEY
from cloudledger.demo.formats import csv_bytes
from cloudledger.demo.months import Month
from cloudledger.demo.records import export_time

AWS_EXPORT = "northwind-focus-1-2"
AWS_BUCKET = "nw-billing-exports"
AZURE_CONTAINER = "cost-exports"
AZURE_DIRECTORY = "focus"
AZURE_EXPORT = "northwind-focuscost"
AZURE_STORAGE = "/subscriptions/{sub}/resourceGroups/rg-finops/providers/Microsoft.Storage/storageAccounts/{account}"
GCP_DATASET = "billing_focus_export"
AZURE_DATA_VERSION = "1.2-preview"
"""Cost Management's FocusCost dataset version for FOCUS 1.2 (schema id 1.2-preview)."""
AZURE_RENAMED = ("x_InvoiceId", "x_PricingCurrency", "x_SkuMeterName")
"""Custom columns of FocusCost 1.0 that 1.2-preview delivers as InvoiceId, PricingCurrency and SkuMeter."""
AZURE_ABSENT = (
    "AvailabilityZone",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
)
"""FOCUS 1.2 columns that FocusCost 1.2-preview does not have."""

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Written:
    """The files of one delivery."""

    paths: list[Path]
    manifest: Path | None
    rows: int


def run_guid(seed: int, *parts: object) -> str:
    """A GUID derived from the seed (no clock, no randomness outside the seed)."""
    h = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def _iso_ms(month_epoch_date: str) -> str:
    return f"{month_epoch_date}T00:00:00.000Z"


def write_aws(out_dir: Path, month: Month, tables: Iterable[pa.Table], seed: int, progress: Progress) -> Written:
    """Data Exports "FOCUS 1.2 with AWS columns": one snappy Parquet file and its manifest per period."""
    period = f"BILLING_PERIOD={month.label}"
    name = f"{AWS_EXPORT}-00001.snappy.parquet"
    data = out_dir / "aws" / AWS_EXPORT / "data" / period / name
    data.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    try:
        for table in tables:
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(data, schema, compression="snappy")
            writer.write_table(table, row_group_size=len(table) or 1)
            rows += len(table)
            progress(len(table))
    finally:
        if writer is not None:
            writer.close()
    assert schema is not None, "an AWS month always has rows"
    payer = PROVIDER_BY_KEY["aws"].billing_account_id
    export_id = run_guid(0, AWS_EXPORT)
    manifest = {
        "executionId": run_guid(seed, "aws", month.label),
        "exportArn": f"arn:aws:bcm-data-exports:us-east-1:{payer}:export/{AWS_EXPORT}-{export_id}",
        "exportName": AWS_EXPORT,
        "queryTable": "FOCUS_1_2_AWS",
        "bucket": AWS_BUCKET,
        "billingPeriod": {"start": _iso_ms(month.start.isoformat()), "end": _iso_ms(month.end.isoformat())},
        "deliveryTime": export_time(month, 3),
        "dataFiles": [f"s3://{AWS_BUCKET}/{AWS_EXPORT}/data/{period}/{name}"],
        "rowCount": rows,
        "columns": [{"name": f.name, "type": _aws_type(f.type)} for f in schema],
    }
    path = out_dir / "aws" / AWS_EXPORT / "metadata" / period / f"{AWS_EXPORT}-Manifest.json"
    _write_json(path, manifest)
    return Written([data], path, rows)


def _aws_type(t: pa.DataType) -> str:
    if pa.types.is_decimal(t):
        return "decimal(38,10)"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_map(t):
        return "map<string,string>"
    return "string"


def write_gcp(out_dir: Path, month: Month, tables: Iterable[pa.Table], progress: Progress) -> Written:
    """Google Cloud FOCUS export as one uncompressed CSV per billing month."""
    path = out_dir / "gcp" / GCP_DATASET / f"focus_{month.label}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        rows = _write_csv(f.write, tables, progress)
    return Written([path], None, rows)


@dataclass(frozen=True)
class AzureExport:
    """A Cost Management export definition, as its run manifests describe it."""

    name: str
    type: str
    data_version: str
    api_version: str
    root_folder: str


def azure_manifest(
    export: AzureExport, month: Month, attempt: int, run_id: str, data: Path, blob: str, rows: int
) -> dict[str, object]:
    """The `manifest.json` of one export run (attempt 0: the scheduled run; later: an on-demand rerun)."""
    last = month.day(month.days - 1)
    size = data.stat().st_size
    scope = PROVIDER_BY_KEY["azure"].billing_account_id
    return {
        "manifestVersion": "2024-04-01",
        "byteCount": size,
        "blobCount": 1,
        "dataRowCount": rows,
        "exportConfig": {
            "exportName": export.name,
            "resourceId": f"{scope}/providers/Microsoft.CostManagement/exports/{export.name}",
            "dataVersion": export.data_version,
            "apiVersion": export.api_version,
            "type": export.type,
            "timeFrame": "TheLastBillingMonth" if attempt == 0 else "Custom",
            "granularity": "Daily",
        },
        "deliveryConfig": {
            "partitionData": True,
            "dataOverwriteBehavior": "CreateNewReport",
            "fileFormat": "Csv",
            "compressionMode": "gzip",
            "containerUri": AZURE_STORAGE.format(sub=run_guid(0, "finops-storage"), account="nwfinopsexports"),
            "rootFolderPath": export.root_folder,
        },
        "runInfo": {
            "executionType": "Scheduled" if attempt == 0 else "OnDemand",
            "submittedTime": export_time(month, 5 if attempt == 0 else 40).replace("Z", ".0000000Z"),
            "runId": run_id,
            "startDate": f"{month.start.isoformat()}T00:00:00",
            "endDate": f"{last.isoformat()}T00:00:00",
        },
        "blobs": [{"blobName": blob, "byteCount": size, "dataRowCount": rows}],
    }


def write_azure(
    out_dir: Path, month: Month, tables: Iterable[pa.Table], seed: int, run: int, progress: Progress
) -> Written:
    """Cost Management FocusCost export (dataset 1.2-preview): gzip CSV partition plus manifest.json per run."""
    last = month.day(month.days - 1)
    span = f"{month.start:%Y%m%d}-{last:%Y%m%d}"
    guid = run_guid(seed, "azure", month.label, run)
    rel = f"{AZURE_DIRECTORY}/{AZURE_EXPORT}/{span}/{guid}"
    folder = out_dir / "azure" / AZURE_CONTAINER / rel
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "part_0_0001.csv.gz"
    gz = zlib.compressobj(6, zlib.DEFLATED, 31)
    with data.open("wb") as raw:
        rows = _write_csv(lambda b: raw.write(gz.compress(b)), map(_focuscost_1_2, tables), progress)
        raw.write(gz.flush())
    export = AzureExport(AZURE_EXPORT, "FocusCost", AZURE_DATA_VERSION, "2025-03-01", AZURE_DIRECTORY)
    manifest = azure_manifest(export, month, run, guid, data, f"{AZURE_CONTAINER}/{rel}/{data.name}", rows)
    path = folder / "manifest.json"
    _write_json(path, manifest)
    return Written([data], path, rows)


def _focuscost_1_2(table: pa.Table) -> pa.Table:
    """FocusCost 1.2-preview's columns: the invoice id in InvoiceId (the x_ columns that became InvoiceId,
    PricingCurrency and SkuMeter are gone), no AvailabilityZone nor PricingCurrency* price columns,
    CommitmentDiscountQuantity and CommitmentDiscountUnit empty (Microsoft does not fill them yet)."""
    names = table.column_names
    table = table.set_column(
        names.index("InvoiceId"), "InvoiceId", pc.coalesce(table["InvoiceId"], table["x_InvoiceId"])
    )
    for name in ("CommitmentDiscountQuantity", "CommitmentDiscountUnit"):
        table = table.set_column(names.index(name), name, pa.nulls(len(table), table.schema.field(name).type))
    return table.drop_columns([name for name in (*AZURE_RENAMED, *AZURE_ABSENT) if name in names])


def _write_csv(write: Callable[[bytes | memoryview], object], tables: Iterable[pa.Table], progress: Progress) -> int:
    rows = 0
    header = False
    for table in tables:
        if not header:
            write((",".join(table.column_names) + "\n").encode())
            header = True
        write(csv_bytes([c.combine_chunks() for c in table.columns]))
        rows += len(table)
        progress(len(table))
    return rows


def _write_json(path: Path, doc: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
