"""The demo's cloudledger.yaml: valid, complete against the company catalogue, and it owns the demo's cost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.metrics_csv import read_metrics_csv
from cloudledger.config import CloudledgerConfig, load_config
from cloudledger.config.allocation import Allocation
from cloudledger.demo import DemoOutput
from cloudledger.demo.company import DEPARTMENTS, SUB_ACCOUNTS
from cloudledger.demo.metrics import write_demo_metrics
from cloudledger.demo.months import months_ending
from cloudledger.demo.policy import cost_centers, render_demo_policy, write_demo_policy
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import LedgerView, open_ledger


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory, demo_args: dict[str, object]) -> CloudledgerConfig:
    folder = tmp_path_factory.mktemp("policy")
    rows, months, end = demo_args["rows"], demo_args["months"], demo_args["end_month"]
    assert isinstance(rows, int) and isinstance(months, int) and isinstance(end, str)
    return load_config(write_demo_policy(folder, rows=rows, months=months, end_month=end))


@pytest.fixture(scope="module")
def view(demo: DemoOutput, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerView]:
    home = Home(tmp_path_factory.mktemp("policy-ledger")).ensure()
    for delivery in demo.deliveries:
        ingest(home, delivery.paths)
    opened = open_ledger(home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def ledger_rows(view: LedgerView) -> list[dict[str, object]]:
    columns = ["x_billing_period", "ServiceName", "SubAccountId", "EffectiveCost"]
    return view.con.to_pyarrow(view.table.select(*columns)).to_pylist()


def _amount(row: dict[str, object], column: str = "EffectiveCost") -> Decimal:
    value = row[column]
    assert value is None or isinstance(value, Decimal)
    return value or Decimal(0)


def _allocated(view: LedgerView, config: CloudledgerConfig) -> list[dict[str, object]]:
    return view.con.to_pyarrow(allocate(view.table, config, AllocationQuery(keep=()))).to_pylist()


def test_the_file_is_the_same_on_every_render(tmp_path: Path) -> None:
    assert render_demo_policy() == render_demo_policy()
    assert render_demo_policy(rows=1000) != render_demo_policy(), "budgets follow the row count"
    short = tmp_path / "cloudledger.yaml"
    short.write_text(render_demo_policy(months=3), encoding="utf-8")
    assert load_config(short).budgets == [], "no calendar year is covered long enough to budget"


def test_every_department_team_and_cost_center_of_the_company_is_in_the_file(config: CloudledgerConfig) -> None:
    org = config.organization
    assert org.name == "Northwind Labs"
    assert [d.name for d in org.departments] == [d.name for d in DEPARTMENTS]
    for written, company in zip(org.departments, DEPARTMENTS, strict=True):
        assert [t.name for t in written.teams] == list(company.teams)
        assert written.cost_center == company.cost_center
        assert company.slug in written.aliases
    codes = {c.code: c for c in org.cost_centers}
    assert {d.cost_center for d in DEPARTMENTS} <= set(codes)
    assert all(codes[code].gl_account == f"6105-{code[3:]}" for code, _ in cost_centers())
    assert {b.scope.department for b in config.budgets} - {None} == {d.name for d in DEPARTMENTS}


def test_every_sub_account_has_a_department_rule(config: CloudledgerConfig) -> None:
    owner_of: dict[str, str] = {}
    for rule in config.organization.rules:
        condition = rule.match.get("SubAccountId")
        if condition is not None and condition.in_ is not None:
            assert isinstance(rule.department, str)
            owner_of.update(dict.fromkeys(condition.in_, rule.department))
    assert owner_of == {s.id: s.department for s in SUB_ACCOUNTS}
    assert config.organization.rules[0].level == "team"
    assert all(r.level == "department" for r in config.organization.rules[1:])


def test_ownership_rules_leave_little_cost_unallocated(
    view: LedgerView, config: CloudledgerConfig, ledger_rows: list[dict[str, object]]
) -> None:
    unsplit = config.model_copy(update={"allocation": Allocation(dimensions=config.allocation.dimensions)})
    allocated = _allocated(view, unsplit)
    total = sum((_amount(r) for r in ledger_rows), Decimal(0))
    assert sum((_amount(r, "amount") for r in allocated), Decimal(0)) == total
    unallocated = sum((_amount(r, "amount") for r in allocated if r["kind"] == "unallocated"), Decimal(0))
    assert unallocated < total / 5
    by_tag = sum((_amount(r, "amount") for r in allocated if r["rule"] == "team tag"), Decimal(0))
    assert by_tag > total / 2, "most cost is owned by its team tag"


def test_shared_pools_take_what_they_match_and_split_it_exactly(
    view: LedgerView, config: CloudledgerConfig, ledger_rows: list[dict[str, object]]
) -> None:
    allocated = _allocated(view, config)
    shared_ids = {s.id for s in SUB_ACCOUNTS if s.key in ("ops-observability", "sub-ops-shared")}
    expected: dict[tuple[object, str], Decimal] = defaultdict(Decimal)
    for row in ledger_rows:
        service = str(row["ServiceName"] or "")
        pool = "support" if "support" in service.lower() else None
        pool = pool or ("shared infrastructure" if row["SubAccountId"] in shared_ids else None)
        if pool is not None:
            expected[(row["x_billing_period"], pool)] += _amount(row)
    got: dict[tuple[object, str], Decimal] = defaultdict(Decimal)
    for row in allocated:
        if row["kind"] == "shared":
            got[(row["period"], str(row["rule"]))] += _amount(row, "amount")
    assert got == expected
    assert not [r for r in allocated if r["kind"] == "unallocated"]
    split = {r["department"] for r in allocated if r["rule"] == "shared infrastructure"}
    assert split == {d.name for d in DEPARTMENTS}


def test_budgets_follow_the_demo_scale(config: CloudledgerConfig, tmp_path: Path) -> None:
    small = {b.name: b.annual for b in config.budgets}
    large = {b.name: b.annual for b in load_config(write_demo_policy(tmp_path, rows=10 * 20_000)).budgets}
    assert small.keys() == large.keys()
    for name, annual in small.items():
        assert annual is not None and large[name] is not None
        assert set(annual) == {2025, 2026}
        assert all(8 * annual[y] <= large[name][y] <= 12 * annual[y] for y in annual), name
        assert annual[2026] > annual[2025], "the company grows"
    company = small["Company"]
    assert company is not None
    assert all(company[y] == sum(a[y] for n, a in small.items() if n != "Company" and a) for y in company)


def test_demo_metrics_are_a_valid_metrics_file(tmp_path: Path) -> None:
    months = months_ending("2026-10", 24)
    path = write_demo_metrics(tmp_path / "metrics.csv", months)
    again = write_demo_metrics(tmp_path / "again.csv", months)
    assert path.read_bytes() == again.read_bytes()
    points = read_metrics_csv(path)
    orders = [p for p in points if p.metric == "orders"]
    customers = [p for p in points if p.metric == "active_customers"]
    assert len(orders) == sum(m.days for m in months)
    assert [p.date.strftime("%Y-%m") for p in customers] == [m.label for m in months]
    assert all(p.grain == "day" for p in orders) and all(p.grain == "month" for p in customers)
    weekend = [p.value for p in orders if p.date.weekday() >= 5]
    weekdays = [p.value for p in orders if p.date.weekday() < 5]
    assert sum(weekend) / len(weekend) > sum(weekdays) / len(weekdays)
    assert customers[-1].value > customers[0].value


@pytest.mark.parametrize("level", ["department", "team", "cost_center"])
def test_the_chargeback_of_every_month_adds_up_to_the_ledger_to_the_cent(
    view: LedgerView, config: CloudledgerConfig, ledger_rows: list[dict[str, object]], level: str
) -> None:
    from cloudledger.analyses.chargeback import chargeback
    from cloudledger.analyses.tag_values import TagResolver

    expected: dict[object, Decimal] = defaultdict(Decimal)
    for row in ledger_rows:
        expected[row["x_billing_period"]] += _amount(row)
    tags = TagResolver.of(view.table, config.tag_policy)
    periods = sorted(expected.items()) if level == "team" else sorted(expected.items())[-2:]
    for period, total in periods:
        report = chargeback(view.table, config, str(period), level=level, tags=tags)  # type: ignore[arg-type]
        assert sum(line.total for line in report.lines) == total.quantize(Decimal("0.01")), period
        assert report.allocated_pct("USD") == Decimal("100.00")


def test_the_same_policy_on_the_same_ledger_gives_the_same_shares(view: LedgerView, config: CloudledgerConfig) -> None:
    """Weights are exact decimals: no parallel float sum can move the last digit of a share between runs."""

    def shares() -> list[tuple[object, ...]]:
        return sorted(tuple(str(v) for v in r.values()) for r in _allocated(view, config) if r["kind"] == "shared")

    assert shares() == shares()
