"""The chargeback as a printable A4 landscape PDF: HTML rendered by WeasyPrint, with an inline SVG chart."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from pathlib import Path

from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackLine, ChargebackReport
from cloudledger.reports.money import display, percent
from cloudledger.reports.summary import LEVEL_NAMES, period_range, report_title
from cloudledger.reports.svg_bars import bar_chart

CHART_OWNERS = 8
"""Owners shown in each period's bar chart."""
CSS = """
@page { size: A4 landscape; margin: 14mm 12mm 16mm 12mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
    font-family: "DejaVu Sans", sans-serif; font-size: 8pt; color: #555; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; break-after: avoid; }
p.meta { color: #444; margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 3mm; }
thead { display: table-header-group; }
th, td { padding: 1.5pt 4pt; border-bottom: 0.5pt solid #ccc; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
.neg { color: #b00020; }
.services { font-size: 7pt; color: #444; }
tr.unallocated td { font-style: italic; color: #555; }
tr.total, tr.allocated { break-before: avoid; }
tr.total td { font-weight: bold; border-top: 1pt solid #111; }
tbody + tbody tr:first-child td { padding-top: 8pt; }
tr.allocated td { color: #444; border-bottom: none; }
svg.chart { margin: 1mm 0 4mm; }
"""
MONEY_HEADERS = ("Direct", "Shared", "Total", "Budget", "Variance")


def _money_cell(amount: Decimal | None, currency: str) -> str:
    css = "num neg" if amount is not None and amount < 0 else "num"
    return f'<td class="{css}">{escape(display(amount, currency))}</td>'


def _services(line: ChargebackLine) -> str:
    return ", ".join(f"{name} {display(amount, line.currency)}" for name, amount in line.top_services[:3])


def _line_row(line: ChargebackLine, with_department: bool) -> str:
    css = ' class="unallocated"' if line.owner == UNALLOCATED else ""
    cells = [f"<td>{escape(line.owner)}</td>"]
    if with_department:
        cells.append(f"<td>{escape(line.department or '')}</td>")
    amounts = (line.direct, line.shared, line.total, line.budget, line.variance)
    cells += [_money_cell(amount, line.currency) for amount in amounts]
    cells.append(f'<td class="num">{escape(percent(line.change_pct))}</td>')
    cells.append(f'<td class="services">{escape(_services(line))}</td>')
    return f"<tr{css}>{''.join(cells)}</tr>"


def _total_rows(report: ChargebackReport, currency: str, lines: list[ChargebackLine], with_department: bool) -> str:
    sums = (
        sum((line.direct for line in lines), Decimal(0)),
        sum((line.shared for line in lines), Decimal(0)),
        sum((line.total for line in lines), Decimal(0)),
    )
    label = f'<td colspan="{2 if with_department else 1}">Total {escape(currency)}</td>'
    money = "".join(_money_cell(amount, currency) for amount in sums)
    allocated = report.allocated_pct(currency)
    share = "n/a" if allocated is None else percent(allocated)
    width = 9 if with_department else 8
    return (
        f'<tr class="total">{label}{money}<td colspan="4"></td></tr>'
        f'<tr class="allocated"><td colspan="{width}">Allocated to an owner: {escape(share)}</td></tr>'
    )


def _currencies(report: ChargebackReport) -> list[str]:
    return sorted(set(report.currencies) | {line.currency for line in report.lines})


def _period_table(report: ChargebackReport) -> str:
    with_department = report.level != "department"
    owner = LEVEL_NAMES.get(report.level, report.level).capitalize()
    headers = [owner, *(["Department"] if with_department else [])]
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    head += "".join(f'<th class="num">{h}</th>' for h in (*MONEY_HEADERS, "vs previous"))
    head += "<th>Top services</th>"
    bodies = []
    for currency in _currencies(report):
        lines = [line for line in report.lines if line.currency == currency]
        rows = "".join(_line_row(line, with_department) for line in lines)
        bodies.append(f"<tbody>{rows}{_total_rows(report, currency, lines, with_department)}</tbody>")
    return f"<table><thead><tr>{head}</tr></thead>{''.join(bodies)}</table>"


def _chart_label(line: ChargebackLine, ambiguous: bool) -> str:
    """The owner, with its department when another owner in the chart has the same name."""
    return f"{line.owner} ({line.department})" if ambiguous and line.department else line.owner


def _charts(report: ChargebackReport) -> str:
    charts = []
    for currency in _currencies(report):
        owners = sorted(
            (
                line
                for line in report.lines
                if line.currency == currency and line.owner != UNALLOCATED and line.total > 0
            ),
            key=lambda line: (-line.total, line.owner),
        )
        top = owners[:CHART_OWNERS]
        names = Counter(line.owner for line in top)
        items = [(_chart_label(line, names[line.owner] > 1), line.total) for line in top]
        charts.append(bar_chart(f"Top owners by total, {report.period}, {currency}", items, currency))
    return "".join(charts)


def chargeback_html(reports: Sequence[ChargebackReport], company: str | None = None) -> str:
    """The whole report as one HTML page (the PDF's source): a title, then per period a table and a chart."""
    title = report_title(reports, company)
    levels = ", ".join(dict.fromkeys(LEVEL_NAMES.get(r.level, r.level) for r in reports))
    metrics = ", ".join(dict.fromkeys(r.metric for r in reports))
    meta = [f"Company: {company}"] if company else []
    meta += [f"Periods: {period_range(reports)}", f"Level: {levels}", f"Metric: {metrics}"]
    sections = [
        f"<section><h2>{escape(report.period)}</h2>{_period_table(report)}{_charts(report)}</section>"
        for report in reports
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="meta">{escape(" · ".join(meta))}</p>'
        f"{''.join(sections)}</body></html>"
    )


def write_chargeback_pdf(reports: Sequence[ChargebackReport], path: Path, company: str | None = None) -> None:
    """Render `chargeback_html` to an A4 landscape PDF with a "Page N of M" footer."""
    from weasyprint import HTML  # imported here: loading Pango takes a while

    quiet = _FontSubsetNotice()
    logger = logging.getLogger("weasyprint")
    logger.addFilter(quiet)
    try:
        HTML(string=chargeback_html(reports, company)).write_pdf(str(path))
    finally:
        logger.removeFilter(quiet)


class _FontSubsetNotice(logging.Filter):
    """Drops WeasyPrint's notice that fonts are subset with fontTools (the PDF is the same either way)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()
