"""Budget thresholds on the actual so far and on the month-end forecast: which are crossed (by hand), and that
each alerts once (the state DB remembers it)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from cloudledger.analyses.budget_alerts import budget_forecast, crossings
from cloudledger.analyses.budgets import BudgetLine
from cloudledger.analyses.forecast import MonthEnd
from cloudledger.cli import app
from cloudledger.config.load import load_config
from partial_month import build, september

D = Decimal
CONFIG = """
budgets:
  - name: company
    scope: {total: true}
    monthly: 2000
    start: 2025-01
    thresholds: {actual: [25, 50, 100], forecast: [100, 200]}
  - {name: quiet, scope: {total: true}, monthly: 100000, start: 2025-01}
"""


def line(actual: str, budget: str = "2000", name: str = "company") -> BudgetLine:
    return BudgetLine(name, "total", "all", "2025-09", "USD", "EffectiveCost", D(budget), D(actual), "config")


def config(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "cloudledger.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path)


def test_the_thresholds_the_actual_and_the_forecast_reach(tmp_path: Path) -> None:
    bill = MonthEnd("total", "USD", "2025-09", "AutoETS", D("1000"), D("1500"), D("2500"), D("2400"), D("2600"))
    found = crossings([line("1000")], config(tmp_path), {"USD": bill})
    assert [(c.kind, c.threshold_text) for c in found] == [("actual", "25"), ("actual", "50"), ("forecast", "100")]
    forecast = next(c for c in found if c.kind == "forecast")
    assert forecast.amount == D("2500.00") and forecast.percent == D("125.00")
    assert (
        "2,500.00 USD forecast for the month's end is 125.00 % of 2,000.00 USD (threshold 100 %)" in forecast.summary()
    )
    # a budget with half the bill's cost so far gets half of the bill's forecast rest
    assert budget_forecast(line("500"), bill) == D("1250.00")
    # another month's forecast is not this month's
    assert budget_forecast(line("500"), MonthEnd("total", "USD", "2025-10", "x", *(D(1),) * 5)) is None


def test_defaults_apply_to_budgets_without_thresholds(tmp_path: Path) -> None:
    found = crossings([line("85000", budget="100000", name="quiet")], config(tmp_path))
    assert [(c.kind, c.threshold_text) for c in found] == [("actual", "50"), ("actual", "80")]


def run(*args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(app, ["alerts", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, str]] = json.loads(result.output)
    return rows


def test_each_crossing_alerts_once(tmp_path: Path) -> None:
    home = build(tmp_path)
    home.config_path.write_text(CONFIG, encoding="utf-8")
    so_far = september(1, 10)
    first = run("--home", str(home.root))
    by_key = {(r["budget"], r["kind"], r["threshold %"]) for r in first}
    expected_actual = {("company", "actual", t) for t in ("25", "50", "100") if so_far * 100 >= int(t) * 2000}
    assert {k for k in by_key if k[1] == "actual"} == expected_actual
    # the month heads for ~3,300: the 100 % forecast threshold is crossed, the 200 % one is not
    assert ("company", "forecast", "100") in by_key and ("company", "forecast", "200") not in by_key
    assert all(r["budget"] == "company" for r in first)  # the quiet budget is far from its thresholds
    assert D(next(r for r in first if r["kind"] == "actual")["amount"]) == so_far
    assert run("--home", str(home.root)) == []  # nothing new on a second run
    assert len(run("--home", str(home.root), "--history")) == len(first)
