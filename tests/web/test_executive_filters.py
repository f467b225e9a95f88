"""The executive summary's filters on the demo company: the rollups give the ledger's exact answers, a provider
or environment selects the ledger rows it names (checked with plain DuckDB over the ledger's Parquet), a
department shows its allocated cost and its own budget, the page shows what the API returns for the same filter,
and a bad filter names itself."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import httpx
import pytest
from playwright import sync_api

from api_client import Api
from browser_page import Loaded, drawn, needs_browser
from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.dashboard_selection import Selection
from cloudledger.analyses.department_trend import department_charts
from cloudledger.analyses.kpis import executive_kpis
from cloudledger.analyses.summary import Tables
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.config.load import load_config
from cloudledger.home import Home
from cloudledger.ledger.overlap import counted_files
from cloudledger.ledger.read import open_ledger
from cloudledger.ledger.table import Ledger
from cloudledger.render import money

D = Decimal
SELECTIONS = [
    Selection(),
    Selection(providers=("AWS",)),
    Selection(environment="production"),
    Selection(department="Engineering"),
    Selection(providers=("Microsoft", "Google Cloud"), department="Data Science"),
]


@pytest.fixture(scope="module")
def site(demo_home: Home) -> Api:
    return Api(create_app(settings_from(demo_home.root, demo_home.config_path)))


def kpis_shown(page: str) -> dict[str, str]:
    return {k: html.unescape(v).strip() for k, v in re.findall(r'data-kpi="([^"]+)">([^<]*)<', page)}


@pytest.mark.parametrize("selection", SELECTIONS, ids=str)
def test_the_rollups_give_the_ledgers_exact_kpis_and_charts(demo_home: Home, selection: Selection) -> None:
    config = load_config(demo_home.config_path)
    view = open_ledger(demo_home)
    try:
        tags = TagResolver.of(view.table, config.tag_policy)
        on_ledger = executive_kpis(view.table, config, tags=tags, selection=selection)
        on_rollups = executive_kpis(
            Tables(view.table, view.daily, view.monthly), config, tags=tags, selection=selection
        )
        month = on_ledger.month or ""
        charts = department_charts(view.table, config, month, tags=tags, selection=selection)
        charts_on_rollup = department_charts(view.monthly, config, month, tags=tags, selection=selection)
    finally:
        view.close()
    assert on_rollups == on_ledger
    assert charts_on_rollup == charts
    assert on_ledger.currencies and on_ledger.currencies[0].month_to_date.spend > 0


def ledger_sum(home: Home, where: str, start: date, end: date) -> Decimal:
    """EffectiveCost of the counted ledger rows charged from `start` to `end` (inclusive) matching `where`."""
    view = open_ledger(home)
    try:
        files = list(counted_files(view.snapshot.files))  # AWS comes in two formats: count one
    finally:
        view.close()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.read_parquet(files, hive_partitioning=True, union_by_name=True)
    day = "cast(ChargePeriodStart as date)"
    found = rows.filter(f"{where} and {day} >= DATE '{start}' and {day} <= DATE '{end}'").aggregate(
        "sum(EffectiveCost)"
    )
    return D(found.fetchone()[0] or 0)  # type: ignore[index]


def test_a_provider_filter_shows_that_providers_spend(site: Api, demo_home: Home) -> None:
    api = site.get("/api/v1/kpis", provider="AWS").json()
    line = api["currencies"][0]
    mtd = line["month_to_date"]
    expected = ledger_sum(
        demo_home, "ProviderName = 'AWS'", date.fromisoformat(mtd["start"]), date.fromisoformat(mtd["end"])
    )
    assert D(mtd["spend"]) == expected
    everything = site.get("/api/v1/kpis").json()["currencies"][0]["month_to_date"]["spend"]
    assert D(mtd["spend"]) < D(everything)
    page = site.get("/", provider="AWS").text
    shown = kpis_shown(page)
    assert shown[f"{line['currency']}:mtd"] == f"{money(D(mtd['spend']))} {line['currency']}"
    assert '<option value="AWS" selected>AWS</option>' in page
    assert "Showing AWS." in html.unescape(page)


def test_an_environment_filter_reads_the_tag_through_the_policy(site: Api, demo_home: Home) -> None:
    line = site.get("/api/v1/kpis", environment="production").json()["currencies"][0]
    mtd = line["month_to_date"]
    # the demo writes the environment as env or Environment, prod or production: the policy reads them alike
    config = load_config(demo_home.config_path)
    view = open_ledger(demo_home)
    try:
        tags = TagResolver.of(view.table, config.tag_policy)
        rows = view.table.filter(tags.value(view.table, "Environment") == "production")
        day = rows.ChargePeriodStart.date()
        start, end = date.fromisoformat(mtd["start"]), date.fromisoformat(mtd["end"])
        total = rows.filter((day >= start) & (day <= end)).EffectiveCost.sum().to_pyarrow().as_py()
        raw_keys = view.table.Tags.keys().unnest().name("k").as_table().distinct().to_pyarrow().column("k").to_pylist()
    finally:
        view.close()
    assert D(mtd["spend"]) == total
    assert {"env", "Environment"} & set(raw_keys), "the demo should spell the key in more than one way"


def test_a_department_filter_shows_its_allocated_cost_and_its_budget(site: Api, demo_home: Home) -> None:
    body = site.get("/api/v1/kpis", department="engineering").json()  # aliases and case are accepted
    line = body["currencies"][0]
    month = body["month"]
    config = load_config(demo_home.config_path)
    view = open_ledger(demo_home)
    try:
        rows = allocate(view.table, config, AllocationQuery("EffectiveCost", month, month, keep=("day",)))
        mine = rows.filter(rows.department == "Engineering")
        start, end = (
            date.fromisoformat(line["month_to_date"]["start"]),
            date.fromisoformat(line["month_to_date"]["end"]),
        )
        expected = mine.filter((mine.day >= start) & (mine.day <= end)).amount.sum().to_pyarrow().as_py()
    finally:
        view.close()
    assert D(line["month_to_date"]["spend"]) == expected
    budgets = [b for b in config.budgets if getattr(b.scope, "department", None) == "Engineering"]
    assert budgets, "the demo company budgets its departments"
    assert line["budget_month"] is not None
    assert line["allocated_pct"] is None and line["savings_vs_list_pct"] is None
    page = site.get("/", department="Engineering").text
    series = re.findall(r'"department": "([^"]+)"', html.unescape(page))
    assert set(series) == {"Engineering"}
    assert 'data-performance="' in page


def test_the_budget_performance_table_repeats_the_charts_numbers(site: Api) -> None:
    page = html.unescape(site.get("/").text)
    table = re.search(r'<table class="performance"[^>]*data-performance="USD">(.*?)</table>', page, re.S)
    assert table, "no budget performance table"
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>', table.group(1))
    assert len(rows) >= 4
    for _, actual, budget in rows:
        assert re.fullmatch(r"[\d,]+\.\d\d", actual) and re.fullmatch(r"[\d,]+\.\d\d|—", budget)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"department": "Nobody"}, "department"), ({"period": "2025-13"}, "period"), ({"provider": "Oracle"}, "provider")],
)
def test_a_bad_filter_is_named(site: Api, params: dict[str, str], parameter: str) -> None:
    page = site.get("/", **params)
    assert page.status_code == 422 and f"<strong>{parameter}</strong>" in page.text
    if parameter != "period":
        api = site.get("/api/v1/kpis", **params)
        assert api.status_code == 422 and api.json()["error"]["parameter"] == parameter
        assert ("Engineering" if parameter == "department" else "Google Cloud") in api.json()["error"]["message"]


def test_a_past_month_reports_as_of_its_last_day(site: Api) -> None:
    latest = site.get("/api/v1/kpis").json()["month"]
    year, month = int(latest[:4]), int(latest[5:])
    earlier = f"{year if month > 3 else year - 1}-{(month - 3 - 1) % 12 + 1:02d}"
    page = site.get("/", period=earlier).text
    first_next = date(int(earlier[:4]) + (earlier[5:] == "12"), int(earlier[5:]) % 12 + 1, 1)
    last_day = (first_next - timedelta(days=1)).isoformat()
    assert f'<time datetime="{last_day}">' in page
    api = site.get("/api/v1/kpis", as_of_day=last_day).json()
    shown = kpis_shown(page)
    code = api["currencies"][0]["currency"]
    assert shown[f"{code}:ytd"] == f"{money(D(api['currencies'][0]['year_to_date']['spend']))} {code}"


@needs_browser
def test_changing_a_filter_redraws_the_page_with_the_apis_numbers(browser: sync_api.Browser, demo_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    loaded = Loaded(context.new_page())
    page = loaded.page
    try:
        page.goto(f"{demo_url}/", wait_until="networkidle")
        before = page.locator('[data-kpi$=":mtd"]').first.inner_text()
        page.focus('select[name="provider"]')  # as a keyboard user reaches it
        page.select_option('select[name="provider"]', "Google Cloud")  # htmx swaps the page's main part
        page.wait_for_url(lambda url: "provider=Google" in url, wait_until="commit")
        page.wait_for_selector("[data-selection]")
        page.wait_for_load_state("networkidle")
        page.wait_for_selector("[data-chart] svg")
        assert page.evaluate("document.activeElement.name") == "provider"  # the focus stays on the control
        drawn(page.locator("[data-chart]").first)
        body: dict[str, Any] = httpx.get(f"{demo_url}/api/v1/kpis", params={"provider": "Google Cloud"}).json()
        line = body["currencies"][0]
        after = page.locator(f'[data-kpi="{line["currency"]}:mtd"]').inner_text()
        assert after == f"{money(D(line['month_to_date']['spend']))} {line['currency']}"
        assert after != before
        assert loaded.problems == []
    finally:
        context.close()


def test_a_version_as_of_is_kept_by_the_filter_form(site: Api, demo_home: Home) -> None:
    version = Ledger(demo_home.ledger_path).version()
    page = site.get("/", as_of=str(version)).text
    assert f'<input type="hidden" name="as_of" value="{version}">' in page


@pytest.mark.parametrize("day", [date(2026, 3, 14), date(2025, 12, 31), date(2026, 2, 28)], ids=str)
def test_an_environment_reads_whole_months_from_the_rollup_and_the_rest_from_the_ledger(
    demo_home: Home, day: date
) -> None:
    config = load_config(demo_home.config_path)
    selection = Selection(environment="production", providers=("AWS", "Microsoft"))
    view = open_ledger(demo_home)
    try:
        tags = TagResolver.of(view.table, config.tag_policy)
        on_ledger = executive_kpis(view.table, config, as_of_day=day, tags=tags, selection=selection)
        both = Tables(view.table, view.daily, view.monthly)
        assert executive_kpis(both, config, as_of_day=day, tags=tags, selection=selection) == on_ledger
    finally:
        view.close()
    assert on_ledger.currencies[0].year_to_date.previous_spend > 0


def test_a_window_splits_into_whole_months_and_partial_pieces() -> None:
    from cloudledger.analyses.kpis_months import split

    months, pieces = split((date(2025, 1, 1), date(2025, 10, 12)), current=date(2026, 10, 12))
    assert months == [date(2025, m, 1) for m in range(1, 10)]
    assert pieces == [(date(2025, 10, 1), date(2025, 10, 12))]
    months, pieces = split((date(2026, 1, 1), date(2026, 10, 31)), current=date(2026, 10, 31))
    assert months[-1] == date(2026, 9, 1) and pieces == [(date(2026, 10, 1), date(2026, 10, 31))]
    assert split((date(2026, 9, 1), date(2026, 9, 30)), current=date(2026, 10, 31)) == ([date(2026, 9, 1)], [])
