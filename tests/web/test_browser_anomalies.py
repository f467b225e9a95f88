"""The Anomalies pages in a real browser against the demo company: the list loads cleanly, a row's link opens
the anomaly's detail, and both of its charts draw."""

from __future__ import annotations

import pytest
from playwright import sync_api

from browser_page import Loaded, drawn, needs_browser

pytestmark = needs_browser


@pytest.fixture(scope="module")
def page(browser: sync_api.Browser) -> sync_api.Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(60_000)  # the first list detects and explains every anomaly of the demo
    return opened


def test_the_list_opens_a_detail_whose_charts_draw(page: sync_api.Page, demo_url: str) -> None:
    loaded = Loaded(page)
    page.goto(f"{demo_url}/anomalies", wait_until="networkidle")
    assert page.title() == "Anomalies · cloudledger"
    rows = page.locator("table[data-anomalies] tbody tr")
    assert rows.count() >= 3  # the demo's injected incidents
    first = rows.nth(0)
    anomaly_id = first.get_attribute("data-anomaly")
    link = first.get_by_role("link")
    link.focus()
    page.keyboard.press("Enter")  # keyboard usable: a real link
    page.wait_for_url(f"**/anomalies/{anomaly_id}")
    page.wait_for_function("() => [...document.querySelectorAll('[data-chart]')].every(e => e.querySelector('svg'))")
    assert page.locator("h1 code").inner_text() == anomaly_id
    series = page.locator('[data-chart="anomaly-series-data"]')
    drawn(series, min_shapes=20)
    causes = page.locator('[data-chart="anomaly-causes-data"]')
    causes.scroll_into_view_if_needed()
    drawn(causes, min_shapes=3, min_colours=10)
    assert page.locator("code[data-command]").inner_text().startswith(f"cloudledger anomalies expect {anomaly_id}")
    page.get_by_role("link", name="All anomalies").click()
    page.wait_for_url("**/anomalies")
    assert loaded.problems == []
    page.context.close()
