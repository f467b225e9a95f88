"""The Cloud & AI/ML page in a real browser against the demo company: it loads cleanly, every chart draws,
the provider filter is kept in the URL, and a provider's bar opens the explorer for that provider."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright import sync_api

from browser_page import Loaded, drawn, needs_browser

pytestmark = needs_browser


@pytest.fixture(scope="module")
def context(browser: sync_api.Browser) -> Iterator[sync_api.BrowserContext]:
    opened = browser.new_context(viewport={"width": 1280, "height": 900})
    yield opened
    opened.close()


def open_cloud(context: sync_api.BrowserContext, url: str) -> Loaded:
    loaded = Loaded(context.new_page())
    loaded.page.goto(url, wait_until="networkidle")
    loaded.page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every(e => e.querySelector('svg'))"
    )
    return loaded


def test_the_page_loads_and_every_chart_draws(context: sync_api.BrowserContext, demo_url: str) -> None:
    loaded = open_cloud(context, f"{demo_url}/cloud")
    page = loaded.page
    assert page.title() == "Cloud & AI/ML · cloudledger"
    charts = page.locator("[data-chart]")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        drawn(chart)
    assert loaded.problems == []
    page.close()


def test_the_provider_filter_is_kept_in_the_url(context: sync_api.BrowserContext, demo_url: str) -> None:
    loaded = open_cloud(context, f"{demo_url}/cloud")
    page = loaded.page
    page.get_by_label("AWS", exact=True).check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    query = parse_qs(urlsplit(page.url).query)
    assert query["provider"] == ["AWS"]
    assert page.get_by_label("AWS", exact=True).is_checked()
    providers = page.evaluate(
        "JSON.parse(document.querySelector('script[id^=\"cloud-services-\"]').textContent).providers"
    )
    assert providers == ["AWS"]
    page.wait_for_function("() => document.querySelector('[data-chart] svg')")
    drawn(page.locator("[data-chart]").first, min_shapes=4, min_colours=8)
    assert loaded.problems == []
    page.close()


def test_a_provider_bar_opens_the_explorer(context: sync_api.BrowserContext, demo_url: str) -> None:
    loaded = open_cloud(context, f"{demo_url}/cloud")
    page = loaded.page
    element = page.locator("[data-chart^='cloud-services-']").first
    element.scroll_into_view_if_needed()
    point = page.evaluate(
        """(element) => {
            const chart = echarts.getInstanceByDom(element);
            const data = JSON.parse(document.getElementById(element.dataset.chart).textContent);
            const first = data.series[0].data[0];
            return {pixel: chart.convertToPixel({seriesIndex: 0}, [0, first / 2]), link: data.links[0]};
        }""",
        element.element_handle(),
    )
    x, y = point["pixel"]
    url = None
    for _ in range(3):  # on a loaded machine a click can land before the chart has settled: click again
        try:
            with page.expect_request(lambda r: urlsplit(r.url).path == "/explorer", timeout=10_000) as asked:
                # a real click at that point of the chart; Playwright scrolls it into view and waits until it can
                element.click(position={"x": x, "y": y})
            url = asked.value.url
            break
        except sync_api.TimeoutError:
            continue
    assert url is not None, "clicking the bar opened no explorer page"
    assert url.endswith(point["link"])
    assert parse_qs(urlsplit(url).query)["group_by"] == ["ServiceName"]
    assert parse_qs(urlsplit(url).query)["filter"][0].startswith("ProviderName=")
    page.close()
