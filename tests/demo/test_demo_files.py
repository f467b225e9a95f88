"""The demo's files: layout, determinism, headers per FOCUS version, manifests, exact decimal text."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from cloudledger.demo import DemoOutput, generate_demo
from cloudledger.demo.writers import AZURE_ABSENT
from cloudledger.focus import load_spec
from demo.demo_files import MONEY, TIMES, csv_records, header, read_file

NUMBER = re.compile(r"^-?\d+(\.\d{1,10})?$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_identical_files(
    demo: DemoOutput, demo_dir: Path, demo_args: dict[str, Any], tmp_path: Path
) -> None:
    again = generate_demo(tmp_path, **demo_args)
    assert _digests(tmp_path) == _digests(demo_dir)
    assert again.rows_written == demo.rows_written


def test_another_seed_gives_other_numbers(demo_dir: Path, demo_args: dict[str, Any], tmp_path: Path) -> None:
    end = demo_args["end_month"]
    generate_demo(tmp_path, seed=8, rows=5_000, months=2, end_month=end)
    ours = demo_dir / "gcp" / "billing_focus_export" / f"focus_{end}.csv"
    theirs = tmp_path / "gcp" / "billing_focus_export" / f"focus_{end}.csv"
    assert ours.read_bytes() != theirs.read_bytes()


def test_row_count_follows_the_budget_and_progress(
    demo: DemoOutput, demo_progress: list[int], demo_args: dict[str, Any]
) -> None:
    written = demo.rows_written
    assert 0.9 * demo_args["rows"] <= written <= 1.1 * demo_args["rows"]
    assert demo_progress == sorted(demo_progress)
    assert demo_progress[-1] == written
    files = sum(len(read_file(p)) for d in demo.deliveries for p in d.paths)
    assert files == written


def test_layout_of_each_provider(demo: DemoOutput, demo_dir: Path, demo_args: dict[str, Any]) -> None:
    deliveries = demo.deliveries
    months = demo_args["months"]
    assert len(deliveries) == 3 * months + 1
    for d in deliveries:
        assert len(d.paths) == 1 and d.paths[0].is_file()
        rel = d.paths[0].relative_to(demo_dir).as_posix()
        if d.provider == "aws":
            pattern = rf"aws/[\w-]+/data/BILLING_PERIOD={d.billing_period}/[\w-]+-00001\.snappy\.parquet"
        elif d.provider == "azure":
            start = d.billing_period.replace("-", "")
            pattern = rf"azure/[\w-]+/[\w-]+/[\w-]+/{start}01-{start}\d\d/[0-9a-f-]{{36}}/part_0_0001\.csv\.gz"
        else:
            pattern = rf"gcp/\w+/focus_{d.billing_period}\.csv"
        assert re.fullmatch(pattern, rel), rel
    periods = sorted({d.billing_period for d in deliveries})
    assert len(periods) == months and periods[-1] == demo_args["end_month"]


def test_manifests_describe_their_files(demo: DemoOutput, demo_dir: Path) -> None:
    for d in demo.deliveries:
        if d.provider == "gcp":
            assert d.manifest is None
            continue
        assert d.manifest is not None
        doc = json.loads(d.manifest.read_text())
        data = d.paths[0]
        if d.provider == "aws":
            assert d.manifest.name.endswith("-Manifest.json")
            assert f"metadata/BILLING_PERIOD={d.billing_period}/" in d.manifest.as_posix()
            assert doc["dataFiles"][0].endswith(data.relative_to(demo_dir / "aws" / doc["exportName"]).as_posix())
            assert doc["billingPeriod"]["start"].startswith(d.billing_period)
            assert doc["executionId"] and doc["rowCount"] == len(read_file(data))
        else:
            assert d.manifest.parent == data.parent
            (blob,) = doc["blobs"]
            assert (demo_dir / "azure" / blob["blobName"]).resolve() == data.resolve()
            assert blob["byteCount"] == data.stat().st_size
            assert blob["dataRowCount"] == doc["dataRowCount"] == len(read_file(data))
            assert doc["exportConfig"]["dataVersion"] == "1.2-preview"
            assert doc["runInfo"]["runId"] in data.as_posix()


@pytest.mark.parametrize("provider", ["aws", "gcp", "azure"])
def test_columns_are_the_focus_version_then_custom(demo: DemoOutput, provider: str) -> None:
    spec = load_spec("1.2").names
    if provider == "azure":  # FocusCost 1.2-preview has no AvailabilityZone nor PricingCurrency* price columns
        spec = [name for name in spec if name not in AZURE_ABSENT]
    for d in (d for d in demo.deliveries if d.provider == provider):
        names = header(d.paths[0])
        assert names[: len(spec)] == spec
        assert all(name.startswith("x_") for name in names[len(spec) :])
        if provider == "azure":
            assert not {"x_InvoiceId", "x_PricingCurrency", "x_SkuMeterName"} & set(names)
            assert len(spec) == 53 and {"BillingAccountType", "InvoiceId", "ServiceSubcategory"} <= set(names)


def test_parquet_physical_types(demo: DemoOutput) -> None:
    path = next(d.paths[0] for d in demo.deliveries if d.provider == "aws")
    schema = read_file(path).schema
    assert schema.field("BilledCost").type == pa.decimal128(38, 10)
    assert schema.field("ChargePeriodStart").type == pa.timestamp("us", tz="UTC")
    assert pa.types.is_map(schema.field("Tags").type)
    for name in ("x_Discounts", "x_Operation", "x_ServiceCode", "x_UsageType"):
        assert schema.field(name).type == pa.string()


def test_every_file_sums_exactly(demo: DemoOutput) -> None:
    """BilledCost summed with Decimal from the raw values equals what pyarrow reads as decimal(38,10)."""
    for d in demo.deliveries:
        path = d.paths[0]
        table = read_file(path)
        arrow_sum = pc.sum(table["BilledCost"]).as_py()
        assert table.schema.field("BilledCost").type == pa.decimal128(38, 10)
        if path.suffix == ".parquet":
            exact = sum((v for v in table["BilledCost"].to_pylist()), Decimal(0))
        else:
            records = csv_records(path)
            exact = sum((Decimal(r["BilledCost"]) for r in records), Decimal(0))
            for r in records[:: max(1, len(records) // 200)]:
                for name in MONEY:
                    assert r.get(name, "") == "" or NUMBER.match(r[name]), (name, r[name])
                for name in TIMES:
                    assert r.get(name, "") == "" or DATETIME.match(r[name]), (name, r[name])
        assert exact == arrow_sum, path
