"""`cloudledger units`: import the example metrics file, list it, show unit costs computed by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudledger.cli_units import units_app
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "business-metrics.csv"
DAYS = [date(2025, 1, 6) + timedelta(days=i) for i in range(14)]
COSTS = {day: Decimal(f"{20 + i}.{(i * 37) % 100:02d}") for i, day in enumerate(DAYS)}
CONFIG = """
unit_costs:
  - name: checkout per order
    match:
      "tag:application": checkout
    metric: orders
    grain: day
  - name: checkout per 1000 orders a month
    match:
      "tag:application": checkout
    metric: orders
    per: 1000
  - name: checkout per customer
    match:
      "tag:application": checkout
    metric: active_customers
"""
runner = CliRunner()


def example_values(metric: str) -> dict[str, Decimal]:
    with EXAMPLE.open(newline="", encoding="utf-8") as handle:
        return {r["date"]: Decimal(r["value"]) for r in csv.DictReader(handle) if r["metric"] == metric}


def six(value: Decimal) -> str:
    """Six significant digits, half up, plain notation."""
    quantum = Decimal(1).scaleb(value.adjusted() - 5)
    return format(value.quantize(quantum, rounding=ROUND_HALF_UP), "f")


def charge(day: date, cost: Decimal, application: str, service: str = "Checkout") -> dict[str, object]:
    """A January 2025 row charged on `day` (the default row's billing period is January 2025)."""
    return focus_row(
        ChargePeriodStart=f"{day}T00:00:00Z",
        ChargePeriodEnd=f"{day + timedelta(days=1)}T00:00:00Z",
        BilledCost=str(cost),
        EffectiveCost=str(cost),
        ServiceName=service,
        Tags=json.dumps({"application": application}),
    )


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home").ensure()
    rows = [charge(day, cost, "checkout") for day, cost in COSTS.items()]
    rows += [charge(day, Decimal(50), "search", service="Search") for day in DAYS]
    ingest(home, [write_focus_csv(tmp_path / "bill.csv", rows)])
    (tmp_path / "cloudledger.yaml").write_text(CONFIG, encoding="utf-8")
    return home


def invoke(*args: str) -> str:
    result = runner.invoke(units_app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_import_twice_replaces(home: Home) -> None:
    with EXAMPLE.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    first = json.loads(invoke("import", str(EXAMPLE), "--home", str(home.root), "-f", "json"))
    assert first == [
        {
            "File": EXAMPLE.name,
            "Metrics": ", ".join(sorted({r["metric"] for r in lines})),
            "Points": len(lines),
            "New": len(lines),
            "Replaced": 0,
        }
    ]
    again = json.loads(invoke("import", str(EXAMPLE), "--home", str(home.root), "-f", "json"))
    assert (again[0]["New"], again[0]["Replaced"]) == (0, len(lines))
    listed = json.loads(invoke("metrics", "--home", str(home.root), "-f", "json"))
    assert {(m["Metric"], m["Grain"], m["Points"]) for m in listed} == {
        (name, "month" if len(lines_of[0]["date"]) == 7 else "day", len(lines_of))
        for name in {r["metric"] for r in lines}
        for lines_of in [[r for r in lines if r["metric"] == name]]
    }


def test_show_round_trip(home: Home, tmp_path: Path) -> None:
    invoke("import", str(EXAMPLE), "--home", str(home.root))
    config = str(tmp_path / "cloudledger.yaml")
    report = json.loads(invoke("show", "--home", str(home.root), "--config", config, "-f", "json"))
    daily, monthly, customers = report
    orders = example_values("orders")
    assert [line["period"] for line in daily["lines"]] == [d.isoformat() for d in DAYS]
    for line, day in zip(daily["lines"], DAYS, strict=True):
        assert Decimal(line["cost"]) == COSTS[day]
        assert line["unit_cost"] == six(COSTS[day] / orders[day.isoformat()])
    second = COSTS[DAYS[1]] / orders[DAYS[1].isoformat()]
    first = COSTS[DAYS[0]] / orders[DAYS[0].isoformat()]
    assert Decimal(daily["lines"][1]["change_pct"]) == ((second - first) / first * 100).quantize(Decimal("0.01"))
    total = sum(COSTS.values(), Decimal(0))
    (january,) = monthly["lines"]
    assert (january["period"], Decimal(january["cost"])) == ("2025-01", total)
    assert january["unit_cost"] == six(total * 1000 / sum(orders.values(), Decimal(0)))
    assert customers["lines"][0]["unit_cost"] == six(total / example_values("active_customers")["2025-01"])
    assert customers["slope"] is None and daily["currency"] == "USD"


def test_show_csv_name_and_window(home: Home, tmp_path: Path) -> None:
    invoke("import", str(EXAMPLE), "--home", str(home.root))
    args = ["show", "--home", str(home.root), "--config", str(tmp_path / "cloudledger.yaml")]
    output = invoke(*args, "--name", "checkout per order", "--from", "2025-01-10", "--to", "2025-01-11", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    orders = example_values("orders")
    assert [(r["unit"], r["period"], r["unit_cost"]) for r in rows] == [
        ("checkout per order", day.isoformat(), six(COSTS[day] / orders[day.isoformat()]))
        for day in (date(2025, 1, 10), date(2025, 1, 11))
    ]
    table = invoke(*args, "--name", "checkout per order")
    assert "checkout per order" in table and "trend:" in table and "least squares over 14 days" in table


def test_errors(home: Home, tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("unit_costs: []\n", encoding="utf-8")
    result = runner.invoke(units_app, ["show", "--home", str(home.root), "--config", str(empty)])
    assert result.exit_code != 0 and "no unit costs defined" in str(result.exception)
    config = str(tmp_path / "cloudledger.yaml")
    result = runner.invoke(units_app, ["show", "--home", str(home.root), "--config", config])
    assert "'active_customers' is not loaded" in str(result.exception)
    bad = tmp_path / "bad.csv"
    bad.write_text("date,metric,value\n2025-01-06,orders,12\n2025-01-07,orders,1.834,5\n2025-01-08,orders,n/a\n")
    result = runner.invoke(units_app, ["import", str(bad), "--home", str(home.root)])
    assert "row 3" in str(result.exception) and "column value" in str(result.exception)
    assert json.loads(invoke("metrics", "--home", str(home.root), "-f", "json")) == []
