"""Synthetic AWS Cost and Usage Reports for the native-ingest benchmark: legacy CUR CSV.gz and CUR 2.0 Parquet.

Vectorised (numpy + pyarrow), written in chunks so that files of any size are generated in bounded memory.
One file is one payer's billing period, as AWS delivers it; 66 legacy columns (CUR 2.0: its map columns for
product attributes, tags, cost categories and discounts). Costs are whole micro-dollars, so the exact
invoice total (Σ lineItem/UnblendedCost) of each file is known without any engine.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cloudledger.sources.aws_columns import snake

PAYER = "123456789012"
PERIOD = ("2025-03-01T00:00:00Z", "2025-04-01T00:00:00Z")
HOURS = 744
CHUNK_ROWS = 250_000
SEED = 20250301
TYPES = ("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation", "RIFee",
         "SavingsPlanRecurringFee", "Tax", "Credit", "EdpDiscount")  # fmt: skip
TYPE_SHARE = (0.78, 0.05, 0.05, 0.05, 0.005, 0.005, 0.02, 0.02, 0.02)
PRODUCTS = (
    ("AmazonEC2", "Amazon Elastic Compute Cloud", "Compute Instance", "BoxUsage:m5.large", "RunInstances", "Hrs"),
    ("AmazonS3", "Amazon Simple Storage Service", "Storage", "TimedStorage-ByteHrs", "PutObject", "GB-Mo"),
    ("AmazonRDS", "Amazon Relational Database Service", "Database Instance", "InstanceUsage:db.r5", "CreateDBInstance",
     "Hrs"),
    ("AWSLambda", "AWS Lambda", "Serverless", "Request", "Invoke", "Requests"),
    ("AmazonCloudWatch", "AmazonCloudWatch", "Metric", "CW:MetricMonitorUsage", "MetricStorage", "Metrics"),
    ("AmazonDynamoDB", "Amazon DynamoDB", "Database Storage", "TimedStorage-ByteHrs", "PayPerRequest", "GB-Mo"),
)  # fmt: skip
REGIONS = (("us-east-1", "US East (N. Virginia)"), ("eu-west-1", "EU (Ireland)"), ("ap-southeast-2", "Asia Pacific"))
TEXT = ("identity/LineItemId", "identity/TimeInterval", "bill/InvoiceId", "bill/InvoicingEntity", "bill/BillingEntity",
        "bill/BillType", "bill/PayerAccountId", "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate",
        "lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate",
        "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation", "lineItem/AvailabilityZone",
        "lineItem/ResourceId", "lineItem/CurrencyCode", "lineItem/LineItemDescription", "lineItem/TaxType",
        "lineItem/LegalEntity", "product/ProductName", "product/instanceType", "product/location",
        "product/locationType", "product/operatingSystem", "product/productFamily", "product/region",
        "product/regionCode", "product/servicecode", "product/sku", "product/usagetype", "product/operation",
        "product/vcpu", "product/memory", "pricing/RateCode", "pricing/RateId", "pricing/currency", "pricing/term",
        "pricing/unit", "reservation/ReservationARN", "savingsPlan/SavingsPlanARN")  # fmt: skip
MONEY = ("lineItem/UsageAmount", "lineItem/NormalizationFactor", "lineItem/NormalizedUsageAmount",
         "lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/BlendedRate", "lineItem/BlendedCost",
         "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "reservation/AmortizedUpfrontCostForUsage",
         "reservation/EffectiveCost", "reservation/TotalReservedUnits",
         "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedQuantity",
         "reservation/UnusedRecurringFee", "savingsPlan/SavingsPlanEffectiveCost", "savingsPlan/SavingsPlanRate",
         "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment")  # fmt: skip
TAGS = (
    "resourceTags/user:team",
    "resourceTags/user:env",
    "resourceTags/user:cost-center",
    "resourceTags/aws:createdBy",
)
LEGACY_COLUMNS = (*TEXT, *MONEY, *TAGS, "costCategory/Team")
CUR2_MAPPED = {"product/ProductName", "product/location", "product/operatingSystem", "product/vcpu", "product/memory"}
"""Product attributes CUR 2.0 keeps only inside its `product` map."""


@dataclass(frozen=True)
class Report:
    """A generated report file and what its invoice must add up to."""

    path: Path
    rows: int
    billed_total: Decimal
    bytes: int


def _pool(values: list[str], index: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(index))


def _money(units: np.ndarray) -> pa.Array:
    """Exact decimals with 6 places from int64 micro-units (their text is what CUR writes)."""
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0], words[:, 1] = units, units >> 63
    return pa.Array.from_buffers(pa.decimal128(38, 6), len(units), [None, pa.py_buffer(words)])


def _type_amounts(rng: np.random.Generator, kind: np.ndarray) -> dict[str, np.ndarray]:
    """Micro-unit amounts per line item type: unblended cost and the columns its type fills."""
    n = len(kind)
    cost = rng.integers(1, 2_000_000, n)
    zero = np.zeros(n, np.int64)
    is_ = {t: kind == i for i, t in enumerate(TYPES)}
    unblended = np.where(is_["DiscountedUsage"], 0, cost)
    negation = np.flatnonzero(is_["SavingsPlanNegation"])
    unblended[negation] = -cost[negation]
    for credit in ("Credit", "EdpDiscount"):
        unblended = np.where(is_[credit], -(cost // 10), unblended)
    return {
        "lineItem/UnblendedCost": unblended,
        "pricing/publicOnDemandCost": np.where(is_["Usage"] | is_["DiscountedUsage"], cost + cost // 5, zero),
        "reservation/EffectiveCost": np.where(is_["DiscountedUsage"], cost // 2, zero),
        "savingsPlan/SavingsPlanEffectiveCost": np.where(is_["SavingsPlanCoveredUsage"], cost * 7 // 10, zero),
        "savingsPlan/TotalCommitmentToDate": np.where(is_["SavingsPlanRecurringFee"], cost, zero),
        "savingsPlan/UsedCommitment": np.where(is_["SavingsPlanRecurringFee"], cost * 9 // 10, zero),
        "reservation/UnusedRecurringFee": np.where(is_["RIFee"], cost // 20, zero),
        "lineItem/UsageAmount": rng.integers(1, 10_000_000, n),
    }


def _money_columns(rng: np.random.Generator, kind: np.ndarray) -> dict[str, np.ndarray]:
    amounts = _type_amounts(rng, kind)
    n = len(kind)
    usage = amounts["lineItem/UsageAmount"]
    amounts["lineItem/UnblendedRate"] = np.full(n, 96_000)
    amounts["lineItem/BlendedRate"] = np.full(n, 96_000)
    amounts["lineItem/BlendedCost"] = amounts["lineItem/UnblendedCost"]
    amounts["lineItem/NormalizationFactor"] = np.full(n, 4_000_000)
    amounts["lineItem/NormalizedUsageAmount"] = usage * 4
    amounts["pricing/publicOnDemandRate"] = np.full(n, 96_000)
    for name in MONEY:
        amounts.setdefault(name, np.zeros(n, np.int64))
    return amounts


def _text_columns(rng: np.random.Generator, kind: np.ndarray, first: int) -> dict[str, pa.Array]:
    n = len(kind)
    product = rng.integers(0, len(PRODUCTS), n)
    region = rng.integers(0, len(REGIONS), n)
    resource = rng.integers(0, 50_000, n)
    hour = rng.integers(0, HOURS, n)
    stamps = [f"2025-03-{1 + h // 24:02d}T{h % 24:02d}:00:00Z" for h in range(HOURS)] + [PERIOD[1]]
    ids = pa.array(np.arange(first, first + n)).cast(pa.string())
    col = {name: [p[i] for p in PRODUCTS] for i, name in enumerate(
        ("lineItem/ProductCode", "product/ProductName", "product/productFamily", "lineItem/UsageType",
         "lineItem/Operation", "pricing/unit"))}  # fmt: skip
    out = {name: _pool(values, product) for name, values in col.items()}
    out.update(
        {
            "identity/LineItemId": pc.binary_join_element_wise("li-7f3a9c2e", ids, ""),
            "lineItem/LineItemType": _pool(list(TYPES), kind),
            "lineItem/UsageAccountId": _pool([f"{210000000000 + a:012d}" for a in range(40)], resource % 40),
            "lineItem/UsageStartDate": _pool(stamps, hour),
            "lineItem/UsageEndDate": _pool(stamps, hour + 1),
            "lineItem/ResourceId": _pool(
                [f"arn:aws:ec2:us-east-1:{PAYER}:instance/i-{r:017x}" for r in range(50_000)], resource
            ),
            "product/regionCode": _pool([r[0] for r in REGIONS], region),
            "product/region": _pool([r[0] for r in REGIONS], region),
            "product/location": _pool([r[1] for r in REGIONS], region),
            "lineItem/AvailabilityZone": _pool([r[0] + "a" for r in REGIONS], region),
            "product/sku": _pool(
                [f"SKU{p:04d}{r}" for p in range(len(PRODUCTS)) for r in range(3)], product * 3 + region
            ),
            "resourceTags/user:team": _pool(["web", "data", "ml", "platform", ""], resource % 5),
            "resourceTags/user:env": _pool(["prod", "staging", "dev"], resource % 3),
            "resourceTags/user:cost-center": _pool([f"cc-{c:03d}" for c in range(30)], resource % 30),
            "resourceTags/aws:createdBy": _pool(["", "AssumedRole:AROAXYZ:alice"], resource % 2),
            "costCategory/Team": _pool(["Web", "Data", "Platform"], resource % 3),
        }
    )
    return out


def _constant_text(kind: np.ndarray) -> dict[str, pa.Array]:
    n = len(kind)
    values = {
        "identity/TimeInterval": "2025-03-01T00:00:00Z/2025-04-01T00:00:00Z",
        "bill/InvoiceId": "EUINGB25-123456", "bill/InvoicingEntity": "Amazon Web Services, Inc.",
        "bill/BillingEntity": "AWS", "bill/BillType": "Anniversary", "bill/PayerAccountId": PAYER,
        "bill/BillingPeriodStartDate": PERIOD[0], "bill/BillingPeriodEndDate": PERIOD[1],
        "lineItem/CurrencyCode": "USD", "lineItem/LegalEntity": "Amazon Web Services, Inc.",
        "lineItem/TaxType": "", "product/instanceType": "m5.large", "product/locationType": "AWS Region",
        "product/operatingSystem": "Linux", "product/servicecode": "AmazonEC2", "product/usagetype": "BoxUsage",
        "product/operation": "RunInstances", "product/vcpu": "2", "product/memory": "8 GiB",
        "pricing/RateCode": "SKU1.JRTCKXETXF.6YS6EN2CT7", "pricing/RateId": "123456789",
        "pricing/currency": "USD", "pricing/term": "OnDemand",
    }  # fmt: skip
    out = {name: pa.repeat(pa.scalar(value), n) for name, value in values.items()}
    out["lineItem/LineItemDescription"] = pc.binary_join_element_wise(
        _pool(list(TYPES), kind), pa.repeat(pa.scalar(" of m5.large in us-east-1"), n), ""
    )
    ri = np.isin(kind, [1, 4])
    sp = np.isin(kind, [2, 3, 5])
    out["reservation/ReservationARN"] = _pool(["", f"arn:aws:ec2:us-east-1:{PAYER}:reserved-instances/ri-1"], ri * 1)
    out["savingsPlan/SavingsPlanARN"] = _pool(["", f"arn:aws:savingsplans::{PAYER}:savingsplan/sp-1"], sp * 1)
    return out


def legacy_chunk(rows: int, first: int, seed: int) -> tuple[pa.Table, int]:
    """`rows` legacy CUR rows (all text, CSV names) from row `first`, and their Σ unblended micro-units."""
    rng = np.random.default_rng(seed + first)
    kind = rng.choice(len(TYPES), size=rows, p=TYPE_SHARE)
    money = _money_columns(rng, kind)
    columns = {**_text_columns(rng, kind, first), **_constant_text(kind)}
    columns.update({name: _money(units).cast(pa.string()) for name, units in money.items()})
    table = pa.table({name: columns[name] for name in LEGACY_COLUMNS})
    return table, int(money["lineItem/UnblendedCost"].sum())


def cur2_chunk(rows: int, first: int, seed: int) -> tuple[pa.Table, int]:
    """The same rows as CUR 2.0 writes them: snake_case, doubles, map columns."""
    legacy, total = legacy_chunk(rows, first, seed)
    columns: dict[str, pa.Array] = {}
    for name in LEGACY_COLUMNS:
        if name in CUR2_MAPPED or name.startswith(("resourceTags/", "costCategory/")):
            continue
        values = legacy[name]
        columns[snake(name)] = values.cast(pa.float64()) if name in MONEY else values
    columns["product"] = _map({snake(n).removeprefix("product_"): legacy[n] for n in sorted(CUR2_MAPPED)})
    tags = {n.split("/", 1)[1].replace(":", "_").replace("-", "_"): legacy[n] for n in TAGS}
    columns["resource_tags"] = _map(tags)
    columns["cost_category"] = _map({"Team": legacy["costCategory/Team"]})
    columns["discount"] = pa.array([[]] * rows, pa.map_(pa.string(), pa.float64()))
    columns["bill_payer_account_name"] = pa.repeat(pa.scalar("Acme Payer"), rows)
    columns["line_item_usage_account_name"] = pc.binary_join_element_wise(
        "acme-", legacy["lineItem/UsageAccountId"], ""
    )
    return pa.table(columns), total


def _map(values: dict[str, pa.ChunkedArray]) -> pa.Array:
    """One map per row of the non-empty values (keys in the given order)."""
    n = len(next(iter(values.values())))
    keys = pa.array(list(values), pa.string())
    stacked = np.stack([np.asarray(v.to_numpy(zero_copy_only=False), dtype=object) for v in values.values()], axis=1)
    present = stacked != ""
    offsets = np.concatenate([[0], np.cumsum(present.sum(axis=1))]).astype(np.int32)
    key_index = np.tile(np.arange(len(values)), n)[present.ravel()]
    items = pa.array(stacked.ravel()[present.ravel()], pa.string())
    return pa.MapArray.from_arrays(pa.array(offsets), keys.take(pa.array(key_index)), items)


def chunks(rows: int, chunk_rows: int = CHUNK_ROWS) -> Iterator[tuple[int, int]]:
    for first in range(0, rows, chunk_rows):
        yield first, min(chunk_rows, rows - first)


def write_cur2_parquet(path: Path, rows: int, seed: int = SEED) -> Report:
    """A CUR 2.0 Parquet file of `rows` rows (snappy, row groups of CHUNK_ROWS)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    total, writer = 0, None
    for first, count in chunks(rows):
        table, units = cur2_chunk(count, first, seed)
        total += units
        writer = writer or pq.ParquetWriter(path, table.schema, compression="snappy")
        writer.write_table(table)
    assert writer is not None
    writer.close()
    return Report(path, rows, Decimal(total).scaleb(-6), path.stat().st_size)


def write_legacy_csv_gz(path: Path, rows: int, seed: int = SEED) -> Report:
    """A legacy CUR CSV.gz of `rows` rows (gzip level 1: generating gigabytes should not take hours)."""
    return write_legacy_csv(path, rows, seed, gzipped=True)


def write_legacy_csv(path: Path, rows: int, seed: int = SEED, gzipped: bool = False) -> Report:
    """A legacy CUR CSV (or CSV.gz) of `rows` rows, about 1 KB a row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with gzip.open(path, "wb", compresslevel=1) if gzipped else path.open("wb") as sink:
        writer = None
        for first, count in chunks(rows):
            table, units = legacy_chunk(count, first, seed)
            total += units
            if writer is None:
                writer = pacsv.CSVWriter(sink, table.schema, write_options=pacsv.WriteOptions(quoting_style="needed"))
            writer.write_table(table)
        assert writer is not None
        writer.close()
    return Report(path, rows, Decimal(total).scaleb(-6), path.stat().st_size)
