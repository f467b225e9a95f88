"""The cost explorer in a real browser against the demo company: it loads cleanly, its charts draw, a click on a
bar segment drills down to that group, and the CSV download adds up to the API's totals."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright import sync_api

from browser_page import Loaded, drawn, needs_browser

pytestmark = needs_browser

SEGMENT = """(element) => {
  const chart = echarts.getInstanceByDom(element);
  const data = JSON.parse(document.getElementById(element.dataset.chart).textContent);
  const items = chart.getModel().getSeriesByIndex(0).getData();
  let best = null;
  for (let i = 0; i < items.count(); i++) {
    const box = items.getItemLayout(i);
    if (box && (!best || Math.abs(box.height) > Math.abs(best.height))) best = box;
  }
  return {name: data.series[0].name, drill: data.series[0].drill,
          x: best.x + best.width / 2, y: best.y + best.height / 2, height: Math.abs(best.height)};
}"""
"""The first series' tallest bar segment: its centre in the chart's own pixels, and where a click on it goes."""


@pytest.fixture(scope="module")
def context(browser: sync_api.Browser) -> Iterator[sync_api.BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context
    context.close()


def open_explorer(context: sync_api.BrowserContext, url: str) -> Loaded:
    loaded = Loaded(context.new_page())
    loaded.page.goto(url, wait_until="networkidle")
    loaded.page.wait_for_selector("[data-chart] svg")
    return loaded


def totals_by_currency(page: sync_api.Page, row: str) -> dict[str, str]:
    """Currency → the Total cell of the row matched by `row` in that currency's table."""
    out = {}
    for table in page.locator("table.explorer-table").all():
        cell = table.locator(f"{row} td[data-total]")
        if cell.count():
            out[str(table.get_attribute("data-table"))] = cell.first.inner_text().strip()
    return out


def test_the_page_loads_and_its_charts_draw(context: sync_api.BrowserContext, demo_url: str) -> None:
    loaded = open_explorer(context, f"{demo_url}/explorer")
    page = loaded.page
    assert page.title() == "Explorer · cloudledger"
    charts = page.locator("[data-chart]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        drawn(charts.nth(i))
    assert loaded.problems == []
    page.close()


def test_clicking_a_bar_segment_drills_into_that_group(context: sync_api.BrowserContext, demo_url: str) -> None:
    loaded = open_explorer(context, f"{demo_url}/explorer")
    page = loaded.page
    chart = page.locator("[data-chart]").first
    segment = page.evaluate(SEGMENT, chart.element_handle())
    assert segment["drill"] and segment["height"] > 4, segment
    group_totals = totals_by_currency(page, f'tr[data-group="{segment["name"]}"]')
    with page.expect_navigation():
        # a real click at the segment; Playwright scrolls the chart into view and waits until it can
        chart.click(position={"x": segment["x"], "y": segment["y"]})
    assert page.url == demo_url + segment["drill"]
    query = urlsplit(page.url).query
    assert "group_by=SubAccountId" in query and "filter=ServiceName%3D" in query
    chip = page.locator("a[data-chip]")
    assert chip.count() == 1 and chip.inner_text().startswith(f"ServiceName = {segment['name']}")
    assert totals_by_currency(page, "tr[data-group-total]") == group_totals
    assert loaded.problems == []
    page.close()


def test_the_csv_download_adds_up_to_the_api_totals(
    context: sync_api.BrowserContext, demo_url: str, tmp_path: Path
) -> None:
    loaded = open_explorer(context, f"{demo_url}/explorer?metric=EffectiveCost")
    page = loaded.page
    link = page.locator('a[data-export="csv"]')
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("EffectiveCost-by-ServiceName-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.reader(saved.open(encoding="utf-8")))
    totals = {row[0]: Decimal(row[-2]) for row in rows[1:] if row[1] == "Total"}
    query = urlsplit(str(link.get_attribute("href"))).query
    api = httpx.get(f"{demo_url}/api/v1/costs?{query}").json()
    assert totals and totals == {currency: Decimal(amount) for currency, amount in api["totals"].items()}
    assert loaded.problems == []
    page.close()
