"""The forecast and budgets pages in a real browser against the demo company: they load cleanly, their month
charts draw, and the forecast page's accuracy checkbox brings the accuracy table and chart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright import sync_api

from browser_page import Loaded, drawn, needs_browser

pytestmark = needs_browser


@pytest.fixture(scope="module")
def context(browser: sync_api.Browser) -> Iterator[sync_api.BrowserContext]:
    made = browser.new_context(viewport={"width": 1280, "height": 900})
    yield made
    made.close()


def test_the_forecast_page_draws_and_shows_its_accuracy_on_request(
    context: sync_api.BrowserContext, demo_url: str
) -> None:
    loaded = Loaded(context.new_page())
    page = loaded.page
    try:
        page.goto(f"{demo_url}/forecast", wait_until="networkidle", timeout=120_000)
        assert page.title() == "Forecast · cloudledger"
        page.wait_for_selector('[data-chart="chart-data-USD"] svg')
        drawn(page.locator('[data-chart="chart-data-USD"]'), min_shapes=3)
        assert page.locator("[data-accuracy]").count() == 0
        page.get_by_label("Show forecast accuracy").check()
        page.get_by_role("button", name="Show").click()
        page.wait_for_selector("table[data-accuracy-table]", timeout=120_000)
        assert "backtest=1" in page.url
        assert page.locator("table[data-accuracy-table] tbody tr").count() >= 1
        drawn(page.locator(".chart-accuracy").first, min_shapes=3)
        assert loaded.problems == []
    finally:
        page.close()


def test_the_budgets_page_draws_each_budgets_month(context: sync_api.BrowserContext, demo_url: str) -> None:
    loaded = Loaded(context.new_page())
    page = loaded.page
    try:
        page.goto(f"{demo_url}/budgets", wait_until="networkidle", timeout=120_000)
        page.wait_for_selector(".chart-cone svg")
        cones = page.locator(".chart-cone")
        assert cones.count() == page.locator("article.cone").count() >= 1
        drawn(cones.first, min_shapes=3)
        assert page.locator("table.alerts").count() == cones.count()
        assert loaded.problems == []
    finally:
        page.close()
