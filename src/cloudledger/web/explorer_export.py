"""The explorer's table as a file: CSV (exact decimal strings) or XLSX (numbers in a currency format), with the
same rows and columns as the page: per currency, one row per group, the periods, the total and the share, and
a total row."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter

from cloudledger.analyses.rounding import round_half_up
from cloudledger.reports.money import PERCENT_FORMAT, excel_format
from cloudledger.web.explorer_results import CurrencyTable
from cloudledger.web.explorer_state import ExplorerState, period_label

TOTAL = "Total"
SHARE = "Share %"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exact(amount: Decimal) -> str:
    """An exact decimal string without separators, at least two decimals (`1234.50`, `0.123456789`)."""
    if amount == amount.quantize(Decimal("0.01")):
        return f"{amount.quantize(Decimal('0.01')):f}"
    return f"{amount.normalize():f}"


def file_name(state: ExplorerState, extension: str) -> str:
    """What the file holds, e.g. `BilledCost-by-ServiceName-2026-08-to-2026-11.csv`."""
    group = re.sub(r"[^A-Za-z0-9_.-]+", "-", state.group_by.replace(":", "-")).strip("-") or "group"
    first, last = period_label(state.start, state.grain), period_label(state.last_day, state.grain)
    span = first if first == last else f"{first}-to-{last}"
    return f"{state.metric}-by-{group}-{span}.{extension}"


def header(state: ExplorerState, table: CurrencyTable) -> list[str]:
    return ["Currency", state.group_by, *table.periods, TOTAL, SHARE]


def _rows(table: CurrencyTable) -> Iterator[tuple[str, Sequence[Decimal], Decimal, Decimal | None]]:
    """(label, amounts per period, total, share) of each group, then of the total row."""
    for row in table.rows:
        yield row.label, row.amounts, row.total, row.share
    yield TOTAL, table.period_totals, table.total, Decimal(100) if table.total else None


def to_csv(tables: Sequence[CurrencyTable], state: ExplorerState) -> str:
    """One header (the periods are the same for every currency), then each currency's rows and total row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    periods = tables[0].periods if tables else ()
    writer.writerow(["Currency", state.group_by, *periods, TOTAL, SHARE])
    for table in tables:
        for label, amounts, total, share in _rows(table):
            cells = [exact(a) for a in (*amounts, total)]
            writer.writerow([table.currency, label, *cells, "" if share is None else f"{round_half_up(share):f}"])
    return buffer.getvalue()


def to_xlsx(tables: Sequence[CurrencyTable], state: ExplorerState) -> bytes:
    """One sheet per currency: a bold header, the groups, a bold total row; money in the currency's format."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": f"{state.metric} by {state.group_by}", "subject": "Cloud cost explorer"})
    bold = book.add_format({"bold": True, "bottom": 1})
    percent = book.add_format({"num_format": PERCENT_FORMAT})
    for table in tables or ():
        _sheet(book, table, state, bold, percent)
    if not tables:
        book.add_worksheet("Costs").write_string(0, 0, "No costs in this selection")
    book.close()
    return buffer.getvalue()


def _sheet(book: Any, table: CurrencyTable, state: ExplorerState, bold: Any, percent: Any) -> None:
    sheet = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", "", table.currency)[:31] or "Currency")
    money = book.add_format({"num_format": excel_format(table.currency)})
    money_bold = book.add_format({"num_format": excel_format(table.currency), "bold": True})
    label_bold = book.add_format({"bold": True})
    titles = header(state, table)
    for col, title in enumerate(titles):
        sheet.write_string(0, col, title, bold)
    sheet.set_column(0, 0, 9)
    sheet.set_column(1, 1, 32)
    sheet.set_column(2, len(titles) - 1, 14)
    sheet.freeze_panes(1, 2)
    rows = list(_rows(table))
    for index, (label, amounts, total, share) in enumerate(rows, start=1):
        last = index == len(rows)
        sheet.write_string(index, 0, table.currency)
        sheet.write_string(index, 1, label, label_bold if last else None)
        for col, amount in enumerate((*amounts, total), start=2):
            sheet.write_number(index, col, float(amount), money_bold if last else money)
        if share is not None:
            sheet.write_number(index, len(titles) - 1, float(round_half_up(share)), percent)
    sheet.autofilter(0, 0, max(len(rows) - 1, 1), len(titles) - 1)
