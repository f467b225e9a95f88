"""Sources `aws-cur` and `aws-cur2`: the real samples reconcile exactly with the invoice column and facts.json;
every line item type maps as documented in legacy CSV, CUR 2.0 Parquet and CUR 2.0 CSV; the ledger conforms."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from aws_export import PAYER, RI, SP, cur_row, every_type, write_cur2_csv, write_cur2_parquet, write_legacy_csv
from cloudledger.focus.datasets import validate_datasets
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.ledger.state import StateDB
from cloudledger.sources import detect_source
from cloudledger.sources.files import BillingFile, file_kind
from ledger_probe import ledger_state

LEGACY = Path("aws-cur-legacy")
CSV_SAMPLE = LEGACY / "sample-anonymous-aws-export-dataset.csv"
PARQUET_SAMPLES = (
    LEGACY / "Oct2018-WorkshopCUR-00001.snappy.parquet",
    LEGACY / "Dec2018-WorkshopCUR-00001.snappy.parquet",
)
TEN = Decimal("1E-10")
TWELVE = Decimal("1E-12")
KNOWN_GAPS = {
    # AWS's own FOCUS export documents the same gaps: CUR has no price, unit or SKU on some line items.
    "ListUnitPrice.NotNullForUsageOrPurchase",
    "ContractedUnitPrice.NotNullForUsageOrPurchase",
    "PricingCurrencyListUnitPrice.NotNullForUsageOrPurchase",
    "PricingCurrencyContractedUnitPrice.NotNullForUsageOrPurchase",
    "SkuId.NotNullForUsageOrPurchase",
    "SkuPriceId.NotNullForUsageOrPurchase",
    "PricingUnit.NotNullWhenPricingQuantityNotNull",
    "ConsumedUnit.NotNullWhenConsumedQuantityNotNull",
    "ListCost.MatchesUnitPriceTimesQuantity",
    "ContractedCost.MatchesUnitPriceTimesQuantity",
    # 2018 reports have pricing/RateId but no pricing/RateCode; a size-flexible reservation's rate id
    # is shared by two SKUs.
    "SkuPriceId.SingleSkuId",
}


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _ledger(home: Home) -> list[dict[str, Any]]:
    view = open_ledger(home)
    try:
        rows: list[dict[str, Any]] = view.con.to_pyarrow(view.table).to_pylist()
    finally:
        view.close()
    return sorted(rows, key=lambda r: (r["x_source_file"], r["x_source_row"], r["BilledCost"] == 0))


def _native(home: Home, ingest_id: str | None) -> dict[tuple[str, str, str], Decimal]:
    state = StateDB(home.state_db_url)
    try:
        return {(t.billing_period, t.billing_account, t.metric): t.amount for t in state.native_totals(ingest_id or "")}
    finally:
        state.dispose()


def _must_failures(home: Home) -> set[str]:
    view = open_ledger(home)
    try:
        reports = validate_datasets(view.con, view.table)
    finally:
        view.close()
    return {r.rule_id for _, report in reports for r in report.failures if r.severity == "MUST"}


def _q(value: Decimal, places: Decimal = TEN) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


# --- real samples ---------------------------------------------------------------------------------------


def test_samples_are_detected_by_their_flavour(samples_dir: Path, tmp_path: Path) -> None:
    for sample in (CSV_SAMPLE, *PARQUET_SAMPLES):
        path = samples_dir / sample
        assert detect_source(BillingFile(path, file_kind(path) or "csv")).name == "aws-cur"
    cur2 = write_cur2_parquet(tmp_path / "cur2.parquet", every_type())
    assert detect_source(BillingFile(cur2, "parquet")).name == "aws-cur2"
    cur2_csv = write_cur2_csv(tmp_path / "cur2.csv", every_type())
    assert detect_source(BillingFile(cur2_csv, "csv")).name == "aws-cur2"


def test_legacy_csv_sample_reconciles_with_the_invoice_column(home: Home, samples_dir: Path) -> None:
    path = samples_dir / CSV_SAMPLE
    with path.open(newline="", encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle))
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in raw:
        key = (row["bill/BillingPeriodStartDate"][:7], row["bill/PayerAccountId"])
        expected[key] += Decimal(row["lineItem/UnblendedCost"])
    facts = json.loads((samples_dir / "facts.json").read_text())[CSV_SAMPLE.as_posix()]["facts"]
    summary = ingest(home, [path])
    state = ledger_state(home)
    assert state["rows"] == len(raw) == facts["rows"]
    got = {(k[0], k[2]): v["BilledCost"] for k, v in state["slices"].items()}
    assert got == {k: _q(v) for k, v in expected.items()}
    assert sum(expected.values()) == Decimal(facts["costs"]["lineItem/UnblendedCost"]["sum"])
    native = _native(home, summary.ingest_id)
    assert native[("2023-11", "123412340534", "BilledCost")] == _q(expected[("2023-11", "123412340534")], TWELVE)
    # No reservation or savings plan in this file: amortized = billed.
    assert native[("2023-11", "123412340534", "EffectiveCost")] == native[("2023-11", "123412340534", "BilledCost")]


def _parquet_sums(path: Path) -> dict[str, Decimal]:
    """Σ of the raw doubles (as their shortest text, the way facts.json sums them), per line item type."""
    table = pq.read_table(path).to_pydict()
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for i, line_type in enumerate(table["line_item_line_item_type"]):
        billed = Decimal(repr(table["line_item_unblended_cost"][i]))
        sums["billed"] += billed
        if line_type == "DiscountedUsage":
            sums["effective"] += Decimal(repr(table["reservation_effective_cost"][i]))
        elif line_type == "RIFee":
            unused = Decimal(repr(table["reservation_unused_amortized_upfront_fee_for_billing_period"][i]))
            unused += Decimal(repr(table["reservation_unused_recurring_fee"][i]))
            sums["effective"] += unused
            sums["unused rows"] += unused != 0
        else:
            sums["effective"] += billed
        sums["rows"] += 1
        sums[f"rows:{line_type}"] += 1
    return sums


@pytest.mark.parametrize("sample", PARQUET_SAMPLES, ids=lambda p: p.name[:7])
def test_athena_parquet_samples_reconcile(home: Home, samples_dir: Path, sample: Path) -> None:
    path = samples_dir / sample
    sums = _parquet_sums(path)
    facts = json.loads((samples_dir / "facts.json").read_text())[sample.as_posix()]["facts"]
    assert sums["billed"] == Decimal(facts["costs"]["line_item_unblended_cost"]["sum"])
    summary = ingest(home, [path])
    period = "2018-10" if sample.name.startswith("Oct") else "2018-12"
    key = (period, "aws-cur", "836060457634")
    state = ledger_state(home)
    assert state["rows"] == facts["rows"] + sums["unused rows"]  # one more row per partly unused reservation
    assert abs(state["slices"][key]["BilledCost"] - sums["billed"]) <= TEN * facts["rows"]
    assert _q(state["slices"][key]["BilledCost"], Decimal("0.000001")) == _q(sums["billed"], Decimal("0.000001"))
    assert abs(state["slices"][key]["EffectiveCost"] - sums["effective"]) <= TEN * facts["rows"]
    native = _native(home, summary.ingest_id)
    assert native[(period, "836060457634", "BilledCost")] == sums["billed"]
    assert native[(period, "836060457634", "EffectiveCost")] == sums["effective"]


def test_sample_ledgers_conform_but_for_documented_gaps(home: Home, samples_dir: Path) -> None:
    ingest(home, [samples_dir / CSV_SAMPLE, samples_dir / PARQUET_SAMPLES[1]])
    assert _must_failures(home) <= KNOWN_GAPS


def test_sample_tags_keep_the_user_key_and_the_aws_prefix(home: Home, samples_dir: Path) -> None:
    ingest(home, [samples_dir / PARQUET_SAMPLES[1]])
    view = open_ledger(home)
    try:
        tags = view.con.to_pyarrow(view.table.select("Tags"))["Tags"].combine_chunks()
    finally:
        view.close()
    keys = set(tags.keys.unique().to_pylist())
    assert {"cost_center", "name", "workload", "aws:created_by"} <= keys
    assert not any(k.startswith(("user", "resource_tags")) for k in keys)


# --- every line item type, in every shape ---------------------------------------------------------------

SHAPES = {
    "legacy-csv": lambda d: write_legacy_csv(d / "report.csv", every_type()),
    "cur2-parquet": lambda d: write_cur2_parquet(d / "export.parquet", every_type()),
    "cur2-csv": lambda d: write_cur2_csv(d / "export.csv", every_type()),
}
D = Decimal
EXPECTED: list[tuple[str, str, str | None, str | None, str | None, D, D, D, D]] = [
    # type, ChargeCategory, PricingCategory, CommitmentDiscount kind, Status, Billed, Effective, List, Contracted
    ("Usage", "Usage", "Standard", None, None, D("1"), D("1"), D("1.2"), D("1")),
    ("Usage", "Usage", "Dynamic", None, None, D("0.3"), D("0.3"), D("1"), D("0.3")),
    ("DiscountedUsage", "Usage", "Committed", "ri", "Used", D("0"), D("0.5"), D("0.9"), D("0.9")),
    ("RIFee", "Purchase", "Standard", "ri", None, D("2"), D("0"), D("2"), D("2")),
    ("RIFee", "Usage", "Committed", "ri", "Unused", D("0"), D("0.5"), D("0"), D("0")),
    ("Fee", "Purchase", "Standard", "ri", None, D("100"), D("0"), D("100"), D("100")),
    ("Fee", "Purchase", "Standard", None, None, D("12"), D("12"), D("12"), D("12")),
    ("SavingsPlanCoveredUsage", "Usage", "Committed", "sp", "Used", D("0.8"), D("0.5"), D("0.8"), D("0.8")),
    ("SavingsPlanNegation", "Usage", "Committed", "sp", "Used", D("-0.8"), D("0"), D("0"), D("0")),
    ("SavingsPlanRecurringFee", "Purchase", "Standard", "sp", None, D("5"), D("0"), D("5"), D("5")),
    ("SavingsPlanRecurringFee", "Usage", "Committed", "sp", "Unused", D("0"), D("0.5"), D("0"), D("0")),
    ("SavingsPlanUpfrontFee", "Purchase", "Standard", "sp", None, D("50"), D("0"), D("50"), D("50")),
    ("Tax", "Tax", None, None, None, D("1.5"), D("1.5"), D("1.5"), D("1.5")),
    ("Credit", "Credit", "Other", None, None, D("-2"), D("-2"), D("-2"), D("-2")),
    ("Refund", "Adjustment", "Other", None, None, D("-1"), D("-1"), D("-1"), D("-1")),
    ("EdpDiscount", "Usage", "Standard", None, None, D("-0.05"), D("-0.05"), D("0"), D("-0.05")),
    ("PrivateRateDiscount", "Usage", "Standard", None, None, D("-0.02"), D("-0.02"), D("0"), D("-0.02")),
    ("BundledDiscount", "Usage", "Standard", None, None, D("-0.01"), D("-0.01"), D("0"), D("-0.01")),
    ("SppDiscount", "Usage", "Standard", None, None, D("-0.01"), D("-0.01"), D("0"), D("-0.01")),
    ("SomethingNew", "Adjustment", "Other", None, None, D("0.07"), D("0.07"), D("0.07"), D("0.07")),
]
COMMITMENTS = {"ri": (RI, "Usage", "Reserved Instance"), "sp": (SP, "Spend", "Savings Plan")}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_line_item_type_maps(home: Home, tmp_path: Path, shape: str) -> None:
    summary = ingest(home, [SHAPES[shape](tmp_path / "in")])
    rows = _ledger(home)
    assert len(rows) == len(EXPECTED)
    for row, (line_type, category, pricing, kind, status, billed, effective, list_, contracted) in zip(
        rows, EXPECTED, strict=True
    ):
        assert row["x_LineItemType"] == line_type
        got = (row["ChargeCategory"], row["PricingCategory"], row["CommitmentDiscountStatus"])
        assert got == (category, pricing, status), line_type
        costs = (row["BilledCost"], row["EffectiveCost"], row["ListCost"], row["ContractedCost"])
        assert costs == (billed, effective, list_, contracted), line_type
        ident, cd_category, cd_type = COMMITMENTS[kind] if kind else (None, None, None)
        commitment = (row["CommitmentDiscountId"], row["CommitmentDiscountCategory"], row["CommitmentDiscountType"])
        assert commitment == (ident, cd_category, cd_type), line_type
        assert row["ChargeClass"] is None
    native = _native(home, summary.ingest_id)
    assert native[("2025-01", PAYER, "BilledCost")] == sum(e[5] for e in EXPECTED)
    assert native[("2025-01", PAYER, "EffectiveCost")] == sum(e[6] for e in EXPECTED)
    assert ledger_state(home)["slices"][("2025-01", f"aws-{'cur' if shape == 'legacy-csv' else 'cur2'}", PAYER)][
        "EffectiveCost"
    ] == sum(e[6] for e in EXPECTED)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_dimensions_quantities_and_tags(home: Home, tmp_path: Path, shape: str) -> None:
    ingest(home, [SHAPES[shape](tmp_path / "in")])
    rows = _ledger(home)
    usage, spot, covered, negation, ri_unused = rows[0], rows[1], rows[7], rows[8], rows[4]
    assert usage["BillingAccountId"] == PAYER and usage["SubAccountId"] == "444455556666"
    assert usage["ServiceName"] == "Amazon Elastic Compute Cloud"
    assert (usage["ServiceCategory"], usage["ServiceSubcategory"]) == ("Compute", "Virtual Machines")
    assert (usage["RegionId"], usage["RegionName"], usage["AvailabilityZone"]) == (
        "us-east-1", "US East (N. Virginia)", "us-east-1a",
    )  # fmt: skip
    assert usage["ResourceId"].endswith("instance/i-1") and usage["ResourceType"] == "instance"
    assert (usage["SkuId"], usage["SkuPriceId"], usage["SkuMeter"]) == (
        "SKU1", "SKU1.JRTCKXETXF.6YS6EN2CT7", "BoxUsage:m5.large",
    )  # fmt: skip
    assert (usage["ConsumedQuantity"], usage["ConsumedUnit"], usage["PricingQuantity"]) == (D(10), "Hrs", D(10))
    assert (usage["ListUnitPrice"], usage["ContractedUnitPrice"]) == (D("0.12"), D("0.1"))
    assert dict(usage["Tags"]) == {
        "team": "web",
        "aws:createdBy" if shape == "legacy-csv" else "aws:created_by": "alice",
    }
    assert usage["ProviderName"] == "AWS" and usage["InvoiceIssuerName"] == "Amazon Web Services, Inc."
    assert usage["InvoiceId"] == "INV-1" and usage["ChargeFrequency"] == "Usage-Based"
    assert spot["PricingCategory"] == "Dynamic"
    assert (covered["CommitmentDiscountQuantity"], covered["CommitmentDiscountUnit"]) == (D("0.5"), "USD")
    assert (negation["ConsumedQuantity"], negation["CommitmentDiscountQuantity"]) == (D(0), D(0))
    assert ri_unused["ConsumedQuantity"] is None and ri_unused["CommitmentDiscountQuantity"] == D(10)
    assert ri_unused["x_source_row"] == rows[3]["x_source_row"] == 4
    assert rows[12]["ChargeFrequency"] == "One-Time" and rows[12]["PricingQuantity"] is None
    name = "acme-web" if shape != "legacy-csv" else "444455556666"
    assert usage["SubAccountName"] == name


def test_cur2_ledger_conforms_but_for_documented_gaps(home: Home, tmp_path: Path) -> None:
    ingest(home, [write_cur2_parquet(tmp_path / "in" / "export.parquet", every_type())])
    assert _must_failures(home) <= KNOWN_GAPS


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_refund_of_an_earlier_period_is_a_correction(home: Home, tmp_path: Path, shape: str) -> None:
    december = {"lineItem/UsageStartDate": "2024-12-01T00:00:00Z", "lineItem/UsageEndDate": "2025-01-01T00:00:00Z"}
    lines = [
        cur_row("Refund", "-3", **december),  # usage of December, refunded on the January bill
        cur_row("Refund", "-1"),  # usage of this billing period
        cur_row("Credit", "-2", **december),  # only refunds are corrections
    ]
    write = {"legacy-csv": write_legacy_csv, "cur2-parquet": write_cur2_parquet, "cur2-csv": write_cur2_csv}[shape]
    ingest(home, [write(tmp_path / "in" / ("report.csv" if shape != "cur2-parquet" else "export.parquet"), lines)])
    got = [(r["x_LineItemType"], r["ChargeCategory"], r["ChargeClass"], r["BilledCost"]) for r in _ledger(home)]
    assert got == [
        ("Refund", "Adjustment", "Correction", D("-3")),
        ("Refund", "Adjustment", None, D("-1")),
        ("Credit", "Credit", None, D("-2")),
    ]
