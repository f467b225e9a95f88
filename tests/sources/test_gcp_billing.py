"""Source `gcp-billing`: the real sample reconciles exactly; every cost type and credit type maps as
documented in all three shapes (flattened CSV, nested JSONL, nested Parquet); the ledger conforms."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.sources import detect_source, read_rows
from cloudledger.sources.files import BillingFile, file_kind
from gcp_export import ACCOUNT, SHAPES, credit, export_path, gcp_row, write_export
from ledger_probe import ledger_state
from source_probe import ledger_rows, must_failures, native_totals

SAMPLE = Path("gcp-billing") / "evidence-2019-06-03.csv"
SAMPLE_ACCOUNT = "018984-D0AAA4-940B88"
AMOUNT = re.compile(r"""['"]amount['"]:\s*(-?[0-9.eE+-]+)""")


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _sample_sums(path: Path) -> dict[tuple[str, str], dict[str, Decimal]]:
    """Σ cost and Σ credits.amount per (invoice month, account), from the raw text with Decimal only."""
    sums: dict[tuple[str, str], dict[str, Decimal]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            month = row["invoice.month"]
            entry = sums.setdefault((f"{month[:4]}-{month[4:]}", row["billing_account_id"]), {})
            entry["cost"] = entry.get("cost", Decimal(0)) + Decimal(row["cost"])
            credits = sum((Decimal(a) for a in AMOUNT.findall(row["credits"])), Decimal(0))
            entry["credits"] = entry.get("credits", Decimal(0)) + credits
            entry["rows"] = entry.get("rows", Decimal(0)) + 1
    return sums


def test_sample_totals_equal_cost_plus_credits_per_account_and_month(home: Home, samples_dir: Path) -> None:
    path = samples_dir / SAMPLE
    summary = ingest(home, [path])
    expected = _sample_sums(path)
    state = ledger_state(home)
    assert set(state["slices"]) == {(p, "gcp-billing", a) for p, a in expected}
    for (period, account), sums in expected.items():
        got = state["slices"][(period, "gcp-billing", account)]
        assert got["rows"] == sums["rows"] == 224
        assert got["BilledCost"] == got["EffectiveCost"] == sums["cost"] + sums["credits"]
        assert got["ContractedCost"] == got["ListCost"] == sums["cost"] == Decimal("0.000183")
        assert sums["credits"] == Decimal("-0.000183")
        native = native_totals(home, summary)
        assert native == {(period, account, "USD", "BilledCost"): sums["cost"] + sums["credits"]}


def test_sample_matches_published_facts(home: Home, samples_dir: Path) -> None:
    facts = json.loads((samples_dir / "facts.json").read_text())[SAMPLE.as_posix()]["facts"]
    ingest(home, [samples_dir / SAMPLE])
    rows = ledger_rows(home)
    assert len(rows) == facts["rows"]
    contracted = sum((r["ContractedCost"] for r in rows), Decimal(0))
    billed = sum((r["BilledCost"] for r in rows), Decimal(0))
    assert contracted == Decimal(facts["costs"]["cost"]["sum"])
    assert billed - contracted == Decimal(facts["credits_amount"]["sum"])
    promotion = [r for r in rows if r["x_CreditsPromotion"] is not None]
    assert len(promotion) == facts["credit_types"]["PROMOTION"] == facts["rows_with_credits"]
    assert {r["ChargeCategory"] for r in rows} == {"Usage"}
    assert {r["x_CostType"] for r in rows} == set(facts["cost_type"])


def test_sample_rows_map_as_documented(home: Home, samples_dir: Path) -> None:
    ingest(home, [samples_dir / SAMPLE])
    first = ledger_rows(home)[0]
    assert first["BillingAccountId"] == SAMPLE_ACCOUNT and first["BillingCurrency"] == "USD"
    assert first["BillingPeriodStart"] == datetime(2020, 11, 1, 7, tzinfo=UTC)  # midnight Pacific (PDT)
    assert first["BillingPeriodEnd"] == datetime(2020, 12, 1, 8, tzinfo=UTC)  # midnight Pacific (PST)
    assert first["ChargePeriodStart"] == datetime(2020, 11, 9, 23, tzinfo=UTC)
    assert (first["ServiceName"], first["ServiceCategory"]) == ("Security Command Center", "Security")
    assert (first["SubAccountId"], first["SubAccountName"], first["SubAccountType"]) == (
        "cloud-billing-292519",
        "cloud-billing",
        "Project",
    )
    assert first["BilledCost"] == 0 and first["ContractedCost"] == Decimal("0.000005")
    assert first["x_CreditsPromotion"] == "-0.000005000000"
    assert json.loads(first["x_Credits"])[0]["type"] == "PROMOTION"
    assert (first["ConsumedQuantity"], first["ConsumedUnit"]) == (Decimal(24909), "bytes")
    assert first["PricingUnit"] == "gibibyte" and first["PricingCategory"] == "Standard"
    tagged = [r for r in ledger_rows(home) if r["Tags"]]
    assert tagged and all(dict(r["Tags"]).keys() == {"goog-resource-type"} for r in tagged)


def test_sample_conforms_to_focus(home: Home, samples_dir: Path) -> None:
    ingest(home, [samples_dir / SAMPLE])
    assert must_failures(home) == {"Google Cloud": []}


def _mapping_rows() -> list[dict[str, Any]]:
    """One row per case the mapping distinguishes (see NOTES in gcp_docs)."""
    cud = credit("COMMITTED_USAGE_DISCOUNT", -6.0, id="Committed Usage Discount: CPU", name="Committed Usage Discount")
    spend = credit("COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE", -2.25, id="9A-B1", full_name="Spend-based committed use")
    others = [credit(kind, -0.125) for kind in ("SUSTAINED_USAGE_DISCOUNT", "FREE_TIER", "PROMOTION", "DISCOUNT")]
    others += [credit(k, -0.5) for k in ("SUBSCRIPTION_BENEFIT", "RESELLER_MARGIN", "FEE_UTILIZATION_OFFSET")]
    others.append(credit("SOMETHING_NEW", -0.25))
    goodwill = {"id": "adj-1", "description": "Outage goodwill", "type": "GOODWILL", "mode": "MANUAL_ADJUSTMENT"}
    correction = {"id": "adj-2", "description": "Usage fix", "type": "USAGE_CORRECTION", "mode": "COMPLETE_NEGATION"}
    repriced = {"id": "adj-3", "description": "Price fix", "type": "PRICE_CORRECTION", "mode": "PARTIAL_CORRECTION"}
    spot = {"id": "A1", "description": "Spot Preemptible N2 Instance Core running in Americas"}
    fee = {"id": "F1", "description": "Commitment v1: Cpu in Americas for 1 Year"}
    return [
        gcp_row(),
        gcp_row(credits=[cud]),
        gcp_row(credits=[spend]),
        gcp_row(credits=others),
        gcp_row(sku=spot),
        gcp_row(sku=fee),
        gcp_row(cost_type="tax", cost=1.05, cost_at_list=None, credits=[]),
        gcp_row(cost_type="adjustment", cost=-3.0, adjustment_info=goodwill, cost_at_list=None),
        gcp_row(cost_type="adjustment", cost=-10.5, adjustment_info=correction, cost_at_list=None),
        gcp_row(cost=-0.5, adjustment_info=repriced),
        gcp_row(cost_type="rounding_error", cost=0.01, cost_at_list=None),
        gcp_row(transaction_type="THIRD_PARTY_RESELLER", seller_name="Acme Ltd", cost_at_list=None),
    ]


def _read(path: Path) -> list[dict[str, Any]]:
    kind = file_kind(path)
    assert kind is not None
    file = BillingFile(path, kind)
    return sorted(read_rows(detect_source(file), file).table.to_pylist(), key=lambda r: r["x_source_row"])


@pytest.mark.parametrize("shape", SHAPES)
def test_every_cost_type_maps(shape: str, tmp_path: Path) -> None:
    rows = _read(write_export(export_path(tmp_path, shape), _mapping_rows(), shape=shape))
    got = [(r["ChargeCategory"], r["ChargeClass"], r["ChargeFrequency"], r["PricingCategory"]) for r in rows]
    assert got == [
        ("Usage", None, "Usage-Based", "Standard"),
        ("Usage", None, "Usage-Based", "Committed"),
        ("Usage", None, "Usage-Based", "Committed"),
        ("Usage", None, "Usage-Based", "Standard"),
        ("Usage", None, "Usage-Based", "Dynamic"),
        ("Usage", None, "Recurring", "Standard"),
        ("Tax", None, "One-Time", None),
        ("Credit", None, "One-Time", None),
        ("Adjustment", "Correction", "One-Time", None),
        ("Usage", "Correction", "Usage-Based", "Standard"),
        ("Adjustment", None, "One-Time", None),
        ("Usage", None, "Usage-Based", "Standard"),
    ]
    tax = rows[6]
    assert tax["SkuId"] is None and tax["PricingQuantity"] is None and tax["ConsumedQuantity"] is None
    assert tax["BilledCost"] == tax["ListCost"] == tax["ContractedCost"] == Decimal("1.05")
    assert rows[7]["BilledCost"] == rows[7]["EffectiveCost"] == rows[7]["ListCost"] == Decimal(-3)
    assert rows[7]["x_AdjustmentType"] == "GOODWILL"
    assert rows[11]["PublisherName"] == "Acme Ltd" and rows[0]["PublisherName"] == "Google Cloud"
    assert rows[11]["ListCost"] == rows[11]["ContractedCost"] == Decimal("10.5")


@pytest.mark.parametrize("shape", SHAPES)
def test_credits_fold_into_billed_and_effective_cost(shape: str, tmp_path: Path) -> None:
    rows = _read(write_export(export_path(tmp_path, shape), _mapping_rows(), shape=shape))
    plain, cud, spend, others = rows[:4]
    assert plain["BilledCost"] == plain["EffectiveCost"] == plain["ContractedCost"] == Decimal("10.5")
    assert plain["ListCost"] == Decimal(12)
    assert cud["BilledCost"] == cud["EffectiveCost"] == Decimal("4.5") and cud["ContractedCost"] == Decimal("10.5")
    assert cud["CommitmentDiscountId"] == "Committed Usage Discount: CPU"
    assert cud["CommitmentDiscountName"] == "Committed Usage Discount"  # full_name is empty: its name
    assert (cud["CommitmentDiscountCategory"], cud["CommitmentDiscountStatus"]) == ("Usage", "Used")
    assert cud["CommitmentDiscountType"] == "Resource-based committed use discount"
    assert cud["x_CreditsCommittedUsageDiscount"] == "-6.000000000000"
    assert (spend["CommitmentDiscountId"], spend["CommitmentDiscountName"]) == ("9A-B1", "Spend-based committed use")
    assert spend["CommitmentDiscountCategory"] == "Spend" and spend["BilledCost"] == Decimal("8.25")
    assert others["CommitmentDiscountId"] is None and others["BilledCost"] == Decimal("8.25")
    by_type = {n: Decimal(v) for n, v in others.items() if n.startswith("x_Credits") and n != "x_Credits" and v}
    assert by_type == {
        "x_CreditsSustainedUsageDiscount": Decimal("-0.125"),
        "x_CreditsFreeTier": Decimal("-0.125"),
        "x_CreditsPromotion": Decimal("-0.125"),
        "x_CreditsDiscount": Decimal("-0.125"),
        "x_CreditsSubscriptionBenefit": Decimal("-0.5"),
        "x_CreditsResellerMargin": Decimal("-0.5"),
        "x_CreditsFeeUtilizationOffset": Decimal("-0.5"),
        "x_CreditsOther": Decimal("-0.25"),
    }
    assert [c["type"] for c in json.loads(others["x_Credits"])][-1] == "SOMETHING_NEW"


@pytest.mark.parametrize("shape", SHAPES)
def test_dimensions_quantities_and_tags_map(shape: str, tmp_path: Path) -> None:
    row = _read(write_export(export_path(tmp_path, shape), [gcp_row()], shape=shape))[0]
    assert (row["ServiceName"], row["ServiceCategory"], row["SkuId"]) == ("Compute Engine", "Compute", "2E27-4F75-95CD")
    assert (row["RegionId"], row["RegionName"], row["AvailabilityZone"]) == ("us-central1", "Iowa", "us-central1-a")
    assert row["ResourceId"].startswith("//compute.googleapis.com/") and row["ResourceName"] == "vm-1"
    assert row["ResourceType"] == "compute.instances"
    assert (row["SubAccountId"], row["SubAccountName"]) == ("web-prod", "Web Prod")
    assert (row["ConsumedQuantity"], row["ConsumedUnit"]) == (Decimal(3600), "seconds")
    assert (row["PricingQuantity"], row["PricingUnit"]) == (Decimal(1), "hour")
    assert row["ChargePeriodStart"] == datetime(2024, 1, 10, 10, tzinfo=UTC)
    assert row["BillingPeriodStart"] == datetime(2024, 1, 1, 8, tzinfo=UTC)
    assert dict(row["Tags"]) == {
        "team": "web",
        "env": "staging",  # the resource's label overrides its project's
        "app": "shop",
        "111/cost-center": "cc-42",
        "compute.googleapis.com/machine_spec": "n1-standard-1",
    }
    assert row["x_ProjectNumber"] == "123456789012" and row["x_ServiceId"] == "6F81-5844-456A"
    assert json.loads(row["x_ProjectAncestors"])[1]["resource_name"] == "organizations/111"
    assert json.loads(row["x_price"]) if shape != "csv" else row["x_price_effective_price"] == "0.0291"


def test_json_lists_in_csv_and_months_without_invoice_column(tmp_path: Path) -> None:
    rows = [gcp_row(credits=[credit("FREE_TIER", -1.5)], usage_start_time="2024-02-01 07:30:00 UTC")]
    path = write_export(tmp_path / "json.csv", [{k: v for k, v in rows[0].items() if k != "invoice"}], shape="csv",
                        json_lists=True)  # fmt: skip
    row = _read(path)[0]
    assert row["BilledCost"] == Decimal(9) and row["x_CreditsFreeTier"] == "-1.500000000000"
    assert row["x_billing_period"] == "2024-01"  # 07:30 UTC on 1 Feb is still January in Pacific time


def test_mapped_rows_conform_to_focus(home: Home, tmp_path: Path) -> None:
    rows = _mapping_rows()
    ingest(home, [write_export(tmp_path / "m.parquet", rows, shape="parquet")])
    assert must_failures(home) == {"Google Cloud": []}
    billed = ledger_state(home)["slices"][("2024-01", "gcp-billing", ACCOUNT)]["BilledCost"]
    expected = sum((Decimal(str(r["cost"])) + sum(Decimal(str(c["amount"])) for c in r["credits"]) for r in rows), 0)
    assert billed == expected


@pytest.mark.parametrize("shape", SHAPES)
def test_a_tax_row_keeps_its_list_cost(shape: str, tmp_path: Path) -> None:
    """A tax row's cost_at_list (the tax on list prices) is its ListCost; its other metrics are its cost."""
    rows = [gcp_row(cost_type="tax", cost=5.25, cost_at_list=6.0, credits=[]), gcp_row(cost_type="tax", cost=1.5)]
    rows[1]["cost_at_list"] = None
    tax, bare = _read(write_export(export_path(tmp_path, shape), rows, shape=shape))
    assert tax["ChargeCategory"] == "Tax" and tax["ListCost"] == Decimal(6)
    assert tax["BilledCost"] == tax["EffectiveCost"] == tax["ContractedCost"] == Decimal("5.25")
    assert bare["ListCost"] == bare["BilledCost"] == Decimal("1.5")
