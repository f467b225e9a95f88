"""The Cloud & AI/ML page in-process on the hand-made cloud ledger: the numbers shown are the API's, formatted;
the chart data are the same numbers; filters are a GET form; drill links open the explorer over the same range;
bad parameters are error pages naming them; an empty home shows how to ingest."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from api_client import Api
from cloud_ledger import build_cloud_ledger
from cloudledger.analyses.rounding import round_half_up
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.render import money

D = Decimal


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home: Home = build_cloud_ledger(tmp_path_factory.mktemp("cloud-web"))
    return Api(create_app(settings_from(home.root, home.config_path)))


@pytest.fixture(scope="module")
def page(web: Api) -> str:
    response = web.get("/cloud")
    assert response.status_code == 200, response.text[:500]
    return response.text


def shown(page: str) -> dict[str, str]:
    """The text of every element marked data-amount="KEY" (elements hold no markup)."""
    found = re.findall(r'data-amount="([^"]+)">([^<]*)<', page)
    return {html.unescape(key): html.unescape(text).strip() for key, text in found}


def chart(page: str, chart_id: str) -> dict[str, object]:
    match = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', page, re.S)
    assert match, f"no chart data {chart_id}"
    data: dict[str, object] = json.loads(match.group(1), parse_float=D)
    return data


def test_the_numbers_shown_are_the_api_numbers_formatted(page: str, web: Api) -> None:
    values = shown(page)
    body = web.get("/api/v1/cloud").json()
    assert {c["currency"] for c in body["currencies"]} == {"USD", "EUR"}
    checked = 0
    for line in body["currencies"]:
        cur = line["currency"]
        assert values[f"{cur}:total"] == f"{money(D(line['total']))} {cur}"
        assert values[f"{cur}:ai"] == f"{money(D(line['ai_total']))} {cur}"
        assert values[f"{cur}:services-total"] == values[f"{cur}:departments-total"] == money(D(line["total"]))
        for provider in line["providers"]:
            assert values[f"{cur}:provider:{provider['provider']}"] == money(D(provider["amount"]))
            for service in provider["services"]:
                assert values[f"{cur}:service:{provider['provider']}:{service['service']}"] == money(
                    D(service["amount"])
                )
                checked += 1
        for department in line["departments"]:
            assert values[f"{cur}:department:{department['department']}"] == money(D(department["total"]))
            for name, amount in department["amounts"].items():
                assert values[f"{cur}:department:{department['department']}:{name}"] == money(D(amount))
                checked += 1
        for workload in line["workloads"]:
            key = f"{cur}:workload:{workload['workload']}"
            assert values[key] == money(D(workload["amount"]))
            for share in ("spot", "committed", "on_demand"):
                value = workload[f"{share}_pct"]
                expected = "—" if value is None else f"{D(value):,.2f} %"
                assert values[f"{key}:{share.replace('_', '-')}-pct"] == expected
    assert checked >= 8
    assert values["USD:total"] == "301.00 USD" and values["USD:workload:gpu_training:spot-pct"] == "89.29 %"


def test_the_charts_carry_the_same_numbers(page: str, web: Api) -> None:
    body = web.get("/api/v1/cloud").json()
    for line in body["currencies"]:
        cur = line["currency"]
        services = chart(page, f"cloud-services-{cur}")
        assert services["kind"] == "cloud-services" and services["currency"] == cur
        assert services["providers"] == [p["provider"] for p in line["providers"]]
        stacked = [
            sum((v or D(0) for v in column), D(0))
            for column in zip(*(s["data"] for s in services["series"]), strict=True)
        ]  # type: ignore[attr-defined]
        assert stacked == [sum((round_half_up(D(s["amount"])) for s in p["services"]), D(0)) for p in line["providers"]]
        departments = chart(page, f"cloud-departments-{cur}")
        assert departments["departments"] == [d["department"] for d in line["departments"]]
        cells = {(departments["providers"][x], departments["departments"][y]): v for x, y, v in departments["cells"]}  # type: ignore[index, attr-defined]
        for d in line["departments"]:
            for name, amount in d["amounts"].items():
                assert cells[(name, d["department"])] == round_half_up(D(amount))
        workloads = chart(page, f"cloud-workloads-{cur}")
        assert workloads["workloads"] == [w["label"] for w in line["workloads"]]
        by_name = {s["name"]: s["data"] for s in workloads["series"]}  # type: ignore[attr-defined]
        assert by_name["Spot"] == [round_half_up(D(w["spot"])) for w in line["workloads"]]
        assert by_name["Committed"] == [round_half_up(D(w["committed"])) for w in line["workloads"]]
        assert by_name["On demand"] == [round_half_up(D(w["on_demand"])) for w in line["workloads"]]


def test_the_drill_link_opens_the_explorer_for_the_provider_over_the_same_range(page: str) -> None:
    links = {html.unescape(h) for h in re.findall(r'href="(/explorer\?[^"]*)"', page)}
    aws = [link for link in links if "ProviderName%3DAWS" in link]
    assert len(aws) == 1
    query = parse_qs(urlsplit(aws[0]).query)
    assert query == {
        "group_by": ["ServiceName"],
        "filter": ["ProviderName=AWS"],
        "start": ["2024-02-01"],
        "end": ["2025-02-01"],
        "metric": ["EffectiveCost"],
    }
    assert chart(page, "cloud-services-USD")["links"] == [aws[0]]


def test_the_filters_are_a_labelled_get_form_that_keeps_its_state(web: Api) -> None:
    response = web.get("/cloud?start=2025-01&end=2025-01&provider=AWS&metric=BilledCost")
    assert response.status_code == 200
    text = response.text
    form = re.search(r'<form class="filters" method="get" action="/cloud"[^>]*>(.*?)</form>', text, re.S)
    assert form, "no GET filter form"
    fields = form.group(1)
    for control in ("cloud-start", "cloud-end", "cloud-metric"):
        assert f'<label for="{control}"' in fields and f'id="{control}"' in fields
    assert 'value="2025-01"' in fields
    assert re.search(r'name="provider" value="AWS" checked', fields)
    assert not re.search(r'name="provider" value="Google Cloud" checked', fields)
    assert '<option value="BilledCost" selected>' in fields
    values = shown(text)
    assert values["USD:total"] == "506.00 USD"  # billed: 100 + 0 + 300 + 0 + 40 + 4 + 50 + 12
    assert "EUR:total" not in values
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"


def test_empty_form_fields_mean_the_default_range(web: Api) -> None:
    response = web.get("/cloud?start=&end=&metric=EffectiveCost")
    assert response.status_code == 200
    assert shown(response.text)["USD:total"] == "301.00 USD"


def test_tables_are_accessible(page: str) -> None:
    tables = re.findall(r"<table[^>]*>(.*?)</table>", page, re.S)
    assert len(tables) >= 7  # three per currency, and the rules
    for table in tables:
        assert "<caption>" in table and 'scope="col"' in table
    assert page.count('role="img"') == 6 and page.count("data-chart=") == 6


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("start=2025-13", "start"),
        ("start=2025-02&end=2025-01", "end"),
        ("provider=Azure", "provider"),
        ("metric=Cost", "metric"),
    ],
)
def test_a_bad_parameter_is_an_error_page_naming_it(web: Api, query: str, parameter: str) -> None:
    response = web.get(f"/cloud?{query}")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    detail = re.search(r'<p class="detail" data-error-status="422"><strong>(\w+)</strong>', response.text)
    assert detail and detail.group(1) == parameter


def test_a_range_without_cost_says_so(web: Api) -> None:
    response = web.get("/cloud?start=2020-01&end=2020-12")
    assert response.status_code == 200
    assert "No cost in this range" in response.text and "data-chart=" not in response.text


@pytest.mark.parametrize(("path", "kind"), [("/static/cloud.js", "javascript"), ("/static/cloud.css", "text/css")])
def test_the_page_files_are_served(web: Api, page: str, path: str, kind: str) -> None:
    response = web.get(path)
    assert response.status_code == 200 and kind in response.headers["content-type"]
    assert path in page


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    response = Api(create_app(settings_from(home.root))).get("/cloud")
    assert response.status_code == 200
    command = html.unescape(re.search(r"<code data-ingest>(.*?)</code>", response.text).group(1))  # type: ignore[union-attr]
    assert command == f"cloudledger ingest PATH --home {home.root}"
    assert "echarts" not in response.text
