"""The chargeback page and its downloads: the numbers of its API twin, totals equal to the ledger's (summed by
hand from the rows, or with plain DuckDB over the ledger's Parquet files), files that open and add up, errors
that name the parameter, and the empty home."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import httpx
import openpyxl
import pytest
from deltalake import DeltaTable

from allocation_ledger import build_ledger, ledger_totals
from api_client import POLICY, Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.render import money

D = Decimal
DEMO_PERIOD = "2025-06"
"""A demo month that each billing account delivers in one format only (checked below)."""
SUSPENSE = "\nchargeback:\n  level: team\n  suspense_account: '6999'\n"


@pytest.fixture(scope="module")
def hand_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = build_ledger(tmp_path_factory.mktemp("chargeback"))
    home.config_path.write_text(POLICY, encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def hand(hand_home: Home) -> Api:
    return Api(create_app(settings_from(hand_home.root, hand_home.config_path)))


@pytest.fixture(scope="module")
def demo(demo_home: Home) -> Api:
    return Api(create_app(settings_from(demo_home.root, demo_home.config_path)))


def page_of(api: Api, **params: str) -> str:
    response = api.get("/chargeback", **params)
    assert response.status_code == 200, response.text[:800]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def table_rows(page: str, currency: str) -> dict[str, dict[str, str]]:
    """owner → {field: text} of the chargeback table of `currency` (the footer row is keyed "total")."""
    table = re.search(rf'<table class="chargeback" data-currency="{currency}">(.*?)</table>', page, re.S)
    assert table, f"no {currency} table"
    rows = {}
    for owner, body in re.findall(r'<tr data-owner="([^"]+)"[^>]*>(.*?)</tr>', table.group(1), re.S):
        cells = re.findall(r'<td data-field="(\w+)">(.*?)</td>', body, re.S)
        rows[html.unescape(owner)] = {name: html.unescape(text).strip() for name, text in cells}
    return rows


def chart_of(page: str, currency: str) -> dict[str, object]:
    found = re.search(rf'<script type="application/json" id="chart-data-{currency}">(.*?)</script>', page, re.S)
    assert found, f"no {currency} chart"
    data: dict[str, object] = json.loads(found.group(1))
    return data


def shown_pct(value: str | None) -> str:
    return "—" if value is None else f"{D(value):+,.2f} %"


def test_the_default_period_is_the_last_complete_one(hand: Api) -> None:
    # The hand ledger's February is charged up to the 5th only: January is the last complete period.
    page = page_of(hand)
    assert re.search(r"<strong data-period>2025-01</strong>", page)
    assert re.findall(r'<option value="(\d{4}-\d\d)"', page) == ["2025-02", "2025-01"]
    assert '<option value="team" selected>' in page  # the config's level
    assert re.search(r'<label for="period">', page) and re.search(r'<select id="period" name="period">', page)


@pytest.mark.parametrize("level", ["department", "team", "cost_center"])
def test_each_line_shows_the_api_numbers(hand: Api, level: str) -> None:
    page = page_of(hand, period="2025-01", level=level)
    body = hand.get("/api/v1/chargeback", period="2025-01", level=level).json()
    assert body["lines"], "the API has no lines"
    for currency in body["ledger_total"]:
        shown = table_rows(page, currency)
        lines = [line for line in body["lines"] if line["currency"] == currency]
        assert list(shown) == [line["owner"] for line in lines] + ["total"]
        for line in lines:
            row = shown[line["owner"]]
            for field in ("direct", "shared", "total", "previous", "budget"):
                value = line[field]
                assert row[field] == money(None if value is None else D(value)), (line["owner"], field)
            assert row["variance_pct"] == shown_pct(line["variance_pct"])
            assert row["change_pct"] == shown_pct(line["change_pct"])
        assert shown["total"]["total"] == money(D(body["ledger_total"][currency]))
        assert f'data-kpi="{currency}:allocated">{D(body["allocated_pct"][currency]):,.2f} %<' in page


def test_the_numbers_are_the_hand_computed_ones(hand: Api) -> None:
    page = page_of(hand, period="2025-01", level="team")
    usd = table_rows(page, "USD")
    # The 10.00 support fee is shared by the teams in proportion to their direct cost (100 and 50).
    assert usd["platform"] == {**usd["platform"], "direct": "100.00", "shared": "6.67", "total": "106.67"}
    assert usd["payments"]["shared"] == "3.33" and usd["payments"]["total"] == "53.33"
    assert usd["Unallocated"]["total"] == "7.00"  # the "nobody" team is no team
    totals = ledger_totals()
    for currency in ("USD", "EUR"):
        rows = table_rows(page, currency)
        assert rows["total"]["total"] == money(totals[("2025-01", currency)])
        assert f'data-kpi="{currency}:total">{money(totals[("2025-01", currency)])} {currency}<' in page
    assert 'data-kpi="USD:allocated">96.45 %<' in page  # (197 − 7) ÷ 197
    assert 'data-kpi="USD:unallocated">7.00 USD<' in page


def test_the_chart_holds_the_totals_by_owner_with_unallocated_last(hand: Api) -> None:
    page = page_of(hand, period="2025-01")
    chart = chart_of(page, "USD")
    assert chart["kind"] == "chargeback-owners" and chart["currency"] == "USD"
    assert chart["owners"] == ["platform", "payments", "Data (no team)", "Unallocated"]
    assert chart["totals"] == [106.67, 53.33, 30.0, 7.0]
    assert chart["unallocated"] == "Unallocated"
    assert 'data-chart="chart-data-USD"' in page and "/static/finance.js" in page


def demo_ledger_totals(home: Home, period: str) -> dict[str, Decimal]:
    """EffectiveCost of `period` per currency with plain DuckDB over the Parquet files of the latest Delta
    version, Kubernetes allocation rows left out."""
    files = DeltaTable(str(home.ledger_path)).file_uris()
    con = duckdb.connect()
    formats = con.execute(
        "SELECT count(DISTINCT x_source) FROM read_parquet(?, hive_partitioning = true, union_by_name = true) "
        "WHERE x_billing_period = ? AND x_source <> 'opencost' GROUP BY x_billing_account",
        [files, period],
    ).fetchall()
    assert formats and all(n == 1 for (n,) in formats), "the period must come in one format per account"
    rows = con.execute(
        "SELECT BillingCurrency, sum(EffectiveCost) FROM read_parquet(?, hive_partitioning = true, "
        "union_by_name = true) WHERE x_billing_period = ? AND x_source <> 'opencost' GROUP BY 1",
        [files, period],
    ).fetchall()
    return {currency: D(total).quantize(D("0.01")) for currency, total in rows}


@pytest.fixture(scope="module")
def demo_expected(demo_home: Home) -> dict[str, Decimal]:
    return demo_ledger_totals(demo_home, DEMO_PERIOD)


@pytest.mark.parametrize("level", ["team", "cost_center"])
def test_the_demo_totals_equal_the_ledger_total(demo: Api, demo_expected: dict[str, Decimal], level: str) -> None:
    page = page_of(demo, period=DEMO_PERIOD, level=level)
    assert demo_expected
    for currency, total in demo_expected.items():
        rows = table_rows(page, currency)
        assert rows["total"]["total"] == money(total)
        lines = sum((D(r["total"].replace(",", "")) for o, r in rows.items() if o != "total"), D(0))
        assert lines == total  # the lines add up to the ledger total to the cent
        chart = chart_of(page, currency)
        assert len(chart["owners"]) == len(rows) - 1  # type: ignore[arg-type]


def download(api: Api, path: str, **params: str) -> httpx.Response:
    response = api.get(path, **params)
    assert response.status_code == 200, response.text[:800]
    assert response.headers["content-disposition"].startswith("attachment;")
    return response


def test_the_download_links_keep_period_level_and_as_of(demo: Api, demo_home: Home) -> None:
    version = DeltaTable(str(demo_home.ledger_path)).version()
    page = page_of(demo, period=DEMO_PERIOD, level="department", as_of=str(version))
    links = {kind: html.unescape(href) for kind, href in re.findall(r'data-download="(\w+)" href="([^"]+)"', page)}
    assert set(links) == {"csv", "xlsx", "pdf", "gl"}
    query = f"as_of={version}&period={DEMO_PERIOD}"
    for kind in ("csv", "xlsx", "pdf"):
        assert links[kind] == f"/chargeback/download.{kind}?{query}&level=department"
    assert links["gl"] == f"/chargeback/general-ledger.csv?{query}&level=cost_center"
    assert download(demo, links["csv"]).content.startswith(b"period,level,owner")


def test_the_csv_download_adds_up_to_the_api_total(demo: Api, demo_expected: dict[str, Decimal]) -> None:
    response = download(demo, "/chargeback/download.csv", period=DEMO_PERIOD, level="team")
    assert 'filename="chargeback-2025-06-team.csv"' in response.headers["content-disposition"]
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    totals: dict[str, Decimal] = defaultdict(D)
    for row in rows:
        assert row["period"] == DEMO_PERIOD and row["level"] == "team"
        totals[row["currency"]] += D(row["total"])
    api = demo.get("/api/v1/chargeback", period=DEMO_PERIOD, level="team").json()
    assert {c: D(v) for c, v in api["ledger_total"].items()} == dict(totals) == demo_expected


def test_the_xlsx_download_opens_with_the_same_total(demo: Api, demo_expected: dict[str, Decimal]) -> None:
    response = download(demo, "/chargeback/download.xlsx", period=DEMO_PERIOD, level="department")
    assert 'filename="chargeback-2025-06-department.xlsx"' in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
    summary = book[book.sheetnames[0]]
    cells = [c.value for row in summary.iter_rows() for c in row]
    numbers = {D(str(v)).quantize(D("0.01")) for v in cells if isinstance(v, int | float)}
    for total in demo_expected.values():
        assert total in numbers, f"no total {total} on the summary sheet"


def test_the_pdf_download_is_a_pdf(demo: Api) -> None:
    response = download(demo, "/chargeback/download.pdf", period=DEMO_PERIOD, level="department")
    assert response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="chargeback-2025-06-department.pdf"' in response.headers["content-disposition"]


def test_the_general_ledger_balances_with_the_ledger(demo: Api, demo_expected: dict[str, Decimal]) -> None:
    response = download(demo, "/chargeback/general-ledger.csv", period=DEMO_PERIOD, level="cost_center")
    assert 'filename="general-ledger-2025-06-cost_center.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and all(row["gl_account"] for row in rows)
    posted: dict[str, Decimal] = defaultdict(D)
    for row in rows:
        posted[row["currency"]] += D(row["amount"])
    assert dict(posted) == demo_expected  # the postings (debits) equal the bill (the credit side)


def test_downloads_leave_no_temporary_file(demo: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    download(demo, "/chargeback/download.csv", period=DEMO_PERIOD)
    download(demo, "/chargeback/general-ledger.csv", period=DEMO_PERIOD)
    assert list(tmp_path.iterdir()) == []


def error_detail(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    found = re.search(r'data-error-status="422">(?:<strong>(\w+)</strong>: )?(.*?)</p>', response.text, re.S)
    assert found, response.text[:800]
    return found.group(1) or "", html.unescape(found.group(2))


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/chargeback", {"period": "2025-13"}, "period"),
        ("/chargeback", {"period": "2031-01"}, "period"),
        ("/chargeback", {"level": "company"}, "level"),
        ("/chargeback/download.csv", {"level": "company"}, "level"),
        ("/chargeback/download.csv", {"period": "January"}, "period"),
        ("/chargeback/download.docx", {}, "fmt"),
        ("/chargeback/general-ledger.csv", {"level": "team"}, "level"),
    ],
)
def test_a_bad_parameter_is_a_422_page_naming_it(hand: Api, path: str, params: dict[str, str], parameter: str) -> None:
    named, message = error_detail(hand.get(path, **params))
    assert named == parameter
    assert message


def test_a_period_the_ledger_does_not_hold_says_which_it_holds(hand: Api) -> None:
    _, message = error_detail(hand.get("/chargeback", period="2031-01"))
    assert message == "the ledger holds no billing period 2031-01; it holds 2025-01 to 2025-02"


def test_the_general_ledger_without_a_suspense_account_names_the_problem(hand: Api) -> None:
    named, message = error_detail(hand.get("/chargeback/general-ledger.csv", period="2025-01"))
    assert named == ""
    assert "7.00 USD of 2025-01 reached no owner" in message and "suspense_account" in message


def test_the_general_ledger_posts_unallocated_cost_to_the_suspense_account(hand_home: Home, tmp_path: Path) -> None:
    config = tmp_path / "cloudledger.yaml"
    config.write_text(POLICY.replace("chargeback:\n  level: team\n", SUSPENSE), encoding="utf-8")
    api = Api(create_app(settings_from(hand_home.root, config)))
    rows = list(csv.DictReader(io.StringIO(download(api, "/chargeback/general-ledger.csv", period="2025-01").text)))
    by_account = {(row["gl_account"], row["currency"]): D(row["amount"]) for row in rows}
    # CC-ENG: platform 100 + 6.67 of support (EUR: 20); CC-PAY: payments 53.33; CC-DATA: 30; suspense: 7.
    assert by_account == {
        ("6100", "EUR"): D("20.00"),
        ("6100", "USD"): D("106.67"),
        ("6150", "USD"): D("53.33"),
        ("6200", "USD"): D("30.00"),
        ("6999", "USD"): D("7.00"),
    }
    assert sum(v for (_, c), v in by_account.items() if c == "USD") == ledger_totals()[("2025-01", "USD")]


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    api = Api(create_app(settings_from(home.root)))
    response = api.get("/chargeback")
    assert response.status_code == 200
    command = re.search(r"<code data-ingest>(.*?)</code>", response.text)
    assert command and html.unescape(command.group(1)) == f"cloudledger ingest PATH --home {home.root}"
    assert "echarts" not in response.text and "error" not in response.text.lower()
    assert api.get("/chargeback/download.csv").status_code == 409
