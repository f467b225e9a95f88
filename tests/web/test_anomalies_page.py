"""The Anomalies pages in-process on the hand-made spike ledger: the list's row and numbers, its link to the
detail, the detail's chart data equal to its table and to the input rows, the mark as expected, the empty home,
no anomalies, and errors as pages naming the parameter."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from anomaly_ledger import (
    SERVICE,
    SPIKE,
    SPIKE_DAYS,
    WEEKDAY,
    build_spike_ledger,
    expected_by_hand,
    mark_spike_expected,
    vm_cost_by_day,
)
from api_client import Api
from cloudledger.analyses.anomalies import anomalies
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def spike_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return build_spike_ledger(tmp_path_factory.mktemp("spike-page"))


@pytest.fixture(scope="module")
def site(spike_home: Home) -> Api:
    return Api(create_app(settings_from(spike_home.root)))


def spike_id(home: Home) -> str:
    view = open_ledger(home)
    try:
        [spike] = anomalies(view.daily, view.table, causes=False)
    finally:
        view.close()
    return spike.id


def cells(row: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]


def test_the_list_shows_the_spike_with_its_numbers_and_links_to_it(site: Api, spike_home: Home) -> None:
    response = site.get("/anomalies")
    assert response.status_code == 200, response.text[:500]
    page = response.text
    rows = re.findall(r'<tr data-anomaly="([0-9a-f]+)">(.*?)</tr>', page, re.S)
    assert [r[0] for r in rows] == [spike_id(spike_home)]
    expected = sum((expected_by_hand(d) for d in SPIKE_DAYS), Decimal(0)).quantize(CENT)
    actual = 3 * (WEEKDAY + SPIKE)
    start, days, scope, exp, act, impact, percent, cause, status = cells(rows[0][1])
    assert (start, days, status) == (SPIKE_DAYS[0].isoformat(), "3", "Open")
    assert scope == f"Acme Cloud / {SERVICE} / 222222222222"
    assert (exp, act, impact) == (f"{expected:,} USD", f"{actual:,} USD", f"{actual - expected:,} USD")
    assert act == "1,201.05 USD"  # thousands separators
    assert percent == f"{float((actual - expected) / expected * 100):,.1f} %"
    assert cause == "ResourceId vm-2 (100 %)"
    assert f'href="/anomalies/{rows[0][0]}"' in rows[0][1]
    assert re.search(r"<caption>[^<]+</caption>", page) and 'scope="col"' in page
    for label in ("since", "min_impact", "status", "provider"):
        assert re.search(
            rf'<label for="anomalies-[a-z-]+">[^<]+\s*<(input|select) id="anomalies-[a-z-]+" name="{label}"', page
        )
    assert 'method="get"' in page


def test_the_detail_chart_has_the_tables_numbers_and_the_ledgers(site: Api, spike_home: Home) -> None:
    anomaly_id = spike_id(spike_home)
    response = site.get(f"/anomalies/{anomaly_id}")
    assert response.status_code == 200, response.text[:500]
    page = response.text
    chart = json.loads(re.search(r'id="anomaly-series-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert chart["kind"] == "anomaly-series" and chart["currency"] == "USD"
    cost = vm_cost_by_day()
    table = re.search(r"<table data-series>(.*?)</table>", page, re.S).group(1)  # type: ignore[union-attr]
    rows = [cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    assert [r[0] for r in rows] == chart["days"]
    for i, (day, actual, expected, flag, marked) in enumerate(rows):
        assert actual == f"{cost[date.fromisoformat(day)]:,.2f}"
        assert chart["actual"][i] == float(cost[date.fromisoformat(day)])
        assert expected == ("—" if chart["expected"][i] is None else f"{chart['expected'][i]:,.2f}")
        assert flag == ("—" if chart["flag"][i] is None else f"{chart['flag'][i]:,.2f}")
        assert (marked == "yes") == chart["anomalous"][i] == (day in {d.isoformat() for d in SPIKE_DAYS})
    causes = json.loads(re.search(r'id="anomaly-causes-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert causes["labels"][0] == "ResourceId: vm-2" and causes["shares"][0] == 100.0
    resource = re.search(r'<table class="causes" data-causes="ResourceId">(.*?)</table>', page, re.S).group(1)  # type: ignore[union-attr]
    assert cells(re.findall(r"<tr>(.*?)</tr>", resource.split("<tbody>")[1], re.S)[0]) == [
        "vm-2",
        "0.00",
        "900.30",
        "900.30",
        "100.0 %",
    ]
    command = html.unescape(re.search(r"<code data-command>(.*?)</code>", page).group(1))  # type: ignore[union-attr]
    assert command == f'cloudledger anomalies expect {anomaly_id} --reason "..." --home {spike_home.root}'
    assert "anomalies.js" in page and 'data-chart="anomaly-series-data"' in page


def test_a_marked_anomaly_shows_its_reason_on_both_pages(tmp_path: Path) -> None:
    home = build_spike_ledger(tmp_path)
    spike = mark_spike_expected(home, "planned <migration> of the web tier", "ops")
    site = Api(create_app(settings_from(home.root)))
    listing = site.get("/anomalies").text
    assert "Expected: planned &lt;migration&gt; of the web tier" in listing  # escaped
    assert spike.id in site.get("/anomalies", status="expected").text
    assert "data-anomaly" not in site.get("/anomalies", status="open").text
    detail = site.get(f"/anomalies/{spike.id}").text
    assert '<p class="expected" data-mark>Expected: planned &lt;migration&gt; of the web tier</p>' in detail
    assert "by ops" in detail and "data-command" not in detail


def test_no_anomalies_says_so_with_the_thresholds(site: Api) -> None:
    page = site.get("/anomalies", min_impact="100000").text
    assert "No anomalies" in page and "data-anomaly=" not in page
    assert "100,000.00 a day" in page and "over 8.0" in page
    # a form submitted with its fields left empty is the default list
    assert site.get("/anomalies", since="", min_impact="", status="all", provider="").status_code == 200


def test_an_empty_home_shows_the_ingest_hint(tmp_path: Path) -> None:
    site = Api(create_app(settings_from(tmp_path / "empty")))
    response = site.get("/anomalies")
    assert response.status_code == 200
    assert "No cost data yet" in response.text and "data-ingest" in response.text
    assert site.get("/anomalies/0123456789").status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "status", "parameter"),
    [
        ("/anomalies", {"since": "31/01/2025"}, 422, "since"),
        ("/anomalies", {"min_impact": "a lot"}, 422, "min_impact"),
        ("/anomalies", {"provider": "Nope"}, 422, "provider"),
        ("/anomalies/0123456789", {}, 404, "anomaly_id"),
    ],
)
def test_errors_are_pages_naming_the_parameter(
    site: Api, path: str, params: dict[str, str], status: int, parameter: str
) -> None:
    response = site.get(path, **params)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f"<strong>{parameter}</strong>" in response.text
