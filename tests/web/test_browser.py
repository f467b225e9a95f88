"""The executive summary in a real browser (Debian's Chromium driven by Playwright) against a real uvicorn on
127.0.0.1: it loads cleanly, its charts draw, its KPI cards show the API's numbers, the keyboard reaches the nav."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from PIL import Image
from playwright import sync_api

from allocation_ledger import build_ledger, ledger_totals
from api_client import POLICY
from browser_page import OKABE_ITO_BLUE, Loaded, needs_browser
from cloudledger.render import money
from live_server import serving

BUDGETS = """
  - {name: engineering, scope: {department: Engineering}, monthly: 150, start: 2025-01}
  - {name: company, scope: {total: true}, monthly: 1000.50, start: 2025-01}
"""

pytestmark = needs_browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = build_ledger(tmp_path_factory.mktemp("browser"))
    home.config_path.write_text(POLICY + BUDGETS, encoding="utf-8")
    with serving(home.root, home.config_path) as url:
        yield url


@pytest.fixture(scope="module")
def executive(browser: sync_api.Browser, server: str) -> Iterator[Loaded]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    loaded = Loaded(context.new_page())
    loaded.page.goto(f"{server}/", wait_until="networkidle")
    loaded.page.wait_for_selector("[data-chart] svg")
    yield loaded
    context.close()


def test_the_page_loads_without_errors(executive: Loaded, server: str) -> None:
    page = executive.page
    assert page.title() == "Executive summary · cloudledger"
    assert executive.problems == []
    assert page.evaluate("typeof echarts") == "object"


@pytest.mark.parametrize("currency", ["USD", "EUR"])
def test_each_chart_draws(executive: Loaded, currency: str) -> None:
    chart = executive.page.locator(f"#chart-{currency}")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    shapes = chart.locator("svg path, svg rect").count()
    assert shapes > 10, f"the {currency} chart has {shapes} shapes"
    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 20, "the chart looks blank"
    near_blue = [c for _, c in colours if all(abs(a - b) <= 8 for a, b in zip(c, OKABE_ITO_BLUE, strict=True))]
    assert near_blue, "no bar in the first series colour"


def test_the_kpi_cards_show_the_api_values(executive: Loaded, server: str) -> None:
    cards = executive.page.locator("[data-kpi]")
    shown = {cards.nth(i).get_attribute("data-kpi"): cards.nth(i).inner_text().strip() for i in range(cards.count())}
    body = httpx.get(f"{server}/api/v1/kpis").json()
    assert {line["currency"] for line in body["currencies"]} == {"USD", "EUR"}
    for line in body["currencies"]:
        code = line["currency"]
        for window, key in (("month_to_date", "mtd"), ("year_to_date", "ytd")):
            assert shown[f"{code}:{key}"] == f"{money(Decimal(line[window]['spend']))} {code}"
            assert shown[f"{code}:{key}-previous"] == f"{money(Decimal(line[window]['previous_spend']))} {code}"
        if line["budget_month"] is None:
            assert shown[f"{code}:budget"] == "No company budget"
        else:
            assert shown[f"{code}:budget-month"] == f"{money(Decimal(line['budget_month']))} {code}"
            assert shown[f"{code}:budget-ytd"] == f"{money(Decimal(line['budget_year_to_date']))} {code}"
    assert shown["USD:mtd"] == f"{money(ledger_totals()[('2025-02', 'USD')])} USD"
    assert shown["USD:budget-month"] == "1,000.50 USD"


def tab(page: sync_api.Page) -> str:
    """Press Tab; the text of the element that has the focus then."""
    page.keyboard.press("Tab")
    text: str = page.evaluate("document.activeElement.textContent")
    return text


def test_the_keyboard_reaches_the_nav(browser: sync_api.Browser, server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{server}/", wait_until="networkidle")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        assert tab(page) == "cloudledger"
        assert tab(page) == "Executive summary"
        assert page.evaluate("document.activeElement.closest('nav').getAttribute('aria-label')") == "Pages"
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()
