"""Every route against numbers summed by hand from the ledger's rows, and the empty home's hints."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from allocation_ledger import ROWS, ledger_totals
from api_client import Api
from cloudledger.analyses.budgets import budget_status
from cloudledger.api.deps import EMPTY_HINT
from cloudledger.api.routes.policy import NO_UNITS
from cloudledger.config.load import load_config
from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger

D = Decimal


def by_currency() -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for (_, currency), amount in ledger_totals().items():
        out[currency] += amount
    return dict(out)


def test_costs_by_service_are_exact_decimal_strings(api: Api) -> None:
    body = api.get("/api/v1/costs", group_by="ServiceName", metric="EffectiveCost").json()
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for _, currency, service, _, _, cost in ROWS:
        expected[(service, currency)] += D(cost)
    got = {(r["ServiceName"], r["BillingCurrency"]): r["EffectiveCost"] for r in body["rows"]}
    assert all(isinstance(v, str) for v in got.values())
    assert {k: D(v) for k, v in got.items()} == expected
    assert {c: D(v) for c, v in body["totals"].items()} == by_currency()
    assert body["totals_cents"] == {c: f"{v:.2f}" for c, v in by_currency().items()}
    assert body["version"] == 0 and body["hint"] is None


def test_costs_by_tag_unify_the_spellings_of_the_key(api: Api) -> None:
    body = api.get("/api/v1/costs?group_by=tag:team&metric=EffectiveCost&filter=BillingCurrency=USD").json()
    platform = sum(
        D(r[-1]) for r in ROWS if r[1] == "USD" and {k.lower(): v for k, v in r[4].items()}.get("team") == "platform"
    )
    got = {r["tag:team"]: D(r["EffectiveCost"]) for r in body["rows"]}
    assert got["platform"] == platform == D(140)
    assert sum(got.values()) == by_currency()["USD"]


def test_costs_date_range_and_limit(api: Api) -> None:
    body = api.get("/api/v1/costs?metric=EffectiveCost&start=2025-02-01&end=2025-03-01&limit=1").json()
    assert {c: D(v) for c, v in body["totals"].items()} == {"USD": ledger_totals()[("2025-02", "USD")]}
    assert len(body["rows"]) == 1


def test_as_of_reads_an_older_version(api: Api) -> None:
    assert api.get("/api/v1/costs", as_of="0").status_code == 200


def test_columns(api: Api) -> None:
    columns = api.get("/api/v1/columns").json()["columns"]
    assert "ServiceName" in columns and "x_billing_period" in columns and "x_source_row" not in columns


def test_history_and_versions(api: Api) -> None:
    ingests = api.get("/api/v1/ledger/history").json()["ingests"]
    assert [(i["status"], i["rows"], i["files"], i["version"]) for i in ingests] == [("landed", len(ROWS), 2, 0)]
    versions = api.get("/api/v1/ledger/versions").json()["versions"]
    assert [v["version"] for v in versions] == [0]
    assert versions[0]["ingest_id"] == ingests[0]["id"] and versions[0]["timestamp"]


def test_chargeback_lines_add_up_to_the_rounded_ledger_total(api: Api) -> None:
    body = api.get("/api/v1/chargeback", period="2025-01", level="team").json()
    usd = [line for line in body["lines"] if line["currency"] == "USD"]
    expected = ledger_totals()[("2025-01", "USD")].quantize(D("0.01"))
    assert sum(D(line["total"]) for line in usd) == expected == D(body["ledger_total"]["USD"])
    platform = next(line for line in usd if line["owner"] == "platform")
    assert D(platform["budget"]) == 100
    assert D(platform["variance"]) == D(platform["total"]) - 100


def test_allocation_totals_equal_the_ledger(api: Api) -> None:
    body = api.get("/api/v1/allocation", level="department").json()
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in body["rows"]:
        sums[(row["period"], row["currency"])] += D(row["amount"])
    assert dict(sums) == ledger_totals()
    totals = {(p, c): D(v) for p, per in body["totals"].items() for c, v in per.items()}
    assert totals == ledger_totals()
    assert {r["kind"] for r in body["rows"]} == {"direct", "shared", "unallocated"}


def test_allocation_of_one_month(api: Api) -> None:
    body = api.get("/api/v1/allocation", start="2025-02", end="2025-02").json()
    assert {r["period"] for r in body["rows"]} == {"2025-02"}
    assert sum(D(r["amount"]) for r in body["rows"]) == ledger_totals()[("2025-02", "USD")]


def test_tag_compliance_counts_every_spelling_of_the_required_key(api: Api) -> None:
    groups = api.get("/api/v1/tags/compliance").json()["groups"]
    tagged: dict[str, Decimal] = defaultdict(Decimal)
    for _, currency, _, _, tags, cost in ROWS:
        if any(key.lower() == "team" for key in tags):
            tagged[currency] += D(cost)
    for group in groups:
        currency = group["currency"]
        assert D(group["taggable_spend"]) + D(group["untaggable_spend"]) == by_currency()[currency]
        assert D(group["compliant_spend"]) == tagged[currency]


def test_budgets_match_the_analysis_and_the_hand_sum(api: Api, api_home: tuple[Home, Path]) -> None:
    lines = api.get("/api/v1/budgets", start="2025-01").json()["lines"]
    february = next(line for line in lines if line["period"] == "2025-02")
    assert D(february["actual"]) == D(40) + D(5)  # platform's EC2 plus all of the support pool (its only owner)
    assert february["over_budget"] is False and D(february["budget"]) == 100
    home, config = api_home
    view = open_ledger(home)
    try:
        report = budget_status(view.table, load_config(config), start="2025-01")
    finally:
        view.close()
    assert [(line["period"], D(line["actual"])) for line in lines] == [(b.period, b.actual) for b in report.lines]


def test_units_without_unit_costs_say_how_to_add_them(api: Api) -> None:
    body = api.get("/api/v1/units").json()
    assert body["series"] == [] and body["hint"] == NO_UNITS


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/v1/costs", "rows"),
        ("/api/v1/columns", "columns"),
        ("/api/v1/ledger/history", "ingests"),
        ("/api/v1/ledger/versions", "versions"),
        ("/api/v1/chargeback?period=2025-01", "lines"),
        ("/api/v1/allocation", "rows"),
        ("/api/v1/tags/compliance", "groups"),
        ("/api/v1/budgets", "lines"),
        ("/api/v1/units", "series"),
    ],
)
def test_an_empty_home_answers_with_a_hint(empty_api: Api, url: str, key: str) -> None:
    response = empty_api.get(url)
    assert response.status_code == 200, response.text
    assert response.json()[key] == [] and response.json()["hint"] == EMPTY_HINT
