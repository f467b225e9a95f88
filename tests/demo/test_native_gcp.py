"""The Google Cloud demo bills as the detailed billing export (Parquet and JSON) map back to its FOCUS export.

A small demo (3 months) is written in three formats for Google Cloud: the FOCUS export, and the detailed
usage cost export extracted from BigQuery as Parquet and as gzip JSON lines. Each is ingested into its own
home (one ingest per delivery, in delivery order); their ledgers must agree per billing account, billing
period and ChargeCategory on BilledCost, EffectiveCost, ListCost and ContractedCost.

They agree exactly in every month, including the one a committed use discount runs in (the window's last
month in a 3-month window): the FOCUS export books the commitment as Google's FOCUS view does (the fee a
recurring Usage row on its "Commitment v1: ..." SKU, covered usage netted to zero by its CUD credit, no
Unused rows), so the export rows carry everything the FOCUS rows do. The only difference is not a total:
BillingPeriodStart. Google invoices by Pacific month, so the native ledger's periods start at midnight
Pacific (07:00 or 08:00 UTC) where the FOCUS export's start at 00:00 UTC; the period key (YYYY-MM) is the
same, which is what slices and totals are keyed by.

The native ledgers pass every FOCUS MUST rule and give back, row for row, the FOCUS export's unit prices (from
the `price` record), PricingCurrency columns and ServiceSubcategory.

Google Cloud months are never restated in the demo (only Azure's is), so there is no re-delivery here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.reconcile import ReconcileReport, reconcile_home
from cloudledger.demo import DemoOutput, generate_demo
from cloudledger.demo.commitments import PLANS
from cloudledger.demo.months import Month
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from source_probe import must_failures

METRICS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
NATIVE = ("bq-parquet", "bq-jsonl")
CUD_SKU = next(p.sku for p in PLANS if p.provider == "gcp")
Totals = dict[tuple[str, str, str], dict[str, Decimal]]
PRICED = (
    "ChargePeriodStart", "ChargeCategory", "ResourceId", "SkuId", "PricingQuantity", "ListUnitPrice",
    "ContractedUnitPrice", "PricingCurrency", "PricingCurrencyListUnitPrice", "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost", "ServiceCategory", "ServiceSubcategory",
)  # fmt: skip


def _plan(provider: str, month: Month) -> Sequence[str]:
    return ("focus", *NATIVE) if provider == "gcp" else ("focus",)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoOutput]:
    out = tmp_path_factory.mktemp("gcp-native")
    return out, generate_demo(out / "exports", seed=11, rows=20_000, months=3, end_month="2026-10", plan=_plan)


def _home(root: Path, output: DemoOutput, formats: Sequence[str]) -> Home:
    home = Home(root).ensure()
    for delivery in output.deliveries:
        if delivery.provider == "gcp" and delivery.format in formats:
            ingest(home, delivery.paths)
    return home


@pytest.fixture(scope="module")
def homes(demo: tuple[Path, DemoOutput]) -> dict[str, Home]:
    out, output = demo
    return {fmt: _home(out / fmt, output, (fmt,)) for fmt in ("focus", *NATIVE)}


def _query(home: Home, where: dict[str, str] | None = None) -> Totals:
    """Exact totals per (billing account, billing period, ChargeCategory) of the ledger's rows matching `where`."""
    view = open_ledger(home)
    try:
        t = view.table
        for column, value in (where or {}).items():
            t = t.filter(t[column] == value)
        grouped = t.group_by(["BillingAccountId", "x_billing_period", "ChargeCategory"]).aggregate(
            **{m: t[m].sum() for m in METRICS}
        )
        rows = grouped.to_pyarrow().to_pylist()
    finally:
        view.close()
    return {
        (r["BillingAccountId"], r["x_billing_period"], r["ChargeCategory"]): {m: r[m] for m in METRICS} for r in rows
    }


def test_every_row_kind_is_in_the_window(homes: dict[str, Home]) -> None:
    """Usage, tax, a credit, and a month with a CUD: its fee and covered usage, never an Unused row."""
    categories = {k[2] for k in _query(homes["focus"])}
    assert categories == {"Usage", "Tax", "Credit"}
    for fmt in ("focus", *NATIVE):
        covered = _query(homes[fmt], {"CommitmentDiscountStatus": "Used"})
        fees = _query(homes[fmt], {"ChargeDescription": CUD_SKU, "ChargeFrequency": "Recurring"})
        assert len(covered) == len(fees) == 1 and covered.keys() == fees.keys()
        (used,) = covered.values()
        assert used["BilledCost"] == used["EffectiveCost"] == 0 < used["ContractedCost"] <= used["ListCost"]
        (fee,) = fees.values()
        assert fee["BilledCost"] == fee["EffectiveCost"] == fee["ContractedCost"] == fee["ListCost"] > 0
        assert not _query(homes[fmt], {"CommitmentDiscountStatus": "Unused"})


@pytest.mark.parametrize("fmt", NATIVE)
def test_native_totals_equal_the_focus_export_per_charge_category(homes: dict[str, Home], fmt: str) -> None:
    focus, native = _query(homes["focus"]), _query(homes[fmt])
    assert len({k[1] for k in focus}) == 3
    assert native == focus  # every month, every charge category, all four metrics: exactly


def test_parquet_and_json_give_the_same_ledger(homes: dict[str, Home]) -> None:
    view = [open_ledger(homes[fmt]) for fmt in NATIVE]
    try:
        cols = ["ChargePeriodStart", "ChargeCategory", "ResourceId", "SkuId", "Tags", *METRICS, "PricingQuantity"]
        tables = [v.table.select(cols).order_by(cols[:4] + list(METRICS)).to_pyarrow() for v in view]
    finally:
        for v in view:
            v.close()
    assert tables[0].equals(tables[1])


def test_billing_periods_start_at_pacific_midnight(homes: dict[str, Home]) -> None:
    starts = {}
    for fmt in ("focus", "bq-parquet"):
        view = open_ledger(homes[fmt])
        try:
            t = view.table
            rows = t.group_by("x_billing_period").aggregate(start=t.BillingPeriodStart.min()).to_pyarrow()
            starts[fmt] = {r["x_billing_period"]: r["start"] for r in rows.to_pylist()}
        finally:
            view.close()
    assert starts["focus"].keys() == starts["bq-parquet"].keys()
    for period, start in starts["bq-parquet"].items():
        assert f"{start:%Y-%m}" == period and start.hour in (7, 8)
        assert starts["focus"][period].hour == 0


def _report(home: Home) -> ReconcileReport:
    return reconcile_home(home)


def test_reconcile_both_formats_in_one_home(demo: tuple[Path, DemoOutput]) -> None:
    out, output = demo
    report = _report(_home(out / "both", output, ("focus", "bq-parquet")))
    assert report.differences == ()
    assert {c.kind for c in report.checks} >= {"native", "ingest", "formats"}
    assert report.unverified == ()
    formats = [c for c in report.checks if c.kind == "formats"]
    assert {c.billing_period for c in formats} == {d.billing_period for d in output.deliveries if d.provider == "gcp"}
    assert all(c.difference == 0 for c in formats)


def test_the_native_ledgers_have_no_must_failure(homes: dict[str, Home]) -> None:
    """Unit prices, PricingCurrency columns and ServiceSubcategory included (the FOCUS export has them)."""
    for fmt in ("focus", *NATIVE):
        assert must_failures(homes[fmt]) == {"Google Cloud": []}


def _priced(home: Home) -> Counter[tuple[object, ...]]:
    view = open_ledger(home)
    try:
        rows = view.table.select(*PRICED).to_pyarrow().to_pylist()
    finally:
        view.close()
    return Counter(tuple(r.values()) for r in rows)


@pytest.mark.parametrize("fmt", NATIVE)
def test_unit_prices_and_service_subcategories_come_back_row_for_row(homes: dict[str, Home], fmt: str) -> None:
    """The `price` record gives back each row's unit prices; only SkuPriceId differs in form (Google's view's)."""
    assert _priced(homes[fmt]) == _priced(homes["focus"])


def test_same_seed_same_bytes(tmp_path: Path, demo: tuple[Path, DemoOutput]) -> None:
    _, output = demo
    again = generate_demo(tmp_path, seed=11, rows=20_000, months=3, end_month="2026-10", plan=_plan)
    first = [p for d in output.deliveries if d.format in NATIVE for p in d.paths]
    second = [p for d in again.deliveries if d.format in NATIVE for p in d.paths]
    assert len(first) == len(second) == 6
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
