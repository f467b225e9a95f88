"""Native AWS exports into the ledger: CUR 2.0 Parquet and legacy CUR CSV.gz, against pandas doing the mapping core.

Each run is a fresh process (its peak RSS is its own). cloudledger runs `ingest(home, [file])` into an empty
home: streaming read, FOCUS mapping, checks, native totals, one Delta commit. pandas runs the core of the same
mapping: read the columns it needs, rename, derive BilledCost / EffectiveCost / ListCost by line item type,
total per payer account and billing period. The two alternate within one run, so load hits both alike.
"""

from __future__ import annotations

import shutil
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import cur_data
from bench.timing import isolated

TEXT_PERIOD = "bill_billing_period_start_date"
FORMATS = {"cur2-parquet": cur_data.write_cur2_parquet, "legacy-csv-gz": cur_data.write_legacy_csv_gz}
PANDAS_COLUMNS = {
    "bill_payer_account_id": "BillingAccountId",
    "bill_billing_period_start_date": "BillingPeriodStart",
    "line_item_line_item_type": "x_LineItemType",
    "line_item_unblended_cost": "BilledCost",
    "pricing_public_on_demand_cost": "x_PublicOnDemandCost",
    "reservation_effective_cost": "x_ReservationEffectiveCost",
    "savings_plan_savings_plan_effective_cost": "x_SavingsPlanEffectiveCost",
    "savings_plan_total_commitment_to_date": "x_Commitment",
    "savings_plan_used_commitment": "x_UsedCommitment",
    "reservation_unused_recurring_fee": "x_UnusedRecurringFee",
}


def report_file(kind: str, rows: int, out: Path) -> cur_data.Report:
    """The generated report of `rows` rows (generated once, kept under `out/data/`)."""
    suffix = ".parquet" if kind == "cur2-parquet" else ".csv.gz"
    path = out / "data" / f"aws-{kind}-{rows}-v1{suffix}"
    meta = path.with_suffix(".total")
    if path.exists() and meta.exists():
        return cur_data.Report(path, rows, Decimal(meta.read_text()), path.stat().st_size)
    report = FORMATS[kind](path.with_name(path.name + ".partial"), rows)
    report.path.rename(path)
    meta.write_text(str(report.billed_total))
    return cur_data.Report(path, rows, report.billed_total, report.bytes)


def cloudledger_ingest(path: str, home_dir: str) -> dict[str, Any]:
    """`ingest(home, [path])` into an empty home."""
    from cloudledger.home import Home
    from cloudledger.ledger.ingest import ingest

    shutil.rmtree(home_dir, ignore_errors=True)
    home = Home(Path(home_dir)).ensure()
    started = time.perf_counter()
    summary = ingest(home, [path])
    seconds = time.perf_counter() - started
    billed = sum((s.billed_cost for s in summary.slices), Decimal(0))
    shutil.rmtree(home_dir, ignore_errors=True)
    return {"seconds": seconds, "rows": summary.rows, "billed": str(billed)}


def pandas_core(path: str) -> dict[str, Any]:
    """The mapping core in pandas: read, rename, costs by line item type, totals per account and period."""
    import numpy as np
    import pandas as pd

    started = time.perf_counter()
    if path.endswith(".parquet"):
        frame = pd.read_parquet(path, columns=list(PANDAS_COLUMNS))
    else:
        legacy = {cur_data_name(c): c for c in PANDAS_COLUMNS}
        text = {name: str for name, key in legacy.items() if key in ("bill_payer_account_id", TEXT_PERIOD)}
        frame = pd.read_csv(path, usecols=list(legacy), dtype=text)
        frame = frame.rename(columns=legacy)
    f = frame.rename(columns=PANDAS_COLUMNS).fillna({c: 0.0 for c in PANDAS_COLUMNS.values() if c.startswith("x_")})
    kind = f["x_LineItemType"]
    f["EffectiveCost"] = np.select(
        [kind.eq("DiscountedUsage"), kind.eq("SavingsPlanCoveredUsage"), kind.isin(["SavingsPlanNegation"]),
         kind.eq("SavingsPlanRecurringFee"), kind.eq("RIFee")],
        [f["x_ReservationEffectiveCost"], f["x_SavingsPlanEffectiveCost"], 0.0,
         f["x_Commitment"] - f["x_UsedCommitment"], f["x_UnusedRecurringFee"]],
        f["BilledCost"],
    )  # fmt: skip
    covered = kind.isin(["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"])
    negation = kind.eq("SavingsPlanNegation")
    f["ListCost"] = np.where(covered, f["x_PublicOnDemandCost"], np.where(negation, 0.0, f["BilledCost"]))
    f["BillingPeriod"] = f["BillingPeriodStart"].str.slice(0, 7)
    totals = f.groupby(["BillingAccountId", "BillingPeriod"])[["BilledCost", "EffectiveCost", "ListCost"]].sum()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(f), "billed": float(totals["BilledCost"].sum())}


def cur_data_name(snake_name: str) -> str:
    """The legacy CSV name of a snake_case CUR column."""
    from cloudledger.sources.aws_columns import snake

    return next(name for name in cur_data.LEGACY_COLUMNS if snake(name) == snake_name)


def _summary(runs: list[dict[str, Any]], rows: int) -> dict[str, Any]:
    seconds = [r["seconds"] for r in runs]
    rss = [r["peak_rss_mb"] for r in runs]
    return {
        "runs": runs,
        "seconds_median": statistics.median(seconds),
        "seconds_range": [min(seconds), max(seconds)],
        "rows_per_s_median": rows / statistics.median(seconds),
        "rows_per_s_range": [rows / max(seconds), rows / min(seconds)],
        "peak_rss_mb_max": max(rss),
    }


def measure_format(kind: str, rows: int, out: Path, repeats: int, pandas: bool = True) -> dict[str, Any]:
    """cloudledger and pandas on one generated report, alternating, `repeats` times each."""
    report = report_file(kind, rows, out)
    work = out / "work" / f"native-{kind}-{rows}"
    runs: dict[str, list[dict[str, Any]]] = {"cloudledger": [], "pandas": []}
    for _ in range(repeats):
        runs["cloudledger"].append(isolated(cloudledger_ingest, str(report.path), str(work / "home"), log=None))
        if pandas:
            runs["pandas"].append(isolated(pandas_core, str(report.path)))
    shutil.rmtree(work, ignore_errors=True)
    ledger_rows = runs["cloudledger"][0]["rows"]
    entry: dict[str, Any] = {
        "file_bytes": report.bytes,
        "rows": rows,
        "ledger_rows": ledger_rows,
        "billed_total": str(report.billed_total),
        "billed_exact": all(Decimal(r["billed"]) == report.billed_total for r in runs["cloudledger"]),
        "cloudledger": _summary(runs["cloudledger"], rows),
    }
    if pandas:
        entry["pandas"] = _summary(runs["pandas"], rows)
        entry["pandas_billed_close"] = all(
            abs(Decimal(str(r["billed"])) - report.billed_total) < Decimal("0.01") for r in runs["pandas"]
        )
        entry["speed_ratio"] = [
            p["seconds"] / c["seconds"] for c, p in zip(runs["cloudledger"], runs["pandas"], strict=True)
        ]
    return entry


def measure(rows: int, out: Path, repeats: int, pandas: bool = True) -> dict[str, Any]:
    """Both formats at `rows` rows."""
    return {kind: measure_format(kind, rows, out, repeats, pandas) for kind in FORMATS}
