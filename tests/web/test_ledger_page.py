"""The ledger page on a hand-made ledger restated once: every ingest and version listed, each version's totals
(hand sums of the files) when the page travels to it, the travel form, bad `as_of` values and the empty home."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from api_client import Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.render import money
from focus_rows import focus_row, write_focus_csv

D = Decimal
JANUARY = {"start": "2025-01-01T00:00:00Z", "end": "2025-02-01T00:00:00Z", "day": "2025-01-05T00:00:00Z"}
FEBRUARY = {"start": "2025-02-01T00:00:00Z", "end": "2025-03-01T00:00:00Z", "day": "2025-02-05T00:00:00Z"}
# (billed, effective) per row of each file: January is restated by the second ingest
JANUARY_FIRST = [("1000.10", "900.10"), ("250.00", "240.00")]
JANUARY_RESTATED = [("1000.10", "900.10"), ("250.00", "240.00"), ("1234.56", "1200.00")]
FEBRUARY_ROWS = [("300.00", "290.50")]
EURO_ROWS = [("80.00", "75.25"), ("20.00", "19.75")]


def rows(costs: list[tuple[str, str]], month: dict[str, str], **fields: Any) -> list[dict[str, Any]]:
    return [
        focus_row(
            BilledCost=billed,
            EffectiveCost=effective,
            BillingPeriodStart=month["start"],
            BillingPeriodEnd=month["end"],
            ChargePeriodStart=month["day"],
            ChargePeriodEnd=month["day"].replace("05T", "06T"),
            ResourceId=f"vm-{i}",
            **fields,
        )
        for i, (billed, effective) in enumerate(costs)
    ]


def build_restated(folder: Path) -> Home:
    """Version 0: January, February (USD) and January (EUR); version 1: January USD restated."""
    home = Home(folder / "home").ensure()
    euro = {"BillingCurrency": "EUR", "BillingAccountId": "222222222222"}
    first = [
        write_focus_csv(folder / "jan.csv", rows(JANUARY_FIRST, JANUARY)),
        write_focus_csv(folder / "feb.csv", rows(FEBRUARY_ROWS, FEBRUARY)),
        write_focus_csv(folder / "eur.csv", rows(EURO_ROWS, JANUARY, **euro)),
    ]
    ingest(home, first)
    ingest(home, [write_focus_csv(folder / "jan.csv", rows(JANUARY_RESTATED, JANUARY))])
    return home


def total(*parts: list[tuple[str, str]], which: int = 1) -> Decimal:
    return sum((D(row[which]) for part in parts for row in part), D(0))


@pytest.fixture(scope="module")
def restated(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return build_restated(tmp_path_factory.mktemp("ledger-page"))


@pytest.fixture(scope="module")
def web(restated: Home) -> Api:
    return Api(create_app(settings_from(restated.root)))


def table_rows(page: str, table: str) -> dict[str, dict[str, str]]:
    """Rows of a data-table keyed by their data-* attributes joined by spaces, as {cell: text}."""
    found = re.search(rf'<table data-table="{table}">(.*?)</table>', page, re.S)
    assert found, f"no table {table}"
    out = {}
    for attributes, body in re.findall(r"<tr ((?:data-[a-z]+=\"[^\"]*\" ?)+)[^>]*>(.*?)</tr>", found.group(1), re.S):
        key = " ".join(re.findall(r'data-[a-z]+="([^"]*)"', attributes))
        values = re.findall(r'<td[^>]* data-cell="([^"]+)"[^>]*>(.*?)</td>', body, re.S)
        out[key] = {name: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for name, text in values}
    return out


def test_every_version_and_ingest_is_listed(web: Api) -> None:
    page = web.get("/ledger").text
    versions = table_rows(page, "versions")
    assert list(versions) == ["1", "0"]
    for number in ("0", "1"):
        assert f'<a href="/?as_of={number}" data-travel="{number}">View as of this version' in page
        assert f'<a href="/ledger?as_of={number}">{number}</a>' in page
    ingests = table_rows(page, "ingests")
    assert len(ingests) == 2
    assert [row["version"] for row in ingests.values()] == ["1", "0"]
    assert [row["status"] for row in ingests.values()] == ["landed", "landed"]
    assert [row["rows"] for row in ingests.values()] == [
        str(len(JANUARY_RESTATED)),
        str(len(JANUARY_FIRST) + len(FEBRUARY_ROWS) + len(EURO_ROWS)),
    ]
    assert [row["files"] for row in ingests.values()] == ["1", "3"]
    assert all(row["duration"].endswith(" s") for row in ingests.values())
    api = web.get("/api/v1/ledger/history").json()["ingests"]
    assert list(ingests) == [i["id"] for i in api]


def test_the_latest_version_shows_its_totals(web: Api) -> None:
    page = web.get("/ledger").text
    assert re.search(r"Viewing version <strong data-viewing>1</strong> \(the latest\)", page)
    currencies = table_rows(page, "currencies")
    usd_effective = total(JANUARY_RESTATED, FEBRUARY_ROWS)
    assert currencies["USD"] == {
        "billed": f"{money(total(JANUARY_RESTATED, FEBRUARY_ROWS, which=0))} USD",
        "effective": f"{money(usd_effective)} USD",
        "rows": str(len(JANUARY_RESTATED) + len(FEBRUARY_ROWS)),
    }
    assert currencies["USD"]["effective"] == "2,630.60 USD"  # thousands separator
    assert currencies["EUR"]["effective"] == f"{money(total(EURO_ROWS))} EUR"
    periods = table_rows(page, "periods")
    assert list(periods) == ["2025-01 EUR", "2025-01 USD", "2025-02 USD"]
    assert periods["2025-01 USD"]["effective"] == f"{money(total(JANUARY_RESTATED))} USD"
    assert "Latest EffectiveCost" not in page


def test_as_of_version_0_shows_the_totals_before_the_restatement(web: Api) -> None:
    page = web.get("/ledger", as_of="0").text
    assert re.search(r"<strong data-as-of>0</strong>", page)  # the banner
    assert "<strong data-viewing>0</strong>," in page
    currencies = table_rows(page, "currencies")
    before, after = total(JANUARY_FIRST, FEBRUARY_ROWS), total(JANUARY_RESTATED, FEBRUARY_ROWS)
    assert currencies["USD"]["effective"] == f"{money(before)} USD" == "1,430.60 USD"
    assert currencies["USD"]["latest"] == f"{money(after)} USD"
    assert currencies["USD"]["change"] == f"+{money(after - before)} USD" == "+1,200.00 USD"
    assert currencies["EUR"]["change"] == "0.00 EUR"
    periods = table_rows(page, "periods")
    assert periods["2025-01 USD"]["effective"] == f"{money(total(JANUARY_FIRST))} USD"
    assert periods["2025-02 USD"]["change"] == "0.00 USD"
    assert re.search(r'<tr data-version="0" aria-current="true"', page)
    nav = re.search(r'<nav aria-label="Pages">(.*?)</nav>', page, re.S)
    assert nav and '<a href="/cloud?as_of=0">' in nav.group(1)


def test_as_of_a_date_reads_the_version_of_that_day(web: Api) -> None:
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    page = web.get("/ledger", as_of=today).text
    assert "<strong data-viewing>1</strong>" in page


def test_the_travel_form_opens_a_page_as_of_a_version(web: Api) -> None:
    page = web.get("/ledger").text
    assert '<form class="filters" method="get" action="/ledger/travel">' in page
    assert re.search(r'<label for="travel-as-of">', page) and 'id="travel-as-of" name="as_of"' in page
    response = web.get("/ledger/travel", as_of="0", page="/cloud")
    assert response.status_code == 303 and response.headers["location"] == "/cloud?as_of=0"
    latest = web.get("/ledger/travel", as_of="", page="/tags")
    assert latest.status_code == 303 and latest.headers["location"] == "/tags"


@pytest.mark.parametrize(
    ("path", "query", "parameter", "status"),
    [
        ("/ledger", {"as_of": "last tuesday"}, "as_of", 422),
        ("/ledger", {"as_of": "7"}, "as_of", 404),
        ("/ledger", {"as_of": "1999-01-01"}, "as_of", 404),
        ("/ledger/travel", {"as_of": "soon"}, "as_of", 422),
        ("/ledger/travel", {"as_of": "0", "page": "https://example.com"}, "page", 422),
    ],
)
def test_a_bad_parameter_is_a_page_naming_it(
    web: Api, path: str, query: dict[str, str], parameter: str, status: int
) -> None:
    response = web.get(path, **query)
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")
    assert re.search(rf'data-error-status="{status}"><strong>{parameter}</strong>:', response.text)


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    response = Api(create_app(settings_from(home.root))).get("/ledger")
    assert response.status_code == 200
    assert "<code data-ingest>" in response.text
    assert "No version yet." in response.text and "No ingest yet." in response.text


def test_totals_per_currency_never_mix_currencies(web: Api) -> None:
    page = web.get("/ledger").text
    per_currency: dict[str, Decimal] = defaultdict(D)
    for key, row in table_rows(page, "periods").items():
        currency = key.split()[1]
        assert row["effective"].endswith(f" {currency}")
        per_currency[currency] += D(row["effective"].split()[0].replace(",", ""))
    currencies = table_rows(page, "currencies")
    assert {c: f"{money(v)} {c}" for c, v in per_currency.items()} == {c: r["effective"] for c, r in currencies.items()}
