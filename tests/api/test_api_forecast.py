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
