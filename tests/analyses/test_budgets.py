"""Budgets vs actual on a hand-made ledger: every expected actual is computed here from the rows, with Decimal."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from allocation_ledger import cost_row
from cloudledger.analyses.budgets import BudgetLine, BudgetReport, budget_status
from cloudledger.cli_budgets import budgets
from cloudledger.config.load import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import LedgerView, open_ledger
from focus_rows import write_focus_csv

D = Decimal
TEAMS = ("web", "data")
SUPPORT = "Support"

CONFIG = """
organization:
  departments:
    - name: Engineering
      aliases: [eng]
      teams: [{name: web}, {name: data}]
  rules:
    - name: team tag
      team: {from: "tag:team"}
allocation:
  shared_costs:
    - name: support
      match: {ServiceName: Support}
      split: even
      level: team
budgets:
  - {name: web, scope: {team: web}, monthly: 110, start: 2025-01}
  - {name: data, scope: {team: data}, monthly: 80, start: 2025-01, end: 2025-01}
  - {name: eng, scope: {department: eng}, annual: {2025: 1200}}
  - {name: all, scope: {total: true}, monthly: 500, start: 2025-01}
  - {name: support, scope: {service: support}, monthly: 25, start: 2025-01, end: 2025-01}
  - {name: prod, scope: {tag: {env: prod}}, monthly: 100, start: 2025-01}
  - {name: cloud, scope: {provider: acme cloud}, monthly: 200, start: 2025-01}
  - {name: web-eur, scope: {team: web}, monthly: 50, start: 2025-01, end: 2025-01, currency: EUR}
"""

SCOPES = {
    "web": "team:web",
    "data": "team:data",
    "eng": "department:Engineering",
    "all": "total",
    "support": "service:support",
    "prod": "tag:env=prod",
    "cloud": "provider:acme cloud",
}
"""Budget name → its scope as written in CONFIG."""

# (period, currency, service, tags, effective cost)
ROWS: list[tuple[str, str, str, dict[str, str], str]] = [
    ("2025-01", "USD", "Virtual Machines", {"team": "web", "env": "prod"}, "100.00"),
    ("2025-01", "USD", "Virtual Machines", {"team": "data", "env": "dev"}, "50.00"),
    ("2025-01", "USD", SUPPORT, {}, "30.01"),
    ("2025-01", "USD", "Virtual Machines", {"team": "nobody"}, "7.00"),
    ("2025-01", "EUR", "Virtual Machines", {"team": "web"}, "40.00"),
    ("2025-02", "USD", "Virtual Machines", {"team": "web", "env": "prod"}, "70.00"),
]


def _focus(period: str, currency: str, service: str, tags: dict[str, str], cost: str) -> dict[str, Any]:
    return cost_row(period, currency, service, None, tags, cost)


def _expected(scope: str, period: str, currency: str = "USD") -> Decimal:
    """The actual of a scope, from ROWS: a team's tagged cost plus half the support cost (even split)."""
    rows = [r for r in ROWS if r[0] == period and r[1] == currency]
    support = sum((D(r[4]) for r in rows if r[2] == SUPPORT), D(0))
    tagged = {team: sum((D(r[4]) for r in rows if r[3].get("team") == team), D(0)) for team in TEAMS}
    if scope.startswith("team:"):
        return tagged[scope[5:]] + support / len(TEAMS)
    if scope == "department:Engineering":
        return sum(tagged.values(), D(0)) + support
    if scope in ("total", "provider:acme cloud"):
        return sum((D(r[4]) for r in rows), D(0))
    if scope == "service:support":
        return support
    assert scope == "tag:env=prod"
    return sum((D(r[4]) for r in rows if r[3].get("env") == "prod"), D(0))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    folder = tmp_path_factory.mktemp("budgets")
    home = Home(folder / "home").ensure()
    by_currency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for spec in ROWS:
        by_currency[spec[1]].append(_focus(*spec))
    ingest(home, [write_focus_csv(folder / f"focus-{c}.csv", rows) for c, rows in by_currency.items()])
    (folder / "cloudledger.yaml").write_text(CONFIG, encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def view(home: Home) -> Iterator[LedgerView]:
    opened = open_ledger(home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def config(home: Home) -> CloudledgerConfig:
    path = home.root.parent / "cloudledger.yaml"
    return parse_config(path.read_text(encoding="utf-8"), path)


@pytest.fixture(scope="module")
def report(view: LedgerView, config: CloudledgerConfig) -> BudgetReport:
    return budget_status(view.table, config)


def _lines(report: BudgetReport) -> dict[tuple[str, str], BudgetLine]:
    return {(line.name, line.period): line for line in report.lines}


def test_a_teams_actual_includes_its_share_of_the_shared_cost(report: BudgetReport) -> None:
    web = _lines(report)[("web", "2025-01")]
    assert web.actual == _expected("team:web", "2025-01") == D("115.005")
    assert web.actual_cents == D("115.01")
    assert web.variance == D("5.005") and web.over_budget
    assert web.variance_pct == (D("5.005") / 110 * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert web.utilisation_pct == (D("115.005") / 110 * 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    data = _lines(report)[("data", "2025-01")]
    assert data.actual == _expected("team:data", "2025-01") and data.variance == data.actual - 80


def test_every_scope_kind_against_its_rows(report: BudgetReport) -> None:
    lines = [line for line in report.lines if line.currency == "USD"]
    assert {line.name for line in lines} == set(SCOPES)
    for line in lines:
        assert line.scope == SCOPES[line.name]
        assert line.actual == _expected(SCOPES[line.name], line.period), (line.name, line.period)
        assert line.variance == line.actual - line.budget


def test_budgets_run_to_the_ledgers_last_period_unless_asked_and_empty_months_are_zero(
    report: BudgetReport, view: LedgerView, config: CloudledgerConfig
) -> None:
    periods = defaultdict(list)
    for line in report.lines:
        periods[line.name].append(line.period)
    assert periods["web"] == periods["all"] == periods["prod"] == periods["eng"] == ["2025-01", "2025-02"]
    whole_year = budget_status(view.table, config, end="2025-12")
    assert [line.period for line in whole_year.lines if line.name == "eng"] == [f"2025-{m:02d}" for m in range(1, 13)]
    later = [line for line in whole_year.lines if line.name == "eng" and line.period > "2025-02"]
    assert {(line.budget, line.actual, line.variance, line.utilisation_pct) for line in later} == {
        (D("100.00"), D(0), D("-100.00"), D("0.00"))
    }


def test_cost_in_another_currency_counts_only_for_budgets_in_it(report: BudgetReport) -> None:
    eur = _lines(report)[("web-eur", "2025-01")]
    assert eur.currency == "EUR" and eur.actual == _expected("team:web", "2025-01", "EUR") == D(40)
    assert report.other_currencies == ()
    usd_total = _lines(report)[("all", "2025-01")]
    assert usd_total.actual == _expected("total", "2025-01")


def test_names_and_range_select_lines(view: LedgerView, config: CloudledgerConfig) -> None:
    chosen = budget_status(view.table, config, start="2025-02", end="2025-03", names=["web", "eng"])
    assert [(line.name, line.period) for line in chosen.lines] == [
        ("web", "2025-02"),
        ("web", "2025-03"),
        ("eng", "2025-02"),
        ("eng", "2025-03"),
    ]
    assert chosen.lines[0].actual == _expected("team:web", "2025-02")
    assert chosen.other_currencies == ()
    usd_only = budget_status(view.table, config, end="2025-01", names=["all"])
    assert usd_only.other_currencies == ("EUR",)
    with pytest.raises(QueryError, match=r"no budget named 'nope' in this range; budgets: web, data, eng"):
        budget_status(view.table, config, names=["nope"])


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(budgets)

    @app.callback()
    def _root() -> None:
        """cloudledger."""

    return app


def _invoke(home: Home, *args: str, colour: bool = False) -> str:
    config = home.root.parent / "cloudledger.yaml"
    command = ["budgets", "--home", str(home.root), "--config", str(config), *args]
    env = {"COLUMNS": "200", "FORCE_COLOR": "1"} if colour else {"COLUMNS": "200"}
    result = CliRunner().invoke(_cli(), command, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_table_csv_and_json(home: Home) -> None:
    table = _invoke(home, "--from", "2025-01", "--to", "2025-01", "--budget", "web")
    assert "Budgets vs EffectiveCost" in table and "team:web" in table and "115.01" in table and "104.55 %" in table
    rows = list(csv.DictReader(io.StringIO(_invoke(home, "--to", "2025-01", "--budget", "web", "-f", "csv"))))
    assert rows == [
        {
            "budget": "web",
            "scope": "team:web",
            "month": "2025-01",
            "currency": "USD",
            "budgeted": "110",
            "actual": "115.01",
            "variance": "5.01",
            "variance %": "4.55",
            "utilisation %": "104.55",
            "metric": "EffectiveCost",
            "actual_exact": "115.0050000000",
            "over_budget": "True",
        }
    ]
    data = json.loads(_invoke(home, "--from", "2025-01", "--to", "2025-01", "--budget", "all", "-f", "json"))
    assert [(d["budget"], d["actual"], d["over_budget"]) for d in data] == [("all", "187.01", False)]
    assert "Cost in EUR is not counted" in _invoke(home, "--to", "2025-01", "--budget", "all")


def test_cli_highlights_rows_over_budget(home: Home) -> None:
    budgeted = {"web": 110, "data": 80, "eng": 100, "all": 500, "support": 25, "prod": 100, "cloud": 200}
    expected = {name for name, amount in budgeted.items() if _expected(SCOPES[name], "2025-01") > amount}
    output = _invoke(home, "--from", "2025-01", "--to", "2025-01", colour=True)
    red = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in output.splitlines() if "\x1b[1;31m" in line]
    assert {line.split("│")[1].strip() for line in red} == expected == {"web", "eng", "support"}


def test_cli_without_budgets_says_where_to_add_them(home: Home, tmp_path: Path) -> None:
    empty = tmp_path / "cloudledger.yaml"
    empty.write_text("organization: {}\n", encoding="utf-8")
    result = CliRunner().invoke(_cli(), ["budgets", "--home", str(home.root), "--config", str(empty)])
    assert result.exit_code == 1 and "has no budgets" in str(result.exception)
