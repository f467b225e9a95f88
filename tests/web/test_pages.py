"""The executive summary page: its KPIs against the API twin, its chart data against the allocation and the
ledger's rows, the static files, and the empty home."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from allocation_ledger import build_ledger, ledger_totals
from api_client import POLICY, Api
from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.budgets import budget_status
from cloudledger.analyses.rounding import round_half_up
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.config.load import load_config
from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger
from cloudledger.render import money

D = Decimal
BUDGETS = """
  - {name: engineering, scope: {department: Engineering}, monthly: 150, start: 2025-01}
  - {name: company, scope: {total: true}, monthly: 1000.50, start: 2025-01}
"""


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = build_ledger(tmp_path_factory.mktemp("web"))
    home.config_path.write_text(POLICY + BUDGETS, encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def web(web_home: Home) -> Api:
    return Api(create_app(settings_from(web_home.root, web_home.config_path)))


@pytest.fixture(scope="module")
def page(web: Api) -> str:
    response = web.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def kpis_shown(page: str) -> dict[str, str]:
    """The text of every element marked data-kpi="CURRENCY:NAME" (elements hold no markup)."""
    found = re.findall(r'data-kpi="([^"]+)">([^<]*)<', page)
    return {key: html.unescape(text).strip() for key, text in found}


def chart_data(page: str, currency: str) -> dict[str, object]:
    match = re.search(rf'<script type="application/json" id="chart-data-{currency}">(.*?)</script>', page, re.S)
    assert match, f"no chart data for {currency}"
    data: dict[str, object] = json.loads(match.group(1), parse_float=D)
    return data


def test_the_kpis_shown_are_the_api_values_formatted(page: str, web: Api) -> None:
    shown = kpis_shown(page)
    body = web.get("/api/v1/kpis").json()
    assert {c["currency"] for c in body["currencies"]} == {"USD", "EUR"}
    for line in body["currencies"]:
        code = line["currency"]
        for window, key in (("month_to_date", "mtd"), ("year_to_date", "ytd")):
            assert shown[f"{code}:{key}"] == f"{money(D(line[window]['spend']))} {code}"
            assert shown[f"{code}:{key}-previous"] == f"{money(D(line[window]['previous_spend']))} {code}"
        if line["budget_month"] is None:  # the company budget is kept in USD
            assert code == "EUR" and shown[f"{code}:budget"] == "No company budget"
        else:
            assert shown[f"{code}:budget-month"] == f"{money(D(line['budget_month']))} {code}"
            assert shown[f"{code}:budget-ytd"] == f"{money(D(line['budget_year_to_date']))} {code}"
        for name, field in (("allocated", "allocated_pct"), ("tags", "tag_compliance_pct")):
            value = line[field]
            assert shown[f"{code}:{name}"] == ("—" if value is None else f"{D(value):,.2f} %")
    usd_february = ledger_totals()[("2025-02", "USD")]  # every row is charged on the 5th
    assert shown["USD:mtd"] == f"{money(usd_february)} USD" == "45.00 USD"
    assert shown["USD:budget-month"] == "1,000.50 USD"  # thousands separator
    assert shown["USD:budget"] == f"{round_half_up(usd_february / D('1000.50') * 100)} %"


def test_the_page_is_semantic(page: str) -> None:
    assert '<html lang="en">' in page and "<main" in page and '<nav aria-label="Pages">' in page
    assert '<a href="/" aria-current="page">Executive summary</a>' in page
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"
    assert "(ListCost − EffectiveCost) ÷ ListCost" in page


def test_the_chart_adds_up_to_the_allocation_per_department_and_month(page: str, web_home: Home) -> None:
    config = load_config(web_home.config_path)
    view = open_ledger(web_home)
    try:
        rows = allocate(view.table, config, AllocationQuery(keep=())).to_pyarrow().to_pylist()
        budgets = budget_status(view.table, config, names=["engineering"])
    finally:
        view.close()
    expected: dict[tuple[str, str, str], Decimal] = defaultdict(D)
    for row in rows:
        expected[(row["currency"], row["department"] or "Unallocated", row["period"])] += row["amount"]
    for currency in ("USD", "EUR"):
        data = chart_data(page, currency)
        periods = data["periods"]
        assert periods == ["2025-01", "2025-02"]
        shown = {
            (currency, s["department"], p): s["actual"][i]  # type: ignore[index]
            for s in data["series"]  # type: ignore[attr-defined]
            for i, p in enumerate(periods)  # type: ignore[arg-type]
        }
        wanted = {k: round_half_up(v) for k, v in expected.items() if k[0] == currency}
        assert {k: v for k, v in shown.items() if v or k in wanted} == wanted
        for period in periods:  # type: ignore[attr-defined]
            in_period = sum((v for k, v in shown.items() if k[2] == period), D(0))
            assert in_period == ledger_totals().get((period, currency), D(0))
    usd = chart_data(page, "USD")
    engineering = next(s for s in usd["series"] if s["department"] == "Engineering")  # type: ignore[attr-defined]
    assert engineering["budget"] == [D(150), D(150)]
    assert engineering["actual"] == [round_half_up(line.actual) for line in budgets.lines if line.currency == "USD"]
    assert usd["series"][-1]["department"] == "Unallocated"  # type: ignore[index]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/static/app.js", "javascript"),
        ("/static/app.css", "text/css"),
        ("/static/vendor/echarts.min.js", "javascript"),
        ("/static/vendor/htmx.min.js", "javascript"),
    ],
)
def test_static_files_are_served_with_their_type(web: Api, page: str, path: str, kind: str) -> None:
    response = web.get(path)
    assert response.status_code == 200 and kind in response.headers["content-type"]
    assert response.content
    assert path in page


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    response = Api(create_app(settings_from(home.root))).get("/")
    assert response.status_code == 200
    command = html.unescape(re.search(r"<code data-ingest>(.*?)</code>", response.text).group(1))  # type: ignore[union-attr]
    assert command == f"cloudledger ingest PATH --home {home.root}"
    assert "error" not in response.text.lower()
    assert "echarts" not in response.text
