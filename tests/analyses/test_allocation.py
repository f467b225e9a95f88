"""Allocation on a hand-made ledger: every expected share is computed by hand here, with Decimal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from allocation_ledger import ORG, build_ledger, ledger_totals
from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.config.load import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.ledger.read import LedgerView, open_ledger

D = Decimal
ULP = D("0.0000000001")


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerView]:
    opened = open_ledger(build_ledger(tmp_path_factory.mktemp("allocation")))
    yield opened
    opened.close()


def config(extra: str = "") -> CloudledgerConfig:
    return parse_config(ORG + extra, Path("cloudledger.yaml"))


def run(view: LedgerView, cfg: CloudledgerConfig, **query: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = allocate(view.table, cfg, AllocationQuery(**query)).to_pyarrow().to_pylist()
    return rows


def by(rows: list[dict[str, Any]], *keys: str, period: str = "2025-01", currency: str = "USD") -> dict[Any, Decimal]:
    out: dict[Any, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["period"] == period and row["currency"] == currency:
            out[tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]] += row["amount"]
    return dict(out)


def assert_adds_up(rows: list[dict[str, Any]]) -> None:
    got: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        got[(row["period"], row["currency"])] += row["amount"]
    assert dict(got) == ledger_totals()


def test_ownership_rules_first_match_wins_across_tag_spellings(view: LedgerView) -> None:
    rows = run(view, config())
    assert by(rows, "kind", "team", "department") == {
        ("direct", "platform", "Engineering"): D("100"),
        ("direct", "payments", "Engineering"): D("50"),  # tag key Team, value PAY: an alias
        ("direct", None, "Data"): D("30"),  # no team tag: the account rule
        ("unallocated", None, None): D("17"),  # support 10 + unknown team value 7
    }
    assert by(rows, "team", "cost_center", "gl_account", currency="EUR") == {("platform", "CC-ENG", "6100"): D("20")}
    assert by(rows, "rule") == {"team tag": D("150"), "data account": D("30"), None: D("17")}
    assert_adds_up(rows)


def test_even_split_adds_up_to_the_pool_exactly(view: LedgerView) -> None:
    cfg = config(
        """
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {matches: "(?i)support"}}, split: even}
"""
    )
    rows = run(view, cfg)
    shares = by([r for r in rows if r["kind"] == "shared"], "team")
    assert set(shares) == {"platform", "payments", "ml"}
    third = (D("10") / 3).quantize(ULP)
    assert sum(shares.values()) == D("10")
    assert sorted(shares.values()) == [third, third, third + ULP]  # one unit of remainder, to one receiver
    feb = by([r for r in rows if r["kind"] == "shared"], "team", period="2025-02")
    assert sum(feb.values()) == D("5")
    assert_adds_up(rows)


def test_proportional_split_follows_direct_cost_per_period(view: LedgerView) -> None:
    cfg = config(
        """
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {prefix: AWS Support}}, split: proportional}
"""
    )
    rows = run(view, cfg)
    shared = by([r for r in rows if r["kind"] == "shared"], "team")
    # January: platform 100 and payments 50 have direct cost; ml has none, so no share.
    assert shared["platform"] == (D("10") * 100 / 150).quantize(ULP)
    assert shared["payments"] == D("10") - shared["platform"]
    assert "ml" not in shared
    # February: only platform has direct cost in USD.
    assert by([r for r in rows if r["kind"] == "shared"], "team", period="2025-02") == {"platform": D("5")}
    assert_adds_up(rows)


def test_fixed_split_and_unallocated_remainder_to_departments(view: LedgerView) -> None:
    cfg = config(
        """
allocation:
  shared_costs:
    - name: support
      match: {ServiceName: {matches: "(?i)support"}}
      split: fixed
      weights: {platform: 70, ml: 30}
    - {name: untagged, unallocated: true, split: proportional, level: department}
"""
    )
    rows = run(view, cfg)
    assert by([r for r in rows if r["rule"] == "support"], "team") == {"platform": D("7"), "ml": D("3")}
    untagged = by([r for r in rows if r["rule"] == "untagged"], "department")
    # The remainder (7.00 of unknown team) in proportion to departments' direct cost: Engineering 150, Data 30.
    assert abs(untagged["Engineering"] - D("7") * 150 / 180) <= ULP
    assert untagged["Engineering"] + untagged["Data"] == D("7")
    assert not [r for r in rows if r["kind"] == "unallocated" and r["period"] == "2025-01" and r["currency"] == "USD"]
    assert_adds_up(rows)


def test_metric_split_uses_business_metrics_of_the_period(view: LedgerView) -> None:
    cfg = config(
        """
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {matches: support, ignore_case: true}}, split: metric, metric: api_calls}
"""
    )
    metrics = ibis.memtable(
        pa.table(
            {
                "metric": ["api_calls", "api_calls", "api_calls", "orders"],
                "dimension": ["platform", "Payments", "platform", "ml"],
                "date": pa.array([pa.scalar(d, pa.date32()).as_py() for d in _dates()], pa.date32()),
                "grain": ["day"] * 4,
                "value": pa.array([D("1"), D("3"), D("1"), D("100")], pa.decimal128(38, 10)),
            }
        )
    )
    rows = allocate(view.table, cfg, AllocationQuery(), metrics).to_pyarrow().to_pylist()
    jan = by([r for r in rows if r["kind"] == "shared"], "team")
    assert jan == {"platform": D("4"), "payments": D("6")}  # 1 + 1 : 3 calls in January
    # February has no api_calls: the pool stays unallocated under its own name.
    assert by([r for r in rows if r["kind"] == "unallocated"], "rule", period="2025-02") == {"support": D("5")}
    assert_adds_up(rows)
    with pytest.raises(QueryError, match="units import"):
        run(view, cfg)


def _dates() -> list[Any]:
    from datetime import date

    return [date(2025, 1, 3), date(2025, 1, 9), date(2025, 1, 20), date(2025, 1, 3)]


def test_virtual_tag_dimension_and_kept_columns(view: LedgerView) -> None:
    cfg = config(
        """
allocation:
  dimensions:
    - name: product
      rules:
        - {match: {SubAccountId: acct-data}, value: analytics}
        - {from: "tag:team", values: {PAY: checkout}}
      default: other
"""
    )
    rows = run(view, cfg, keep=("dim:product", "tag:team", "day"))
    assert by(rows, "dim:product") == {
        "platform": D("100"),
        "checkout": D("50"),
        "analytics": D("30"),
        "nobody": D("7"),
        "other": D("10"),
    }
    assert {r["day"].isoformat() for r in rows if r["period"] == "2025-01"} == {"2025-01-05"}
    with pytest.raises(QueryError, match="unknown dimension"):
        run(view, cfg, keep=("dim:nope",))


def test_a_new_policy_reallocates_history_without_reingest(view: LedgerView) -> None:
    version = view.snapshot.version
    before = by(run(view, config()), "department")
    after = by(
        run(view, parse_config(ORG.replace("department: Data", "department: Engineering"), Path("x.yaml"))),
        "department",
    )
    assert before["Data"] == D("30") and "Data" not in after
    assert after["Engineering"] == before["Engineering"] + D("30")
    assert view.snapshot.version == version


def test_period_range_and_metric_are_checked(view: LedgerView) -> None:
    rows = run(view, config(), start="2025-02", end="2025-02")
    assert {r["period"] for r in rows} == {"2025-02"}
    with pytest.raises(QueryError, match="unknown metric"):
        run(view, config(), metric="Cost")


def test_rules_on_columns_outside_the_allow_list_are_refused(view: LedgerView) -> None:
    bad = parse_config(ORG + "\n    - {match: {x_secret_column: a}, department: Data}\n", Path("x.yaml"))
    with pytest.raises(QueryError, match="unknown column 'x_secret_column'"):
        run(view, bad)


def test_value_list_rules_keep_their_order_and_need_every_column(view: LedgerView) -> None:
    """Consecutive account-list rules are evaluated as one lookup: the first rule listing a value still wins,
    and a rule on two columns does not match a row missing one of them."""
    rules = """
    - {match: {SubAccountId: [acct-eng, acct-data]}, team: ml}
    - {match: {SubAccountId: acct-eng}, team: platform}
    - {match: {SubAccountId: acct-other, tag:team: nobody}, team: payments}
    - {match: {SubAccountId: acct-mgmt, tag:team: someone}, team: payments}
    - {match: {SubAccountId: [acct-mgmt]}, department: Data}
"""
    head = ORG[: ORG.index("  rules:")] + "  rules:" + rules
    rows = run(view, parse_config(head, Path("x.yaml")))
    assert by(rows, "team", "department") == {
        ("ml", "Data"): D("180"),  # acct-eng (100 + 50) and acct-data (30): the first rule lists both
        ("payments", "Engineering"): D("7"),  # acct-other with tag team=nobody
        (None, "Data"): D("10"),  # acct-mgmt has no team tag: the two-column rule does not match
    }
    assert by(rows, "team", currency="EUR") == {"ml": D("20")}
