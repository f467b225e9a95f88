"""`GET /kpis` against the analysis and the ledger's rows, a bad day, and the empty home."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from allocation_ledger import ledger_totals
from api_client import Api
from cloudledger.analyses.kpis import executive_kpis
from cloudledger.api.deps import EMPTY_HINT
from cloudledger.config.load import load_config
from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger

D = Decimal


def test_kpis_match_the_analysis_and_the_ledger(api: Api, api_home: tuple[Home, Path]) -> None:
    body = api.get("/api/v1/kpis").json()
    assert body["as_of_day"] == "2025-02-05" and body["month"] == "2025-02" and body["hint"] is None
    usd = next(c for c in body["currencies"] if c["currency"] == "USD")
    february, january = ledger_totals()[("2025-02", "USD")], ledger_totals()[("2025-01", "USD")]
    assert D(usd["month_to_date"]["spend"]) == february  # every row is charged on the 5th
    assert D(usd["month_to_date"]["previous_spend"]) == january
    assert D(usd["year_to_date"]["spend"]) == january + february
    assert usd["budget_month"] is None  # the only budget is a team's
    home, config = api_home
    view = open_ledger(home)
    try:
        report = executive_kpis(view.table, load_config(config))
    finally:
        view.close()
    for line in report.currencies:
        got = next(c for c in body["currencies"] if c["currency"] == line.currency)
        assert D(got["month_to_date"]["spend"]) == line.month_to_date.spend
        assert D(got["year_to_date"]["previous_spend"]) == line.year_to_date.previous_spend
        for name in ("allocated_pct", "tag_compliance_pct", "savings_vs_list_pct", "savings_vs_contracted_pct"):
            expected = getattr(line, name)
            assert (D(got[name]) if got[name] is not None else None) == expected


def test_kpis_as_of_an_earlier_day(api: Api) -> None:
    body = api.get("/api/v1/kpis", as_of_day="2025-01-31").json()
    usd = next(c for c in body["currencies"] if c["currency"] == "USD")
    assert body["month"] == "2025-01"
    assert D(usd["month_to_date"]["spend"]) == ledger_totals()[("2025-01", "USD")]
    assert D(usd["month_to_date"]["previous_spend"]) == 0
    assert usd["month_to_date"]["change_pct"] is None


def test_a_bad_day_gets_the_error_shape(api: Api) -> None:
    response = api.get("/api/v1/kpis", as_of_day="2025-02-30")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "QueryError" and error["parameter"] == "as_of_day" and error["message"]


def test_an_empty_home_answers_with_a_hint(empty_api: Api) -> None:
    response = empty_api.get("/api/v1/kpis")
    assert response.status_code == 200
    assert response.json()["currencies"] == [] and response.json()["hint"] == EMPTY_HINT
