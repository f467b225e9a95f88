"""The ledger page (`/ledger`): the ingests, the ledger's versions (each one a place to travel to), and what the
version being viewed holds per billing currency and billing period.

It calls the routes of `GET /api/v1/ledger/history` and `GET /api/v1/ledger/versions`; the totals are those of
the reconciliation (`analyses.reconcile.ledger_totals`) over the rows of the bill."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

import ibis.expr.types as ir
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.reconcile import ledger_totals
from cloudledger.analyses.summary import on_rollup
from cloudledger.api.deps import LedgerDep, SettingsDep
from cloudledger.api.errors import ParameterError, bad
from cloudledger.api.routes.ledger import history, versions
from cloudledger.api.settings import ApiSettings
from cloudledger.errors import LedgerError
from cloudledger.ledger.read import LedgerView, open_ledger
from cloudledger.ledger.rollups import ROWS
from cloudledger.ledger.table import parse_as_of
from cloudledger.web.templating import NAV, ingest_command, render

router = APIRouter(include_in_schema=False)

INGESTS = 100
"""How many of the latest ingests the page lists."""
PAGES = {path: label for _, label, path in NAV}


@dataclass(frozen=True)
class Totals:
    """Exact sums of one currency (and billing period) of a ledger version."""

    billed: Decimal = Decimal(0)
    effective: Decimal = Decimal(0)
    rows: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.billed + other.billed, self.effective + other.effective, self.rows + other.rows)


@dataclass(frozen=True)
class VersionTotals:
    """What one ledger version holds: totals per currency and per (billing period, currency)."""

    currencies: dict[str, Totals]
    periods: dict[tuple[str, str], Totals]


@dataclass(frozen=True)
class Line:
    """A currency or (billing period, currency) of the version viewed, and of the latest version when the page
    views an older one (None where a version has no such key)."""

    key: tuple[str, ...]
    viewed: Totals | None
    latest: Totals | None

    @property
    def change(self) -> Decimal:
        """The latest EffectiveCost minus the viewed version's."""
        return (self.latest or Totals()).effective - (self.viewed or Totals()).effective


def lines(viewed: dict[Any, Totals], latest: dict[Any, Totals] | None) -> list[Line]:
    """One line per key of either version, in key order."""
    found = latest or {}
    return [
        Line(k if isinstance(k, tuple) else (k,), viewed.get(k), None if latest is None else found.get(k))
        for k in sorted({*viewed, *found})
    ]


def version_totals(table: ir.Table) -> VersionTotals:
    """BilledCost, EffectiveCost and rows of the bill per currency and per billing period and currency."""
    currencies: dict[str, Totals] = defaultdict(Totals)
    periods: dict[tuple[str, str], Totals] = defaultdict(Totals)
    for (period, _, _, currency), sums in ledger_totals(bill_rows(table)).items():
        part = Totals(sums["BilledCost"], sums["EffectiveCost"], int(sums["rows"]))
        currencies[currency] += part
        periods[(period, currency)] += part
    return VersionTotals(dict(sorted(currencies.items())), dict(sorted(periods.items())))


def rollup_totals(daily: ir.Table) -> VersionTotals:
    """`version_totals` from the daily rollup: its sums, and its `x_rollup_rows` for the row counts (a table
    without them, the ledger itself, raises AttributeError: `version_of` then reads the ledger)."""
    rows = bill_rows(daily)
    grouped = rows.group_by(period=rows.x_billing_period, currency=rows.BillingCurrency).aggregate(
        billed=rows.BilledCost.sum(), effective=rows.EffectiveCost.sum(), rows=rows[ROWS].sum()
    )
    currencies: dict[str, Totals] = defaultdict(Totals)
    periods: dict[tuple[str, str], Totals] = defaultdict(Totals)
    for row in grouped.to_pyarrow().to_pylist():
        part = Totals(row["billed"] or Decimal(0), row["effective"] or Decimal(0), int(row["rows"] or 0))
        currencies[row["currency"] or ""] += part
        periods[(row["period"], row["currency"] or "")] += part
    return VersionTotals(dict(sorted(currencies.items())), dict(sorted(periods.items())))


def version_of(view: LedgerView) -> VersionTotals:
    """The totals of a snapshot, from its daily rollup when it has one."""
    return on_rollup(lambda t: rollup_totals(t) if t is not view.table else version_totals(t), view.daily, view.table)


def _latest_totals(request: Request, settings: ApiSettings) -> VersionTotals | None:
    """The latest version's totals, when the page views an older one (to show what changed since)."""
    if not request.query_params.get("as_of"):
        return None
    latest = open_ledger(settings.ledger_home)
    try:
        return version_of(latest)
    finally:
        latest.close()


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, ledger: LedgerDep, settings: SettingsDep) -> HTMLResponse:
    """Ingests, versions, and the totals of the version being viewed."""
    context: dict[str, Any] = {
        "ingests": history(settings, INGESTS).ingests,
        "versions": versions(settings).versions,
        "ingest": ingest_command(settings),
        "pages": PAGES,
        "totals": None,
    }
    if ledger is not None and ledger.snapshot.version is not None:
        viewed, latest = version_of(ledger), _latest_totals(request, settings)
        context.update(
            viewing=ledger.snapshot.version,
            viewing_time=ledger.snapshot.timestamp,
            totals=lines(viewed.currencies, latest.currencies if latest else None),
            periods=lines(viewed.periods, latest.periods if latest else None),
            compare=latest is not None,
        )
    return render(request, "ledger.html", "ledger", context)


@router.get("/ledger/travel", response_class=RedirectResponse)
def travel(
    as_of: Annotated[str, Query(description="A version number, a date (YYYY-MM-DD) or an ISO date-time.")] = "",
    page: Annotated[str, Query(description="The page to open, e.g. /cloud.")] = "/ledger",
) -> RedirectResponse:
    """Open `page` as of a version or a date (the form of the ledger page); an empty `as_of` is the latest."""
    if page not in PAGES:
        raise bad("page", f"no page {page!r}; pages: {', '.join(PAGES)}")
    as_of = as_of.strip()
    try:
        parse_as_of(as_of)
    except LedgerError as exc:
        raise ParameterError(exc, "as_of", 422) from exc
    return RedirectResponse(f"{page}?{urlencode({'as_of': as_of})}" if as_of else page, status_code=303)
