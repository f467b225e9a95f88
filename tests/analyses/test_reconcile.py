"""`reconcile`: the ledger against native totals, ingest records, invoices, and a second export format."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import write_deltalake
from typer.testing import CliRunner

from cloudledger.analyses.invoices import Invoice, read_invoices
from cloudledger.analyses.reconcile import ReconcileReport, reconcile_home
from cloudledger.cli import app
from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.sources import Source, read_rows
from cloudledger.sources import focus as focus_source
from cloudledger.sources.files import BillingFile
from cloudledger.sources.native import SourceRows, sum_native_by_slice
from cloudledger.sources.normalize import SLICE_SOURCE
from focus_rows import focus_row, write_focus_csv
from reference import read_csv_rows, totals_by

CENT = Decimal("0.01")


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _report(home: Home, invoices: Sequence[Invoice] = ()) -> ReconcileReport:
    return reconcile_home(home, invoices)


def _period(text: str) -> str:
    return text[:7]


def _expected_by_slice(sample: Path) -> dict[tuple[str, str], dict[str, Decimal | int]]:
    rows = read_csv_rows(sample)
    for row in rows:
        row["period"] = _period(row["BillingPeriodStart"])
    totals = totals_by(rows, ["period", "BillingAccountId"], ["BilledCost", "EffectiveCost"])
    return {(k[0], k[1]): v for k, v in totals.items()}


def test_the_focus_sample_reconciles_with_its_own_columns(home: Home, samples_dir: Path) -> None:
    sample = samples_dir / "focus-other" / "focus_sample.csv"
    ingest(home, [sample])
    report = _report(home)
    assert report.ok, report.differences
    expected = _expected_by_slice(sample)
    native = [c for c in report.checks if c.kind == "native"]
    assert {(c.billing_period, c.billing_account, c.metric) for c in native} == {
        (p, a, m) for p, a in expected for m in ("BilledCost", "EffectiveCost")
    }
    for check in native:
        # natives are summed from the text at 12 places, the reference at the ledger's 10: equal within 1e-9
        assert abs(check.expected - Decimal(expected[(check.billing_period, check.billing_account)][check.metric])) < (
            Decimal("1e-9")
        )
    ingest_checks = [c for c in report.checks if c.kind == "ingest"]
    assert len(ingest_checks) == 5 * len(expected)
    assert report.unverified == ()


def _invoice_file(path: Path, lines: Sequence[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Billing_Account", "billing_period", "currency", "amount", "invoice_id"])
        for number, line in enumerate(lines):
            writer.writerow([*line, f"INV-{number}"])
    return path


def _cents(value: Decimal | int) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def test_invoices_that_match_pass_and_one_that_does_not_fails(home: Home, samples_dir: Path, tmp_path: Path) -> None:
    sample = samples_dir / "focus-other" / "focus_sample.csv"
    ingest(home, [sample])
    expected = _expected_by_slice(sample)
    lines = [(a, p, "USD", _cents(v["BilledCost"])) for (p, a), v in sorted(expected.items())]
    good = read_invoices(_invoice_file(tmp_path / "good.csv", lines))
    assert _report(home, good).ok
    period, account = sorted(expected)[0]
    off = [(account, period, "USD", str(Decimal(lines[0][3]) + Decimal("0.02")))]
    report = _report(home, read_invoices(_invoice_file(tmp_path / "off.csv", off)))
    (difference,) = report.differences
    assert difference.kind == "invoice"
    assert (difference.billing_period, difference.billing_account) == (period, account)
    assert difference.difference == Decimal(expected[(period, account)]["BilledCost"]) - Decimal(off[0][3])
    assert difference.expected_from == "invoice INV-0"


def test_an_invoice_for_an_account_the_ledger_lacks_is_a_difference(home: Home, tmp_path: Path) -> None:
    write_focus_csv(tmp_path / "f.csv", [focus_row()])
    ingest(home, [tmp_path / "f.csv"])
    report = _report(home, read_invoices(_invoice_file(tmp_path / "i.csv", [("999", "2025-01", "USD", "5.00")])))
    (difference,) = report.differences
    assert difference.ledger == 0 and difference.expected == Decimal("5.00")


def test_the_cli_prints_differences_and_exits_one(home: Home, tmp_path: Path) -> None:
    write_focus_csv(tmp_path / "f.csv", [focus_row(BilledCost="10.50"), focus_row(BilledCost="0.255")])
    ingest(home, [tmp_path / "f.csv"])
    runner = CliRunner()
    ok = runner.invoke(app, ["reconcile", "--home", str(home.root)])
    assert ok.exit_code == 0, ok.output
    assert "Reconciled" in ok.output
    invoice = _invoice_file(tmp_path / "i.csv", [("111111111111", "2025-01", "USD", "10.74")])
    result = runner.invoke(app, ["reconcile", "--home", str(home.root), "--invoices", str(invoice), "-f", "csv"])
    assert result.exit_code == 1
    rows = list(csv.DictReader(result.output.splitlines()))
    assert [(r["Check"], r["Ledger"], r["Expected"], r["Difference"]) for r in rows] == [
        ("invoice", "10.7550000000", "10.74", "0.0150000000")
    ]
    within = runner.invoke(
        app, ["reconcile", "--home", str(home.root), "--invoices", str(invoice), "--tolerance", "0.02"]
    )
    assert within.exit_code == 0, within.output


def test_a_ledger_changed_outside_cloudledger_is_caught(home: Home, tmp_path: Path) -> None:
    write_focus_csv(tmp_path / "f.csv", [focus_row(), focus_row(BilledCost="3")])
    ingest(home, [tmp_path / "f.csv"])
    view = open_ledger(home)
    try:
        extra = view.con.to_pyarrow(view.all_rows.limit(1))
    finally:
        view.close()
    write_deltalake(str(home.ledger_path), extra.cast(extra.schema), mode="append")
    report = _report(home)
    kinds = {(c.kind, c.metric) for c in report.differences}
    assert ("native", "BilledCost") in kinds
    assert ("ingest", "rows") in kinds
    assert {c.difference for c in report.differences if c.kind == "native" and c.metric == "BilledCost"} == {
        Decimal("10.5")
    }


def _copy_source(name: str, shift_category: str, shift: Decimal) -> Source:
    """A second 'format' of FOCUS files: the same rows under another source name, one category shifted."""

    def read(file: BillingFile) -> SourceRows:
        rows = read_rows(focus_source.SOURCE, file).table
        rows = rows.set_column(rows.schema.get_field_index(SLICE_SOURCE), SLICE_SOURCE, pa.repeat(name, rows.num_rows))
        money = rows.schema.field("EffectiveCost").type
        shifted = [
            value + shift if category == shift_category else value
            for value, category in zip(
                rows["EffectiveCost"].to_pylist(), rows["ChargeCategory"].to_pylist(), strict=True
            )
        ]
        effective = pa.array(shifted, money)
        rows = rows.set_column(rows.schema.get_field_index("EffectiveCost"), "EffectiveCost", effective)
        native = sum_native_by_slice(rows, rows["BilledCost"], metric="BilledCost", native_column="x", file="f")
        return SourceRows(rows, native)

    return Source(name, "copy", lambda header: "BilledCost" in header, read)


def test_one_account_in_two_formats_is_counted_once_and_compared(home: Home, tmp_path: Path) -> None:
    rows = [focus_row(), focus_row(ChargeCategory="Tax", BilledCost="1.5", EffectiveCost="1.5", ListCost="1.5")]
    write_focus_csv(tmp_path / "a" / "focus.csv", rows)
    write_focus_csv(tmp_path / "b" / "copy.csv", rows)
    ingest(home, [tmp_path / "a" / "focus.csv"])
    ingest(home, [tmp_path / "b" / "copy.csv"], sources=[_copy_source("zz-copy", "Tax", Decimal("0.25"))])
    view = open_ledger(home)
    try:
        counted = view.con.to_pyarrow(view.table.group_by(SLICE_SOURCE).aggregate(n=view.table.count())).to_pylist()
        every = view.con.execute(view.all_rows.count())
    finally:
        view.close()
    assert counted == [{SLICE_SOURCE: "focus", "n": 2}] and every == 4
    report = _report(home)
    differences = {(c.metric, c.expected_from) for c in report.differences}
    assert differences == {("EffectiveCost", "focus (all charges)"), ("EffectiveCost", "focus (Tax)")}
    assert all(c.source == "zz-copy" and c.difference == Decimal("0.25") for c in report.differences)


def test_bad_invoice_files_name_the_row_and_column(tmp_path: Path) -> None:
    bad_period = _invoice_file(tmp_path / "p.csv", [("1", "2025-13", "USD", "1")])
    with pytest.raises(InputError, match="YYYY-MM") as caught:
        read_invoices(bad_period)
    assert (caught.value.row, caught.value.column) == (1, "billing_period")
    bad_currency = _invoice_file(tmp_path / "c.csv", [("1", "2025-01", "usd", "1")])
    with pytest.raises(InputError, match="ISO 4217"):
        read_invoices(bad_currency)
    bad_amount = _invoice_file(tmp_path / "a.csv", [("1", "2025-01", "USD", "ten")])
    with pytest.raises(InputError, match="amount"):
        read_invoices(bad_amount)
    (tmp_path / "h.csv").write_text("account,amount\n1,2\n")
    with pytest.raises(InputError, match="billing_period"):
        read_invoices(tmp_path / "h.csv")
