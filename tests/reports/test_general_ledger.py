"""The general-ledger export: postings per cost center that add up to the chargeback to the cent."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackLine, ChargebackReport, Level
from cloudledger.errors import QueryError
from cloudledger.reports.general_ledger import GL_COLUMNS, general_ledger_rows, write_general_ledger_csv

D = Decimal
SUSPENSE = "9999"


def _line(
    cc: str | None, gl: str | None, currency: str, total: str, dept: str | None = "Engineering"
) -> ChargebackLine:
    amount = D(total)
    return ChargebackLine(
        owner=cc or UNALLOCATED,
        department=dept if cc else None,
        team=None,
        cost_center=cc,
        gl_account=gl,
        currency=currency,
        direct=amount,
        shared=D("0.00"),
        total=amount,
    )


def _report(lines: list[ChargebackLine], level: Level = "cost_center") -> ChargebackReport:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.total
    return ChargebackReport(
        period="2025-03", level=level, metric="EffectiveCost", lines=tuple(lines), ledger_total=totals
    )


@pytest.fixture
def report() -> ChargebackReport:
    return _report(
        [
            _line("CC-1100", "6100", "USD", "10450.37"),
            _line("CC-1200", "6100", "USD", "-12.50", dept="Sales"),  # a credit larger than the cost
            _line("CC-1300", "6150", "USD", "0.00"),
            _line(None, None, "USD", "88.13"),
            _line("CC-2100", "6200", "EUR", "2300.01", dept="Research"),
            _line(None, None, "EUR", "0.00"),
        ]
    )


def test_rows_add_up_to_the_chargeback_per_currency(report: ChargebackReport) -> None:
    rows = general_ledger_rows(report, suspense_account=SUSPENSE)
    assert [(r["cost_center"], r["gl_account"], r["currency"]) for r in rows] == [
        ("CC-1100", "6100", "USD"),
        ("CC-1200", "6100", "USD"),
        ("", SUSPENSE, "USD"),
        ("CC-2100", "6200", "EUR"),
    ]
    posted: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        posted[row["currency"]] += row["amount"]
        assert row["period"] == "2025-03" and row["amount"] == row["amount"].quantize(D("0.01"))
    assert dict(posted) == {"USD": D("10450.37") - D("12.50") + D("88.13"), "EUR": D("2300.01")}
    assert rows[1]["amount"] == D("-12.50")
    assert rows[0]["memo"] == "Cloud cost 2025-03 CC-1100" and rows[2]["memo"] == f"Cloud cost 2025-03 {UNALLOCATED}"


def test_memo_fields(report: ChargebackReport) -> None:
    rows = general_ledger_rows(
        report, memo="{metric}/{period}/{department}/{cost_center}/{currency}", suspense_account="S"
    )
    assert rows[1]["memo"] == "EffectiveCost/2025-03/Sales/CC-1200/USD"
    assert rows[2]["memo"] == "EffectiveCost/2025-03///USD"


@pytest.mark.parametrize("memo", ["{owner} {account}", "{owner.__class__}", "{0}", "{owner"])
def test_bad_memo_template_is_rejected(report: ChargebackReport, memo: str) -> None:
    with pytest.raises(QueryError, match="memo template"):
        general_ledger_rows(report, memo=memo, suspense_account=SUSPENSE)


def test_unallocated_cost_needs_a_suspense_account(report: ChargebackReport) -> None:
    with pytest.raises(QueryError, match=r"chargeback\.suspense_account") as error:
        general_ledger_rows(report)
    assert "88.13 USD" in str(error.value)


def test_no_suspense_account_needed_without_unallocated_cost() -> None:
    rows = general_ledger_rows(_report([_line("CC-1100", "6100", "GBP", "5.00"), _line(None, None, "GBP", "0.00")]))
    assert [r["amount"] for r in rows] == [D("5.00")]


def test_cost_center_without_gl_account_is_named(report: ChargebackReport) -> None:
    broken = _report([*report.lines, _line("CC-4040", None, "USD", "1.00")])
    with pytest.raises(QueryError, match="cost center CC-4040 has no GL account"):
        general_ledger_rows(broken, suspense_account=SUSPENSE)


@pytest.mark.parametrize("level", ["department", "team"])
def test_only_the_cost_center_level_can_be_posted(level: Level) -> None:
    with pytest.raises(QueryError, match="cost_center level"):
        general_ledger_rows(_report([_line("CC-1100", "6100", "USD", "1.00")], level=level))


def test_amounts_not_in_cents_are_refused() -> None:
    with pytest.raises(QueryError, match="add up to"):
        general_ledger_rows(_report([_line("CC-1100", "6100", "USD", "1.005")]))


def test_csv_reads_back(tmp_path: Path, report: ChargebackReport) -> None:
    rows = general_ledger_rows(report, suspense_account=SUSPENSE)
    path = tmp_path / "gl.csv"
    write_general_ledger_csv(rows, path)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert tuple(next(reader)) == GL_COLUMNS
        read = list(reader)
    assert [r[3] for r in read] == ["10450.37", "-12.50", "88.13", "2300.01"]
    assert read[2][:3] == ["2025-03", "", SUSPENSE]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for r in read:
        totals[r[4]] += D(r[3])
    assert dict(totals) == {c: sum((ln.total for ln in report.lines if ln.currency == c), D(0)) for c in ("USD", "EUR")}
