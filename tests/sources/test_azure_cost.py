"""Azure cost details (EA and MCA, actual and amortized) land in the ledger as FOCUS rows, paired."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from azure_export import (
    ACCOUNT,
    BILLING,
    EA_BILLING_ID,
    MCA_ACCOUNT,
    MCA_BILLING_ID,
    RI,
    SP,
    SUB,
    VM,
    commitment_scenario,
    ea_row,
    manifest,
    write_cost,
)
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from ledger_probe import ledger_state
from reference import ledger_decimal, read_csv_rows
from source_probe import ledger_rows, must_failures, native_totals

D = Decimal
BOTH = "actual+amortized"
RI_T, SP_T = "Reservation", "Savings Plan"
SAMPLES = {
    # sample: (cost column, (billing account column, billing profile column or None), dataset the source must tell)
    "azure-ea/EA_AmortizedCost_Small.csv": ("Cost", ("BillingAccountId", None), "amortized"),
    "azure-ea/sample-anonymous-ea-export-dataset.csv": ("CostInBillingCurrency", ("BillingAccountId", None), "either"),
    "azure-mca/camel_azure_version_2.csv": (
        "costInBillingCurrency",
        ("billingAccountId", "billingProfileId"),
        "either",
    ),
}
COMMITMENT = {"Reservation", "SavingsPlan"}


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _period(row: dict[str, str]) -> str:
    text = row.get("BillingPeriodStartDate") or row.get("billingPeriodStartDate") or row.get("Date") or row["date"]
    month, _, year = text.split("/")
    return f"{year}-{int(month):02d}"


def _billing_id(row: dict[str, str], columns: tuple[str, str | None]) -> str:
    """Microsoft's FOCUS BillingAccountId: the enrollment (EA) or billing profile (MCA) resource id."""
    account, profile = columns
    if profile is None:
        return f"{BILLING}{row[account]}"
    return f"{BILLING}{row[account]}/billingProfiles/{row[profile]}"


def _expected(sample: Path, cost: str, accounts: tuple[str, str | None], dataset: str) -> dict[tuple[str, str], Any]:
    """Independent per-slice sums of the raw cost text (ledger rounding, and native 12-place rounding)."""
    out: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in read_csv_rows(sample):
        key = (_period(row), _billing_id(row, accounts))
        value = ledger_decimal(row[cost]) or D(0)
        covered = row.get("ChargeType", "Usage") == "Usage" and row.get("PricingModel") in COMMITMENT
        out[key]["EffectiveCost"] += value
        out[key]["BilledCost"] += D(0) if dataset == "amortized" and covered else value
        out[key]["native"] += D(row[cost]).quantize(D("1E-12"), rounding=ROUND_HALF_UP)
        out[key]["raw"] += D(row[cost])
    return out


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_samples_land_with_exact_totals(home: Home, samples_dir: Path, name: str) -> None:
    cost, accounts, dataset = SAMPLES[name]
    sample = samples_dir / name
    summary = ingest(home, [sample])
    expected = _expected(sample, cost, accounts, dataset)
    slices = {(k[0], k[2]): v for k, v in ledger_state(home)["slices"].items()}
    assert set(slices) == set(expected)
    for key, sums in expected.items():
        assert slices[key]["BilledCost"] == sums["BilledCost"], key
        assert slices[key]["EffectiveCost"] == sums["EffectiveCost"], key
    metrics = {"amortized": ["EffectiveCost"], "either": ["BilledCost", "EffectiveCost"]}[dataset]
    currency = read_csv_rows(sample)[0].get("BillingCurrency") or read_csv_rows(sample)[0].get("BillingCurrencyCode")
    currency = currency or read_csv_rows(sample)[0]["billingCurrency"]
    recorded = native_totals(home, summary)
    assert recorded == {(*key, currency, m): sums["native"] for key, sums in expected.items() for m in metrics}
    facts = json.loads((samples_dir / "facts.json").read_text())[name]["facts"]
    fact_sum = D(facts["costs"][cost]["sum"])
    raw_sum = sum((s["raw"] for s in expected.values()), D(0))
    assert raw_sum == fact_sum
    ledger_sum = sum((s["EffectiveCost"] for s in slices.values()), D(0))
    assert abs(ledger_sum - fact_sum) <= D("5E-11") * facts["rows"]
    assert summary.rows == facts["rows"]


def test_samples_conform_to_focus_together(home: Home, samples_dir: Path) -> None:
    ingest(home, [samples_dir / n for n in SAMPLES])
    assert must_failures(home) == {"Microsoft": []}


def _by_charge(rows: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
    return {(r["x_ChargeType"], r["x_PricingModel"], r["ChargePeriodStart"].day): r for r in rows}


@pytest.mark.parametrize("shape", ["ea", "mca"])
def test_actual_and_amortized_pair_into_one_set_of_rows(home: Home, tmp_path: Path, shape: str) -> None:
    actual, amortized = commitment_scenario()
    write_cost(tmp_path / "in" / "cost-actual-202401.csv", actual, shape=shape)
    write_cost(tmp_path / "in" / "cost-amortized-202401.csv", amortized, shape=shape)
    summary = ingest(home, [tmp_path / "in"])
    rows = ledger_rows(home)
    got = _by_charge(rows)
    expect = {
        # (ChargeType, PricingModel, day): Billed, Effective, datasets, category, class, pricing, CD type, status
        ("Usage", "OnDemand", 5): ("10", "10", BOTH, "Usage", None, "Standard", None, None),
        ("Purchase", "Reservation", 1): ("300", "0", "actual", "Purchase", None, "Standard", "Reservation", None),
        ("Usage", "Reservation", 6): ("0", "8", BOTH, "Usage", None, "Committed", "Reservation", "Used"),
        ("Purchase", "SavingsPlan", 1): ("100", "0", "actual", "Purchase", None, "Standard", "Savings Plan", None),
        ("Usage", "SavingsPlan", 8): ("0", "3", BOTH, "Usage", None, "Committed", "Savings Plan", "Used"),
        ("Refund", "Reservation", 20): ("-50", "0", "actual", "Purchase", "Correction", "Standard", RI_T, None),
        ("Usage", "Spot", 7): ("2", "2", BOTH, "Usage", None, "Dynamic", None, None),
        ("Tax", "OnDemand", 31): ("5", "5", BOTH, "Tax", None, None, None, None),
        ("RoundingAdjustment", "OnDemand", 31): ("0.01", "0.01", BOTH, "Adjustment", None, "Standard", None, None),
        ("UnusedReservation", "Reservation", 6): ("0", "1.5", "amortized", "Usage", None, "Committed", RI_T, "Unused"),
        ("UnusedSavingsPlan", "SavingsPlan", 8): ("0", "0.5", "amortized", "Usage", None, "Committed", SP_T, "Unused"),
    }  # fmt: skip
    assert set(got) == set(expect) and len(rows) == len(expect)
    columns = ("BilledCost", "EffectiveCost", "x_CostDatasets", "ChargeCategory", "ChargeClass", "PricingCategory")
    for key, (billed, effective, datasets, category, charge_class, pricing, cd_type, status) in expect.items():
        row = got[key]
        assert tuple(row[c] for c in columns) == (D(billed), D(effective), datasets, category, charge_class, pricing), (
            key
        )
        assert (row["CommitmentDiscountType"], row["CommitmentDiscountStatus"]) == (cd_type, status), key
        cd_category = {"Reservation": "Usage", "Savings Plan": "Spend", None: None}[cd_type]
        assert row["CommitmentDiscountCategory"] == cd_category, key
        assert row["CommitmentDiscountId"] == {"Reservation": RI, "Savings Plan": SP, None: None}[cd_type], key
    assert got[("UnusedReservation", "Reservation", 6)]["ConsumedQuantity"] is None
    assert got[("Usage", "Reservation", 6)]["ConsumedQuantity"] == D(24)
    assert got[("Purchase", "Reservation", 1)]["ChargeFrequency"] == "One-Time"
    assert got[("Purchase", "SavingsPlan", 1)]["ChargeFrequency"] == "Recurring"
    # SkuPriceId = {SkuId}_{MeterId}; a purchase names no meter (its SkuId), a tax no SKU at all
    prices = {key: (row["SkuId"], row["SkuPriceId"]) for key, row in got.items()}
    purchase_sku, purchase_price = prices[("Purchase", "Reservation", 1)]
    assert purchase_sku and purchase_price == purchase_sku and prices[("Tax", "OnDemand", 31)] == (None, None)
    spot_sku, spot_price = prices[("Usage", "Spot", 7)]
    assert spot_price == f"{spot_sku}_meter-spot" and prices[("Usage", "SavingsPlan", 8)][1].endswith("_meter-e4")
    assert prices[("UnusedSavingsPlan", "SavingsPlan", 8)] == prices[("Usage", "SavingsPlan", 8)]
    paired = got[("Usage", "Reservation", 6)]
    assert paired["x_source_file"].endswith("cost-amortized-202401.csv") and paired["x_source_row"] == 2
    assert paired["x_ActualSourceFile"].endswith("cost-actual-202401.csv") and paired["x_ActualSourceRow"] == "3"
    account = MCA_BILLING_ID if shape == "mca" else EA_BILLING_ID
    state = ledger_state(home)["slices"][("2024-01", "azure-cost", account)]
    assert (state["BilledCost"], state["EffectiveCost"]) == (D("367.01"), D("30.01"))
    assert sum(ledger_decimal(r["CostInBillingCurrency"]) or 0 for r in actual) == D("367.01")
    assert sum(ledger_decimal(r["CostInBillingCurrency"]) or 0 for r in amortized) == D("30.01")
    assert native_totals(home, summary) == {
        ("2024-01", account, "USD", "BilledCost"): D("367.01"),
        ("2024-01", account, "USD", "EffectiveCost"): D("30.01"),
    }
    assert must_failures(home) == {"Microsoft": []}


@pytest.mark.parametrize(
    ("dataset", "billed", "effective"), [("actual", "367.01", "17.01"), ("amortized", "17.01", "30.01")]
)
def test_a_lone_file_lands_with_best_effort_for_the_other_metric(
    home: Home, tmp_path: Path, dataset: str, billed: str, effective: str
) -> None:
    actual, amortized = commitment_scenario()
    rows = actual if dataset == "actual" else amortized
    summary = ingest(home, [write_cost(tmp_path / f"cost-{dataset}.csv", rows)])
    state = ledger_state(home)["slices"][("2024-01", "azure-cost", EA_BILLING_ID)]
    assert (state["BilledCost"], state["EffectiveCost"]) == (D(billed), D(effective))
    assert {r["x_CostDatasets"] for r in ledger_rows(home)} == {dataset}
    metric = "BilledCost" if dataset == "actual" else "EffectiveCost"
    assert native_totals(home, summary) == {("2024-01", EA_BILLING_ID, "USD", metric): D(state[metric])}
    assert must_failures(home) == {"Microsoft": []}


@pytest.mark.parametrize("shape", ["ea", "mca"])
def test_columns_map_to_focus(home: Home, tmp_path: Path, shape: str) -> None:
    storage = ea_row(
        MeterId="meter-ops", UnitOfMeasure="10K", Quantity="0.0129", UnitPrice="0.004", PayGPrice="0.005",
        CostInBillingCurrency="0.0000516", ConsumedService="Microsoft.Storage", MeterCategory="Storage",
        ResourceId=f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
        ResourceName="", ResourceLocation="westus2", Tags="",
    )  # fmt: skip
    ingest(home, [write_cost(tmp_path / "cost.csv", [ea_row(), storage], shape=shape)])
    vm, st = ledger_rows(home)
    mca = shape == "mca"
    assert vm["BillingAccountId"] == (MCA_BILLING_ID if mca else EA_BILLING_ID)
    assert vm["BillingAccountType"] == ("Billing Profile" if mca else "Billing Account")
    assert vm["x_BillingAccountId"] == (MCA_ACCOUNT if mca else ACCOUNT)
    assert vm["Tags"] == [("team", "web"), ("env", "prod")] and st["Tags"] is None
    assert (vm["SubAccountId"], vm["SubAccountName"], vm["SubAccountType"]) == (
        f"/subscriptions/{SUB}",
        "web-prod",
        "Subscription",
    )
    assert vm["x_SubscriptionId"] == SUB
    assert (vm["ResourceId"], vm["ResourceName"], vm["ResourceType"]) == (VM, "vm-1", "Virtual machine")
    assert (vm["ServiceName"], vm["ServiceCategory"]) == ("Virtual Machines", "Compute")
    assert (st["ServiceName"], st["ServiceCategory"], st["ResourceName"]) == ("Storage Accounts", "Storage", "st1")
    assert (vm["RegionId"], vm["RegionName"], st["RegionId"], st["RegionName"]) == (
        "eastus",
        "East US",
        "westus2",
        "West US 2",
    )
    assert vm["SkuId"] == ("DZH318Z0BQ5S" if mca else "AAA-00001") and vm["SkuMeter"] == "D2s v3"
    assert (vm["SkuPriceId"], st["SkuPriceId"]) == (f"{vm['SkuId']}_meter-d2s", f"{st['SkuId']}_meter-ops")
    assert vm["PricingCurrency"] == vm["BillingCurrency"] == "USD"
    assert (vm["PricingQuantity"], vm["PricingUnit"], vm["ConsumedQuantity"], vm["ConsumedUnit"]) == (
        D(24),
        "Hours",
        D(24),
        "Hours",
    )
    assert (st["PricingQuantity"], st["PricingUnit"], st["ConsumedQuantity"], st["ConsumedUnit"]) == (
        D("0.0129"),
        "10000 Units",
        D(129),
        "Units",
    )
    assert (vm["ListUnitPrice"], vm["ListCost"], vm["ContractedUnitPrice"], vm["ContractedCost"]) == (
        D("0.6"),
        D("14.4"),
        D("0.5"),
        D(12),
    )
    assert (vm["BilledCost"], vm["EffectiveCost"], vm["x_CostDatasets"]) == (D(12), D(12), "either")
    assert (vm["ChargeCategory"], vm["ChargeFrequency"], vm["PricingCategory"]) == ("Usage", "Usage-Based", "Standard")
    assert (vm["ProviderName"], vm["PublisherName"], vm["InvoiceIssuerName"]) == ("Microsoft",) * 3
    assert vm["ChargeDescription"] == "Virtual Machines D2s v3 - US East"
    assert (vm["x_MeterCategory"], vm["x_InvoiceSectionName"], vm["x_CostInBillingCurrency"]) == (
        "Virtual Machines",
        "Web",
        "12",
    )
    assert vm["InvoiceId"] == ("G000123456" if mca else None)
    assert (
        str(vm["ChargePeriodStart"]) == "2024-01-05 00:00:00+00:00" and str(vm["BillingPeriodEnd"])[:10] == "2024-02-01"
    )


def test_older_ea_names_map_like_the_current_ones(home: Home, tmp_path: Path) -> None:
    old = {"CostInBillingCurrency": "Cost", "BillingCurrencyCode": "BillingCurrency", "ProductName": "Product",
           "InvoiceSectionName": "InvoiceSection"}  # fmt: skip
    row = {old.get(k, k): v for k, v in ea_row(Date="2024-01-05").items()}
    path = tmp_path / "old.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows([list(row), list(row.values())])
    ingest(home, [path])
    (got,) = ledger_rows(home)
    assert (got["BilledCost"], got["BillingCurrency"], got["ChargeDescription"]) == (D(12), "USD", row["Product"])
    assert (got["x_InvoiceSectionName"], got["x_CostInBillingCurrency"], got["ChargePeriodStart"].day) == (
        "Web",
        "12",
        5,
    )


def test_a_changed_period_re_reads_only_that_periods_pair(tmp_path: Path) -> None:
    """Actual and amortized files are read together per delivery period folder, not the whole export."""
    root = tmp_path / "exports"
    periods = {"20240101-20240131": "2024-01", "20240201-20240229": "2024-02"}
    for folder, month in periods.items():
        start = f"{month[5:]}/01/{month[:4]}"
        row = ea_row(Date=start, BillingPeriodStartDate=start, BillingPeriodEndDate=start)
        for dataset in ("ActualCost", "AmortizedCost"):
            path = root / f"export-{dataset.lower()}" / folder / "run1" / "part_0_0001.csv"
            write_cost(path, [row], manifest=manifest(dataset))
    home = Home(tmp_path / "home").ensure()
    first = ingest(home, [root])
    assert len(first.files_read) == 4
    changed = root / "export-actualcost" / "20240201-20240229" / "run1" / "part_0_0001.csv"
    write_cost(changed, [ea_row(Date="02/01/2024", CostInBillingCurrency="7.5")], manifest=manifest("ActualCost"))
    second = ingest(home, [root])
    assert sorted(Path(f.path).parts[-3] for f in second.files_read) == ["20240201-20240229"] * 2
    assert [s.billing_period for s in second.slices] == ["2024-02"]


def test_a_consumed_service_alone_names_its_dominant_service() -> None:
    """Without a resource type, Microsoft.Security is Defender for Cloud (most of its rows), not the first row."""
    from cloudledger.sources.azure_reference import service

    found = service("Microsoft.Security", None)
    assert found is not None and (found.name, found.category) == ("Microsoft Defender for Cloud", "Security")
    exact = service("Microsoft.Security", "microsoft.apimanagement/service")
    assert exact is not None and exact.name == "API Management"
