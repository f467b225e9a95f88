"""CSV mappings from cloudledger.yaml: a public dashboard's cost file lands to the cent, by department and month."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cloudledger.analyses.explorer import CostQuery, run_costs
from cloudledger.cli import app
from cloudledger.config import parse_config
from cloudledger.errors import InputError, UnknownFormatError
from cloudledger.focus.datasets import validate_datasets
from cloudledger.home import Home
from cloudledger.ledger.ingest import IngestSummary, ingest
from cloudledger.ledger.read import LedgerView, open_ledger
from cloudledger.ledger.state import StateDB
from cloudledger.sources.csv_mapping import mapping_sources

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "cloudledger.yaml"
SEED = "seeds/finops_cloud_costs.csv"


def _file_totals(path: Path) -> dict[str, dict[Any, Decimal]]:
    """Σ Cost by department, by month and by both, from the raw text (csv + Decimal only)."""
    out: dict[str, dict[Any, Decimal]] = {"dept": defaultdict(Decimal), "month": defaultdict(Decimal)}
    out["both"] = defaultdict(Decimal)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            month_text, _, year = row["Date"].split("/")
            month = date(int(year), int(month_text), 1)
            cost = Decimal(row["Cost"])
            out["dept"][row["Department"]] += cost
            out["month"][month] += cost
            out["both"][(row["Department"], month)] += cost
    return out


@pytest.fixture(scope="module")
def seed_home(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("csv-seed"))
    command = ["ingest", "--config", str(EXAMPLE), str(samples_dir / SEED), "--home", str(home.root), "--quiet"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "Landed" in result.output and "21,051 rows" in result.output
    return home


@pytest.fixture(scope="module")
def seed_view(seed_home: Home) -> Iterator[LedgerView]:
    view = open_ledger(seed_home)
    yield view
    view.close()


def test_every_department_and_month_total_equals_the_file(seed_view: LedgerView, samples_dir: Path) -> None:
    expected = _file_totals(samples_dir / SEED)
    query = CostQuery(group_by=("tag:Department",), grain="month")
    result = run_costs(seed_view.con, seed_view.table, query)
    both = {(r["tag:Department"], r["month"]): r["BilledCost"] for r in result.rows}
    assert both == dict(expected["both"])
    by_dept = run_costs(seed_view.con, seed_view.table, CostQuery(group_by=("tag:Department",)))
    assert {r["tag:Department"]: r["BilledCost"] for r in by_dept.rows} == dict(expected["dept"])
    by_month = run_costs(seed_view.con, seed_view.table, CostQuery(grain="month"))
    assert {r["month"]: r["BilledCost"] for r in by_month.rows} == dict(expected["month"])
    assert len(expected["dept"]) == 8 and len(expected["month"]) == 24
    facts = json.loads((samples_dir / "facts.json").read_text())[SEED]["facts"]
    assert by_month.totals == {"USD": Decimal("3812936.30")} == {"USD": Decimal(facts["costs"]["Cost"]["sum"])}


def test_native_totals_are_the_cost_column_per_month(seed_home: Home, samples_dir: Path) -> None:
    expected = _file_totals(samples_dir / SEED)["month"]
    state = StateDB(seed_home.state_db_url)
    try:
        (record,) = state.ingests(limit=1)
        native = state.native_totals(record.id)
    finally:
        state.dispose()
    got = {t.billing_period: t.amount for t in native if t.metric == "BilledCost"}
    assert got == {m.strftime("%Y-%m"): v for m, v in expected.items()}
    assert {(t.source, t.billing_account, t.currency, t.native_column) for t in native} == {
        ("csv:finops-dashboard", "finops-dashboard", "USD", "Cost")
    }


def test_mapped_rows_carry_the_focus_columns(seed_view: LedgerView) -> None:
    t = seed_view.table
    first = seed_view.con.to_pyarrow(t.filter(t.x_source_row == 1)).to_pylist()[0]
    assert first["ChargePeriodStart"] == datetime(2023, 1, 1, tzinfo=UTC)
    assert first["ChargePeriodEnd"] == datetime(2023, 2, 1, tzinfo=UTC)
    assert first["BillingPeriodStart"] == datetime(2023, 1, 1, tzinfo=UTC)
    assert (first["ProviderName"], first["ServiceName"], first["ServiceCategory"]) == ("AWS", "EC2", "Compute")
    assert (first["SubAccountId"], first["RegionId"], first["ChargeCategory"]) == (
        "Core Platform",
        "us-west-2",
        "Usage",
    )
    assert first["PricingQuantity"] == first["ConsumedQuantity"] == Decimal("12387.81")
    assert first["PricingUnit"] == "instance-hours"
    assert dict(first["Tags"]) == {
        "Department": "Engineering",
        "Environment": "Production",
        "cost-center": "ENG-328",
        "project": "Core Platform",
    }
    assert first["x_Optimization_Status"] == "Optimized" and first["x_potential_savings"] == "0"
    assert first["x_source"] == "csv:finops-dashboard" and first["x_billing_account"] == "finops-dashboard"


def test_mapped_rows_conform_to_focus(seed_view: LedgerView) -> None:
    reports = validate_datasets(seed_view.con, seed_view.table)
    assert {name for name, _ in reports} == {"AWS", "GCP"}
    for name, report in reports:
        assert report.passed, (name, [r.rule_id for r in report.failures if r.severity == "MUST"])


def test_seed_file_without_a_mapping_points_to_the_mapping_docs(samples_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match=r"mapped in cloudledger\.yaml \(see docs/sources/csv\.md\)"):
        ingest(Home(tmp_path / "home"), [samples_dir / SEED])


def test_ambiguous_slashed_dates_ask_for_a_format(samples_dir: Path, tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace('      format: "%m/%d/%Y"', "      # no format")
    config = parse_config(text, tmp_path / "cloudledger.yaml")
    with pytest.raises(InputError, match=r"could be M/D/YYYY or D/M/YYYY.*line 10, column 5\).*%m/%d/%Y") as caught:
        ingest(Home(tmp_path / "home"), [samples_dir / SEED], sources=mapping_sources(config))
    assert caught.value.column == "Date"


SMALL_CONFIG = """
csv_mappings:
  - name: reseller-eur
    match:
      columns: [Day, Amount, Curr, Team]
    charge_period: {date: Day}
    costs: {billed: Amount, effective: Net}
    currency: {column: Curr}
    account: {column: Customer}
    provider: {value: Acme Reseller}
    service: {column: Product}
    service_category:
      column: Product
      values: {VM: Compute, Disk: Storage}
    charge_category:
      column: Kind
      values: {usage: Usage, refund: Credit}
    quantity: {column: Qty}
    unit: {value: Hours}
    tags:
      - column: Team
        key: team
      - column: Env
        key: environment
    keep: [Order Ref]
  - name: homegrown
    match:
      columns: [month, total_eur, project]
    charge_period: {date: month}
    costs: {billed: total_eur}
    currency: {value: EUR}
    account: {value: 4711}
    provider: {value: On-premises}
    service: {value: Private Cloud}
    tags: [project]
"""

RESELLER = (
    "Day,Customer,Product,Kind,Amount,Net,Curr,Qty,Team,Env,Order Ref\n"
    "2025-03-30,C-1,VM,usage,10.50,9.00,EUR,5,web,prod,PO-1\n"
    "2025-03-31,C-1,Disk,usage,2.25,2.25,EUR,100,,dev,PO-2\n"
    "2025-04-01,C-1,VM,refund,-1.10,-1.10,EUR,,web,,PO-3\n"
    "2025-04-01,C-2,VM,usage,7,7,EUR,1,data,prod,\n"
)


def _ingest_small(tmp_path: Path, name: str, text: str) -> tuple[Home, IngestSummary]:
    path = tmp_path / name
    path.write_text(text)
    config = parse_config(SMALL_CONFIG, tmp_path / "cloudledger.yaml")
    home = Home(tmp_path / "home")
    return home, ingest(home, [path], sources=mapping_sources(config))


def _rows(home: Home) -> list[dict[str, Any]]:
    view = open_ledger(home)
    try:
        return sorted(view.con.to_pyarrow(view.table).to_pylist(), key=lambda r: r["x_source_row"])
    finally:
        view.close()


def test_currency_column_iso_dates_translations_and_renamed_tags(tmp_path: Path) -> None:
    home, summary = _ingest_small(tmp_path, "reseller.csv", RESELLER)
    assert [(s.billing_period, s.source, s.billing_account, s.currency, s.billed_cost) for s in summary.slices] == [
        ("2025-03", "csv:reseller-eur", "C-1", "EUR", Decimal("12.75")),
        ("2025-04", "csv:reseller-eur", "C-1", "EUR", Decimal("-1.10")),
        ("2025-04", "csv:reseller-eur", "C-2", "EUR", Decimal("7")),
    ]
    rows = _rows(home)
    assert [r["ChargePeriodStart"].date() for r in rows] == [date(2025, 3, 30), date(2025, 3, 31)] + [
        date(2025, 4, 1)
    ] * 2
    assert rows[0]["ChargePeriodEnd"] == datetime(2025, 3, 31, tzinfo=UTC)
    assert [r["EffectiveCost"] for r in rows] == [Decimal("9"), Decimal("2.25"), Decimal("-1.1"), Decimal("7")]
    assert [r["ListCost"] for r in rows] == [r["BilledCost"] for r in rows]
    assert [r["ChargeCategory"] for r in rows] == ["Usage", "Usage", "Credit", "Usage"]
    assert [r["ServiceCategory"] for r in rows] == ["Compute", "Storage", "Compute", "Compute"]
    assert [dict(r["Tags"]) for r in rows] == [
        {"team": "web", "environment": "prod"},
        {"environment": "dev"},
        {"team": "web"},
        {"team": "data", "environment": "prod"},
    ]
    assert [r["ConsumedQuantity"] for r in rows] == [Decimal(5), Decimal(100), None, Decimal(1)]
    assert [r["ConsumedUnit"] for r in rows] == ["Hours", "Hours", None, "Hours"]
    assert rows[0]["PricingUnit"] == "Hours" and rows[0]["InvoiceIssuerName"] == "Acme Reseller"
    assert [r["x_Order_Ref"] for r in rows] == ["PO-1", "PO-2", "PO-3", None]
    native = _native(home, summary)
    assert native[("2025-03", "C-1", "BilledCost")] == Decimal("12.75")
    assert native[("2025-03", "C-1", "EffectiveCost")] == Decimal("11.25")


def _native(home: Home, summary: IngestSummary) -> dict[tuple[str, str, str], Decimal]:
    state = StateDB(home.state_db_url)
    try:
        totals = state.native_totals(summary.ingest_id or "")
    finally:
        state.dispose()
    return {(t.billing_period, t.billing_account, t.metric): t.amount for t in totals}


def test_fixed_currency_and_month_dates(tmp_path: Path) -> None:
    text = "month,project,total_eur\n2025-01,alpha,100.005\n2025-01,beta,1E+2\n2025-02,alpha,0.1\n"
    home, summary = _ingest_small(tmp_path, "internal.csv", text)
    rows = _rows(home)
    assert {(s.billing_period, s.billing_account, s.currency, s.billed_cost) for s in summary.slices} == {
        ("2025-01", "4711", "EUR", Decimal("200.005")),
        ("2025-02", "4711", "EUR", Decimal("0.1")),
    }
    assert rows[0]["ChargePeriodStart"] == datetime(2025, 1, 1, tzinfo=UTC)
    assert rows[0]["ChargePeriodEnd"] == datetime(2025, 2, 1, tzinfo=UTC)
    assert rows[0]["ServiceCategory"] == "Other" and rows[0]["ChargeCategory"] == "Usage"
    assert rows[0]["PricingQuantity"] is None and dict(rows[1]["Tags"]) == {"project": "beta"}


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["13/02/2025", "01/03/2025"], [date(2025, 2, 13), date(2025, 3, 1)]),
        (["2/13/2025", "3/1/2025"], [date(2025, 2, 13), date(2025, 3, 1)]),
        (["2025-02-13T23:30:00-02:00", "2025-03-01 08:00:00"], [date(2025, 2, 14), date(2025, 3, 1)]),
    ],
)
def test_dates_are_inferred_when_the_data_tells(tmp_path: Path, dates: list[str], expected: list[date]) -> None:
    text = "Day,Customer,Product,Amount,Net,Curr,Team,Env,Kind,Qty,Order Ref\n" + "".join(
        f'"{d}",C,VM,1,1,EUR,t,e,usage,1,x\n' for d in dates
    )
    home, _ = _ingest_small(tmp_path, "dated.csv", text)
    assert [r["ChargePeriodStart"].date() for r in _rows(home)] == expected


HOMEGROWN = """
  - name: homegrown-{part}
    match:
      columns: [month, total_eur]
      file: "{part}-*.csv"
    charge_period: {{date: month}}
    costs: {{billed: total_eur}}
    currency: {{value: EUR}}
    account: {{value: "4711"}}
    provider: {{value: On-premises}}
    service: {{value: Private Cloud}}
"""


def test_file_pattern_picks_between_mappings_of_one_layout(tmp_path: Path) -> None:
    text = "csv_mappings:" + HOMEGROWN.format(part="a") + HOMEGROWN.format(part="b")
    sources = mapping_sources(parse_config(text, tmp_path / "cloudledger.yaml"))
    (tmp_path / "in").mkdir()
    for name in ("a-1.csv", "b-1.csv"):
        (tmp_path / "in" / name).write_text("month,total_eur\n2025-01,1\n")
    summary = ingest(Home(tmp_path / "home"), [tmp_path / "in"], sources=sources)
    assert sorted(s.source for s in summary.slices) == ["csv:homegrown-a", "csv:homegrown-b"]
    assert {Path(f.path).name: f.source for f in summary.files_read} == {
        "a-1.csv": "csv:homegrown-a",
        "b-1.csv": "csv:homegrown-b",
    }
    (tmp_path / "c-1.csv").write_text("month,total_eur\n2025-01,1\n")
    with pytest.raises(InputError, match=r"not accepted .*a file name matching 'a-\*\.csv'"):
        ingest(Home(tmp_path / "home"), [tmp_path / "c-1.csv"], sources=sources)
