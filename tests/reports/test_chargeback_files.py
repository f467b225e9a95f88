"""Chargeback CSV, XLSX and PDF files, read back and compared with the hand-built reports they came from."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from html import escape
from pathlib import Path

import openpyxl
import pytest

from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackLine, ChargebackReport
from cloudledger.errors import QueryError
from cloudledger.reports.chargeback_files import (
    CHARGEBACK_WRITERS,
    chargeback_html,
    write_chargeback,
    write_chargeback_csv,
    write_chargeback_pdf,
    write_chargeback_xlsx,
)
from cloudledger.reports.money import display, excel_format
from cloudledger.reports.sheet_names import SheetNames

D = Decimal
SYMBOL = {"USD": "$", "EUR": "€"}
ENG, LABS, SALES = "Engineering", "R&D: Labs/Research", "Sales and Marketing Operations EMEA"
EXPECTED_SHEETS = ["Summary", "Engineering", "R&D_ Labs_Research", "Sales and Marketing Operations", "Unallocated"]


def _line(owner: str, dept: str | None, currency: str, direct: str, shared: str, **extra: object) -> ChargebackLine:
    return ChargebackLine(
        owner=owner,
        department=dept,
        team=None if owner == UNALLOCATED else owner,
        cost_center=None if dept is None else f"CC-{dept[:3].upper()}",
        gl_account=None if dept is None else "6100",
        currency=currency,
        direct=D(direct),
        shared=D(shared),
        total=D(direct) + D(shared),
        **extra,  # type: ignore[arg-type]
    )


def _report(period: str, lines: list[ChargebackLine]) -> ChargebackReport:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.total
    return ChargebackReport(
        period=period, level="team", metric="EffectiveCost", lines=tuple(lines), ledger_total=totals
    )


@pytest.fixture
def reports() -> list[ChargebackReport]:
    """Two periods, two currencies, three departments with teams (two teams share a name), unallocated cost."""
    jan = [
        _line(
            "Platform",
            ENG,
            "USD",
            "12000.10",
            "1500.05",
            budget=D("13000.00"),
            variance=D("500.15"),
            variance_pct=D("3.85"),
            top_services=(("EC2", D("9000.00")), ("S3", D("99.00"))),
        ),
        _line("Data", ENG, "USD", "4000.00", "250.00"),
        _line("Platform", LABS, "USD", "900.00", "-950.25"),
        _line("Ops <EU>", SALES, "EUR", "3100.40", "0.00", previous=D("2900.00"), change_pct=D("6.91")),
        _line("=Growth", SALES, "EUR", "1200.00", "10.99"),
        _line(UNALLOCATED, None, "USD", "321.09", "0.00"),
        _line(UNALLOCATED, None, "EUR", "45.60", "0.00"),
    ]
    feb = [
        _line("Platform", ENG, "USD", "12500.00", "1600.00", previous=D("13500.15"), change_pct=D("4.44")),
        _line("Data", ENG, "USD", "3900.50", "240.00"),
        _line("Platform", LABS, "USD", "1000.00", "25.00"),
        _line("Ops <EU>", SALES, "EUR", "3300.00", "0.00"),
        _line(UNALLOCATED, None, "USD", "12.34", "0.00"),
    ]
    return [_report("2025-01", jan), _report("2025-02", feb)]


def _all_lines(reports: list[ChargebackReport]) -> list[tuple[str, ChargebackLine]]:
    return [(r.period, line) for r in reports for line in r.lines]


def _text(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


# --- CSV -------------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_line_with_two_decimal_amounts(tmp_path: Path, reports: list[ChargebackReport]) -> None:
    path = tmp_path / "chargeback.csv"
    write_chargeback_csv(reports, path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    expected = _all_lines(reports)
    assert len(rows) == len(expected) == 12
    for row, (period, line) in zip(rows, expected, strict=True):
        assert (row["period"], row["level"], row["owner"], row["currency"]) == (
            period,
            "team",
            line.owner,
            line.currency,
        )
        assert row["department"] == (line.department or "")
        assert Decimal(row["total"]) == line.total == Decimal(row["direct"]) + Decimal(row["shared"])
        for column in ("direct", "shared", "total", "budget", "variance", "variance_pct", "previous", "change_pct"):
            assert row[column] == _text(getattr(line, column))
            assert row[column] == "" or re.fullmatch(r"-?\d+\.\d\d", row[column])
    assert rows[0]["top_services"] == "EC2 9000.00; S3 99.00"
    assert rows[0]["budget"] == "13000.00" and rows[1]["budget"] == ""
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        per_currency[row["currency"]] += Decimal(row["total"])
    assert dict(per_currency) == {c: sum((r.ledger_total.get(c, D(0)) for r in reports), D(0)) for c in ("USD", "EUR")}


# --- XLSX ------------------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def test_xlsx_sheets_are_summary_departments_and_unallocated(tmp_path: Path, reports: list[ChargebackReport]) -> None:
    path = tmp_path / "chargeback.xlsx"
    write_chargeback_xlsx(reports, path, company="Acme & Co")
    book = _read_xlsx(path)
    assert book.sheetnames == EXPECTED_SHEETS
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert book.properties.title.startswith("Acme & Co")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None)
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        assert sheet.column_dimensions["A"].width > 8


def _sheet_lines(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    ("sheet_name", "department"),
    [(EXPECTED_SHEETS[1], ENG), (EXPECTED_SHEETS[2], LABS), (EXPECTED_SHEETS[3], SALES), ("Unallocated", None)],
)
def test_xlsx_department_sheet_holds_its_lines(
    tmp_path: Path, reports: list[ChargebackReport], sheet_name: str, department: str | None
) -> None:
    path = tmp_path / "chargeback.xlsx"
    write_chargeback_xlsx(reports, path)
    sheet = _read_xlsx(path)[sheet_name]
    expected = [(p, line) for p, line in _all_lines(reports) if line.department == department]
    rows = _sheet_lines(sheet)
    assert len(rows) == len(expected) > 0
    for index, (row, (period, line)) in enumerate(zip(rows, expected, strict=True), start=2):
        assert (row["Period"], row["Owner"], row["Currency"]) == (period, line.owner, line.currency)
        assert Decimal(str(row["Total"])) == line.total
        assert Decimal(str(row["Direct"])) == line.direct and Decimal(str(row["Shared"])) == line.shared
        assert row["Budget"] is None if line.budget is None else Decimal(str(row["Budget"])) == line.budget
        total_cell = sheet.cell(row=index, column=10)
        assert SYMBOL[line.currency] in total_cell.number_format and "[Red]" in total_cell.number_format


def test_xlsx_keeps_formula_like_names_as_text(tmp_path: Path, reports: list[ChargebackReport]) -> None:
    path = tmp_path / "chargeback.xlsx"
    write_chargeback_xlsx(reports, path)
    sheet = _read_xlsx(path)["Sales and Marketing Operations"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == "=Growth"]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_xlsx_summary_has_owners_by_period_and_a_total_per_currency(
    tmp_path: Path, reports: list[ChargebackReport]
) -> None:
    path = tmp_path / "chargeback.xlsx"
    write_chargeback_xlsx(reports, path)
    sheet = _read_xlsx(path)["Summary"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Owner", "Department", "Currency", "2025-01", "2025-02", "Total"]
    expected: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(dict)
    for period, line in _all_lines(reports):
        expected[(line.owner, line.department or "", line.currency)][period] = line.total
    seen: dict[tuple[str, str, str], dict[str, Decimal]] = {}
    totals: dict[str, dict[str, Decimal]] = {}
    for row in sheet.iter_rows(min_row=2):
        owner, dept, currency, *amounts = (cell.value for cell in row)
        values = {h: Decimal(str(v)) for h, v in zip(header[3:], amounts, strict=True) if v is not None}
        assert excel_format(str(currency)) in {row[3].number_format, row[4].number_format}
        if str(owner).startswith("Total "):
            totals[str(currency)] = values
        else:
            seen[(str(owner), str(dept or ""), str(currency))] = values
    assert {k: {p: v for p, v in vals.items() if p != "Total"} for k, vals in seen.items()} == expected
    for key, values in seen.items():
        assert values["Total"] == sum(expected[key].values(), D(0))
    for currency in ("USD", "EUR"):
        by_period = {r.period: sum((ln.total for ln in r.lines if ln.currency == currency), D(0)) for r in reports}
        assert totals[currency] == {**by_period, "Total": sum(by_period.values(), D(0))}
        assert by_period == {r.period: r.ledger_total[currency] for r in reports if currency in r.ledger_total}
    labels = [(row[0].value, row[2].value) for row in sheet.iter_rows(min_row=2)]
    assert [currency for _owner, currency in labels] == sorted(currency for _owner, currency in labels)
    for currency in ("USD", "EUR"):
        owners = [owner for owner, c in labels if c == currency]
        assert owners[-2:] == [UNALLOCATED, f"Total {currency}"]


def test_xlsx_without_unallocated_cost_has_no_unallocated_sheet(tmp_path: Path) -> None:
    report = _report(
        "2025-03", [_line("Platform", ENG, "GBP", "10.00", "0.00"), _line(UNALLOCATED, None, "GBP", "0", "0")]
    )
    path = tmp_path / "chargeback.xlsx"
    write_chargeback_xlsx([report], path)
    book = _read_xlsx(path)
    assert book.sheetnames == ["Summary", "Engineering"]
    assert "£" in book["Engineering"].cell(row=2, column=10).number_format


def test_number_formats_per_currency() -> None:
    assert "¥" in excel_format("JPY") and ".00" not in excel_format("JPY")
    assert excel_format("CHF") == '#,##0.00 "CHF";[Red]-#,##0.00 "CHF"'
    assert excel_format("EUR").startswith('"€"#,##0.00')


def test_sheet_names_are_valid_and_unique() -> None:
    names = SheetNames()
    assert names.claim("Summary") == "Summary"
    assert names.claim("summary") == "summary (2)"
    assert names.claim("History") == "History (2)"
    assert names.claim("'quoted'") == "quoted"
    assert names.claim("a/b\\c[d]e:f*g?h") == "a_b_c_d_e_f_g_h"
    long = "x" * 40
    first, second = names.claim(long), names.claim(long)
    assert (first, second) == ("x" * 31, "x" * 27 + " (2)")
    assert names.claim("") == "Sheet"


# --- HTML and PDF ----------------------------------------------------------------------------------------


def _money(amount: Decimal, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}{SYMBOL[currency]}{abs(amount):,.2f}"


def test_html_shows_every_owner_total_and_allocated_share(reports: list[ChargebackReport]) -> None:
    html = chargeback_html(reports, company="Acme & Co")
    assert "Acme &amp; Co" in html and "Acme & Co" not in html
    assert "2025-01 – 2025-02" in html and "EffectiveCost" in html and "team" in html
    assert "Ops <EU>" not in html and "Ops &lt;EU&gt;" in html
    for _period, line in _all_lines(reports):
        assert escape(line.owner) in html
        assert _money(line.total, line.currency) in html
    assert _money(D("-50.25"), "USD") in html  # a credit larger than the cost
    for report in reports:
        for currency in report.currencies:
            total = sum((ln.total for ln in report.lines if ln.currency == currency), D(0))
            assert f"Total {currency}" in html and _money(total, currency) in html
            unallocated = sum(
                (ln.total for ln in report.lines if ln.currency == currency and ln.owner == UNALLOCATED), D(0)
            )
            share = ((total - unallocated) / total * 100).quantize(D("0.01"))
            assert f"Allocated to an owner: {share:,} %" in html
    assert html.count("<svg") == 4  # one chart per period and currency
    assert "<script" not in html
    assert 'counter(page) " of " counter(pages)' in html and "A4 landscape" in html


def test_display_formats_money_for_people() -> None:
    assert display(D("-1234.5"), "USD") == "-$1,234.50"
    assert display(D("1234.50"), "JPY") == "¥1,235"
    assert display(D("1234567.891"), "CHF") == "1,234,567.89 CHF"
    assert display(D("-0.001"), "GBP") == "£0.00"


def test_pdf_is_written(tmp_path: Path, reports: list[ChargebackReport]) -> None:
    path = tmp_path / "chargeback.pdf"
    write_chargeback_pdf(reports, path, company="Acme")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Page 1 of" in text and "Ops <EU>" in text and "Engineering" in text


# --- choosing the writer ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.csv", "out.XLSX", "out.pdf"])
def test_write_chargeback_chooses_by_suffix(tmp_path: Path, reports: list[ChargebackReport], name: str) -> None:
    path = tmp_path / name
    write_chargeback(reports, path, company="Acme")
    magic = {".csv": b"period,", ".xlsx": b"PK\x03\x04", ".pdf": b"%PDF-"}[path.suffix.lower()]
    assert path.read_bytes().startswith(magic)


@pytest.mark.parametrize("name", ["out.txt", "out"])
def test_write_chargeback_rejects_other_suffixes(tmp_path: Path, reports: list[ChargebackReport], name: str) -> None:
    with pytest.raises(QueryError) as error:
        write_chargeback(reports, tmp_path / name)
    message = str(error.value)
    assert ".csv, .pdf, .xlsx" in message and (".txt" in message or "(none)" in message)
    assert set(CHARGEBACK_WRITERS) == {".csv", ".xlsx", ".pdf"}
    assert not (tmp_path / name).exists()


def test_write_chargeback_needs_a_period(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="at least one billing period"):
        write_chargeback([], tmp_path / "out.csv")
