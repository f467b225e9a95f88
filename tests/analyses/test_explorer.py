"""The cost explorer against totals computed in plain Python from the raw FOCUS sample."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.explorer import CostQuery, groupable_columns, run_costs
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import LedgerView, open_ledger
from reference import ledger_decimal, read_csv_rows


@pytest.fixture(scope="module")
def sample_rows(samples_dir: Path) -> list[dict[str, str]]:
    return read_csv_rows(samples_dir / "focus-other" / "focus_sample.csv")


@pytest.fixture(scope="module")
def view(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerView]:
    home = Home(tmp_path_factory.mktemp("explorer")).ensure()
    ingest(home, [samples_dir / "focus-other" / "focus_sample.csv"])
    opened = open_ledger(home)
    yield opened
    opened.close()


def _expected(
    rows: list[dict[str, str]], key: Callable[[dict[str, str]], object], metric: str = "BilledCost"
) -> dict[object, Decimal]:
    out: dict[object, Decimal] = defaultdict(Decimal)
    for row in rows:
        value = ledger_decimal(row[metric])
        out[key(row)] += value if value is not None else Decimal(0)
    return dict(out)


def _null(text: str) -> str | None:
    return None if text in ("", "NULL") else text


def _tags(row: dict[str, str]) -> dict[str, str]:
    text = _null(row["Tags"])
    return {k: str(v) for k, v in json.loads(text).items()} if text else {}


def test_group_by_service(view: LedgerView, sample_rows: list[dict[str, str]]) -> None:
    result = run_costs(view.con, view.table, CostQuery(group_by=("ServiceName",)))
    got = {r["ServiceName"]: r["BilledCost"] for r in result.rows}
    assert got == _expected(sample_rows, lambda r: _null(r["ServiceName"]))
    assert result.totals == {"USD": sum(got.values(), Decimal(0))}
    assert [r["BilledCost"] for r in result.rows] == sorted(got.values(), reverse=True)


def test_group_by_tag_and_filter(view: LedgerView, sample_rows: list[dict[str, str]]) -> None:
    query = CostQuery(group_by=("tag:environment",), metric="EffectiveCost", filters=(("ProviderName", "AWS"),))
    result = run_costs(view.con, view.table, query)
    got = {r["tag:environment"]: r["EffectiveCost"] for r in result.rows}
    aws = [r for r in sample_rows if r["ProviderName"] == "AWS"]
    assert got == _expected(aws, lambda r: _tags(r).get("environment"), "EffectiveCost")
    assert None in got  # untagged spend is a group of its own, never dropped


def test_tag_filter_and_two_values_of_one_column(view: LedgerView, sample_rows: list[dict[str, str]]) -> None:
    query = CostQuery(
        group_by=("ProviderName",),
        filters=(("ProviderName", "AWS"), ("ProviderName", "Microsoft")),
        tags=(("environment", "dev"),),
    )
    got = {r["ProviderName"]: r["BilledCost"] for r in run_costs(view.con, view.table, query).rows}
    chosen = [
        r for r in sample_rows if r["ProviderName"] in ("AWS", "Microsoft") and _tags(r).get("environment") == "dev"
    ]
    assert got == _expected(chosen, lambda r: r["ProviderName"])


def test_day_grain_and_range(view: LedgerView, sample_rows: list[dict[str, str]]) -> None:
    query = CostQuery(grain="day", start=date(2024, 9, 10), end=date(2024, 9, 20), metric="ListCost")
    got = {r["day"]: r["ListCost"] for r in run_costs(view.con, view.table, query).rows}
    inside = [r for r in sample_rows if "2024-09-10" <= r["ChargePeriodStart"][:10] < "2024-09-20"]
    assert got == _expected(inside, lambda r: date.fromisoformat(r["ChargePeriodStart"][:10]), "ListCost")
    assert len(got) == 10


def test_billing_period_grain(view: LedgerView, sample_rows: list[dict[str, str]]) -> None:
    got = {
        r["billing_period"]: r["BilledCost"]
        for r in run_costs(view.con, view.table, CostQuery(grain="billing_period")).rows
    }
    assert got == _expected(sample_rows, lambda r: r["BillingPeriodStart"][:7])


def test_unknown_column_lists_the_valid_ones(view: LedgerView) -> None:
    with pytest.raises(QueryError) as caught:
        run_costs(view.con, view.table, CostQuery(group_by=("Service; DROP TABLE x",)))
    assert "ServiceName" in str(caught.value) and "tag:KEY" in str(caught.value)
    with pytest.raises(QueryError, match="valid metrics"):
        run_costs(view.con, view.table, CostQuery(metric="Cost"))


def test_only_text_dimensions_are_groupable(view: LedgerView) -> None:
    names = groupable_columns(view.table)
    assert {"ServiceName", "ProviderName", "SubAccountId", "x_billing_period"} <= set(names)
    assert not {"BilledCost", "ChargePeriodStart", "Tags", "x_source_row"} & set(names)


def test_limit_shows_top_groups_but_totals_everything(view: LedgerView, sample_rows: list[dict[str, str]]) -> None:
    result = run_costs(view.con, view.table, CostQuery(group_by=("ServiceName",), limit=3))
    everything = _expected(sample_rows, lambda r: _null(r["ServiceName"]))
    assert len(result.rows) == 3
    assert [r["BilledCost"] for r in result.rows] == sorted(everything.values(), reverse=True)[:3]
    assert result.totals == {"USD": sum(everything.values(), Decimal(0))}
