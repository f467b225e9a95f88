"""The tags & allocation page on the demo company reads the monthly rollup and remembers its answers, and shows
exactly the page it shows when every answer is computed from the ledger on each request."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import ibis
import pytest

from allocation_ledger import ORG
from api_client import Api
from cloudledger.analyses.summary import Tables
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.config.load import load_config
from cloudledger.home import Home
from cloudledger.web.tags import rollup_or_ledger

BY = ("department", "team", "month", "service")


@pytest.fixture(scope="module")
def apis(demo_home: Home) -> tuple[Api, Api]:
    """The page as served (rollups, answers remembered), and computed from the ledger every time."""
    settings = settings_from(demo_home.root, demo_home.config_path)
    fast = Api(create_app(settings))
    slow = Api(create_app(replace(settings, rollups=False, remember=False)))
    return fast, slow


def _periods(api: Api) -> list[str]:
    """The latest billing period and one a year before it."""
    periods = re.findall(r'<option value="(\d{4}-\d{2})"', api.get("/tags").text)
    return [periods[0], periods[min(12, len(periods) - 1)]]


def test_the_page_is_the_same_with_rollups_and_remembered_answers(apis: tuple[Api, Api]) -> None:
    fast, slow = apis
    periods = _periods(slow)
    assert periods[0] > periods[1]
    assert fast.get("/tags").text == slow.get("/tags").text
    for period in periods:
        for by in BY:
            expected = slow.get("/tags", period=period, by=by)
            assert expected.status_code == 200
            assert 'data-table="by-' in expected.text
            assert fast.get("/tags", period=period, by=by).text == expected.text, (period, by)
            assert fast.get("/tags", period=period, by=by).text == expected.text, (period, by, "remembered")


def test_an_unknown_period_is_refused_the_same_way(apis: tuple[Api, Api]) -> None:
    fast, slow = apis
    found, expected = fast.get("/tags", period="2019-01"), slow.get("/tags", period="2019-01")
    assert found.status_code == expected.status_code == 422
    assert found.text == expected.text


def test_a_rule_on_a_column_the_rollup_leaves_out_is_answered_by_the_ledger(tmp_path: Path) -> None:
    kept = {name: "string" for name in ("SubAccountId", "ServiceName", "ChargeCategory")}
    monthly = ibis.table({**kept, "Tags": "map<string, string>"}, "monthly")
    ledger = ibis.table({**monthly.schema(), "ResourceId": "string"}, "ledger")
    every = Tables(ledger, ledger, monthly)
    rule = "    - name: one resource\n      match: {ResourceId: r-1}\n      department: Data\n"
    for extra, expected in (("", monthly), (rule, ledger)):
        path = tmp_path / "cloudledger.yaml"
        path.write_text(ORG + extra)
        assert rollup_or_ledger(every, load_config(path)) is expected
