"""On the demo company (three providers, two AWS formats, tags in several spellings, shared pools, budgets and
business metrics), every analysis the pages run on a rollup answers exactly as on the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from cloudledger.analyses.billing_periods import billing_periods
from cloudledger.analyses.budgets import budget_status
from cloudledger.analyses.chargeback import chargeback
from cloudledger.analyses.cloud_mix import cloud_mix
from cloudledger.analyses.explorer import CostQuery, run_costs
from cloudledger.analyses.explorer_source import cost_source
from cloudledger.analyses.summary import Tables, on_rollup
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.analyses.unit_costs import unit_costs
from cloudledger.cli_policy import business_metrics
from cloudledger.config.load import load_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.home import Home
from cloudledger.ledger.read import LedgerView, open_ledger


@pytest.fixture(scope="module")
def view(demo_home: Home) -> Iterator[LedgerView]:
    opened = open_ledger(demo_home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def config(demo_home: Home) -> CloudledgerConfig:
    return load_config(demo_home.config_path)


def test_the_rollups_are_far_smaller_than_the_ledger(view: LedgerView) -> None:
    rows = view.table.count().to_pyarrow().as_py()
    assert view.monthly.count().to_pyarrow().as_py() < rows / 4
    assert view.daily.count().to_pyarrow().as_py() < rows


def test_cloud_mix_is_the_same_on_the_monthly_rollup(view: LedgerView, config: CloudledgerConfig) -> None:
    for providers in ((), ("AWS",)):
        on_ledger = cloud_mix(view.table, config, providers=providers)
        assert cloud_mix(view.monthly, config, providers=providers) == on_ledger
        assert on_ledger.currencies


def test_chargeback_and_budgets_are_the_same_on_the_monthly_rollup(
    view: LedgerView, config: CloudledgerConfig, demo_home: Home
) -> None:
    metrics = business_metrics(demo_home)
    period = billing_periods(view.table).latest
    assert period is not None
    for level in ("department", "team", "cost_center"):
        on_ledger = chargeback(view.table, config, period, level=level, metrics=metrics)  # type: ignore[arg-type]
        assert chargeback(view.monthly, config, period, level=level, metrics=metrics) == on_ledger  # type: ignore[arg-type]
    assert budget_status(view.monthly, config, metrics=metrics) == budget_status(view.table, config, metrics=metrics)


def test_unit_costs_and_periods_are_the_same_through_the_daily_rollup(
    view: LedgerView, config: CloudledgerConfig, demo_home: Home
) -> None:
    metrics = business_metrics(demo_home)
    assert metrics is not None and config.unit_costs
    on_ledger = unit_costs(view.table, config, metrics)
    # the demo's unit costs select cost by tag, which the daily rollup does not keep: the ledger answers
    assert on_rollup(lambda t: unit_costs(t, config, metrics), view.daily, view.table) == on_ledger
    assert billing_periods(view.daily) == billing_periods(view.table)


QUERIES = [
    CostQuery(group_by=("ServiceName",), metric="EffectiveCost", grain="month"),
    CostQuery(group_by=("tag:team",), grain="billing_period", start=date(2026, 1, 1), end=date(2026, 7, 1)),
    CostQuery(group_by=("RegionId",), grain="day", start=date(2026, 9, 3), end=date(2026, 9, 20)),
    CostQuery(group_by=("ProviderName", "tag:environment"), filters=(("ServiceCategory", "Compute"),)),
    CostQuery(group_by=("ResourceId",), limit=5),
    CostQuery(group_by=("ChargeDescription",), grain="month", tags=(("team", "platform"),)),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(q.group_by) + f"/{q.grain}")
def test_explorer_queries_read_a_rollup_when_one_can_answer_and_answer_the_same(
    view: LedgerView, config: CloudledgerConfig, query: CostQuery
) -> None:
    every = Tables(view.table, view.daily, view.monthly)
    source = cost_source(query, every)
    tags = TagResolver.of(view.table, config.tag_policy)
    assert run_costs(view.con, source, query, tags) == run_costs(view.con, view.table, query, tags)
    expected = {
        "ServiceName": view.monthly,
        "tag:team": view.monthly,
        "RegionId": view.daily,
        "ProviderName": view.monthly,
        "ResourceId": view.table,
        "ChargeDescription": view.monthly,
    }[query.group_by[0]]
    assert source is expected
