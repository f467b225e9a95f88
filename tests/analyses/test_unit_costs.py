"""Unit costs on hand-made ledgers: a checkout service (tag application=checkout) ÷ orders, computed by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pytest

from cloudledger.analyses.metrics_csv import metrics_arrow
from cloudledger.analyses.unit_costs import significant, unit_costs
from cloudledger.config.load import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.metrics_store import MetricPoint
from cloudledger.ledger.read import LedgerView, open_ledger
from focus_rows import focus_row, write_focus_csv

JAN = [date(2025, 1, d) for d in range(5, 9)]
CHECKOUT = {"application": "checkout", "team": "payments"}


def charge(day: date, cost: str, *, service: str = "Checkout", currency: str = "USD", **tags: str) -> dict[str, Any]:
    """A FOCUS row charged on `day`, every cost column equal to `cost`."""
    month = day.replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return focus_row(
        ChargePeriodStart=f"{day}T00:00:00Z",
        ChargePeriodEnd=f"{day + timedelta(days=1)}T00:00:00Z",
        BillingPeriodStart=f"{month}T00:00:00Z",
        BillingPeriodEnd=f"{following}T00:00:00Z",
        BilledCost=cost,
        EffectiveCost=cost,
        ListCost=cost,
        ContractedCost=cost,
        BillingCurrency=currency,
        ServiceName=service,
        Tags=json.dumps(tags),
    )


def open_view(tmp_path: Path, rows: Sequence[dict[str, Any]]) -> LedgerView:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_focus_csv(tmp_path / "bill.csv", rows)])
    return open_ledger(home)


def config(text: str, tmp_path: Path) -> CloudledgerConfig:
    return parse_config(text, tmp_path / "cloudledger.yaml")


def metric_table(points: Sequence[MetricPoint]) -> ir.Table:
    return ibis.memtable(metrics_arrow(points))


def orders(values: dict[date, str]) -> list[MetricPoint]:
    return [MetricPoint("orders", day, Decimal(v)) for day, v in values.items()]


def expected_slope(points: Sequence[tuple[int, Decimal]]) -> Fraction:
    """Least-squares slope in exact fractions."""
    xs = [Fraction(x) for x, _ in points]
    ys = [Fraction(y) for _, y in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return numerator / sum((x - mean_x) ** 2 for x in xs)


def close(got: Decimal | None, expected: Fraction) -> bool:
    return got is not None and abs(Fraction(got) - expected) < Fraction(1, 10**18)


DAILY = """
unit_costs:
  - name: checkout per order
    match:
      "tag:application": checkout
    metric: orders
    grain: day
"""


@pytest.fixture
def daily_view(tmp_path: Path) -> Iterator[LedgerView]:
    rows = [
        charge(JAN[0], "12.50", **CHECKOUT),
        charge(JAN[0], "7.25", **CHECKOUT),
        charge(JAN[0], "99", service="Search", application="search"),
        charge(JAN[1], "30.00", **CHECKOUT),
        charge(JAN[2], "15.00", **CHECKOUT),
        charge(JAN[3], "21.00", **CHECKOUT),
        charge(date(2025, 1, 9), "5", service="Search", application="search"),
    ]
    view = open_view(tmp_path, rows)
    yield view
    view.close()


def test_daily_unit_cost_by_hand(daily_view: LedgerView, tmp_path: Path) -> None:
    points = orders({JAN[0]: "79", JAN[1]: "120", JAN[3]: "0", date(2025, 1, 9): "40", date(2025, 1, 10): "50"})
    report = unit_costs(daily_view.table, config(DAILY, tmp_path), metric_table(points))
    (series,) = report.series
    assert series.currency == "USD"
    lines = {line.period: line for line in series.lines}
    # Jan 10 lies after the ledger's last day: not shown; Jan 9 has orders but no checkout cost
    assert list(lines) == [*JAN, date(2025, 1, 9)]
    first = Decimal("12.50") + Decimal("7.25")
    assert (lines[JAN[0]].cost, lines[JAN[0]].value) == (first, Decimal(79))
    assert lines[JAN[0]].unit_cost == first / 79
    assert lines[JAN[1]].unit_cost == Decimal(30) / 120
    assert lines[JAN[1]].change_pct == (Decimal(30) / 120 - first / 79) / (first / 79) * 100
    assert lines[JAN[0]].change_pct is None  # no day before
    assert (lines[JAN[2]].value, lines[JAN[2]].unit_cost, lines[JAN[2]].change_pct) == (None, None, None)
    assert lines[JAN[2]].cost == Decimal(15)
    assert (lines[JAN[3]].value, lines[JAN[3]].unit_cost) == (Decimal(0), None)  # never divide by zero
    assert (lines[date(2025, 1, 9)].cost, lines[date(2025, 1, 9)].unit_cost) == (Decimal(0), Decimal(0))
    known = [(d.toordinal(), lines[d].unit_cost) for d in (JAN[0], JAN[1], date(2025, 1, 9))]
    assert close(series.slope, expected_slope([(x, y) for x, y in known if y is not None]))


def test_per_and_window(daily_view: LedgerView, tmp_path: Path) -> None:
    text = DAILY + "    per: 1000\n"
    points = orders({d: str(100 + i) for i, d in enumerate(JAN)})
    report = unit_costs(daily_view.table, config(text, tmp_path), metric_table(points), start=JAN[1], end=JAN[2])
    (series,) = report.series
    assert [(line.period, line.unit_cost) for line in series.lines] == [
        (JAN[1], Decimal(30) * 1000 / 101),
        (JAN[2], Decimal(15) * 1000 / 102),
    ]
    assert close(series.slope, Fraction(Decimal(15) * 1000 / 102) - Fraction(Decimal(30) * 1000 / 101))


def test_kubernetes_allocation_rows_are_not_counted(daily_view: LedgerView, tmp_path: Path) -> None:
    table = daily_view.table
    doubled = table.union(table.mutate(x_source=ibis.literal("opencost")))
    points = orders({JAN[0]: "79"})
    (series,) = unit_costs(doubled, config(DAILY, tmp_path), metric_table(points)).series
    assert series.lines[0].cost == Decimal("19.75")


MONTHLY = """
unit_costs:
  - name: checkout per order
    match:
      "tag:application": checkout
    metric: orders
  - name: checkout per customer
    match:
      "tag:application": checkout
    metric: active_customers
"""


@pytest.fixture
def two_months(tmp_path: Path) -> Iterator[LedgerView]:
    rows = [charge(date(2025, 1, 5) + timedelta(days=i), f"{10 + i}.{i:02d}", **CHECKOUT) for i in range(31)]
    view = open_view(tmp_path, rows)  # Jan 5 .. Feb 4
    yield view
    view.close()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_monthly_grain_sums_daily_values(two_months: LedgerView, tmp_path: Path) -> None:
    span = days(date(2025, 1, 5), date(2025, 2, 4))
    cost = {d: Decimal(f"{10 + i}.{i:02d}") for i, d in enumerate(span)}
    daily = {d: 100 + 3 * i for i, d in enumerate(span)}
    customers = [
        MetricPoint("active_customers", date(2025, m, 1), Decimal(v), grain="month") for m, v in ((1, 40), (2, 41))
    ]
    points = orders({d: str(v) for d, v in daily.items()}) + customers
    report = unit_costs(two_months.table, config(MONTHLY, tmp_path), metric_table(points))
    per_order, per_customer = report.series
    jan_cost = sum((c for d, c in cost.items() if d.month == 1), Decimal(0))
    feb_cost = sum((c for d, c in cost.items() if d.month == 2), Decimal(0))
    jan_orders = sum(v for d, v in daily.items() if d.month == 1)
    feb_orders = sum(v for d, v in daily.items() if d.month == 2)
    assert [(line.period, line.cost, line.value) for line in per_order.lines] == [
        (date(2025, 1, 1), jan_cost, jan_orders),
        (date(2025, 2, 1), feb_cost, feb_orders),
    ]
    jan, feb = jan_cost / jan_orders, feb_cost / feb_orders
    assert [line.unit_cost for line in per_order.lines] == [jan, feb]
    assert per_order.lines[1].change_pct == (feb - jan) / jan * 100
    assert close(per_order.slope, Fraction(feb) - Fraction(jan))
    assert [line.unit_cost for line in per_customer.lines] == [jan_cost / 40, feb_cost / 41]
    # a monthly unit cost shows the whole months that contain the days asked for
    window = unit_costs(two_months.table, config(MONTHLY, tmp_path), metric_table(points), start=date(2025, 1, 20))
    assert [line.period for line in window.series[0].lines] == [date(2025, 1, 1), date(2025, 2, 1)]
    assert window.series[0].lines[0].cost == jan_cost
    ending = unit_costs(two_months.table, config(MONTHLY, tmp_path), metric_table(points), end=date(2025, 1, 2))
    assert [(line.period, line.cost) for line in ending.series[1].lines] == [(date(2025, 1, 1), jan_cost)]


def test_month_missing_a_day_has_no_unit_cost(two_months: LedgerView, tmp_path: Path) -> None:
    span = days(date(2025, 1, 5), date(2025, 2, 4))
    points = orders({d: "10" for d in span if d not in (date(2025, 1, 20), date(2025, 1, 21))})
    (series,) = unit_costs(
        two_months.table, config(MONTHLY, tmp_path), metric_table(points), names=["checkout per order"]
    ).series
    january, february = series.lines
    assert (january.unit_cost, january.missing_days, january.value) == (None, 2, Decimal(250))
    assert (february.missing_days, february.unit_cost, february.change_pct) == (0, february.cost / 40, None)
    assert series.slope is None


def test_monthly_metric_with_daily_grain_is_refused(two_months: LedgerView, tmp_path: Path) -> None:
    text = MONTHLY + "    grain: day\n"
    points = [MetricPoint("active_customers", date(2025, 1, 1), Decimal(40), grain="month")]
    with pytest.raises(QueryError, match=r"per day .* monthly values"):
        unit_costs(two_months.table, config(text, tmp_path), metric_table(points), names=["checkout per customer"])


def test_dimension_and_errors(daily_view: LedgerView, tmp_path: Path) -> None:
    text = DAILY + "    dimension: payments-api\n"
    calls = [
        MetricPoint("orders", JAN[0], Decimal(1000), "payments-api"),
        MetricPoint("orders", JAN[0], Decimal(3000), "platform"),
    ]
    (series,) = unit_costs(daily_view.table, config(text, tmp_path), metric_table(calls)).series
    assert series.lines[0].unit_cost == Decimal("19.75") / 1000
    (whole,) = unit_costs(daily_view.table, config(DAILY, tmp_path), metric_table(calls)).series
    assert whole.lines[0].unit_cost == Decimal("19.75") / 4000  # no whole-metric values: dimensions summed
    other = DAILY + "    dimension: search\n"
    with pytest.raises(QueryError, match="no dimension 'search'"):
        unit_costs(daily_view.table, config(other, tmp_path), metric_table(calls))
    customers = [MetricPoint("customers", JAN[0], Decimal(1))]
    with pytest.raises(QueryError, match=r"'orders' is not loaded .*customers"):
        unit_costs(daily_view.table, config(DAILY, tmp_path), metric_table(customers))
    with pytest.raises(QueryError, match="no unit cost named 'nope'"):
        unit_costs(daily_view.table, config(DAILY, tmp_path), metric_table(calls), names=["nope"])


def test_two_currencies_are_refused(tmp_path: Path) -> None:
    rows = [
        charge(JAN[0], "1", **CHECKOUT),
        charge(JAN[0], "2", currency="EUR", **CHECKOUT) | {"BillingAccountId": "333333333333"},
    ]
    view = open_view(tmp_path, rows)
    try:
        with pytest.raises(QueryError, match=r"2 billing currencies \(EUR, USD\)"):
            unit_costs(view.table, config(DAILY, tmp_path), metric_table(orders({JAN[0]: "5"})))
        narrowed = DAILY.replace("checkout\n", "checkout\n      BillingCurrency: EUR\n")
        (series,) = unit_costs(view.table, config(narrowed, tmp_path), metric_table(orders({JAN[0]: "5"}))).series
        assert (series.currency, series.lines[0].cost) == ("EUR", Decimal(2))
    finally:
        view.close()


OWNED = """
organization:
  departments:
    - name: Commerce
      teams:
        - name: payments
          aliases: [pay]
        - name: storefront
  rules:
    - match:
        "tag:team": payments
      team: payments
    - match:
        "tag:team": storefront
      team: storefront
allocation:
  shared_costs:
    - name: shared-database
      match:
        ServiceName: Shared Database
      split: even
      level: team
unit_costs:
  - name: payments checkout per order
    team: pay
    match:
      "tag:application": checkout
    metric: orders
    grain: day
  - name: commerce checkout per order
    department: Commerce
    match:
      "tag:application": checkout
    metric: orders
    grain: day
"""


def test_owner_scoped_unit_cost_with_a_shared_split(tmp_path: Path) -> None:
    rows = [
        charge(JAN[0], "10.00", application="checkout", team="payments"),
        charge(JAN[0], "4.00", application="checkout", team="storefront"),
        charge(JAN[0], "6.00", service="Shared Database", application="checkout"),
        charge(JAN[0], "2.00", service="Shared Database", application="search"),
        charge(JAN[0], "8.00", application="search", team="payments"),
        charge(JAN[1], "3.00", application="checkout", team="payments"),
    ]
    view = open_view(tmp_path, rows)
    try:
        points = orders({JAN[0]: "26", JAN[1]: "12"})
        team, department = unit_costs(view.table, config(OWNED, tmp_path), metric_table(points)).series
    finally:
        view.close()
    # payments: its own checkout cost plus half of the shared database's checkout rows (even split of two teams)
    assert [(line.cost, line.unit_cost) for line in team.lines] == [
        (Decimal("10.00") + Decimal("6.00") / 2, (Decimal("10.00") + Decimal("6.00") / 2) / 26),
        (Decimal(3), Decimal(3) / 12),
    ]
    assert department.lines[0].cost == Decimal("10.00") + Decimal("4.00") + Decimal("6.00")


def test_significant_digits() -> None:
    with localcontext() as context:
        context.prec = 5  # the caller's context does not matter
        assert significant(Decimal("0.0123456789")) == Decimal("0.0123457")
        assert significant(Decimal("123456789")) == Decimal("123457000")
    assert significant(Decimal("2.5")) == Decimal("2.50000")
    assert significant(Decimal(0)) == 0


def test_empty_config_gives_an_empty_report(daily_view: LedgerView) -> None:
    report = unit_costs(daily_view.table, CloudledgerConfig(), metric_table([]))
    assert report.series == ()
