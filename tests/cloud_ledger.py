"""A hand-made ledger for the Cloud & AI/ML tests: each row carries the workload, capacity and department it was
classified into by hand, so expected numbers are sums over this file, not over the analysis' output."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from allocation_ledger import ORG
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv

D = Decimal
POLICY = ORG


@dataclass(frozen=True)
class Row:
    """One FOCUS row and how a person classifies it."""

    label: str
    currency: str
    provider: str
    service: str
    effective: str
    billed: str
    workload: str | None
    """gpu_training, gpu_inference, managed_ml, data_analytics or None (not AI/ML)."""
    capacity: str | None
    """spot, committed, on_demand (None when not AI/ML)."""
    department: str
    """Through ORG's rules (team tag; team ml is Data, platform and payments Engineering), or Unallocated."""
    period: str = "2025-01"
    fields: dict[str, Any] = field(default_factory=dict)


AWS_ACCOUNT, GCP_ACCOUNT = "111111111111", "222222222222"
EC2, SAGEMAKER, BIGQUERY, GCE = "Amazon Elastic Compute Cloud", "Amazon SageMaker", "BigQuery", "Compute Engine"
COMMITMENT = {
    "CommitmentDiscountId": "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-1",
    "CommitmentDiscountCategory": "Usage",
    "CommitmentDiscountType": "Reserved Instance",
    "CommitmentDiscountName": "ri-1",
}

ROWS: tuple[Row, ...] = (
    Row(
        "GPU training on spot",
        "USD",
        "AWS",
        EC2,
        "100",
        "100",
        "gpu_training",
        "spot",
        "Data",
        fields={
            "ChargeDescription": "Linux/UNIX (Amazon VPC), p4d.24xlarge Spot Instance-hour",
            "PricingCategory": "Dynamic",
            "Tags": {"team": "ml"},
        },
    ),
    Row(
        "GPU inference covered by a reserved instance",
        "USD",
        "AWS",
        EC2,
        "30",
        "0",
        "gpu_inference",
        "committed",
        "Engineering",
        fields={
            "ChargeDescription": "USE1-BoxUsage:g5.2xlarge reserved instance applied",
            "PricingCategory": "Committed",
            "CommitmentDiscountStatus": "Used",
            **COMMITMENT,
            "Tags": {"team": "platform"},
        },
    ),
    Row(
        "the reserved instance's purchase",
        "USD",
        "AWS",
        EC2,
        "0",
        "300",
        None,
        None,
        "Unallocated",
        fields={
            "ChargeCategory": "Purchase",
            "ChargeFrequency": "One-Time",
            "ChargeDescription": "Reserved Instance purchase: 1x RI g5.2xlarge 1yr All Upfront",
            "PricingCategory": "Standard",
            **COMMITMENT,
            "ConsumedQuantity": None,
            "ConsumedUnit": None,
            "ResourceId": None,
            "ResourceName": None,
            "ResourceType": None,
            "Tags": {},
        },
    ),
    Row(
        "the reserved instance's unused hours",
        "USD",
        "AWS",
        EC2,
        "5",
        "0",
        None,
        None,
        "Unallocated",
        fields={
            "ChargeDescription": "Unused reserved instance commitment: 1x RI g5.2xlarge",
            "PricingCategory": "Committed",
            "CommitmentDiscountStatus": "Unused",
            **COMMITMENT,
            "ConsumedQuantity": None,
            "ConsumedUnit": None,
            "ResourceId": None,
            "ResourceName": None,
            "ResourceType": None,
            "Tags": {},
        },
    ),
    Row(
        "SageMaker CPU endpoint",
        "USD",
        "AWS",
        SAGEMAKER,
        "40",
        "40",
        "managed_ml",
        "on_demand",
        "Data",
        fields={
            "ChargeDescription": "$0.23 per hour for ml.m5.xlarge hosting",
            "ServiceCategory": "AI and Machine Learning",
            "ServiceSubcategory": "Machine Learning",
            "Tags": {"team": "ml"},
        },
    ),
    Row(
        "tax on SageMaker",
        "USD",
        "AWS",
        SAGEMAKER,
        "4",
        "4",
        None,
        None,
        "Unallocated",
        fields={
            "ChargeCategory": "Tax",
            "ChargeFrequency": "Recurring",
            "ChargeDescription": "Tax for SageMaker",
            "ServiceCategory": "AI and Machine Learning",
            "ServiceSubcategory": "Machine Learning",
            "PricingCategory": None,
            "ConsumedQuantity": None,
            "ConsumedUnit": None,
            "ResourceId": None,
            "ResourceName": None,
            "ResourceType": None,
            "Tags": {},
        },
    ),
    Row(
        "plain EC2 m5",
        "USD",
        "AWS",
        EC2,
        "50",
        "50",
        None,
        None,
        "Engineering",
        fields={"ChargeDescription": "$0.192 per On Demand Linux m5.xlarge Instance Hour", "Tags": {"team": "pay"}},
    ),
    Row(
        "g4dn tagged for training",
        "USD",
        "AWS",
        EC2,
        "12",
        "12",
        "gpu_training",
        "on_demand",
        "Data",
        fields={
            "ChargeDescription": "$0.526 per On Demand Linux g4dn.xlarge Instance Hour",
            "Tags": {"team": "ml", "Workload": "Model-Training"},
        },
    ),
    Row(
        "plain EC2 m5 a month earlier",
        "USD",
        "AWS",
        EC2,
        "60",
        "60",
        None,
        None,
        "Engineering",
        period="2024-12",
        fields={
            "ChargeDescription": "$0.192 per On Demand Linux m5.xlarge Instance Hour",
            "Tags": {"team": "platform"},
        },
    ),
    Row(
        "BigQuery analysis",
        "EUR",
        "Google Cloud",
        BIGQUERY,
        "25",
        "25",
        "data_analytics",
        "on_demand",
        "Data",
        fields={
            "ChargeDescription": "Analysis",
            "ServiceCategory": "Databases",
            "ServiceSubcategory": "Data Warehouses",
            "Tags": {"team": "ml"},
        },
    ),
    Row(
        "Compute Engine n2",
        "EUR",
        "Google Cloud",
        GCE,
        "20",
        "20",
        None,
        None,
        "Unallocated",
        fields={"ChargeDescription": "N2 Instance Core running in EMEA", "Tags": {"team": "nobody"}},
    ),
)


def focus_of(row: Row) -> dict[str, Any]:
    month = int(row.period[5:])
    following = f"{row.period[:4]}-{month + 1:02d}" if month < 12 else f"{int(row.period[:4]) + 1}-01"
    fields = dict(row.fields)
    tags = fields.pop("Tags", {})
    values = focus_row(
        BillingCurrency=row.currency,
        BillingAccountId=AWS_ACCOUNT if row.currency == "USD" else GCP_ACCOUNT,
        BillingPeriodStart=f"{row.period}-01T00:00:00Z",
        BillingPeriodEnd=f"{following}-01T00:00:00Z",
        ChargePeriodStart=f"{row.period}-05T00:00:00Z",
        ChargePeriodEnd=f"{row.period}-06T00:00:00Z",
        ProviderName=row.provider,
        PublisherName=row.provider,
        InvoiceIssuerName=row.provider,
        ServiceName=row.service,
        EffectiveCost=row.effective,
        BilledCost=row.billed,
        ListCost=row.billed,
        ContractedCost=row.billed,
        ListUnitPrice=str(D(row.billed) / 24),
        ContractedUnitPrice=str(D(row.billed) / 24),
        Tags=json.dumps(tags) if tags else None,
    )
    values.update(fields)
    return values


def build_cloud_ledger(folder: Path) -> Home:
    """ROWS ingested into a new home (one FOCUS file per billing account), with POLICY as cloudledger.yaml."""
    home = Home(folder / "home").ensure()
    by_currency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in ROWS:
        by_currency[row.currency].append(focus_of(row))
    ingest(home, [write_focus_csv(folder / f"cloud-{c}.csv", rows) for c, rows in by_currency.items()])
    home.config_path.write_text(POLICY, encoding="utf-8")
    return home


def rows_in(start: str = "0000-00", end: str = "9999-99") -> list[Row]:
    return [r for r in ROWS if start <= r.period <= end]


def total(rows: list[Row], currency: str, metric: str = "EffectiveCost") -> Decimal:
    return sum(
        (D(r.effective if metric == "EffectiveCost" else r.billed) for r in rows if r.currency == currency), D(0)
    )
