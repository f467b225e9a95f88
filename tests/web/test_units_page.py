"""The unit costs page: its numbers are its API twin's, formatted, and the hand-computed ones; the chart's data;
the hints when there is no ledger, no unit cost or no business metric; errors naming the parameter."""

from __future__ import annotations

import html
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from allocation_ledger import build_ledger
from api_client import POLICY, Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.cli_units import run_import
from cloudledger.home import Home
from cloudledger.render import money

D = Decimal
UNITS = """
unit_costs:
  - name: ec2 per order
    description: Amazon EC2 per order placed.
    match: {ServiceName: Amazon EC2}
    metric: orders
  - name: platform per 1000 orders
    team: platform
    match: {BillingCurrency: USD}
    metric: orders
    per: 1000
"""
ORDERS = "date,metric,value\n2025-01,orders,100\n2025-02,orders,50\n"


def load_orders(home: Home, folder: Path) -> None:
    path = folder / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    run_import(home, [path], fmt="table", console=Console(file=io.StringIO()))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    folder = tmp_path_factory.mktemp("units")
    made = build_ledger(folder)
    made.config_path.write_text(POLICY + UNITS, encoding="utf-8")
    load_orders(made, folder)
    return made


@pytest.fixture(scope="module")
def web(home: Home) -> Api:
    return Api(create_app(settings_from(home.root, home.config_path)))


def page_of(api: Api, **params: str) -> str:
    response = api.get("/units", **params)
    assert response.status_code == 200, response.text[:800]
    return response.text


def sections(page: str) -> dict[str, str]:
    """unit cost name → its section's HTML."""
    found = re.findall(r'<section class="unit"[^>]*data-unit="([^"]+)">(.*?)</section>', page, re.S)
    return {html.unescape(name): body for name, body in found}


def table_of(section: str) -> dict[str, dict[str, str]]:
    rows = {}
    for period, body in re.findall(r'<tr data-period="([^"]+)">(.*?)</tr>', section, re.S):
        cells = re.findall(r'<td data-field="(\w+)">(.*?)</td>', body, re.S)
        rows[period] = {k: html.unescape(v).strip() for k, v in cells}
    return rows


def kpi(section: str, name: str) -> str:
    found = re.search(rf'data-kpi="\d+:{name}">(.*?)<', section, re.S)
    assert found, f"no {name} KPI"
    return html.unescape(found.group(1)).strip()


def six(value: Decimal) -> str:
    """Six significant digits, plain notation (as the CLI and the page show unit costs)."""
    exponent = value.adjusted() - 5
    return format(value.quantize(D(1).scaleb(exponent), rounding=ROUND_HALF_UP), "f")


def test_each_unit_cost_shows_the_api_numbers(web: Api) -> None:
    shown = sections(page_of(web))
    body = web.get("/api/v1/units").json()
    assert list(shown) == [s["name"] for s in body["series"]] == ["ec2 per order", "platform per 1000 orders"]
    for series in body["series"]:
        rows = table_of(shown[series["name"]])
        assert list(rows) == [line["period"][:7] for line in series["lines"]]
        for line in series["lines"]:
            row = rows[line["period"][:7]]
            assert row["cost"] == money(D(line["cost"]))
            assert row["unit_cost"] == six(D(line["unit_cost"]))
            change = line["change_pct"]
            assert row["change_pct"] == ("—" if change is None else f"{D(change):+,.2f} %")
        slope = D(series["slope"])
        assert kpi(shown[series["name"]], "trend") == f"{'+' if slope > 0 else ''}{six(slope)} USD"


def test_the_unit_costs_are_the_hand_computed_ones(web: Api) -> None:
    shown = sections(page_of(web))
    ec2 = table_of(shown["ec2 per order"])
    # EC2 in USD: 100 + 50 + 7 in January, 40 in February; 100 and 50 orders.
    assert ec2["2025-01"] == {"cost": "157.00", "value": "100", "unit_cost": "1.57000", "change_pct": "—"}
    assert ec2["2025-02"] == {"cost": "40.00", "value": "50", "unit_cost": "0.800000", "change_pct": "-49.04 %"}
    assert kpi(shown["ec2 per order"], "latest") == "0.800000 USD"
    assert kpi(shown["ec2 per order"], "change") == "-49.04 %"
    assert kpi(shown["ec2 per order"], "trend") == "-0.770000 USD"  # two months: 0.80 − 1.57
    platform = table_of(shown["platform per 1000 orders"])
    # platform's allocated cost: 100 + 100/150 of the 10.00 support fee, then 40 + the whole 5.00 (USD only).
    assert platform["2025-02"]["cost"] == "45.00" and platform["2025-02"]["unit_cost"] == "900.000"
    assert "USD / 1000 orders" in shown["platform per 1000 orders"]


def test_the_chart_holds_the_unit_cost_per_period(web: Api) -> None:
    page = page_of(web)
    found = re.search(r'<script type="application/json" id="chart-data-0">(.*?)</script>', page, re.S)
    assert found
    data = json.loads(found.group(1))
    assert data["kind"] == "unit-cost" and data["currency"] == "USD" and data["unit"] == "orders"
    assert data["periods"] == ["2025-01", "2025-02"] and data["values"] == [1.57, 0.8]
    assert 'data-chart="chart-data-1"' in page and "/static/finance.js" in page


def test_the_dates_choose_the_months(web: Api) -> None:
    shown = sections(page_of(web, start="2025-02-01", end=""))
    assert list(table_of(shown["ec2 per order"])) == ["2025-02"]
    assert 'value="2025-02-01"' in page_of(web, start="2025-02-01")


@pytest.mark.parametrize(
    ("params", "parameter"), [({"start": "yesterday"}, "start"), ({"start": "2025-02-01", "end": "2025-01-01"}, "end")]
)
def test_a_bad_date_is_a_422_page_naming_it(web: Api, params: dict[str, str], parameter: str) -> None:
    response: httpx.Response = web.get("/units", **params)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert re.search(rf'data-error-status="422"><strong>{parameter}</strong>:', response.text)


def test_no_business_metrics_shows_the_import_command(tmp_path: Path) -> None:
    made = build_ledger(tmp_path)
    made.config_path.write_text(POLICY + UNITS, encoding="utf-8")
    page = page_of(Api(create_app(settings_from(made.root, made.config_path))))
    assert 'data-hint="metrics"' in page and "echarts" not in page
    command = re.search(r"<code data-import>(.*?)</code>", page)
    assert command and html.unescape(command.group(1)) == f"cloudledger units import FILE --home {made.root}"


def test_no_unit_costs_shows_how_to_define_one(tmp_path: Path) -> None:
    made = build_ledger(tmp_path)
    made.config_path.write_text(POLICY, encoding="utf-8")
    page = page_of(Api(create_app(settings_from(made.root, made.config_path))))
    assert 'data-hint="unit-costs"' in page and "error" not in page.lower()
    example = re.search(r"<code data-example>(.*?)</code>", page, re.S)
    assert example and html.unescape(example.group(1)).startswith("unit_costs:\n")


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    made = Home(tmp_path / "home").ensure()
    page = page_of(Api(create_app(settings_from(made.root))))
    command = re.search(r"<code data-ingest>(.*?)</code>", page)
    assert command and html.unescape(command.group(1)) == f"cloudledger ingest PATH --home {made.root}"
    assert "echarts" not in page


def test_the_demo_unit_costs_are_the_api_ones(demo_home: Home) -> None:
    api = Api(create_app(settings_from(demo_home.root, demo_home.config_path)))
    shown = sections(page_of(api))
    body = api.get("/api/v1/units").json()
    assert [s["name"] for s in body["series"]] == list(shown) == ["cost per order"]
    rows = table_of(shown["cost per order"])
    lines = body["series"][0]["lines"]
    assert len(rows) == len(lines) > 12
    for line in lines:
        expected = "—" if line["unit_cost"] is None else six(D(line["unit_cost"]))
        assert rows[line["period"][:7]]["unit_cost"] == expected
