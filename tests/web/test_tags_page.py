"""The tags & allocation page on a hand-made ledger: compliance computed by hand from the rows, the API twins'
numbers formatted, the untagged resources and their links, allocation per owner, the config's warnings, and
bad parameters as pages naming them."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from allocation_ledger import ORG, cost_row
from api_client import Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.render import money
from cloudledger.web.templating import percent
from focus_rows import write_focus_csv

D = Decimal
PERIOD = "2025-03"
REQUIRED = ("team", "env")
ENV_VALUES = ("prod", "dev")
POLICY = (
    ORG
    + """    - name: ghost
      match: {SubAccountId: acct-none}
      department: Data
tag_policy:
  required: [team, env]
  keys:
    env: {values: [prod, dev]}
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {matches: "(?i)support"}}, split: proportional}
chargeback:
  level: team
"""
)
SUPPORT = "AWS Support (Business)"
# (period, currency, service, account, resource, tags, cost)
ROWS: list[tuple[str, str, str, str, str | None, dict[str, str], str]] = [
    ("2025-02", "USD", "Amazon EC2", "acct-eng", "r-a", {"team": "platform", "env": "prod"}, "40.00"),
    (PERIOD, "USD", "Amazon EC2", "acct-eng", "r-a", {"team": "platform", "env": "prod"}, "100.00"),
    (PERIOD, "USD", "Amazon EC2", "acct-eng", "r-a", {"team": "platform", "env": "prod"}, "20.00"),
    (PERIOD, "USD", "Amazon EC2", "acct-eng", "r-b", {"team": "payments", "env": "qa"}, "50.00"),
    (PERIOD, "USD", "Amazon S3", "acct-data", "r-c", {}, "30.00"),
    (PERIOD, "USD", "Amazon S3", "acct-data", "r-d", {"env": "dev"}, "8.00"),
    (PERIOD, "USD", "Amazon EC2", "acct-eng", "r-e", {"team": "platform", "env": "prod"}, "5.00"),
    (PERIOD, "USD", "Amazon EC2", "acct-eng", "r-e", {"team": "platform"}, "2.00"),
    (PERIOD, "USD", "Amazon EC2", "acct-other", "r-f", {}, "12.00"),
    (PERIOD, "USD", SUPPORT, "acct-mgmt", None, {}, "10.00"),
    (PERIOD, "EUR", "Virtual Machines", "acct-eng", "r-x", {"team": "platform", "env": "prod"}, "20.00"),
]


def state(tags: dict[str, str], key: str) -> str:
    """The tag policy above, by hand: missing, invalid or valid."""
    value = tags.get(key, "").strip()
    if not value:
        return "missing"
    return "invalid" if key == "env" and value not in ENV_VALUES else "valid"


def usd_rows() -> list[dict[str, Any]]:
    """The period's taggable USD rows with their states."""
    return [
        {"service": s, "resource": r, "cost": D(c), **{k: state(t, k) for k in REQUIRED}}
        for p, cur, s, _, r, t, c in ROWS
        if p == PERIOD and cur == "USD" and s != SUPPORT
    ]


@pytest.fixture(scope="module")
def tags_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    folder = tmp_path_factory.mktemp("tags")
    home = Home(folder / "home").ensure()
    by_currency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for period, currency, service, account, resource, tags, cost in ROWS:
        row = cost_row(period, currency, service, account, tags, cost)
        row["ResourceId"] = resource
        by_currency[currency].append(row)
    ingest(home, [write_focus_csv(folder / f"{c}.csv", rows) for c, rows in by_currency.items()])
    home.config_path.write_text(POLICY, encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def web(tags_home: Home) -> Api:
    return Api(create_app(settings_from(tags_home.root, tags_home.config_path)))


@pytest.fixture(scope="module")
def by_service(web: Api) -> str:
    response = web.get("/tags", by="service")
    assert response.status_code == 200, response.text[:800]
    return response.text


def cells(page: str, table: str) -> dict[str, dict[str, str]]:
    """Rows of the table marked data-table=`table`, keyed by their first data-* attribute, as {cell: text}."""
    found = re.search(rf'<table data-table="{re.escape(table)}">(.*?)</table>', page, re.S)
    assert found, f"no table {table}"
    out = {}
    for key, body in re.findall(r'<tr data-[a-z]+="([^"]*)"[^>]*>(.*?)</tr>', found.group(1), re.S):
        values = re.findall(r'<td[^>]* data-cell="([^"]+)"[^>]*>(.*?)</td>', body, re.S)
        out[html.unescape(key)] = {name: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for name, text in values}
    return out


def shown(page: str) -> dict[str, str]:
    return {k: html.unescape(v).strip() for k, v in re.findall(r'data-tags="([^"]+)">([^<]*)<', page)}


def test_the_latest_period_is_shown_by_default(by_service: str) -> None:
    assert '<option value="2025-03" selected>2025-03</option>' in by_service
    assert "Tag compliance, 2025-03" in by_service


def test_the_overall_compliance_is_the_hand_computed_one(by_service: str) -> None:
    rows = usd_rows()
    taggable = sum((r["cost"] for r in rows), D(0))
    compliant = sum((r["cost"] for r in rows if r["team"] == r["env"] == "valid"), D(0))
    resources = {r["resource"] for r in rows}
    bad = {r["resource"] for r in rows if not r["team"] == r["env"] == "valid"}
    values = shown(by_service)
    assert values["USD:taggable"] == f"{money(taggable)} USD" == "227.00 USD"
    assert values["USD:compliant"] == f"{money(compliant)} USD" == "125.00 USD"
    assert values["USD:untaggable"] == "10.00 USD"
    assert values["USD:spend-pct"] == percent((compliant * 100 / taggable).quantize(D("0.01"))) == "55.07 %"
    assert values["USD:resources"] == str(len(resources)) == "6"
    assert values["USD:compliant-resources"] == str(len(resources - bad)) == "1"
    assert values["EUR:spend-pct"] == "100.00 %"
    keys = cells(by_service, "keys-USD")
    for key in REQUIRED:
        for name in ("valid", "missing", "invalid"):
            spend = sum((r["cost"] for r in rows if r[key] == name), D(0))
            assert keys[key][name] == f"{money(spend)} USD"
        worst = {}
        for r in rows:  # a resource counts with its worst state
            order = ("valid", "invalid", "missing")
            worst[r["resource"]] = max(worst.get(r["resource"], "valid"), r[key], key=order.index)
        assert keys[key]["missing-resources"] == str(sum(1 for s in worst.values() if s == "missing"))
        assert keys[key]["invalid-resources"] == str(sum(1 for s in worst.values() if s == "invalid"))
    assert keys["env"]["invalid"] == "50.00 USD" and keys["team"]["missing"] == "50.00 USD"


def test_the_breakdown_is_the_api_twin_formatted_and_adds_up(web: Api, by_service: str) -> None:
    body = web.get("/api/v1/tags/compliance", by="ServiceName", start=PERIOD, end=PERIOD).json()
    table = cells(by_service, "by-USD")
    usd = [g for g in body["groups"] if g["currency"] == "USD"]
    assert set(table) == {g["group"] for g in usd} == {"Amazon EC2", "Amazon S3", SUPPORT}
    for group in usd:
        row = table[group["group"]]
        assert row["taggable"] == f"{money(D(group['taggable_spend']))} USD"
        spend_pct = group["spend_percent"]
        assert row["spend-pct"] == ("—" if spend_pct is None else f"{D(spend_pct):,.2f} %")
        assert row["untaggable"] == f"{money(D(group['untaggable_spend']))} USD"
        for key in group["keys"]:  # the API gives the amounts: the share is valid ÷ taggable
            taggable, valid = D(key["taggable_spend"]), D(key["valid_spend"])
            expected = f"{(valid * 100 / taggable).quantize(D('0.01'), ROUND_HALF_UP)} %" if taggable else "—"
            assert row[f"key-{key['key']}"] == expected
    ec2 = [r for r in usd_rows() if r["service"] == "Amazon EC2"]
    ec2_compliant = sum((r["cost"] for r in ec2 if r["team"] == r["env"] == "valid"), D(0))
    ec2_taggable = sum((r["cost"] for r in ec2), D(0))
    assert table["Amazon EC2"]["spend-pct"] == f"{(ec2_compliant * 100 / ec2_taggable).quantize(D('0.01'))} %"
    assert table["Amazon S3"]["spend-pct"] == "0.00 %" and table[SUPPORT]["spend-pct"] == "—"


def test_the_chart_holds_the_table_numbers(by_service: str) -> None:
    found = re.search(r'<script type="application/json" id="tags-chart-data-USD">(.*?)</script>', by_service, re.S)
    assert found
    data = json.loads(found.group(1))
    assert data["kind"] == "tag-compliance" and data["currency"] == "USD"
    assert [s["name"] for s in data["series"]] == ["Every required tag", *REQUIRED]
    table = cells(by_service, "by-USD")
    for i, group in enumerate(data["groups"]):
        value = data["series"][0]["values"][i]
        assert table[group]["spend-pct"] == ("—" if value is None else f"{value:,.2f} %")
    assert 'data-chart="tags-chart-data-USD"' in by_service


def test_untagged_resources_are_listed_largest_first_and_link_to_the_explorer(by_service: str) -> None:
    spend: dict[str, Decimal] = defaultdict(D)
    bad: set[str] = set()
    for r in usd_rows():
        spend[r["resource"]] += r["cost"]
        if not r["team"] == r["env"] == "valid":
            bad.add(r["resource"])
    expected = sorted(bad, key=lambda name: -spend[name])
    top = cells(by_service, "top")
    assert list(top) == expected == ["r-b", "r-c", "r-f", "r-d", "r-e"]
    assert top["r-e"]["spend"] == f"{money(spend['r-e'])} USD" == "7.00 USD"
    assert top["r-c"]["missing"] == "team, env" and top["r-b"]["invalid"] == "env"
    link = "/explorer?group_by=ServiceName&amp;filter=ResourceId%3Dr-b&amp;start=2025-03-01&amp;end=2025-04-01"
    assert f'<a href="{link}">r-b</a>' in by_service


def test_unallocated_cost_per_missing_tag(by_service: str) -> None:
    lines = cells(by_service, "unallocated")
    missing = {k: sum((r["cost"] for r in usd_rows() if r[k] == "missing"), D(0)) for k in REQUIRED}
    assert lines["team USD"]["missing"] == f"{money(missing['team'])} USD" == "50.00 USD"
    assert lines["env USD"]["missing"] == f"{money(missing['env'])} USD" == "44.00 USD"
    # of the spend missing team, r-c and r-d are owned by the data account rule; no rule owns r-f (acct-other)
    assert lines["team USD"]["unallocated"] == "12.00 USD"
    assert lines["team EUR"] == {"missing": "0.00 EUR", "unallocated": "0.00 EUR"}


def test_allocation_per_owner_is_the_api_twin_and_the_hand_sums(web: Api) -> None:
    page = web.get("/tags", period=PERIOD, by="team").text
    owners = cells(page, "allocation-USD")
    body = web.get("/api/v1/allocation", start=PERIOD, end=PERIOD, level="team").json()
    api: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(D))
    for row in body["rows"]:
        if row["currency"] == "USD":
            api[row["owner"]][row["kind"]] += D(row["amount"])
    assert set(owners) == set(api) == {"platform", "payments", "Data (no team)", "Unallocated"}
    for owner, kinds in api.items():
        for kind in ("direct", "shared", "unallocated"):
            assert owners[owner][kind] == f"{money(kinds.get(kind, D(0)))} USD"
    assert owners["platform"]["direct"] == "127.00 USD"  # 100 + 20 + 5 + 2
    assert owners["payments"]["direct"] == "50.00 USD" and owners["Data (no team)"]["direct"] == "38.00 USD"
    assert owners["Unallocated"]["unallocated"] == "12.00 USD"
    shared = sum((kinds.get("shared", D(0)) for kinds in api.values()), D(0))
    assert shared == D("10.00")  # the support pool, split between the owners
    total = sum(D(c) for p, cur, *_, c in ROWS if p == PERIOD and cur == "USD")
    assert shown(page)["USD:allocated"] == f"{((total - 12) * 100 / total).quantize(D('0.01'))} %"
    assert '<a href="/chargeback?period=2025-03&amp;level=team">platform</a>' in page
    assert ">Unallocated</th>" in page  # not a link


def test_rules_that_own_nothing_are_warnings(by_service: str) -> None:
    warnings = [html.unescape(w) for w in re.findall(r"<li data-warning>(.*?)</li>", by_service, re.S)]
    assert any("'ghost' matches no row" in w for w in warnings), warnings


def test_by_month_shows_every_period_up_to_the_chosen_one(web: Api) -> None:
    page = web.get("/tags", by="month").text
    table = cells(page, "by-USD")
    assert list(table) == ["2025-02", "2025-03"]
    assert table["2025-02"]["spend-pct"] == "100.00 %" and table["2025-02"]["taggable"] == "40.00 USD"
    assert '<a href="/tags?period=2025-02&amp;by=department">2025-02</a>' in page


def test_time_travel_is_kept_by_the_form(web: Api) -> None:
    page = web.get("/tags", as_of="0").text
    assert '<input type="hidden" name="as_of" value="0">' in page


@pytest.mark.parametrize(
    ("query", "parameter", "status"),
    [
        ({"by": "colour"}, "by", 422),
        ({"period": "2025-13"}, "period", 422),
        ({"period": "March"}, "period", 422),
        ({"period": "2024-01"}, "period", 422),
        ({"as_of": "yesterday-ish"}, "as_of", 422),
        ({"as_of": "99"}, "as_of", 404),
    ],
)
def test_a_bad_parameter_is_a_page_naming_it(web: Api, query: dict[str, str], parameter: str, status: int) -> None:
    response = web.get("/tags", **query)
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")
    assert re.search(rf'data-error-status="{status}"><strong>{parameter}</strong>:', response.text)


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    response = Api(create_app(settings_from(home.root))).get("/tags", by="team")
    assert response.status_code == 200
    assert "<code data-ingest>" in response.text and "echarts" not in response.text
