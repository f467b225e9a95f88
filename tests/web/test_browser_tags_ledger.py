"""The tags & allocation and ledger pages in a real browser against a real uvicorn: both load cleanly, the
compliance chart draws, and travelling to an older version from the ledger page shows that version's numbers
with the time-travel banner, kept by the navigation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright import sync_api

from allocation_ledger import ROWS, build_ledger, cost_row
from api_client import POLICY
from browser_page import Loaded, drawn, needs_browser
from cloudledger.ledger.ingest import ingest
from cloudledger.render import money
from focus_rows import write_focus_csv
from live_server import serving

pytestmark = needs_browser

RESTATED = ("2025-02", "USD", "Amazon EC2", "acct-eng", {"team": "platform"}, "1000.00")
"""A row the provider adds when it restates the USD bill (version 1)."""


def usd_spend(rows: list[tuple[Any, ...]]) -> Decimal:
    """USD EffectiveCost of `rows`: every row is charged in 2025, so it is the year-to-date spend."""
    return sum((Decimal(r[-1]) for r in rows if r[1] == "USD"), Decimal(0))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser-tags-ledger")
    home = build_ledger(folder)  # version 0
    home.config_path.write_text(POLICY, encoding="utf-8")
    by_currency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for spec in [*ROWS, RESTATED]:
        by_currency[spec[1]].append(cost_row(*spec))
    ingest(home, [write_focus_csv(folder / "focus-USD.csv", by_currency["USD"])])  # version 1
    with serving(home.root, home.config_path) as url:
        yield url


@pytest.fixture()
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60_000)  # two workers share two cores with the servers they test
    yield context.new_page()
    context.close()


def test_the_tags_page_loads_and_its_chart_draws(page: sync_api.Page, server: str) -> None:
    loaded = Loaded(page)
    page.goto(f"{server}/tags?by=team&period=2025-01", wait_until="networkidle")
    page.wait_for_selector("#tags-chart-USD svg")
    assert page.title() == "Tags & allocation · cloudledger"
    drawn(page.locator("#tags-chart-USD"))
    page.get_by_label("Break down by").select_option("service")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/tags?period=2025-01&by=service")
    page.wait_for_selector("#tags-chart-USD svg")
    drawn(page.locator("#tags-chart-USD"))
    assert loaded.problems == []


def test_travelling_to_an_older_version_from_the_ledger_page(page: sync_api.Page, server: str) -> None:
    loaded = Loaded(page)
    page.goto(f"{server}/ledger", wait_until="networkidle")
    assert page.locator("[data-as-of]").count() == 0
    page.get_by_role("link", name="View as of this version (0)").click()
    page.wait_for_url("**/?as_of=0")
    page.wait_for_selector("[data-chart] svg")
    before = usd_spend(ROWS)
    assert page.locator('[data-kpi="USD:ytd"]').inner_text() == f"{money(before)} USD" == "242.00 USD"
    assert page.locator("[data-as-of]").inner_text() == "0"
    hrefs = page.locator('nav[aria-label="Pages"] a').evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(href.endswith("?as_of=0") for href in hrefs), hrefs
    page.locator('nav[aria-label="Pages"]').get_by_role("link", name="Ledger").click()
    page.wait_for_url("**/ledger?as_of=0")
    usd = page.locator('table[data-table="currencies"] tr[data-currency="USD"]')
    assert usd.locator('[data-cell="effective"]').inner_text() == f"{money(before)} USD"
    after = usd_spend([*ROWS, RESTATED])
    assert usd.locator('[data-cell="latest"]').inner_text() == f"{money(after)} USD" == "1,242.00 USD"
    page.get_by_role("link", name="Back to the latest data").click()
    page.wait_for_url("**/ledger")
    assert page.locator("[data-as-of]").count() == 0
    assert usd.locator('[data-cell="effective"]').inner_text() == f"{money(after)} USD"
    assert loaded.problems == []
