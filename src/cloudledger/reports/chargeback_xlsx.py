"""The chargeback workbook: a Summary sheet, one sheet per department and an Unallocated sheet.

Cells hold values, never formulas, so every reader (and every test) sees the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackLine, ChargebackReport
from cloudledger.reports.money import PERCENT_FORMAT, excel_format, services_text
from cloudledger.reports.sheet_names import SheetNames
from cloudledger.reports.summary import OwnerKey, report_title, summarise

SUMMARY = "Summary"
UNALLOCATED_SHEET = "Unallocated"
LINE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("Period", "text", 9),
    ("Owner", "text", 24),
    ("Department", "text", 20),
    ("Team", "text", 18),
    ("Cost center", "text", 14),
    ("GL account", "text", 12),
    ("Currency", "text", 9),
    ("Direct", "money", 15),
    ("Shared", "money", 15),
    ("Total", "money", 15),
    ("Budget", "money", 15),
    ("Variance", "money", 15),
    ("Variance %", "percent", 11),
    ("Previous", "money", 15),
    ("Change %", "percent", 11),
    ("Top services", "text", 50),
)
"""Header, kind of value and width of each column of a department or Unallocated sheet."""


class _Formats:
    """The workbook's cell formats, created once each."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.bold = book.add_format({"bold": True})
        self.percent = book.add_format({"num_format": PERCENT_FORMAT})
        self._money: dict[tuple[str, bool], Any] = {}

    def money(self, currency: str, bold: bool = False) -> Any:
        key = (currency, bold)
        if key not in self._money:
            self._money[key] = self._book.add_format({"num_format": excel_format(currency), "bold": bold})
        return self._money[key]


def _table(sheet: Any, fmt: _Formats, columns: Sequence[tuple[str, int]], rows: int) -> None:
    """Bold header in row 0, frozen, with widths and an autofilter over the data."""
    for col, (title, width) in enumerate(columns):
        sheet.write_string(0, col, title, fmt.header)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(rows, 1), len(columns) - 1)


def _print_setup(sheet: Any, heading: str) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_header("&L" + heading.replace("&", "&&")[:200])
    sheet.set_footer("&CPage &P of &N")


def _number(sheet: Any, row: int, col: int, value: Decimal | None, cell_format: Any) -> None:
    if value is not None:
        sheet.write_number(row, col, float(value), cell_format)


def _text(sheet: Any, row: int, col: int, text: str | None) -> None:
    """Always as a string, so that a name like `=x` is never taken for a formula; blank when empty."""
    if text:
        sheet.write_string(row, col, text)


def _write_line(sheet: Any, fmt: _Formats, row: int, period: str, line: ChargebackLine) -> None:
    texts = (period, line.owner, line.department, line.team, line.cost_center, line.gl_account, line.currency)
    for col, text in enumerate(texts):
        _text(sheet, row, col, text)
    money = fmt.money(line.currency)
    amounts = (line.direct, line.shared, line.total, line.budget, line.variance)
    for col, amount in enumerate(amounts, start=7):
        _number(sheet, row, col, amount, money)
    _number(sheet, row, 12, line.variance_pct, fmt.percent)
    _number(sheet, row, 13, line.previous, money)
    _number(sheet, row, 14, line.change_pct, fmt.percent)
    _text(sheet, row, 15, services_text(line.top_services))


def _line_sheet(
    book: Any, fmt: _Formats, name: str, label: str, rows: list[tuple[str, ChargebackLine]], heading: str
) -> None:
    """A sheet of `rows` (period, line) named `name`; `label` (the department) heads its printed pages."""
    sheet = book.add_worksheet(name)
    _table(sheet, fmt, [(title, width) for title, _kind, width in LINE_COLUMNS], len(rows))
    for row, (period, line) in enumerate(rows, start=1):
        _write_line(sheet, fmt, row, period, line)
    _print_setup(sheet, f"{heading} — {label}")


def _summary_sheet(book: Any, fmt: _Formats, reports: Sequence[ChargebackReport], heading: str) -> None:
    sheet = book.add_worksheet(SUMMARY)
    periods = [report.period for report in reports]
    summary = summarise(reports)
    columns = [("Owner", 24), ("Department", 20), ("Currency", 9), *((p, 15) for p in periods), ("Total", 15)]
    row = 0
    for currency, owners in summary.items():
        for key, amounts in owners.items():
            row += 1
            _summary_row(sheet, fmt.money(currency), row, key, amounts, periods)
        row += 1
        totals = {p: sum((a.get(p, Decimal(0)) for a in owners.values()), Decimal(0)) for p in periods}
        sheet.write_string(row, 0, f"Total {currency}", fmt.bold)
        sheet.write_string(row, 2, currency, fmt.bold)
        _amount_cells(sheet, fmt.money(currency, bold=True), row, totals, periods)
    _table(sheet, fmt, columns, row)
    _print_setup(sheet, heading)


def _summary_row(
    sheet: Any, money: Any, row: int, key: OwnerKey, amounts: dict[str, Decimal], periods: list[str]
) -> None:
    sheet.write_string(row, 0, key.owner)
    _text(sheet, row, 1, key.department)
    sheet.write_string(row, 2, key.currency)
    _amount_cells(sheet, money, row, amounts, periods)


def _amount_cells(sheet: Any, money: Any, row: int, amounts: dict[str, Decimal], periods: list[str]) -> None:
    for col, period in enumerate(periods, start=3):
        _number(sheet, row, col, amounts.get(period), money)
    _number(sheet, row, 3 + len(periods), sum(amounts.values(), Decimal(0)), money)


def _by_department(reports: Sequence[ChargebackReport]) -> dict[str, list[tuple[str, ChargebackLine]]]:
    """Department -> (period, line) of its owners, departments sorted; the unallocated lines under ""."""
    groups: dict[str, list[tuple[str, ChargebackLine]]] = {}
    for report in reports:
        for line in report.lines:
            name = "" if line.owner == UNALLOCATED else (line.department or line.owner)
            groups.setdefault(name, []).append((report.period, line))
    return dict(sorted(groups.items()))


def write_chargeback_xlsx(reports: Sequence[ChargebackReport], path: Path, company: str | None = None) -> None:
    """Write the Summary sheet (owners × periods, a total per currency), one sheet per department and,
    when some cost reached no owner, an Unallocated sheet."""
    heading = report_title(reports, company)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": heading, "company": company or "", "subject": "Cloud cost chargeback"})
    fmt, names = _Formats(book), SheetNames()
    names.claim(SUMMARY)
    names.claim(UNALLOCATED_SHEET)
    _summary_sheet(book, fmt, reports, heading)
    groups = _by_department(reports)
    unallocated = groups.pop("", [])
    for department, rows in groups.items():
        _line_sheet(book, fmt, names.claim(department, "Department"), department, rows, heading)
    if any(line.total for _period, line in unallocated):
        _line_sheet(book, fmt, UNALLOCATED_SHEET, UNALLOCATED, unallocated, heading)
    book.close()
