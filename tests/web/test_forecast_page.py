"""The forecast page on a ledger whose last day is mid-month: the month ends are the API's, the cost so far is
the hand-computed one, the day table runs to the month-end total, the accuracy shows only when asked; an empty
home, a too-short ledger and a bad scope are said in words."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from api_client import Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.render import money
from focus_rows import write_focus_csv
from partial_month import LAST, build, september, usage

D = Decimal


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home = build(tmp_path_factory.mktemp("forecast-page"))
    home.config_path.write_text("budgets: []\n", encoding="utf-8")
    return Api(create_app(settings_from(home.root, home.config_path)))


def page_of(api: Api, **params: str) -> str:
    response = api.get("/forecast", **params)
    assert response.status_code == 200, response.text[:800]
    return response.text


def fields(page: str, attribute: str) -> dict[str, dict[str, str]]:
    rows = {}
    for key, body in re.findall(rf'<tr {attribute}="([^"]+)">(.*?)</tr>', page, re.S):
        cells = re.findall(r'<td[^>]*data-field="([\w-]+)"[^>]*>(.*?)</td>', body, re.S)
        rows[html.unescape(key)] = {k: re.sub(r"<[^>]+>", "", html.unescape(v)).strip() for k, v in cells}
    return rows


def test_the_month_end_is_the_apis_and_the_cost_so_far_is_the_ledgers(web: Api) -> None:
    page = page_of(web)
    [end] = web.get("/api/v1/forecast").json()["month_end"]
    row = fields(page, "data-scope")["total"]
    assert D(end["actual"]) == september(1, 10)  # the pattern's cost of 1 to 10 September, by hand
    assert row["actual"] == money(D(september(1, 10))) == "1,050.00"
    assert row["remaining"] == money(D(end["remaining"]))
    assert row["total"] == money(D(end["actual"]) + D(end["remaining"]))
    assert row["low"] == money(D(end["low"])) and row["high"] == money(D(end["high"]))
    assert re.search(r'data-month-end="USD">' + re.escape(money(D(end["total"]))) + " USD<", page)
    assert f"data-as-of-day>{LAST.isoformat()}<" in page


def test_the_days_run_from_the_actual_to_the_month_end(web: Api) -> None:
    page = page_of(web)
    [end] = web.get("/api/v1/forecast").json()["month_end"]
    days = fields(page, "data-day")
    assert list(days) == [f"2025-09-{d:02d}" for d in range(1, 31)]
    assert days["2025-09-10"]["running"] == money(D(september(1, 10)))
    last = D(days["2025-09-30"]["running"].replace(",", ""))
    assert abs(last - D(end["total"])) <= D("0.01")  # the forecast days add up to the month end's rest
    chart = json.loads(re.search(r'id="chart-data-USD">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert chart["kind"] == "forecast-month" and len(chart["days"]) == 30
    assert chart["actual"][9] == september(1, 10) and chart["actual"][10] is None
    assert chart["forecast"][9] == chart["actual"][9]  # the cone starts where the actual ends
    assert chart["low"][-1] <= chart["forecast"][-1] <= chart["high"][-1]


def test_the_accuracy_shows_only_when_asked(web: Api) -> None:
    assert "data-accuracy" not in page_of(web)
    page = page_of(web, backtest="1")
    [scored] = web.get("/api/v1/forecast", backtest="true").json()["backtest"]
    row = fields(page, "data-series")["total|USD"]
    chosen = next(m for m in scored["models"] if m["model"] == scored["chosen"])
    assert row["chosen-7"] == f"{chosen['mape_by_day'][6]:.2f} %"
    assert row["words"].startswith(f"On average the forecast 7 days ahead was {chosen['mape_by_day'][6]:.1f} % off")
    assert 'id="accuracy-data-USD"' in page and "checked" in page


def test_the_next_twelve_months_are_the_apis_and_start_from_the_month_end(web: Api) -> None:
    page = page_of(web)
    [year] = web.get("/api/v1/forecast/year").json()["series"]
    [end] = web.get("/api/v1/forecast").json()["month_end"]
    cells = dict(re.findall(r'<td data-month="(\d{4}-\d{2})"[^>]*>([^<]+)</td>', page.split("data-year-scope")[1]))
    assert (
        list(cells)
        == [m["month"] for m in year["months"]]
        == [f"2025-{m:02d}" for m in range(9, 13)] + [f"2026-{m:02d}" for m in range(1, 9)]
    )
    assert cells["2025-09"] == money(D(end["total"]))  # the current month is the month end shown above
    assert all(cells[m["month"]] == money(D(m["forecast"])) for m in year["months"])
    total = sum((D(m["forecast"]) for m in year["months"]), D(0))
    assert fields(page, "data-year-scope")["total"]["year-total"] == money(total)
    chart = json.loads(re.search(r'id="year-data-USD">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert chart["kind"] == "forecast-year" and chart["forecast"][0] == float(D(end["total"]))


def test_a_bad_scope_is_a_422_page_naming_it(web: Api) -> None:
    response = web.get("/forecast", by="Region")
    assert response.status_code == 422
    assert re.search(r'data-error-status="422"><strong>by</strong>:', response.text)


def test_an_empty_home_shows_how_to_ingest(tmp_path: Path) -> None:
    made = Home(tmp_path / "home").ensure()
    page = page_of(Api(create_app(settings_from(made.root))))
    assert "<code data-ingest>" in page and "echarts" not in page


def test_a_short_ledger_says_why_there_is_no_forecast(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    days = [LAST - timedelta(days=d) for d in range(5)]
    ingest(home, [write_focus_csv(tmp_path / "short.csv", [usage(d) for d in days])])
    page = page_of(Api(create_app(settings_from(home.root))))
    assert 'data-hint="too-short"' in page and "The ledger holds 5 days" in page and "echarts" not in page
