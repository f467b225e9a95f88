"""A seeded synthetic company whose cloud bills are written as the providers deliver them.

`generate_demo` writes, month by month, what AWS, Google Cloud and Azure would deliver for a company of eight
departments: by default their FOCUS exports (AWS Data Exports FOCUS 1.2 Parquet, Google Cloud FOCUS CSV,
Cost Management FocusCost 1.2-preview gzip CSV); with a format plan (`demo.plan.native_plan`) also their
native exports (legacy CUR, CUR 2.0, EA and MCA cost details, the BigQuery billing export). It also writes a
CSV of the cost anomalies it injected. The same seed and arguments always give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cloudledger.demo.generator import Delivery, DemoOutput, FormatPlan, focus_only, generate

__all__ = ["Delivery", "DemoOutput", "FormatPlan", "focus_only", "generate_demo"]


def generate_demo(
    out_dir: Path,
    *,
    seed: int = 7,
    rows: int = 200_000,
    months: int = 24,
    end_month: str = "2026-10",
    progress: Callable[[int], None] | None = None,
    plan: FormatPlan = focus_only,
) -> DemoOutput:
    """Write `months` months of provider exports ending with `end_month` into `out_dir`.

    `rows` is the approximate total number of billing rows (within 10 %), spread over the months with the
    company's growth; memory stays bounded because months are generated and written one at a time.
    `progress` is called with the number of rows written so far. `plan` says which export formats each
    provider delivers each month (FOCUS only by default; native formats via `demo.native`).
    """
    return generate(Path(out_dir), seed, rows, months, end_month, progress, plan)
