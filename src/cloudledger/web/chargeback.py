"""The chargeback page (`/chargeback`) and its downloads: the report as CSV, XLSX or PDF, the general ledger."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.background import BackgroundTask

from cloudledger.analyses.billing_periods import billing_periods
from cloudledger.analyses.chargeback_model import LEVELS, UNALLOCATED, ChargebackLine, ChargebackReport, Level
from cloudledger.analyses.summary import on_rollup
from cloudledger.api.deps import EMPTY_HINT, LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.api.errors import bad
from cloudledger.api.params import MONTH_PATTERN, LevelParam
from cloudledger.api.results import Results, ResultsDep
from cloudledger.api.routes.allocation import remembered_chargeback
from cloudledger.errors import ConfigError, LedgerError, QueryError
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)

PagePeriod = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="Billing period, YYYY-MM (default: the last complete one).")
]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
LEVEL_LABELS = {"department": "Department", "team": "Team", "cost_center": "Cost center"}


@dataclass(frozen=True)
class Chosen:
    """The chargeback asked for and the periods the ledger offers (newest first)."""

    report: ChargebackReport
    periods: tuple[str, ...]


def chosen_chargeback(
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    results: Results,
    period: str | None,
    level: Level | None,
) -> Chosen | None:
    """The chargeback of `period` (default: the ledger's last complete billing period) at `level` (default:
    the config's), as `GET /api/v1/chargeback` computes it; None when the ledger holds no cost."""
    if ledger is None:
        return None
    known = results.get("billing-periods", (), lambda: on_rollup(billing_periods, ledger.daily, ledger.table))
    if not known.periods:
        return None
    wanted = period or known.last_complete or known.periods[-1]
    if wanted not in known.periods:
        held = f"{known.periods[0]} to {known.periods[-1]}" if len(known.periods) > 1 else known.periods[0]
        raise bad("period", f"the ledger holds no billing period {wanted}; it holds {held}")
    chosen_level = level or policy.config.chargeback.level
    metric = policy.config.chargeback.metric
    report = remembered_chargeback(ledger, policy.config, metrics, results, wanted, chosen_level, metric)
    return Chosen(report, tuple(reversed(known.periods)))


@dataclass(frozen=True)
class CurrencyView:
    """One billing currency of the report: its lines, totals and chart."""

    currency: str
    lines: tuple[ChargebackLine, ...]
    total: Decimal
    """The period's ledger total, rounded to cents (the lines add up to it)."""
    allocated_pct: Decimal | None

    @property
    def direct(self) -> Decimal:
        return sum((line.direct for line in self.lines), Decimal(0))

    @property
    def shared(self) -> Decimal:
        return sum((line.shared for line in self.lines), Decimal(0))

    @property
    def unallocated(self) -> Decimal:
        return sum((line.total for line in self.lines if line.owner == UNALLOCATED), Decimal(0))

    def chart(self) -> dict[str, Any]:
        """Chart JSON: totals by owner, largest first (numbers as floats, for drawing only)."""
        return {
            "kind": "chargeback-owners",
            "currency": self.currency,
            "unallocated": UNALLOCATED,
            "owners": [line.owner for line in self.lines],
            "totals": [float(line.total) for line in self.lines],
        }


def currency_views(report: ChargebackReport) -> list[CurrencyView]:
    return [
        CurrencyView(
            currency,
            tuple(line for line in report.lines if line.currency == currency),
            report.ledger_total[currency],
            report.allocated_pct(currency),
        )
        for currency in report.currencies
    ]


@router.get("/chargeback", response_class=HTMLResponse)
def chargeback(
    request: Request,
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    results: ResultsDep,
    settings: SettingsDep,
    period: PagePeriod = None,
    level: LevelParam = None,
) -> HTMLResponse:
    """Each owner's direct and shared cost of one billing period, with budget, variance and change."""
    chosen = chosen_chargeback(ledger, policy, metrics, results, period, level)
    if chosen is None:
        return render(request, "chargeback.html", "chargeback", {"report": None, "ingest": ingest_command(settings)})
    report = chosen.report
    context = {
        "report": report,
        "periods": chosen.periods,
        "levels": [(key, LEVEL_LABELS[key]) for key in LEVELS],
        "level_label": LEVEL_LABELS[report.level],
        "views": currency_views(report),
        "unallocated_name": UNALLOCATED,
    }
    return render(request, "chargeback.html", "chargeback", context)


def _stream(name: str, suffix: str, write: Callable[[Path], None]) -> FileResponse:
    """Write a file with `write` into a temporary file, and send it as an attachment named `name` (the
    temporary file is removed once sent, or at once when writing fails)."""
    handle, raw = tempfile.mkstemp(prefix="cloudledger-", suffix=f".{suffix}")
    os.close(handle)
    path = Path(raw)
    try:
        write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    cleanup = BackgroundTask(path.unlink, missing_ok=True)
    return FileResponse(path, media_type=MEDIA[suffix], filename=name, background=cleanup)


def _required(chosen: Chosen | None) -> ChargebackReport:
    if chosen is None:
        raise LedgerError(EMPTY_HINT)
    return chosen.report


@router.get("/chargeback/download.{fmt}")
def download(
    fmt: Literal["csv", "xlsx", "pdf"],
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    results: ResultsDep,
    period: PagePeriod = None,
    level: LevelParam = None,
) -> FileResponse:
    """The chargeback report of the page as a CSV, XLSX or PDF file."""
    from cloudledger.reports.chargeback_files import write_chargeback

    report = _required(chosen_chargeback(ledger, policy, metrics, results, period, level))
    company = policy.config.organization.name
    name = f"chargeback-{report.period}-{report.level}.{fmt}"
    return _stream(name, fmt, lambda path: write_chargeback([report], path, company))


@router.get("/chargeback/general-ledger.csv")
def general_ledger(
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    results: ResultsDep,
    period: PagePeriod = None,
    level: LevelParam = None,
) -> FileResponse:
    """One general-ledger posting per cost center and currency for the period (cost_center level only)."""
    from cloudledger.reports.general_ledger import general_ledger_rows, write_general_ledger_csv

    if level not in (None, "cost_center"):
        raise bad("level", f"the general ledger posts to cost centers: use level=cost_center, not {level}")
    report = _required(chosen_chargeback(ledger, policy, metrics, results, period, "cost_center"))
    settings = policy.config.chargeback
    try:
        rows = general_ledger_rows(report, settings.memo, settings.suspense_account)
    except QueryError as exc:
        raise ConfigError(f"the general ledger of {report.period} cannot be written: {exc}") from exc
    name = f"general-ledger-{report.period}-cost_center.csv"
    return _stream(name, "csv", lambda path: write_general_ledger_csv(rows, path))
