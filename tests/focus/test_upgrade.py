"""Upgrading older FOCUS headers to the ledger's version, on the Foundation's real FOCUS 1.0 sample."""

from __future__ import annotations

import csv
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from cloudledger.errors import UnknownFormatError
from cloudledger.focus.spec import load_spec
from cloudledger.focus.upgrade import (
    STEPS,
    VERSIONS,
    column_names,
    detect_version,
    missing_columns,
    plan_upgrade,
    upgrade_columns,
)
from cloudledger.focus.validate import validate

NEW_IN_1_1 = {
    "CapacityReservationId",
    "CapacityReservationStatus",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountUnit",
    "ServiceSubcategory",
    "SkuMeter",
    "SkuPriceDetails",
}
NEW_IN_1_2 = {
    "BillingAccountType",
    "InvoiceId",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "SubAccountType",
}


@pytest.fixture(scope="module")
def sample(samples_dir: Path) -> Path:
    return samples_dir / "focus-other" / "focus_sample.csv"


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_steps_agree_with_the_column_data() -> None:
    """Each version's columns are the previous ones, renamed and pruned, plus those it introduced."""
    for step in STEPS:
        older, newer = column_names(step.older), load_spec(step.newer)
        added = {c.name for c in newer.columns if c.introduced == step.newer}
        carried = {step.renames.get(n, n) for n in older if n not in step.removed}
        assert set(newer.names) == carried | added, step
    assert set(load_spec("1.1").names) - set(load_spec("1.0").names) == NEW_IN_1_1
    assert set(load_spec("1.2").names) - set(load_spec("1.1").names) == NEW_IN_1_2


def test_preview_column_set_is_derived_from_1_0() -> None:
    preview = column_names("1.0-preview")
    assert len(preview) == 39
    assert {"UsageQuantity", "UsageUnit", "Region", "ChargeSubcategory"} <= preview
    assert not {"ChargeClass", "ConsumedQuantity", "RegionId", "ContractedCost"} & preview


def test_detects_each_version_from_its_full_header() -> None:
    for version in VERSIONS:
        assert detect_version([*sorted(column_names(version)), "x_Provider"]) == version
    with pytest.raises(UnknownFormatError):
        detect_version(["Date", "Cost", "x_Anything"])


def test_real_focus_1_0_sample_upgrades_to_1_2(sample: Path) -> None:
    header = _header(sample)
    assert detect_version(header) == "1.0"
    assert upgrade_columns(header) == {}
    assert set(missing_columns(header)) == NEW_IN_1_1 | NEW_IN_1_2
    plan = plan_upgrade(header)
    assert plan.custom == ["Id"] and plan.removed == [] and plan.values == {}
    raw = pacsv.read_csv(
        sample,
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in header}, null_values=["NULL", ""], strings_can_be_null=True
        ),
    )
    upgraded = plan.apply(raw, as_strings=True)
    assert upgraded.column_names == [*load_spec("1.2").names, "x_Id"]
    assert upgraded.num_rows == 1000
    assert upgraded["InvoiceId"].null_count == 1000
    assert upgraded["BilledCost"].equals(raw["BilledCost"])


def test_preview_header_is_renamed_and_values_mapped() -> None:
    header = ["BilledCost", "UsageQuantity", "UsageUnit", "Region", "ChargeSubcategory", "PricingCategory"]
    header += ["ChargeCategory", "Tier"]
    plan = plan_upgrade(header, source_version="1.0-preview")
    assert plan.renames == {
        "UsageQuantity": "ConsumedQuantity",
        "UsageUnit": "ConsumedUnit",
        "Region": "RegionId",
    }
    assert plan.removed == ["ChargeSubcategory"] and plan.custom == ["Tier"]
    table = pa.table({n: pa.array(["a", "b"]) for n in header}).set_column(
        5, "PricingCategory", pa.array(["On-Demand", "Commitment-Based"])
    )
    out = plan.apply(table)
    assert out["PricingCategory"].to_pylist() == ["Standard", "Committed"]
    assert out.column_names[-2:] == ["x_ChargeSubcategory", "x_Tier"]
    assert out.schema.field("BilledCost").type == pa.string()  # present columns keep their type
    assert out.schema.field("ChargePeriodStart").type == pa.timestamp("us", tz="UTC")
    with pytest.raises(ValueError, match="downgrade"):
        plan_upgrade(header, source_version="1.2", target_version="1.1")


def test_real_sample_conformance_matches_a_plain_count(sample: Path) -> None:
    """The upgraded sample is checked as text; two findings are recounted here with the csv module."""
    header = _header(sample)
    with sample.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    frequencies = set(load_spec().by_name["ChargeFrequency"].allowed_values or ())
    odd_frequency = [i for i, r in enumerate(rows, 1) if r["ChargeFrequency"] not in frequencies]
    raw = pacsv.read_csv(
        sample,
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in header}, null_values=["NULL", ""], strings_can_be_null=True
        ),
    )
    table = plan_upgrade(header).apply(raw, as_strings=True)
    table = table.append_column("x_source_file", pa.array(["focus_sample.csv"] * table.num_rows))
    table = table.append_column("x_source_row", pa.array(range(1, table.num_rows + 1), pa.int64()))
    report = validate(ibis.memtable(table))
    found = {r.rule_id: r for r in report.failures}
    assert not report.passed
    assert found["ChargeFrequency.AllowedValues"].failed_rows == len(odd_frequency) > 0
    assert found["ChargeFrequency.AllowedValues"].examples == [("focus_sample.csv", i) for i in odd_frequency[:5]]
    assert found["ChargePeriodStart.DateTimeFormat"].failed_rows == 1000  # "2024-09-18 22:00:00", no T or Z
    assert "ColumnHandling.CustomColumnPrefix" not in found  # Id became x_Id
