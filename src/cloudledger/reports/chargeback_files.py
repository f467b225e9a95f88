"""Write chargeback reports to a file: CSV for tools, XLSX for finance, PDF for people; chosen by suffix."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

from cloudledger.analyses.chargeback_model import ChargebackLine, ChargebackReport
from cloudledger.errors import QueryError
from cloudledger.reports.chargeback_pdf import chargeback_html, write_chargeback_pdf
from cloudledger.reports.chargeback_xlsx import write_chargeback_xlsx
from cloudledger.reports.money import plain, services_text

__all__ = [
    "CHARGEBACK_WRITERS",
    "CSV_COLUMNS",
    "chargeback_html",
    "write_chargeback",
    "write_chargeback_csv",
    "write_chargeback_pdf",
    "write_chargeback_xlsx",
]

CSV_COLUMNS = (
    "period",
    "level",
    "owner",
    "department",
    "team",
    "cost_center",
    "gl_account",
    "currency",
    "direct",
    "shared",
    "total",
    "budget",
    "variance",
    "variance_pct",
    "previous",
    "change_pct",
    "top_services",
)


def _csv_row(report: ChargebackReport, line: ChargebackLine) -> list[str]:
    amounts = (line.direct, line.shared, line.total, line.budget)
    changes = (line.variance, line.variance_pct, line.previous, line.change_pct)
    return [
        report.period,
        report.level,
        line.owner,
        line.department or "",
        line.team or "",
        line.cost_center or "",
        line.gl_account or "",
        line.currency,
        *(plain(amount) for amount in (*amounts, *changes)),
        services_text(line.top_services),
    ]


def write_chargeback_csv(reports: Sequence[ChargebackReport], path: Path) -> None:
    """One row per line per report (columns `CSV_COLUMNS`); amounts with two decimals, "" when unknown."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for report in reports:
            writer.writerows(_csv_row(report, line) for line in report.lines)


def _write_csv(reports: Sequence[ChargebackReport], path: Path, company: str | None = None) -> None:
    """CSV has no title page: `company` is not written."""
    write_chargeback_csv(reports, path)


ChargebackWriter = Callable[[Sequence[ChargebackReport], Path, str | None], None]

CHARGEBACK_WRITERS: dict[str, ChargebackWriter] = {
    ".csv": _write_csv,
    ".xlsx": write_chargeback_xlsx,
    ".pdf": write_chargeback_pdf,
}


def write_chargeback(reports: Sequence[ChargebackReport], path: Path, company: str | None = None) -> None:
    """Write `reports` in the format named by the suffix of `path` (.csv, .xlsx or .pdf)."""
    suffix = path.suffix.lower()
    writer = CHARGEBACK_WRITERS.get(suffix)
    if writer is None:
        valid = ", ".join(sorted(CHARGEBACK_WRITERS))
        raise QueryError(
            f"cannot write a chargeback report to {path.name}: the suffix {suffix or '(none)'!r} is not "
            f"supported; use one of {valid}"
        )
    if not reports:
        raise QueryError("there is no chargeback period to write; choose at least one billing period")
    writer(reports, path, company)
