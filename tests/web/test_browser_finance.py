"""The chargeback, budgets and unit costs pages in a real browser against the demo company on a real uvicorn:
each loads cleanly and draws its chart; the chargeback's CSV link downloads the API's total."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from playwright import sync_api

from browser_page import Loaded, drawn, needs_browser

pytestmark = needs_browser


@pytest.fixture(scope="module")
def context(browser: sync_api.Browser) -> Iterator[sync_api.BrowserContext]:
    made = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield made
    made.close()


@pytest.mark.parametrize(
    ("path", "title"),
    [("/chargeback", "Chargeback"), ("/budgets", "Budgets"), ("/units", "Unit costs")],
)
def test_the_page_loads_cleanly_and_its_chart_draws(
    context: sync_api.BrowserContext, demo_url: str, path: str, title: str
) -> None:
    loaded = Loaded(context.new_page())
    page = loaded.page
    try:
        page.goto(f"{demo_url}{path}", wait_until="networkidle")
        page.wait_for_selector("[data-chart] svg")
        assert page.title() == f"{title} · cloudledger"
        drawn(page.locator("[data-chart]").first)
        assert loaded.problems == []
    finally:
        page.close()


def test_the_csv_link_downloads_the_api_total(context: sync_api.BrowserContext, demo_url: str, tmp_path: Path) -> None:
    loaded = Loaded(context.new_page())
    page = loaded.page
    try:
        page.goto(f"{demo_url}/chargeback?level=department", wait_until="networkidle")
        period = page.locator("[data-period]").inner_text()
        with page.expect_download() as info:
            page.locator('a[data-download="csv"]').click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.name == f"chargeback-{period}-department.csv"
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))):
            totals[row["currency"]] += Decimal(row["total"])
        api = httpx.get(f"{demo_url}/api/v1/chargeback", params={"period": period, "level": "department"}).json()
        assert {c: Decimal(v) for c, v in api["ledger_total"].items()} == dict(totals)
        assert loaded.problems == []
    finally:
        page.close()
