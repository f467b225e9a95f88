"""The allocation benchmark on a small ledger: every measurement is there and the totals agree with the data."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[1]
ROWS = 20_000
PERIODS = 2
RULES = 40


def _bench(name: str) -> ModuleType:
    """Import `bench.<name>` from the repository root (bench/ is not an installed package)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import importlib

    return importlib.import_module(f"bench.{name}")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the allocation benchmark at ROWS rows over PERIODS months, in this process."""
    allocation, run = _bench("allocation"), _bench("run")
    folder = tmp_path_factory.mktemp("bench-allocation")
    options = run.Options(out=folder, repeats=1, warmup=0, periods=PERIODS, isolate=False, log=False)
    allocation.run_allocation([ROWS], options, n_rules=RULES)
    return folder


@pytest.fixture
def entry(out: Path) -> dict[str, Any]:
    saved: dict[str, Any] = json.loads((out / "results.json").read_text())
    found: dict[str, Any] = saved["allocation"][str(ROWS)]
    return found


def _effective_by_month(out: Path) -> dict[tuple[str, str], Decimal]:
    """Σ EffectiveCost per billing month and currency, read from the generated Parquet files."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for path in sorted((out / "data").glob("*/*.parquet")):
        table = pq.read_table(path, columns=["BillingPeriodStart", "BillingCurrency", "EffectiveCost"])
        months = pc.strftime(table["BillingPeriodStart"], "%Y-%m").to_pylist()
        for month, currency, cost in zip(
            months, table["BillingCurrency"].to_pylist(), table["EffectiveCost"].to_pylist(), strict=True
        ):
            totals[(month, currency)] += cost
    return dict(totals)


def test_every_measurement_and_ratio_is_recorded(entry: dict[str, Any]) -> None:
    assert entry["rows"] == ROWS
    assert entry["months"] == PERIODS
    assert entry["rules"]["total"] == RULES
    assert set(entry["rules"]) == {"ownership", "dimension", "pools", "total"}
    names = {"plain", "plain_two_months", "costs", "rules", "chargeback_month", "chargeback_all", "tag_keys"}
    assert set(entry["measurements"]) == names
    for measured in entry["measurements"].values():
        assert measured["seconds"] > 0
        assert len(measured["runs"]) == 1
    assert set(entry["ratios"]) >= {"rules_vs_plain", "chargeback_month_vs_plain", "chargeback_all_vs_plain"}
    assert entry["profile"]["groups"]["rows"] >= entry["profile"]["combinations"]["rows"] > 1
    assert entry["peak_rss_mb"] > 0
    assert entry["checks"] == {"periods_and_currencies": 2 * PERIODS, "exact": True, "chargebacks": 1 + PERIODS}


def test_the_rules_give_most_cost_an_owner(entry: dict[str, Any]) -> None:
    assert entry["owners"] > 10
    assert {c: float(v.rstrip("%")) > 50 for c, v in entry["allocated_share"].items()} == {"EUR": True, "USD": True}


def test_the_checked_totals_are_the_data_s(out: Path, entry: dict[str, Any]) -> None:
    """The benchmark's reference totals come from the ledger; here they come from the generated files."""
    allocation = _bench("allocation")
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    view = open_ledger(Home(out / "work" / f"rows-{ROWS}" / "home"))
    try:
        assert allocation.ledger_totals(view.table) == _effective_by_month(out)
    finally:
        view.close()


def test_a_wrong_total_is_caught() -> None:
    allocation, queries = _bench("allocation"), _bench("queries")
    good = {("2024-01", "USD"): Decimal("1.5")}
    allocation.check_totals("x", dict(good), good)
    with pytest.raises(queries.MismatchError):
        allocation.check_totals("x", {("2024-01", "USD"): Decimal("1.5000000001")}, good)
    with pytest.raises(queries.MismatchError):
        allocation.check_totals("x", {}, good)


def test_the_policy_has_the_asked_number_of_rules() -> None:
    rules = _bench("policy_rules")
    config = rules.policy_for_bench(200)
    assert rules.rule_count(config) == {"ownership": 186, "dimension": 6, "pools": 8, "total": 200}
    kinds = {type(s).__name__ for s in config.allocation.shared_costs}
    assert kinds == {"EvenSplit", "ProportionalSplit", "FixedSplit"}
    assert sum(s.unallocated for s in config.allocation.shared_costs) == 1
    teams = {t.name for d in config.organization.departments for t in d.teams}
    assert teams >= set(_bench("catalog").TEAMS)
    with pytest.raises(ValueError, match="at least"):
        rules.policy_for_bench(10)


def test_the_docs_section_and_the_text_report(out: Path) -> None:
    report = _bench("allocation_report")
    results = json.loads((out / "results.json").read_text())
    section = report.allocation_section(results)
    assert section.startswith("## Allocation and chargeback")
    assert f"{ROWS:,} rows" in section and "≤ 2×" in section
    assert "groups" in report.render_allocation_text(results)
    assert report.allocation_section({"sizes": {}}) == ""
