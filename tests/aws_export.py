"""Small synthetic AWS Cost and Usage Reports: legacy CSV, CUR 2.0 Parquet and CUR 2.0 CSV of the same rows."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

PAYER = "111122223333"
RI = "arn:aws:ec2:us-east-1:111122223333:reserved-instances/ri-1"
SP = "arn:aws:savingsplans::111122223333:savingsplan/sp-1"
LEGACY_COLUMNS = [
    "identity/LineItemId", "bill/InvoiceId", "bill/InvoicingEntity", "bill/BillType", "bill/PayerAccountId",
    "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate", "lineItem/UsageAccountId", "lineItem/LineItemType",
    "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType",
    "lineItem/Operation", "lineItem/AvailabilityZone", "lineItem/ResourceId", "lineItem/UsageAmount",
    "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/LineItemDescription",
    "lineItem/LegalEntity", "product/ProductName", "product/productFamily", "product/regionCode", "product/sku",
    "pricing/RateCode", "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "pricing/term", "pricing/unit",
    "reservation/EffectiveCost", "reservation/ReservationARN", "reservation/TotalReservedUnits",
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedQuantity",
    "reservation/UnusedRecurringFee", "savingsPlan/SavingsPlanARN", "savingsPlan/SavingsPlanEffectiveCost",
    "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment",
    "resourceTags/user:team", "resourceTags/aws:createdBy",
]  # fmt: skip
EC2 = {"lineItem/ProductCode": "AmazonEC2", "product/ProductName": "Amazon Elastic Compute Cloud"}


def cur_row(line_type: str, cost: str, **values: str) -> dict[str, str]:
    """One legacy CUR line item (CSV names) of January 2025 for payer 111122223333."""
    row = {name: "" for name in LEGACY_COLUMNS}
    row.update(
        {
            "identity/LineItemId": f"id-{line_type}-{cost}",
            "bill/InvoiceId": "INV-1",
            "bill/InvoicingEntity": "Amazon Web Services, Inc.",
            "bill/BillType": "Anniversary",
            "bill/PayerAccountId": PAYER,
            "bill/BillingPeriodStartDate": "2025-01-01T00:00:00Z",
            "bill/BillingPeriodEndDate": "2025-02-01T00:00:00Z",
            "lineItem/UsageAccountId": "444455556666",
            "lineItem/LineItemType": line_type,
            "lineItem/UsageStartDate": "2025-01-05T00:00:00Z",
            "lineItem/UsageEndDate": "2025-01-05T01:00:00Z",
            "lineItem/CurrencyCode": "USD",
            "lineItem/UnblendedCost": cost,
            "lineItem/LineItemDescription": f"{line_type} line",
            "lineItem/LegalEntity": "Amazon Web Services, Inc.",
            "product/regionCode": "us-east-1",
            **EC2,
        }
    )
    row.update(values)
    return row


def usage(**values: str) -> dict[str, str]:
    base = {
        "lineItem/UsageType": "BoxUsage:m5.large", "lineItem/Operation": "RunInstances",
        "lineItem/AvailabilityZone": "us-east-1a",
        "lineItem/ResourceId": "arn:aws:ec2:us-east-1:444455556666:instance/i-1",
        "lineItem/UsageAmount": "10", "lineItem/UnblendedRate": "0.1", "product/productFamily": "Compute Instance",
        "product/sku": "SKU1", "pricing/RateCode": "SKU1.JRTCKXETXF.6YS6EN2CT7", "pricing/publicOnDemandCost": "1.2",
        "pricing/publicOnDemandRate": "0.12", "pricing/term": "OnDemand", "pricing/unit": "Hrs",
        "resourceTags/user:team": "web", "resourceTags/aws:createdBy": "alice",
    }  # fmt: skip
    return {**base, **values}


def every_type() -> list[dict[str, str]]:
    """One row per line item type (and two unknown ones), with known amounts."""
    ri = {"reservation/ReservationARN": RI}
    sp = {"savingsPlan/SavingsPlanARN": SP}
    return [
        cur_row("Usage", "1.0", **usage()),
        cur_row("Usage", "0.3", **usage(**{"lineItem/UsageType": "SpotUsage:m5.large", "pricing/term": "",
                                           "pricing/publicOnDemandCost": "1.0", "lineItem/UsageAmount": "1",
                                           "lineItem/UnblendedRate": "0.3", "pricing/publicOnDemandRate": "1.0"})),
        cur_row("DiscountedUsage", "0", **usage(**ri, **{"reservation/EffectiveCost": "0.5",
                                                         "pricing/publicOnDemandCost": "0.9"})),
        cur_row("RIFee", "2.0", **ri, **{"lineItem/UsageAmount": "744", "reservation/TotalReservedUnits": "744",
                                          "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod": "0.2",
                                          "reservation/UnusedRecurringFee": "0.3", "reservation/UnusedQuantity": "10",
                                          "pricing/unit": "Hrs"}),
        cur_row("Fee", "100", **ri, **{"lineItem/UsageAmount": "1", "reservation/TotalReservedUnits": "744",
                                        "pricing/unit": "Quantity"}),
        cur_row("Fee", "12", **{"lineItem/UsageAmount": "1", "pricing/unit": "Quantity",
                                "lineItem/ProductCode": "AmazonRoute53", "product/ProductName": "Amazon Route 53"}),
        cur_row("SavingsPlanCoveredUsage", "0.8", **usage(**sp, **{"savingsPlan/SavingsPlanEffectiveCost": "0.5",
                                                                   "pricing/publicOnDemandCost": "0.8"})),
        cur_row("SavingsPlanNegation", "-0.8", **usage(**sp)),
        cur_row("SavingsPlanRecurringFee", "5.0", **sp, **{"savingsPlan/TotalCommitmentToDate": "5.0",
                                                          "savingsPlan/UsedCommitment": "4.5",
                                                          "lineItem/UsageAmount": "1", "pricing/unit": "Hrs"}),
        cur_row("SavingsPlanUpfrontFee", "50", **sp, **{"lineItem/UsageAmount": "1", "pricing/unit": "Quantity"}),
        cur_row("Tax", "1.5", **{"lineItem/UsageStartDate": "2025-01-01T00:00:00Z",
                                 "lineItem/UsageEndDate": "2025-02-01T00:00:00Z"}),
        cur_row("Credit", "-2"),
        cur_row("Refund", "-1"),
        cur_row("EdpDiscount", "-0.05", **usage(**{"lineItem/UsageAmount": "0"})),
        cur_row("PrivateRateDiscount", "-0.02", **usage(**{"lineItem/UsageAmount": "0"})),
        cur_row("BundledDiscount", "-0.01", **usage(**{"lineItem/UsageAmount": "0"})),
        cur_row("SppDiscount", "-0.01", **usage(**{"lineItem/UsageAmount": "0"})),
        cur_row("SomethingNew", "0.07"),
    ]  # fmt: skip


def write_legacy_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = columns or LEGACY_COLUMNS
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


_CUR2_RENAMES = {
    "reservation/ReservationARN": "reservation_reservation_a_r_n",
    "savingsPlan/SavingsPlanARN": "savings_plan_savings_plan_a_r_n",
    "product/regionCode": "product_region_code",
    "product/productFamily": "product_product_family",
}
MONEY = {
    "lineItem/UsageAmount", "lineItem/UnblendedCost", "pricing/publicOnDemandCost", "reservation/EffectiveCost",
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedQuantity",
    "reservation/UnusedRecurringFee", "savingsPlan/SavingsPlanEffectiveCost", "savingsPlan/TotalCommitmentToDate",
    "savingsPlan/UsedCommitment",
}  # fmt: skip


def _snake(name: str) -> str:
    import re

    return _CUR2_RENAMES.get(name) or "_".join(re.sub(r"(?<!^)(?=[A-Z])", "_", p).lower() for p in name.split("/"))


def cur2_records(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The rows as CUR 2.0 writes them: snake_case, doubles, `product` and `resource_tags` maps."""
    out = []
    for row in rows:
        record: dict[str, Any] = {}
        for name, value in row.items():
            if name.startswith("resourceTags/") or name == "product/ProductName":
                continue
            record[_snake(name)] = (float(value) if value else None) if name in MONEY else (value or None)
        tags = {"user_team": row["resourceTags/user:team"], "aws_created_by": row["resourceTags/aws:createdBy"]}
        record["resource_tags"] = {k: v for k, v in tags.items() if v}
        record["product"] = {"product_name": row["product/ProductName"], "region": row["product/regionCode"]}
        record["bill_payer_account_name"] = "Acme Payer"
        record["line_item_usage_account_name"] = "acme-web"
        record["cost_category"] = {"team": "platform"}
        record["discount"] = {}
        out.append(record)
    return out


def write_cur2_parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    records = cur2_records(rows)
    maps = {"resource_tags", "product", "cost_category"}
    types = {
        name: pa.map_(pa.string(), pa.string())
        if name in maps
        else pa.map_(pa.string(), pa.float64())
        if name == "discount"
        else pa.float64()
        if name in {_snake(m) for m in MONEY}
        else pa.string()
        for name in records[0]
    }
    columns = {n: pa.array([[*r[n].items()] if isinstance(r[n], dict) else r[n] for r in records], t)
               for n, t in types.items()}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def write_cur2_csv(path: Path, rows: list[dict[str, str]], tags: list[str] | None = None) -> Path:
    records = cur2_records(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        for index, record in enumerate(records):
            text = {
                k: json.dumps(v) if isinstance(v, dict) else ("" if v is None else str(v)) for k, v in record.items()
            }
            if tags is not None:
                text["resource_tags"] = tags[index]
            writer.writerow(text)
    return path
