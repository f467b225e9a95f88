"""Chargeback and plan on the hand-made ledger: lines add up to the ledger to the cent; shares by hand."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from allocation_ledger import ORG, build_ledger, ledger_totals
from cloudledger.analyses.chargeback import chargeback
from cloudledger.analyses.chargeback_model import UNALLOCATED
from cloudledger.analyses.plan import plan
from cloudledger.analyses.rounding import round_to_total
from cloudledger.config.load import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.ledger.read import LedgerView, open_ledger

D = Decimal
CENT = D("0.01")
SUPPORT_EVEN = """
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {matches: "(?i)support"}}, split: even}
"""


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerView]:
    opened = open_ledger(build_ledger(tmp_path_factory.mktemp("chargeback")))
    yield opened
    opened.close()


def config(text: str = ORG + SUPPORT_EVEN) -> CloudledgerConfig:
    return parse_config(text, Path("cloudledger.yaml"))


@pytest.mark.parametrize("level", ["department", "team", "cost_center"])
@pytest.mark.parametrize("period", ["2025-01", "2025-02"])
def test_every_month_adds_up_to_the_ledger_to_the_cent(view: LedgerView, level: str, period: str) -> None:
    report = chargeback(view.table, config(), period, level=level)  # type: ignore[arg-type]
    expected = {c: t.quantize(CENT) for (p, c), t in ledger_totals().items() if p == period}
    assert report.ledger_total == expected
    for currency, total in expected.items():
        lines = [line for line in report.lines if line.currency == currency]
        assert sum(line.total for line in lines) == total
        assert all(line.direct + line.shared == line.total for line in lines)


def test_team_lines_by_hand(view: LedgerView) -> None:
    report = chargeback(view.table, config(), "2025-01", level="team")
    usd = {line.owner: line for line in report.lines if line.currency == "USD"}
    third = D(10) / 3
    exact = {
        "platform": D(100) + third,
        "payments": D(50) + third,
        "ml": third,
        "Data (no team)": D(30),
        UNALLOCATED: D(7),
    }
    assert {owner: line.total for owner, line in usd.items()} == round_to_total(
        dict(sorted(exact.items(), key=lambda item: (item[0] == UNALLOCATED, -item[1])))
    )
    assert usd["platform"].direct == D("100.00") and usd["ml"].direct == D("0.00")
    assert usd["payments"].cost_center == "CC-PAY" and usd["payments"].gl_account == "6150"
    assert usd["platform"].top_services[0] == ("Amazon EC2", D("100.00"))
    assert list(usd)[-1] == UNALLOCATED
    assert report.allocated_pct("USD") == ((D(197) - 7) / 197 * 100).quantize(CENT)
    assert [line.owner for line in report.lines if line.currency == "EUR"] == ["platform"]


def test_budget_variance_and_month_over_month(view: LedgerView) -> None:
    budgets = {("platform", "USD"): D("100.00")}
    report = chargeback(view.table, config(), "2025-02", level="team", budgets=budgets)
    platform = next(line for line in report.lines if line.owner == "platform" and line.currency == "USD")
    january = chargeback(view.table, config(), "2025-01", level="team")
    previous = next(line for line in january.lines if line.owner == "platform" and line.currency == "USD").total
    feb_total = D(40) + (D(5) / 3).quantize(CENT)  # 40 direct + an even third of 5.00 of support
    assert abs(platform.total - feb_total) <= CENT
    assert platform.budget == D("100.00") and platform.variance == platform.total - D(100)
    assert platform.variance_pct == (platform.variance / D(100) * 100).quantize(CENT)
    assert platform.previous == previous
    assert platform.change_pct == ((platform.total - previous) / previous * 100).quantize(CENT)


def test_bad_period_and_level(view: LedgerView) -> None:
    with pytest.raises(QueryError, match="YYYY-MM"):
        chargeback(view.table, config(), "2025-13")
    with pytest.raises(QueryError, match="unknown level"):
        chargeback(view.table, config(), "2025-01", level="squad")  # type: ignore[arg-type]


def test_plan_refuses_a_proposal_that_leaves_more_unallocated(view: LedgerView) -> None:
    without_account_rule = ORG[: ORG.index("    - name: data account")] + SUPPORT_EVEN
    report = plan(view.table, config(), config(without_account_rule), "2025-01", level="department")
    changes = {(line.owner, line.currency): (line.action, line.change) for line in report.changed}
    assert changes == {("Data", "USD"): ("~", D("-30.00")), (UNALLOCATED, "USD"): ("~", D("30.00"))}
    assert report.leaves_more_unallocated
    assert report.unallocated("current") == {"USD": D("7.00")}
    assert report.unallocated("proposed") == {"USD": D("37.00")}


def test_plan_accepts_a_proposal_that_allocates_more(view: LedgerView) -> None:
    proposal = ORG + "    - {match: {SubAccountId: acct-other}, team: ml}\n" + SUPPORT_EVEN
    report = plan(view.table, config(), config(proposal), "2025-01")
    changes = {line.owner: (line.action, line.change) for line in report.changed if line.currency == "USD"}
    assert changes["ml"][1] == D("7.00") and changes[UNALLOCATED] == ("-", D("-7.00"))
    assert not report.leaves_more_unallocated
    assert sum(line.change for line in report.lines if line.currency == "USD") == 0


def test_several_months_from_one_allocation_equal_each_month_alone(view: LedgerView) -> None:
    from cloudledger.analyses.chargeback import chargebacks

    together = chargebacks(view.table, config(), ["2025-01", "2025-02"], level="team")
    alone = [chargeback(view.table, config(), p, level="team") for p in ("2025-01", "2025-02")]
    assert together == alone
    assert together[1].lines[0].previous is not None
