"""`GET /api/v1/forecast` and the executive page's month-end card, on a ledger whose last day is mid-month."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

import pytest

from api_client import Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.render import money
from partial_month import LAST, build, september
from scope_ledger import LAST as SCOPES_LAST
from scope_ledger import build as build_scopes
from scope_ledger import daily_totals as scope_daily_totals


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home = build(tmp_path_factory.mktemp("forecast"))
    home.config_path.write_text(
        "budgets:\n  - {name: company, scope: {total: true}, monthly: 4000, start: 2025-01}\n", encoding="utf-8"
    )
    return Api(create_app(settings_from(home.root, home.config_path)))


def test_the_month_end_is_the_exact_cost_so_far_plus_the_forecast_rest(api: Api) -> None:
    body = api.get("/api/v1/forecast", backtest="true").json()
    assert body["as_of_day"] == LAST.isoformat()
    [end] = body["month_end"]
    so_far, rest = september(1, 10), september(11, 30)
    assert Decimal(end["actual"]) == so_far
    assert Decimal(end["total"]) == Decimal(end["actual"]) + Decimal(end["remaining"])
    assert abs(float(end["remaining"]) - rest) / rest < 0.02
    assert Decimal(end["low"]) <= Decimal(end["total"]) <= Decimal(end["high"])
    [scored] = body["backtest"]
    baseline = next(m for m in scored["models"] if m["model"] == "SeasonalNaive")
    assert baseline["mape"] == pytest.approx(0.0, abs=1e-6) and len(baseline["mape_by_day"]) == 14


def test_the_executive_page_shows_the_forecast_card(api: Api) -> None:
    page = html.unescape(api.get("/").text)
    end = api.get("/api/v1/forecast").json()["month_end"][0]
    shown = dict(re.findall(r'data-kpi="([^"]+)">([^<]*)<', page))
    assert shown["USD:forecast"].strip() == f"{money(Decimal(end['total']))} USD"
    expected = Decimal(end["total"]) / Decimal(4000) * 100
    assert shown["USD:forecast-budget"].strip() == f"{expected:,.2f} %"
    filtered = api.get("/", provider="Acme Cloud")
    assert filtered.status_code == 200 and "Showing Acme Cloud." in html.unescape(filtered.text)
    assert 'data-kpi="USD:forecast"' not in filtered.text  # a forecast of the whole bill only


def test_an_empty_home_has_a_hint(tmp_path: Path) -> None:
    home = Home(tmp_path / "empty").ensure()
    body = Api(create_app(settings_from(home.root))).get("/api/v1/forecast").json()
    assert body["hint"] and body["month_end"] == []


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home = build_scopes(tmp_path_factory.mktemp("forecast-scopes"))
    return Api(create_app(settings_from(home.root, home.config_path)))


def test_departments_month_ends_start_from_their_chargeback(scoped: Api) -> None:
    body = scoped.get("/api/v1/forecast", by="department").json()
    assert body["by"] == "department" and body["as_of_day"] == SCOPES_LAST.isoformat()
    ends = {(e["scope"], e["currency"]): e for e in body["month_end"]}
    lines = scoped.get("/api/v1/chargeback", period="2025-04", level="department").json()["lines"]
    assert set(ends) == {(line["owner"], line["currency"]) for line in lines}
    for line in lines:
        end = ends[(line["owner"], line["currency"])]
        assert abs(Decimal(end["actual"]) - Decimal(line["total"])) < Decimal("0.01")
        assert Decimal(end["total"]) == Decimal(end["actual"]) + Decimal(end["remaining"])


def test_budgets_are_forecast_in_their_own_currency(scoped: Api) -> None:
    ends = {e["scope"]: e for e in scoped.get("/api/v1/forecast", by="budget").json()["month_end"]}
    assert set(ends) == {"platform", "storage", "europe"}
    assert ends["europe"]["currency"] == "EUR"
    april = sum((v for d, v in scope_daily_totals("EUR").items() if d.month == 4), Decimal(0))
    assert Decimal(ends["europe"]["actual"]) == april


def test_the_year_view_has_twelve_months_per_scope(scoped: Api) -> None:
    body = scoped.get("/api/v1/forecast/year", by="team").json()
    month_ends = {(e["scope"], e["currency"]): e for e in scoped.get("/api/v1/forecast", by="team").json()["month_end"]}
    assert {(s["scope"], s["currency"]) for s in body["series"]} == set(month_ends)
    for series in body["series"]:
        assert not series["yearly_season"]  # under four months of history
        months = series["months"]
        assert [m["month"] for m in months[:2]] == ["2025-04", "2025-05"] and len(months) == 12
        end = month_ends[(series["scope"], series["currency"])]
        assert months[0]["actual"] == end["actual"]
        # the current month is the month-end forecast itself: both views say the same
        assert (months[0]["forecast"], months[0]["low"], months[0]["high"]) == (end["total"], end["low"], end["high"])
        assert all(Decimal(m["low"]) <= Decimal(m["forecast"]) <= Decimal(m["high"]) for m in months)
        assert all(Decimal(m["actual"]) == 0 for m in months[1:])


@pytest.mark.parametrize("url", ["/api/v1/forecast", "/api/v1/forecast/year"])
def test_an_unknown_scope_names_the_parameter(scoped: Api, url: str) -> None:
    response = scoped.get(url, by="owner")
    assert response.status_code == 422 and response.json()["error"]["parameter"] == "by"


def test_an_empty_home_has_a_hint_for_the_year_too(tmp_path: Path) -> None:
    home = Home(tmp_path / "empty").ensure()
    body = Api(create_app(settings_from(home.root))).get("/api/v1/forecast/year", by="department").json()
    assert body["hint"] and body["series"] == []


def test_model_choices_are_remembered_across_ingests_but_not_taken_from_the_future(tmp_path: Path) -> None:
    from datetime import timedelta

    from cloudledger.ledger.ingest import ingest
    from focus_rows import write_focus_csv
    from partial_month import START, usage

    home = Home(tmp_path / "home").ensure()
    folder = tmp_path / "exports"
    folder.mkdir()

    def land(last: object) -> None:  # the ledger's days up to `last`, one file per month (September replaced)
        days = [START + timedelta(d) for d in range((last - START).days + 1)]  # type: ignore[operator]
        for month in sorted({d.month for d in days}):
            rows = [usage(d) for d in days if d.month == month]
            ingest(home, [write_focus_csv(folder / f"m{month}.csv", rows)])

    land(LAST - timedelta(days=1))
    api = Api(create_app(settings_from(home.root)))
    first = api.get("/api/v1/forecast", backtest="true").json()
    remembered = api.app.state.results.choices[("total", "EffectiveCost", 14, 4)]
    [choice] = remembered.values()
    assert choice.day == LAST - timedelta(days=1) and choice.model == first["backtest"][0]["chosen"]

    land(LAST)  # one more day: a new version, forecast by the remembered model without a new backtest
    second = api.get("/api/v1/forecast", backtest="true").json()
    assert second["as_of_day"] == LAST.isoformat()
    assert second["backtest"] == first["backtest"]  # the scores behind the choice are the remembered ones
    assert second["month_end"][0]["model"] == choice.model
    assert Decimal(second["month_end"][0]["actual"]) == september(1, 10)

    past = api.get("/api/v1/forecast", backtest="true", as_of="3").json()  # the version before the new day
    assert past["as_of_day"] == (LAST - timedelta(days=1)).isoformat()
    assert past["backtest"] == first["backtest"]  # backtested afresh on its own days, as the first time
    assert api.app.state.results.choices[("total", "EffectiveCost", 14, 4)] == remembered  # left as it was
