"""The cost explorer page and its exports, in-process, over a hand-made ledger whose sums are computed here from
its rows: the table's numbers per currency, filters and tag filters, drill links, the exports against the API,
the errors naming their parameter, and the empty home."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from api_client import Api
from cloudledger.analyses.rounding import round_half_up
from cloudledger.api.app import create_app
from cloudledger.api.errors import ParameterError
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.render import money
from cloudledger.reports.money import excel_format
from cloudledger.web.explorer_state import ExplorerState, Given, resolve
from focus_rows import focus_row, write_focus_csv

D = Decimal
POLICY = """
tag_policy:
  required: [team]
  keys:
    team: {values: [web, data]}
"""


@dataclass(frozen=True)
class Charge:
    day: str
    currency: str
    service: str
    category: str
    region: str | None
    billed: str
    effective: str
    tags: dict[str, str] = field(default_factory=dict)


CHARGES = [
    Charge("2024-10-10", "USD", "Virtual Machines", "Compute", "eu-west-1", "7.00", "6.00", {"team": "web"}),
    Charge("2025-01-05", "USD", "Virtual Machines", "Compute", "eu-west-1", "100.10", "90.05", {"team": "web"}),
    Charge("2025-01-20", "USD", "Object Storage", "Storage", "eu-west-1", "30.00", "29.99", {"team": "data"}),
    Charge("2025-02-03", "USD", "Virtual Machines", "Compute", "us-east-1", "1200.40", "1000.00", {"team": "web"}),
    Charge("2025-02-10", "USD", "Object Storage", "Storage", None, "5.55", "5.55"),
    Charge("2025-03-02", "USD", "Virtual Machines", "Compute", "eu-west-1", "42.00", "40.00", {"Team": "Data"}),
    Charge("2025-02-15", "EUR", "Virtual Machines", "Compute", "eu-west-1", "250.00", "200.00", {"team": "web"}),
    Charge("2025-03-01", "EUR", "Databases", "Databases", "eu-west-1", "12.34", "12.34", {"team": "data"}),
]
"""The ledger's rows; its last charge day is 2025-03-02, so the default range is 2024-12-01 to 2025-03-31."""
RANGE = {"start": "2024-10-01", "end": "2025-04-01"}


def _row(charge: Charge) -> dict[str, Any]:
    day = date.fromisoformat(charge.day)
    month = day.replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return focus_row(
        BillingCurrency=charge.currency,
        BillingAccountId="111111111111" if charge.currency == "USD" else "222222222222",
        BillingPeriodStart=f"{month.isoformat()}T00:00:00Z",
        BillingPeriodEnd=f"{following.isoformat()}T00:00:00Z",
        ChargePeriodStart=f"{day.isoformat()}T00:00:00Z",
        ChargePeriodEnd=f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
        ServiceName=charge.service,
        ServiceCategory=charge.category,
        RegionId=charge.region,
        RegionName=None,
        Tags=json.dumps(charge.tags) if charge.tags else None,
        BilledCost=charge.billed,
        EffectiveCost=charge.effective,
        ListCost=charge.billed,
        ContractedCost=charge.billed,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    folder = tmp_path_factory.mktemp("explorer")
    home = Home(folder / "home").ensure()
    paths = []
    for currency in ("USD", "EUR"):
        rows = [_row(c) for c in CHARGES if c.currency == currency]
        paths.append(write_focus_csv(folder / f"focus-{currency}.csv", rows))
    ingest(home, paths)
    home.config_path.write_text(POLICY, encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def web(home: Home) -> Api:
    return Api(create_app(settings_from(home.root, home.config_path)))


Table = dict[str, list[str]]
"""Row label → the cells after it (periods, total, share); the total row under "Total CUR"."""


def tables(page: str) -> dict[str, Table]:
    """Every explorer table of `page` by currency, header row under "" (texts unescaped)."""
    out: dict[str, Table] = {}
    for currency, body in re.findall(r'<table class="explorer-table" data-table="([^"]*)">(.*?)</table>', page, re.S):
        rows: Table = {}
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = [
                html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
            rows["" if row.lstrip().startswith('<th scope="col"') else cells[0]] = cells[1:]
        out[currency] = rows
    return out


def sums(metric: str, key: Any, keep: Any = lambda c: True) -> dict[str, dict[tuple[Any, str], Decimal]]:
    """Currency → (group, month) → the metric summed over CHARGES kept by `keep` (the independent numbers)."""
    out: dict[str, dict[tuple[Any, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for c in CHARGES:
        if keep(c) and RANGE["start"] <= c.day < RANGE["end"]:
            out[c.currency][(key(c), c.day[:7])] += D(c.billed if metric == "BilledCost" else c.effective)
    return out


def get(web: Api, **params: Any) -> str:
    response = web.get("/explorer", **params)
    assert response.status_code == 200, response.text[:800]
    return response.text


def cents(amount: Decimal) -> str:
    return money(round_half_up(amount))


@pytest.mark.parametrize("metric", ["BilledCost", "EffectiveCost"])
def test_the_table_holds_the_sums_of_the_rows_per_currency(web: Api, metric: str) -> None:
    shown = tables(get(web, group_by="ServiceName", metric=metric, **RANGE))
    expected = sums(metric, lambda c: c.service)
    assert set(shown) == set(expected) == {"USD", "EUR"}
    for currency, cells in expected.items():
        table = shown[currency]
        periods = table[""][:-2]
        assert periods == ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]
        services = {service for service, _ in cells}
        assert set(table) == {"", f"Total {currency}", *services}
        total = sum(cells.values(), D(0))
        for service in services:
            row = [cells.get((service, p), D(0)) for p in periods]
            assert table[service][:-1] == [cents(a) for a in [*row, sum(row, D(0))]]
            assert table[service][-1] == f"{round_half_up(sum(row, D(0)) / total * 100)} %"
        by_month = [sum((a for (_, p), a in cells.items() if p == month), D(0)) for month in periods]
        assert table[f"Total {currency}"] == [*(cents(a) for a in [*by_month, total]), "100.00 %"]
    assert shown["USD"]["Total USD"][-2] == ("1,385.05" if metric == "BilledCost" else "1,171.59")  # never with EUR


def test_the_default_range_is_the_last_month_and_three_before(web: Api) -> None:
    page = get(web)
    assert re.search(r'<time datetime="2024-12-01">2024-12-01</time> to\s+<time datetime="2025-03-31">', page)
    usd = tables(page)["USD"]
    assert usd[""][:-2] == ["2024-12", "2025-01", "2025-02", "2025-03"]
    in_range = [c for c in CHARGES if c.currency == "USD" and c.day >= "2024-12-01"]
    assert usd["Total USD"][-2] == cents(sum((D(c.billed) for c in in_range), D(0)))  # BilledCost by default
    assert 'value="ServiceName" selected' in page and 'value="BilledCost" checked' in page


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"filter": "RegionId=eu-west-1"}, lambda c: c.region == "eu-west-1"),
        (
            {"filter": ["ServiceName=Object Storage", "ServiceName=Databases"]},
            lambda c: c.service != "Virtual Machines",
        ),
        ({"tag": "team=data"}, lambda c: {k.lower(): v.lower() for k, v in c.tags.items()}.get("team") == "data"),
    ],
)
def test_filters_and_tag_filters_narrow_the_numbers(web: Api, params: dict[str, Any], keep: Any) -> None:
    shown = tables(get(web, group_by="ServiceCategory", **RANGE, **params))
    expected = sums("BilledCost", lambda c: c.category, keep)
    assert set(shown) == set(expected)
    for currency, cells in expected.items():
        assert shown[currency][f"Total {currency}"][-2] == cents(sum(cells.values(), D(0)))
        for category in {k for k, _ in cells}:
            assert shown[currency][category][-2] == cents(
                sum((a for (k, _), a in cells.items() if k == category), D(0))
            )


def test_a_tag_grouping_reads_the_policy_and_shows_missing_values_as_not_set(web: Api) -> None:
    page = get(web, group_by="tag:team", **RANGE)
    usd = tables(page)["USD"]
    assert set(usd) == {"", "Total USD", "web", "data", "(not set)"}  # "Team: Data" is the policy's team=data
    assert usd["data"][-2] == cents(D("30.00") + D("42.00"))
    assert usd["(not set)"][-2] == "5.55"
    assert re.search(r'<th scope="row">\(not set\)</th>', page), "(not set) is not a link"
    assert '<option value="tag:team" selected>tag:team</option>' in page


def drill_links(page: str) -> dict[str, dict[str, list[str]]]:
    """Row label → the query of its drill link."""
    links = re.findall(r'<a href="([^"]+)" data-drill>([^<]*)</a>', page)
    return {html.unescape(label): parse_qs(urlsplit(html.unescape(href)).query) for href, label in links}


def test_a_row_links_one_level_down_with_its_filter(web: Api) -> None:
    links = drill_links(get(web, group_by="ServiceName", metric="EffectiveCost", **RANGE, tag="team=web"))
    assert links["Virtual Machines"] == {
        "group_by": ["SubAccountId"],
        "metric": ["EffectiveCost"],
        "grain": ["month"],
        **{k: [v] for k, v in RANGE.items()},
        "filter": ["ServiceName=Virtual Machines"],
        "tag": ["team=web"],
    }
    by_tag = drill_links(get(web, group_by="tag:team", **RANGE))
    assert by_tag["data"]["group_by"] == ["ServiceName"] and by_tag["data"]["tag"] == ["team=data"]
    by_region = drill_links(get(web, group_by="RegionId", **RANGE, filter="ServiceName=Virtual Machines"))
    assert by_region["eu-west-1"]["group_by"] == ["ResourceId"]
    assert by_region["eu-west-1"]["filter"] == ["ServiceName=Virtual Machines", "RegionId=eu-west-1"]
    assert drill_links(get(web, group_by="ResourceId", **RANGE)) == {}, "the bottom of the path"


def test_following_a_drill_link_shows_that_group_alone(web: Api) -> None:
    page = get(web, group_by="ServiceCategory", **RANGE)
    usd_storage = tables(page)["USD"]["Storage"][-2]
    query = drill_links(page)["Storage"]
    drilled = get(web, **query)
    assert tables(drilled)["USD"]["Total USD"][-2] == usd_storage
    assert set(tables(drilled)["USD"]) == {"", "Total USD", "Object Storage"}
    assert 'aria-label="Remove filter ServiceCategory = Storage"' in drilled


@pytest.mark.parametrize(
    ("level", "filtered", "expected"),
    [
        ("ProviderName", (), "ServiceCategory"),
        ("ServiceCategory", (("ServiceName", "x"),), "SubAccountId"),
        ("ChargeCategory", (), "ServiceName"),
        ("tag:team", (("ServiceName", "x"),), "SubAccountId"),
        ("ResourceId", (), None),
    ],
)
def test_the_drill_path(level: str, filtered: tuple[tuple[str, str], ...], expected: str | None) -> None:
    state = ExplorerState(level, "BilledCost", "month", date(2025, 1, 1), date(2025, 2, 1), filtered)
    allowed = ["ProviderName", "ServiceCategory", "ServiceName", "SubAccountId", "RegionId", "ResourceId"]
    assert state.next_level(allowed) == expected


def test_a_daily_grain_is_refused_over_more_than_a_year_of_charges() -> None:
    span = (date(2020, 1, 1), date(2025, 12, 31))
    wide = Given(grain="day", start=date(2020, 1, 1), end=date(2026, 1, 1))
    with pytest.raises(ParameterError) as refused:
        resolve(wide, ["ServiceName"], span)
    assert refused.value.parameter == "grain"
    year = resolve(Given(grain="day", start=date(2025, 1, 1), end=date(2026, 1, 1)), ["ServiceName"], span)
    assert len(year.periods(span)) == 365


def test_the_chart_draws_the_top_groups_and_sums_the_others(web: Api) -> None:
    page = get(web, group_by="ServiceName", top=1, **RANGE)
    match = re.search(r'<script type="application/json" id="chart-data-USD">(.*?)</script>', page, re.S)
    assert match
    data = json.loads(match.group(1))
    assert data["kind"] == "explorer" and data["currency"] == "USD"
    assert [s["name"] for s in data["series"]] == ["Virtual Machines", "Other (1)"]
    storage = {c.day[:7]: D(c.billed) for c in CHARGES if c.currency == "USD" and c.service == "Object Storage"}
    assert data["series"][1]["values"] == [float(storage.get(p, 0)) for p in data["periods"]]
    assert data["series"][1]["drill"] is None and "filter=ServiceName%3DVirtual+Machines" in data["series"][0]["drill"]


def test_a_long_table_sums_the_groups_after_the_first_ones(web: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cloudledger.web.explorer.MAX_ROWS", 1)
    usd = tables(get(web, group_by="ServiceName", **RANGE))["USD"]
    storage = sum((D(c.billed) for c in CHARGES if c.currency == "USD" and c.service == "Object Storage"), D(0))
    assert list(usd) == ["", "Virtual Machines", "1 more group (listed in the exports)", "Total USD"]
    assert usd["1 more group (listed in the exports)"][-2] == cents(storage)


def query_string(params: dict[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items())


EXPORT = {
    "group_by": "RegionId",
    "metric": "EffectiveCost",
    "grain": "month",
    **RANGE,
    "filter": "ServiceCategory=Compute",
}


def test_the_csv_holds_the_table_and_the_api_totals(web: Api) -> None:
    response = web.get("/explorer/export.csv", **EXPORT)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="EffectiveCost-by-RegionId-2024-10-to-2025-03.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    shown = tables(get(web, **EXPORT))
    assert rows[0] == ["Currency", "RegionId", *shown["USD"][""][:-1], "Share %"]
    api = web.get(f"/api/v1/costs?{query_string(EXPORT)}").json()
    for currency, table in shown.items():
        lines = [r for r in rows[1:] if r[0] == currency]
        assert [r[1] for r in lines] == [*[label for label in table if label][:-1], "Total"]
        for line in lines:
            label = f"Total {currency}" if line[1] == "Total" else line[1]
            assert [money(D(cell)) for cell in line[2:-1]] == table[label][:-1]
            assert all("," not in cell for cell in line)
        assert D(lines[-1][-2]) == D(api["totals"][currency])
    assert set(shown) == set(api["totals"]) == {"USD", "EUR"}


def test_the_workbook_holds_the_table_per_currency(web: Api, tmp_path: Path) -> None:
    response = web.get("/explorer/export.xlsx", **EXPORT)
    assert response.status_code == 200 and response.headers["content-disposition"].startswith("attachment;")
    path = tmp_path / "costs.xlsx"
    path.write_bytes(response.content)
    book = openpyxl.load_workbook(path)
    shown = tables(get(web, **EXPORT))
    api = web.get(f"/api/v1/costs?{query_string(EXPORT)}").json()
    assert book.sheetnames == sorted(shown) == ["EUR", "USD"]
    for currency, table in shown.items():
        sheet = [list(r) for r in book[currency].iter_rows(values_only=True)]
        assert sheet[0] == ["Currency", "RegionId", *table[""][:-1], "Share %"]
        assert [r[1] for r in sheet[1:]] == [*[label for label in table if label][:-1], "Total"]
        total = sheet[-1]
        assert total[-2] == pytest.approx(float(api["totals"][currency]))
        assert book[currency].cell(row=len(sheet), column=len(total) - 1).number_format == excel_format(currency)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("group_by=NoSuchColumn", "group_by"),
        ("group_by=tag:", "group_by"),
        ("start=2025-02-30", "start"),
        ("end=yesterday", "end"),
        ("start=2025-03-01&end=2025-01-01", "end"),
        ("metric=Cost", "metric"),
        ("grain=year", "grain"),
        ("filter=NoSuchColumn=1", "filter"),
        ("filter=ServiceName", "filter"),
        ("tag=team", "tag"),
        ("top=0", "top"),
    ],
)
@pytest.mark.parametrize("path", ["/explorer", "/explorer/export.csv"])
def test_a_bad_parameter_is_an_html_page_naming_it(web: Api, path: str, query: str, parameter: str) -> None:
    response = web.get(f"{path}?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert f'data-error-status="422"><strong>{parameter}</strong>:' in response.text


def test_the_api_still_names_its_bad_parameters(web: Api) -> None:
    body = web.get("/api/v1/costs?group_by=NoSuchColumn").json()
    assert body["error"]["parameter"] == "group_by"


def test_an_empty_home_shows_the_ingest_hint(tmp_path: Path) -> None:
    empty = Api(create_app(settings_from(tmp_path / "empty", None)))
    page = empty.get("/explorer")
    assert page.status_code == 200
    assert "No cost data yet" in page.text and "cloudledger ingest PATH" in page.text
    assert empty.get("/explorer/export.csv").status_code == 409
