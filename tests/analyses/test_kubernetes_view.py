"""Kubernetes allocation rows are a view of the bill: cost queries never add them to the cloud rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudledger.analyses.explorer import ALLOCATION_SOURCES, CostQuery, run_costs
from cloudledger.cli import app
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import LedgerView, open_ledger
from reference import ledger_decimal, read_csv_rows


@pytest.fixture(scope="module")
def home(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("k8s")).ensure()
    ingest(home, [samples_dir / "focus-other" / "focus_sample.csv", samples_dir / "opencost"])
    return home


@pytest.fixture(scope="module")
def view(home: Home) -> Iterator[LedgerView]:
    opened = open_ledger(home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def bill_total(samples_dir: Path) -> Decimal:
    rows = read_csv_rows(samples_dir / "focus-other" / "focus_sample.csv")
    return sum((ledger_decimal(r["BilledCost"]) or Decimal(0) for r in rows), Decimal(0))


@pytest.fixture(scope="module")
def allocation_total(samples_dir: Path) -> Decimal:
    document = json.loads(
        (samples_dir / "opencost" / "allocation-example-output.json").read_text(), parse_float=Decimal
    )
    csv_rows = read_csv_rows(samples_dir / "opencost" / "export-sample.csv")
    json_part = sum((a["totalCost"] for step in document["data"] for a in step.values()), Decimal(0))
    return json_part + sum((ledger_decimal(r["TotalCost"]) or Decimal(0) for r in csv_rows), Decimal(0))


def test_default_query_is_the_bill_without_allocations(view: LedgerView, bill_total: Decimal) -> None:
    assert ALLOCATION_SOURCES == ("opencost",)
    result = run_costs(view.con, view.table, CostQuery(group_by=("x_source",)))
    assert {r["x_source"] for r in result.rows} == {"focus"}
    assert result.totals == {"USD": bill_total}


def test_kubernetes_query_reads_allocations_alone(view: LedgerView, allocation_total: Decimal) -> None:
    result = run_costs(view.con, view.table, CostQuery(group_by=("x_source",), kubernetes=True))
    assert {r["x_source"] for r in result.rows} == {"opencost"}
    assert result.totals == {"USD": allocation_total}
    by_namespace = run_costs(view.con, view.table, CostQuery(group_by=("x_k8s_namespace",), kubernetes=True))
    assert {r["x_k8s_namespace"] for r in by_namespace.rows} == {"kube-system", "opencost", "prometheus"}
    assert by_namespace.totals == result.totals


def test_filters_cannot_mix_the_two(view: LedgerView) -> None:
    only_k8s = CostQuery(filters=(("x_source", "opencost"),))
    assert run_costs(view.con, view.table, only_k8s).totals == {}
    assert run_costs(view.con, view.table, CostQuery(filters=(("x_source", "focus"),), kubernetes=True)).totals == {}


def test_limit_totals_respect_the_view(view: LedgerView, bill_total: Decimal, allocation_total: Decimal) -> None:
    limited = run_costs(view.con, view.table, CostQuery(group_by=("ServiceName",), limit=1))
    assert limited.totals == {"USD": bill_total}
    limited = run_costs(view.con, view.table, CostQuery(group_by=("ServiceName",), limit=1, kubernetes=True))
    assert limited.totals == {"USD": allocation_total}


def test_cli_costs_takes_the_kubernetes_option(home: Home, allocation_total: Decimal, bill_total: Decimal) -> None:
    runner = CliRunner()
    base = ["costs", "--home", str(home.root), "--format", "json"]
    allocations = runner.invoke(app, [*base, "--by", "x_k8s_namespace", "--kubernetes"])
    assert allocations.exit_code == 0, allocations.output
    rows = json.loads(allocations.output)
    assert {r["x_k8s_namespace"] for r in rows} == {"kube-system", "opencost", "prometheus"}
    assert sum(Decimal(str(r["BilledCost"])) for r in rows) == allocation_total
    bill = json.loads(runner.invoke(app, [*base, "--by", "x_source"]).output)
    assert [(r["x_source"], Decimal(str(r["BilledCost"]))) for r in bill] == [("focus", bill_total)]
