"""Which export format each provider delivers in which month of the demo: every path cloudledger reads.

The company moved from AWS's legacy Cost and Usage Report to CUR 2.0, from an Azure Enterprise Agreement to a
Microsoft Customer Agreement, and extracts its Google Cloud billing export to a bucket (JSON, then Parquet).
In the last quarter every provider also delivers its FOCUS export, so that the same accounts and months
exist in two formats and `cloudledger reconcile` compares them.
"""

from __future__ import annotations

from collections.abc import Sequence

from cloudledger.demo.generator import FormatPlan
from cloudledger.demo.months import Month


def native_plan(months: int) -> FormatPlan:
    """The demo's plan over a window of `months` months (month indexes 0 .. months-1)."""
    overlap_from = months - max(1, months // 4)

    def plan(provider: str, month: Month) -> Sequence[str]:
        early = month.index < (months // 3 if provider == "aws" else months // 2)
        native = {
            "aws": "cur" if early else "cur2",
            "azure": "ea" if early else "mca",
            "gcp": "bq-jsonl" if early else "bq-parquet",
        }[provider]
        return (native, "focus") if month.index >= overlap_from else (native,)

    return plan
