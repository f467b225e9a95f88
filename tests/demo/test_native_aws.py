"""The demo's AWS bills as legacy CUR and CUR 2.0 map back, through `aws-cur` / `aws-cur2`, to its FOCUS rows.

One small demo writes each AWS month three times (FOCUS export, legacy CUR, CUR 2.0). Ingested into separate
homes, the ledgers are equal per billing account, period and charge category on all four cost metrics, to the
last 1e-10. The demo's AWS rows hold what AWS's own FOCUS export holds where a CUR line has one amount or no
price: a tax row has its BilledCost in every metric, an Unused row has ListCost and ContractedCost 0, and
reservation-covered usage has its public on-demand cost as ContractedCost; the refund of an earlier month is
an Adjustment with ChargeClass Correction in both (the source derives the class from the refund's dates).
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cloudledger.analyses.reconcile import reconcile_home
from cloudledger.demo import generate_demo
from cloudledger.demo.months import months_ending
from cloudledger.demo.native import NativeTarget
from cloudledger.demo.native_aws import WRITERS
from cloudledger.focus.validate import validate
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger

METRICS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
FORMATS = {"focus": "focus", "cur": "aws-cur", "cur2": "aws-cur2"}
Key = tuple[str, str, str]
"""(billing period, billing account, charge category)"""


def _plan(provider: str, month: object) -> tuple[str, ...]:
    return ("focus", "cur", "cur2") if provider == "aws" else ("focus",)


@pytest.fixture(scope="module")
def demo_homes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Home]:
    """AWS deliveries ingested per format (one ingest per delivery, in delivery order) and all in one home."""
    root = tmp_path_factory.mktemp("native-aws")
    out = generate_demo(root / "exports", seed=7, rows=20_000, months=3, end_month="2026-10", plan=_plan)
    homes = {name: Home(root / f"home-{name}").ensure() for name in (*FORMATS, "all")}
    for delivery in out.deliveries:
        if delivery.provider == "aws":
            ingest(homes[delivery.format], delivery.paths)
            ingest(homes["all"], delivery.paths)
    return homes


def _rows(home: Home) -> list[dict[str, object]]:
    view = open_ledger(home)
    try:
        columns = ["BillingPeriodStart", "BillingAccountId", "ChargeCategory", "ChargeClass", "PricingCategory",
                   "CommitmentDiscountType", "CommitmentDiscountStatus", *METRICS]  # fmt: skip
        rows: list[dict[str, object]] = view.con.to_pyarrow(view.table.select(columns)).to_pylist()
        return rows
    finally:
        view.close()


def _key(row: dict[str, object], category: object = None) -> Key:
    start = row["BillingPeriodStart"]
    return (f"{start:%Y-%m}", str(row["BillingAccountId"]), str(category or row["ChargeCategory"]))


def _totals(rows: list[dict[str, object]]) -> dict[Key, dict[str, Decimal]]:
    out: dict[Key, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(METRICS, Decimal(0)))
    for row in rows:
        for metric in METRICS:
            out[_key(row)][metric] += Decimal(str(row[metric]))
    return out


@pytest.mark.parametrize("fmt", ["cur", "cur2"])
def test_native_totals_equal_the_focus_export(demo_homes: dict[str, Home], fmt: str) -> None:
    focus_rows = _rows(demo_homes["focus"])
    focus, native = _totals(focus_rows), _totals(_rows(demo_homes[fmt]))
    assert native == focus
    categories = {k[2] for k in focus}
    assert {"Usage", "Purchase", "Tax", "Credit", "Adjustment"} <= categories
    corrections = [r for r in focus_rows if r["ChargeClass"] == "Correction"]
    assert corrections and {r["ChargeCategory"] for r in corrections} == {"Adjustment"}
    unused = [r for r in focus_rows if r["CommitmentDiscountStatus"] == "Unused"]
    assert unused and all(r["ListCost"] == r["ContractedCost"] == 0 for r in unused)
    ri_used = [r for r in focus_rows if r["CommitmentDiscountType"] == "Reserved Instance" and
               r["CommitmentDiscountStatus"] == "Used"]  # fmt: skip
    assert ri_used and all(r["ContractedCost"] == r["ListCost"] for r in ri_used)
    taxes = [r for r in focus_rows if r["ChargeCategory"] == "Tax"]
    assert taxes and all(len({r[m] for m in METRICS}) == 1 for r in taxes)


def test_native_corrections_match_the_focus_export(demo_homes: dict[str, Home]) -> None:
    def corrections(home: Home) -> list[tuple[object, ...]]:
        rows = [r for r in _rows(home) if r["ChargeClass"] == "Correction"]
        return sorted((*_key(r), *(r[m] for m in METRICS)) for r in rows)

    expected = corrections(demo_homes["focus"])
    assert expected and corrections(demo_homes["cur"]) == corrections(demo_homes["cur2"]) == expected


def test_reconcile_finds_no_difference(demo_homes: dict[str, Home]) -> None:
    home = demo_homes["all"]
    report = reconcile_home(home)
    assert report.unverified == ()
    assert {c.source for c in report.checks if c.kind == "native"} == set(FORMATS.values())
    formats = [c for c in report.checks if c.kind == "formats"]
    assert {c.source for c in formats} == {"aws-cur", "aws-cur2"}
    assert {c.expected_from for c in formats} >= {f"focus ({c})" for c in ("Usage", "Tax", "Adjustment")}
    assert report.differences == ()
    assert [c for c in report.checks if c.difference != 0] == []  # exact, not within the tolerance


def _must_failures(home: Home) -> set[str]:
    view = open_ledger(home)
    try:
        report = validate(view.table)
    finally:
        view.close()
    return {f"{r.rule_id}: {r.description}" for r in report.failures if r.severity == "MUST"}


@pytest.mark.parametrize("fmt", ["cur", "cur2"])
def test_native_ledger_breaks_no_focus_rule_the_export_keeps(demo_homes: dict[str, Home], fmt: str) -> None:
    assert _must_failures(demo_homes[fmt]) <= _must_failures(demo_homes["focus"])


@pytest.fixture(scope="module")
def focus_month(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    """The FOCUS export of one AWS month with commitments, refund and credits (the writers' input)."""
    out = generate_demo(tmp_path_factory.mktemp("focus"), seed=7, rows=8_000, months=3, end_month="2026-10")
    (path,) = [d.paths[0] for d in out.deliveries if d.provider == "aws" and d.billing_period == "2026-10"]
    return pq.read_table(path)


def _write(fmt: str, out: Path, table: pa.Table, attempt: int = 0) -> list[Path]:
    (month,) = months_ending("2026-10", 1)
    counted: list[int] = []
    written = WRITERS[fmt](NativeTarget(out, month, 7, attempt, "aws"), iter([table]), counted.append)
    assert sum(counted) == table.num_rows and written.manifest is not None
    return [*written.paths, written.manifest]


@pytest.mark.parametrize("fmt", ["cur", "cur2"])
def test_same_seed_same_bytes(tmp_path: Path, focus_month: pa.Table, fmt: str) -> None:
    first, second = _write(fmt, tmp_path / "a", focus_month), _write(fmt, tmp_path / "b", focus_month)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_every_line_item_type_the_demo_needs(tmp_path: Path, focus_month: pa.Table) -> None:
    data, manifest = _write("cur", tmp_path, focus_month)
    with gzip.open(data, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        types = {line[header.index("lineItem/LineItemType")] for line in reader}
    assert types == {"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation", "RIFee",
                     "SavingsPlanRecurringFee", "Fee", "Tax", "Credit"}  # fmt: skip
    doc = json.loads(manifest.read_text())
    assert doc["account"] == "418273645091" and doc["reportKeys"][0].endswith(
        data.relative_to(tmp_path / "aws-cur").as_posix()
    )
    assert [f"{c['category']}/{c['name']}" for c in doc["columns"]] == header


@pytest.mark.parametrize("fmt", ["cur", "cur2"])
def test_a_redelivered_month_replaces_the_first(tmp_path: Path, focus_month: pa.Table, fmt: str) -> None:
    home = Home(tmp_path / "home").ensure()
    first = _write(fmt, tmp_path / "exports", focus_month)
    ingest(home, [tmp_path / "exports"])
    restated = focus_month.filter(pa.compute.not_equal(focus_month["ChargeCategory"], "Credit"))
    again = _write(fmt, tmp_path / "exports", restated, attempt=1)
    summary = ingest(home, [tmp_path / "exports"])
    view = open_ledger(home)
    try:
        billed = view.con.execute(view.table.BilledCost.sum())
    finally:
        view.close()
    expected = sum((Decimal(str(v)) for v in restated["BilledCost"].to_pylist()), Decimal(0))
    assert billed == expected
    if fmt == "cur":
        assert first[0] != again[0] and first[0].exists()  # a new assembly; the manifest lists only its files
        assert summary.files_superseded == (str(first[0]),)
