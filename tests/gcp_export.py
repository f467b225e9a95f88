"""Small Google Cloud Billing exports for tests, in the three shapes users have them in.

`gcp_row()` is one row as BigQuery exports it to newline-delimited JSON (nested records, BigQuery's
`... UTC` timestamps); `write_export` saves rows as JSONL, as Parquet, or flattened to CSV with dotted
column names and repeated fields as Python literals (the way a dataframe library writes them) or JSON.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

SHAPES = ("csv", "jsonl", "parquet")
ACCOUNT = "01A2B3-C4D5E6-F7A8B9"
RECORDS = ("service", "sku", "project", "location", "usage", "invoice", "adjustment_info", "resource", "price")
REPEATED = ("labels", "system_labels", "credits", "tags", "project.labels", "project.ancestors")


def gcp_row(**changes: Any) -> dict[str, Any]:
    """One detailed-export row (Compute Engine usage, no credits); `changes` replace top-level fields."""
    row: dict[str, Any] = {
        "billing_account_id": ACCOUNT,
        "service": {"id": "6F81-5844-456A", "description": "Compute Engine"},
        "sku": {"id": "2E27-4F75-95CD", "description": "N1 Predefined Instance Core running in Americas"},
        "usage_start_time": "2024-01-10 10:00:00 UTC",
        "usage_end_time": "2024-01-10 11:00:00 UTC",
        "project": {
            "id": "web-prod",
            "number": "123456789012",
            "name": "Web Prod",
            "labels": [{"key": "team", "value": "web"}, {"key": "env", "value": "prod"}],
            "ancestry_numbers": "/111/222/",
            "ancestors": [
                {"resource_name": "projects/123456789012", "display_name": "Web Prod"},
                {"resource_name": "organizations/111", "display_name": "example.com"},
            ],
        },
        "labels": [{"key": "app", "value": "shop"}, {"key": "env", "value": "staging"}],
        "system_labels": [{"key": "compute.googleapis.com/machine_spec", "value": "n1-standard-1"}],
        "location": {"location": "us-central1-a", "country": "US", "region": "us-central1", "zone": "us-central1-a"},
        "tags": [{"key": "cost-center", "value": "cc-42", "inherited": True, "namespace": "111"}],
        "resource": {
            "name": "vm-1",
            "global_name": "//compute.googleapis.com/projects/web-prod/zones/us-central1-a/instances/123",
        },
        "export_time": "2024-01-10 15:00:00.123 UTC",
        "cost": 10.5,
        "currency": "USD",
        "currency_conversion_rate": 1.0,
        "usage": {"amount": 3600.0, "unit": "seconds", "amount_in_pricing_units": 1.0, "pricing_unit": "hour"},
        "credits": [],
        "invoice": {"month": "202401", "publisher_type": "GOOGLE"},
        "cost_type": "regular",
        "adjustment_info": {"id": None, "description": None, "type": None, "mode": None},
        "cost_at_list": 12.0,
        "transaction_type": "GOOGLE",
        "seller_name": None,
        "price": {"effective_price": 0.0291, "tier_start_amount": 0.0, "unit": "hour", "pricing_unit_quantity": 1.0},
    }
    row.update(copy.deepcopy(changes))
    return row


def credit(kind: str, amount: float, **extra: Any) -> dict[str, Any]:
    """One entry of `credits`."""
    return {"name": extra.get("name", kind.title()), "amount": amount, "full_name": extra.get("full_name"),
            "id": extra.get("id", f"{kind}-id"), "type": kind}  # fmt: skip


def write_export(path: Path, rows: list[dict[str, Any]], *, shape: str, json_lists: bool = False) -> Path:
    """Save `rows` as JSONL, Parquet or flattened CSV (lists as literals, or JSON with `json_lists`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if shape == "jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    elif shape == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        flat = [flatten(row, json_lists=json_lists) for row in rows]
        header = list(dict.fromkeys(name for row in flat for name in row))
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(flat)
    return path


def flatten(row: dict[str, Any], *, json_lists: bool = False) -> dict[str, str]:
    """A nested row as a query result saved to CSV: `record.member` columns, lists as text."""
    flat: dict[str, str] = {}
    for name, value in row.items():
        if name in RECORDS and isinstance(value, dict):
            for member, inner in value.items():
                flat[f"{name}.{member}"] = _cell(inner, json_lists)
        else:
            flat[name] = _cell(value, json_lists)
    return flat


def _cell(value: Any, json_lists: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value) if json_lists else repr(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def export_path(tmp_path: Path, shape: str, name: str = "export") -> Path:
    suffix = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}[shape]
    return tmp_path / shape / f"{name}{suffix}"
