"""The budgets page: each budget's numbers are its API twin's, formatted; hand-computed actuals, status in words,
year to date of annual budgets, the chart's data, the hint of an empty config, errors naming the parameter."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from allocation_ledger import build_ledger, ledger_totals
from api_client import POLICY, Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.render import money

D = Decimal
BUDGETS = """
  - {name: engineering, scope: {department: Engineering}, monthly: 150, start: 2025-01}
  - {name: company, scope: {total: true}, monthly: 1000.50, start: 2025-01}
  - {name: data yearly, scope: {department: Data}, annual: {2025: 1200}}
  - {name: euro, scope: {total: true}, monthly: 25, start: 2025-01, currency: EUR}
  - {name: payments, scope: {team: pay}, monthly: 55, start: 2025-01}
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    made = build_ledger(tmp_path_factory.mktemp("budgets"))
    made.config_path.write_text(POLICY + BUDGETS, encoding="utf-8")
    return made


@pytest.fixture(scope="module")
def web(home: Home) -> Api:
    return Api(create_app(settings_from(home.root, home.config_path)))


def page_of(api: Api, **params: str) -> str:
    response = api.get("/budgets", **params)
    assert response.status_code == 200, response.text[:800]
    return response.text


def rows_of(page: str) -> dict[str, dict[str, str]]:
    """budget name → {field: text}."""
    rows = {}
    for name, body in re.findall(r'<tr data-budget="([^"]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r'<td[^>]*data-field="([\w-]+)"[^>]*>(.*?)</td>', body, re.S)
        rows[html.unescape(name)] = {k: re.sub(r"<[^>]+>", "", html.unescape(v)).strip() for k, v in cells}
    return rows


def pct(value: str | None) -> str:
    return "—" if value is None else f"{D(value):,.2f} %"


def words(line: dict[str, object]) -> str:
    used = line["utilisation_pct"]
    if line["over_budget"]:
        return "over budget"
    return "close to budget" if used is not None and D(str(used)) >= 90 else "on track"


@pytest.mark.parametrize("period", ["2025-01", "2025-02"])
def test_each_budget_shows_the_api_numbers(web: Api, period: str) -> None:
    rows = rows_of(page_of(web, period=period))
    body = web.get("/api/v1/budgets", start=period, end=period).json()
    usd = [line["name"] for line in body["lines"] if line["currency"] == "USD"]
    eur = [line["name"] for line in body["lines"] if line["currency"] == "EUR"]
    assert list(rows) == usd + eur == ["platform", "engineering", "company", "data yearly", "payments", "euro"]
    for line in body["lines"]:
        row = rows[line["name"]]
        assert row["budget"] == money(D(line["budget"]))
        assert row["actual"] == money(D(line["actual_cents"]))
        assert row["remaining"] == money(-D(line["variance"]))
        assert row["used"] == pct(line["utilisation_pct"])
        assert row["status"] == words(line)


def test_the_actuals_are_the_hand_computed_ones(web: Api) -> None:
    rows = rows_of(page_of(web, period="2025-01"))
    totals = ledger_totals()
    assert rows["company"]["actual"] == money(totals[("2025-01", "USD")]) == "197.00"
    assert rows["company"]["budget"] == "1,000.50" and rows["company"]["status"] == "on track"
    assert rows["euro"]["actual"] == money(totals[("2025-01", "EUR")]) == "20.00"
    assert rows["euro"]["used"] == "80.00 %" and rows["euro"]["status"] == "on track"
    # platform: its own 100.00 plus 100/150 of the 10.00 support fee; engineering adds payments' 50 + 3.33.
    assert rows["platform"]["actual"] == "106.67" and rows["platform"]["status"] == "over budget"
    assert rows["platform"]["remaining"] == "-6.67"
    assert rows["engineering"]["actual"] == "160.00" and rows["engineering"]["status"] == "over budget"
    assert rows["data yearly"]["budget"] == "100.00"  # 1,200 over 12 months


def test_the_status_is_said_in_words(web: Api) -> None:
    january = rows_of(page_of(web, period="2025-01"))
    # payments: its own 50.00 plus 50/150 of the 10.00 support fee = 53.33 of 55.00 (96.97 %).
    assert january["payments"]["actual"] == "53.33" and january["payments"]["used"] == "96.97 %"
    assert january["payments"]["status"] == "close to budget"
    february = rows_of(page_of(web, period="2025-02"))
    # February: platform 40 + the whole 5.00 support fee (the only team with cost) = 45 of 100.
    assert february["platform"]["actual"] == "45.00" and february["platform"]["status"] == "on track"
    assert january["platform"]["status"] == "over budget"


def test_annual_budgets_show_their_year_to_date(web: Api) -> None:
    rows = rows_of(page_of(web, period="2025-02"))
    body = web.get("/api/v1/budgets", start="2025-01", end="2025-02").json()
    data = [line for line in body["lines"] if line["name"] == "data yearly"]
    assert [line["period"] for line in data] == ["2025-01", "2025-02"]
    ytd = rows["data yearly"]
    assert ytd["ytd-budget"] == "200.00"  # two months of 1,200 ÷ 12
    assert ytd["ytd-actual"] == money(sum((D(line["actual"]) for line in data), D(0))) == "30.00"
    assert ytd["ytd-used"] == "15.00 %"
    assert "ytd-budget" not in rows["company"]  # a monthly budget has no year to date


def test_the_chart_holds_actual_and_budget_per_currency(web: Api) -> None:
    page = page_of(web, period="2025-01")
    charts = {}
    for currency, text in re.findall(r'<script type="application/json" id="chart-data-(\w+)">(.*?)</script>', page):
        charts[currency] = json.loads(text)
    assert set(charts) == {"USD", "EUR"}
    usd = charts["USD"]
    assert usd["kind"] == "budgets" and usd["names"] == [
        "platform",
        "engineering",
        "company",
        "data yearly",
        "payments",
    ]
    assert usd["actual"] == [106.67, 160.0, 197.0, 30.0, 53.33]
    assert usd["budget"] == [100.0, 150.0, 1000.5, 100.0, 55.0]
    assert charts["EUR"]["names"] == ["euro"] and charts["EUR"]["actual"] == [20.0]
    assert "<caption>Budgets against actual cost, 2025-01, USD</caption>" in page
    assert "/static/finance.js" in page


def test_the_default_period_is_the_latest_month_to_date(web: Api) -> None:
    page = page_of(web)
    assert re.search(r"<strong data-period>2025-02</strong>, month to date", page)
    assert '<option value="2025-02" selected>' in page


def test_no_budgets_shows_how_to_add_one(tmp_path: Path) -> None:
    made = build_ledger(tmp_path)
    made.config_path.write_text(POLICY.split("budgets:")[0], encoding="utf-8")
    page = page_of(Api(create_app(settings_from(made.root, made.config_path))))
    assert 'data-hint="budgets"' in page and "error" not in page.lower()
    example = re.search(r"<code data-example>(.*?)</code>", page, re.S)
    assert example and html.unescape(example.group(1)).startswith("budgets:\n  - name:")
    assert "echarts" not in page


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    made = Home(tmp_path / "home").ensure()
    page = page_of(Api(create_app(settings_from(made.root))))
    command = re.search(r"<code data-ingest>(.*?)</code>", page)
    assert command and html.unescape(command.group(1)) == f"cloudledger ingest PATH --home {made.root}"
    assert "echarts" not in page


def detail(response: httpx.Response) -> str:
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    found = re.search(r'data-error-status="422"><strong>(\w+)</strong>:', response.text)
    assert found, response.text[:800]
    return found.group(1)


@pytest.mark.parametrize("period", ["2025-1", "2030-01"])
def test_a_bad_period_is_a_422_page_naming_it(web: Api, period: str) -> None:
    assert detail(web.get("/budgets", period=period)) == "period"


CONE_POLICY = """
budgets:
  - name: company
    scope: {total: true}
    monthly: 4000
    start: 2025-01
    thresholds: {actual: [20, 80], forecast: [50, 100]}
  - {name: machines, scope: {service: Virtual Machines}, monthly: 2000, start: 2025-01}
"""


THRESHOLDS = [("actual", 20), ("actual", 80), ("forecast", 50), ("forecast", 100)]


@pytest.fixture(scope="module")
def month_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    from partial_month import build

    made = build(tmp_path_factory.mktemp("budget-cones"))
    made.config_path.write_text(CONE_POLICY, encoding="utf-8")
    return made


def cone_fields(page: str, name: str) -> dict[str, str]:
    body = re.search(rf'<article class="cone"[^>]*data-cone="{name}">(.*?)</article>', page, re.S)
    assert body, page[:800]
    found = re.findall(r'data-field="(cone-[\w-]+)">(.*?)</(?:strong|span)>', body.group(1), re.S)
    return {k: re.sub(r"<[^>]+>", "", html.unescape(v)).strip() for k, v in found}


def test_the_cone_of_the_current_month_is_the_alerts_forecast(month_home: Home) -> None:
    from cloudledger.cli_alerts import evaluate
    from partial_month import september

    web = Api(create_app(settings_from(month_home.root, month_home.config_path)))
    page = page_of(web)
    company, machines = cone_fields(page, "company"), cone_fields(page, "machines")
    assert company["cone-actual"] == f"{money(D(september(1, 10)))} USD" == "1,050.00 USD"  # by hand
    found, _ = evaluate(month_home, month_home.config_path)
    ahead = {c.budget: c.amount for c in found if c.kind == "forecast"}
    assert company["cone-forecast"] == f"{money(ahead['company'])} USD"  # the forecast 50 % threshold is reached
    assert machines["cone-forecast"] == f"{money(ahead['machines'])} USD"
    [end] = web.get("/api/v1/forecast").json()["month_end"]
    assert ahead["company"] == D(end["actual"]) + D(end["remaining"])  # a total budget's forecast is the bill's
    assert D(company["cone-low"].replace(",", "")) == D(end["low"])
    # the thresholds as amounts: budget × percent
    amounts = re.findall(
        r'data-threshold="([\w:.]+)">.*?data-field="amount">([\d,.]+)<',
        re.search(r'data-thresholds="company">(.*?)</table>', page, re.S).group(1),  # type: ignore[union-attr]
        re.S,
    )
    assert dict(amounts) == {f"{kind}:{p}": money(D(4000) * p / 100) for kind, p in THRESHOLDS}
    chart = json.loads(re.search(r'id="cone-1-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert chart["kind"] == "budget-cone" and chart["actual"][9] == september(1, 10)
    assert [line["value"] for line in chart["lines"]] == [4000.0, 800.0, 3200.0, 2000.0, 4000.0]
    assert abs(chart["forecast"][-1] - float(ahead["company"])) < 0.02


def test_the_alerts_say_which_were_already_sent(month_home: Home) -> None:
    from cloudledger.cli_alerts import evaluate
    from cloudledger.ledger.alert_store import open_alerts

    web = Api(create_app(settings_from(month_home.root, month_home.config_path)))
    before = page_of(web)
    assert "not alerted yet" in before and "already alerted" not in before
    found, _ = evaluate(month_home, month_home.config_path)
    store = open_alerts(month_home)
    try:
        store.record([c for c in found if c.budget == "company"])
    finally:
        store.dispose()
    after = Api(create_app(settings_from(month_home.root, month_home.config_path)))
    page = page_of(after)
    company = re.search(r'data-alerts="company">(.*?)</table>', page, re.S).group(1)  # type: ignore[union-attr]
    machines = re.search(r'data-alerts="machines">(.*?)</table>', page, re.S).group(1)  # type: ignore[union-attr]
    keys = re.findall(r'data-alert="([^"]+)"', company)
    assert set(keys) == {c.key for c in found if c.budget == "company"}
    assert company.count("already alerted") == len(keys) > 0
    assert "not alerted yet" in machines


def test_a_past_month_has_no_cone(month_home: Home) -> None:
    web = Api(create_app(settings_from(month_home.root, month_home.config_path)))
    assert "data-cones" not in page_of(web, period="2025-08")
