"""Budgets vs actual on a public FinOps dashboard's files: the budget file's own Variance and Variance %
come out of the ledger for every department and month."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.budgets import BudgetReport, budget_status
from cloudledger.config import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import LedgerView, open_ledger
from cloudledger.sources.csv_mapping import mapping_sources

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "cloudledger.yaml"
COSTS = "seeds/finops_cloud_costs.csv"
BUDGETS = "seeds/finops_budget_tracking.csv"
DEPARTMENTS = ("Engineering", "Data Science", "Product", "Marketing", "Sales", "Operations", "Finance", "HR")
ORGANIZATION = """
organization:
  departments:
{departments}
  rules:
    - name: department tag
      department: {{from: tag:Department}}
budget_files:
  - path: budgets/finops_budget_tracking.csv
    scope: department
    period_column: Date
    date_format: "%m/%d/%Y"
    amount_column: Monthly Budget
"""


@dataclass(frozen=True)
class Stated:
    """One row of the budget file, as written."""

    budget: Decimal
    actual: Decimal
    variance: Decimal
    variance_pct: Decimal


def _stated(path: Path) -> dict[tuple[str, str], Stated]:
    """(department, YYYY-MM) → the file's budget, actual, variance and variance %, from the raw text."""
    out: dict[tuple[str, str], Stated] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            month, _, year = row["Date"].split("/")
            out[(row["Department"], f"{year}-{int(month):02d}")] = Stated(
                Decimal(row["Monthly Budget"]),
                Decimal(row["Actual Cost"]),
                Decimal(row["Variance"]),
                Decimal(row["Variance %"]),
            )
    return out


@pytest.fixture(scope="module")
def config(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> CloudledgerConfig:
    folder = tmp_path_factory.mktemp("budget-config")
    (folder / "budgets").mkdir()
    shutil.copy(samples_dir / BUDGETS, folder / "budgets" / "finops_budget_tracking.csv")
    departments = "\n".join(f"    - name: {name}" for name in DEPARTMENTS)
    text = EXAMPLE.read_text(encoding="utf-8") + ORGANIZATION.format(departments=departments)
    (folder / "cloudledger.yaml").write_text(text, encoding="utf-8")
    return parse_config(text, folder / "cloudledger.yaml")


@pytest.fixture(scope="module")
def view(
    samples_dir: Path, config: CloudledgerConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LedgerView]:
    home = Home(tmp_path_factory.mktemp("budget-seed")).ensure()
    ingest(home, [samples_dir / COSTS], sources=mapping_sources(config))
    opened = open_ledger(home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def report(view: LedgerView, config: CloudledgerConfig) -> BudgetReport:
    return budget_status(view.table, config)


def test_every_department_and_month_has_the_files_variance(report: BudgetReport, samples_dir: Path) -> None:
    stated = _stated(samples_dir / BUDGETS)
    assert len(stated) == 8 * 24
    got = {(line.scope_value, line.period): line for line in report.lines}
    assert set(got) == set(stated)
    for key, row in stated.items():
        line = got[key]
        assert line.scope_kind == "department" and line.currency == "USD" and line.metric == "EffectiveCost"
        assert line.budget == row.budget, key
        assert line.actual == row.actual, key
        assert line.variance == row.variance, key
        assert line.variance_pct == row.variance_pct, key


def test_utilisation_and_over_budget_follow_the_file(report: BudgetReport, samples_dir: Path) -> None:
    stated = _stated(samples_dir / BUDGETS)
    for line in report.lines:
        row = stated[(line.scope_value, line.period)]
        expected = (row.actual / row.budget * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert line.utilisation_pct == expected
        assert line.over_budget == (row.variance > 0)
        assert line.actual_cents == row.actual


def test_lines_are_grouped_by_department_in_file_order(report: BudgetReport, config: CloudledgerConfig) -> None:
    assert {(line.name, line.source) for line in report.lines} == {
        ("finops_budget_tracking", str(config.folder / "budgets" / "finops_budget_tracking.csv"))
    }
    departments = list(dict.fromkeys(line.scope_value for line in report.lines))
    assert sorted(departments) == sorted(DEPARTMENTS)
    first = [line.period for line in report.lines if line.scope_value == departments[0]]
    assert first == sorted(first) and len(first) == 24
    assert report.other_currencies == ()


def test_a_range_keeps_its_months_only(view: LedgerView, config: CloudledgerConfig, samples_dir: Path) -> None:
    stated = _stated(samples_dir / BUDGETS)
    narrowed = budget_status(view.table, config, start="2024-03", end="2024-05")
    assert {(line.scope_value, line.period) for line in narrowed.lines} == {
        k for k in stated if "2024-03" <= k[1] <= "2024-05"
    }
    assert all(line.actual == stated[(line.scope_value, line.period)].actual for line in narrowed.lines)
