"""Forecasts per department, team and budget on a hand-made ledger: the series are the allocation by charge day
(checked against the chargeback and against sums of the ledger's rows), and each is forecast by its backtest's
choice."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cloudledger.analyses.budget_alerts import budget_forecast, crossings
from cloudledger.analyses.budgets import budget_status
from cloudledger.analyses.chargeback import chargeback, chargebacks
from cloudledger.analyses.forecast import Series
from cloudledger.analyses.forecast_scopes import budget_month_ends, scope_costs, scope_forecast
from cloudledger.analyses.rounding import round_half_up
from cloudledger.cli import app
from cloudledger.config.load import load_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.read import LedgerView, open_ledger
from scope_ledger import LAST, START, build, daily_totals

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return build(tmp_path_factory.mktemp("scopes"))


@pytest.fixture(scope="module")
def ledger(home: Home) -> Iterator[tuple[LedgerView, CloudledgerConfig]]:
    view = open_ledger(home)
    try:
        yield view, load_config(home.config_path)
    finally:
        view.close()


def by_day(series: Series) -> dict[date, float]:
    return {series.start + timedelta(d): v for d, v in enumerate(series.values)}


def month_sum(series: Series, month: str) -> float:
    return sum(v for d, v in by_day(series).items() if d.strftime("%Y-%m") == month)


def test_a_departments_month_is_its_chargeback_to_the_cent(ledger: tuple[LedgerView, CloudledgerConfig]) -> None:
    view, config = ledger
    costs = scope_costs(view, config, "department")
    series = {(s.scope, s.currency): s for s in costs.series}
    assert {scope for scope, _ in series} == {"Engineering", "Data", "Unallocated"}
    months = ("2025-01", "2025-02", "2025-03", "2025-04")
    for month, report in zip(months, chargebacks(view.table, config, months, level="department"), strict=True):
        lines = report.lines
        assert len(lines) == len(series)
        for line in lines:
            found = Decimal(str(month_sum(series[(line.owner, line.currency)], month)))
            assert abs(found - line.total) < CENT, (month, line.owner)


def test_every_departments_day_adds_up_to_the_bill(ledger: tuple[LedgerView, CloudledgerConfig]) -> None:
    view, config = ledger
    costs = scope_costs(view, config, "department")
    total = {s.currency: s for s in scope_costs(view, config, "total").series}
    assert costs.last_day == LAST
    for currency in ("USD", "EUR"):
        summed: dict[date, float] = defaultdict(float)
        for s in costs.series:
            if s.currency == currency:
                for day, value in by_day(s).items():
                    summed[day] += value
        expected = daily_totals(currency)  # summed from the rows written, not from the ledger
        assert set(summed) == set(expected) and min(summed) == START
        assert all(abs(summed[d] - float(expected[d])) < 1e-6 for d in expected)
        assert by_day(total[currency]) == pytest.approx(summed)
    april = sum((v for d, v in daily_totals("USD").items() if d.month == 4), Decimal(0))
    usd = [v for (_, c), v in costs.actual.items() if c == "USD"]
    assert sum(usd, Decimal(0)) == april  # the month so far stays exact


def test_budget_series_are_their_scopes_cost_in_their_own_currency(
    ledger: tuple[LedgerView, CloudledgerConfig],
) -> None:
    view, config = ledger
    budgets = {s.scope: s for s in scope_costs(view, config, "budget").series}
    teams = {(s.scope, s.currency): s for s in scope_costs(view, config, "team").series}
    assert set(budgets) == {"platform", "storage", "europe"}
    assert budgets["platform"].currency == "USD" and budgets["platform"].values == teams[("platform", "USD")].values
    storage, europe = daily_totals("USD", "Amazon S3"), daily_totals("EUR")
    assert by_day(budgets["storage"]) == pytest.approx({d: float(v) for d, v in storage.items()})
    assert budgets["europe"].currency == "EUR"
    assert by_day(budgets["europe"]) == pytest.approx({d: float(v) for d, v in europe.items()})


def test_department_month_ends_use_the_backtests_choice(ledger: tuple[LedgerView, CloudledgerConfig]) -> None:
    view, config = ledger
    found = scope_forecast(view, config, "department", horizon=7, windows=3)
    assert found.last_day == LAST
    assert {(b.scope, b.currency) for b in found.scores} == {(e.scope, e.currency) for e in found.ends}
    chosen = {(b.scope, b.currency): b.chosen for b in found.scores}
    april = {line.owner: line.total for line in chargeback(view.table, config, "2025-04", level="department").lines}
    for end in found.ends:
        assert end.month == "2025-04" and end.model == chosen[(end.scope, end.currency)]
        if end.currency == "USD":
            assert abs(end.actual - april[end.scope]) < CENT
        assert end.total == end.actual + end.remaining and end.low <= end.total <= end.high
        # ten days left of a month whose twenty days cost `actual`: the rest is about half of it, a bit more (growth)
        assert 0.4 < float(end.remaining / end.actual) < 0.65
    with pytest.raises(QueryError, match="cannot forecast by 'owner'"):
        scope_forecast(view, config, "owner")


def test_budget_month_ends_are_named_by_budget(ledger: tuple[LedgerView, CloudledgerConfig]) -> None:
    view, config = ledger
    ends = budget_month_ends(view, config)
    assert set(ends) == {"platform", "storage", "europe"}
    storage = sum((v for d, v in daily_totals("USD", "Amazon S3").items() if d.month == 4), Decimal(0))
    assert ends["storage"].actual == storage and ends["storage"].month == "2025-04"
    assert ends["storage"].total > storage
    assert budget_month_ends(view, CloudledgerConfig()) == {}


def command(home: Home, *args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(app, ["forecast", "--home", str(home.root), *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    found: list[dict[str, str]] = json.loads(result.output)
    return found


def test_the_command_forecasts_teams_month_ends(home: Home, ledger: tuple[LedgerView, CloudledgerConfig]) -> None:
    rows = command(home, "--by", "team", "--horizon", "7", "--windows", "3")
    view, config = ledger
    lines = chargeback(view.table, config, "2025-04", level="team").lines
    assert {(r["scope"], r["currency"]) for r in rows} == {(line.owner, line.currency) for line in lines}
    for line in lines:
        row = next(r for r in rows if (r["scope"], r["currency"]) == (line.owner, line.currency))
        assert abs(Decimal(row["so far"]) - line.total) < CENT and row["month"] == "2025-04"
        assert Decimal(row["month end"]) == Decimal(row["so far"]) + Decimal(row["forecast rest"])


def test_the_command_shows_each_budgets_next_twelve_months(home: Home) -> None:
    rows = command(home, "--by", "budget", "--year")
    assert {r["scope"] for r in rows} == {"platform", "storage", "europe"}
    europe = [r for r in rows if r["scope"] == "europe"]
    assert [r["month"] for r in europe] == [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"]
    april = sum((v for d, v in daily_totals("EUR").items() if d.month == 4), Decimal(0))
    assert {r["currency"] for r in europe} == {"EUR"} and Decimal(europe[0]["so far"]) == april
    assert all(r["yearly season"] == "no" and r["model"] == "MSTL" for r in rows)
    # a growing series: the months after April are forecast above the 30-day average of the last weeks
    may = Decimal(europe[1]["forecast"])
    assert Decimal(europe[1]["80 % low"]) <= may <= Decimal(europe[1]["80 % high"])
    assert may > april / 20 * 31 * Decimal("0.95")


def test_the_command_refuses_an_unknown_scope(home: Home) -> None:
    result = CliRunner().invoke(app, ["forecast", "--home", str(home.root), "--by", "owner"])
    assert isinstance(result.exception, QueryError) and "cannot forecast by 'owner'" in str(result.exception)


def test_budget_alerts_use_the_budgets_own_forecast(ledger: tuple[LedgerView, CloudledgerConfig]) -> None:
    view, config = ledger
    ends = budget_month_ends(view, config)
    lines = {line.name: line for line in budget_status(view.table, config, start="2025-04", end="2025-04").lines}
    storage = lines["storage"]
    assert storage.actual == sum((v for d, v in daily_totals("USD", "Amazon S3").items() if d.month == 4), Decimal(0))
    expected = round_half_up(storage.actual + ends["storage"].remaining)
    assert budget_forecast(storage, None, ends["storage"]) == expected
    found = [c for c in crossings(lines.values(), config, budget_ends=ends) if c.kind == "forecast"]
    assert storage.actual / 20 * 30 > 900  # twenty days at this pace overrun the 900 of the month
    assert {c.budget: c.amount for c in found}["storage"] == expected
    assert all(c.amount == budget_forecast(lines[c.budget], None, ends[c.budget]) for c in found)
