"""The unit costs page (`/units`): each unit cost of cloudledger.yaml per day or month, with its trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BeforeValidator

from cloudledger.analyses.summary import on_rollup
from cloudledger.analyses.unit_costs import UnitCostLine, UnitCostSeries, significant, unit_costs
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.api.params import check_range
from cloudledger.api.results import ResultsDep
from cloudledger.api.settings import ApiSettings
from cloudledger.web.templating import ingest_command, render

router = APIRouter(include_in_schema=False)


def _blank_is_none(value: object) -> object:
    """An empty form field (`?start=`) means no value."""
    return None if value == "" else value


FormStart = Annotated[
    date | None, BeforeValidator(_blank_is_none), Query(description="First day, YYYY-MM-DD (inclusive).")
]
FormEnd = Annotated[
    date | None, BeforeValidator(_blank_is_none), Query(description="Last day, YYYY-MM-DD (inclusive).")
]

EXAMPLE = """unit_costs:
  - name: cost per order
    match: {"tag:application": checkout}
    metric: orders
    grain: month
"""


def import_command(settings: ApiSettings) -> str:
    """The command that loads business metrics into this server's home."""
    return ingest_command(settings).replace("ingest PATH", "units import FILE", 1)


def shown(value: Decimal | None) -> str:
    """A unit cost for people: six significant digits, plain notation; an em dash when there is none."""
    return "—" if value is None else format(significant(value), "f")


def amount(value: Decimal | None) -> str:
    """A metric value with thousands separators and no trailing zeros: 62,481 or 0.25."""
    return "—" if value is None else f"{value.normalize():,f}"


def period_label(day: date, grain: str) -> str:
    return day.strftime("%Y-%m") if grain == "month" else day.isoformat()


@dataclass(frozen=True)
class SeriesView:
    """One unit cost as the page shows it."""

    series: UnitCostSeries
    index: int

    @property
    def unit(self) -> str:
        per = self.series.unit.per
        text = format(per.normalize(), "f")
        return self.series.unit.metric if per == 1 else f"{text} {self.series.unit.metric}"

    @property
    def latest(self) -> UnitCostLine | None:
        known = [line for line in self.series.lines if line.unit_cost is not None]
        return known[-1] if known else None

    def label(self, line: UnitCostLine) -> str:
        return period_label(line.period, self.series.unit.grain)

    def chart(self) -> dict[str, Any]:
        """Chart JSON: the unit cost per period (floats for drawing only; null where there is none)."""
        return {
            "kind": "unit-cost",
            "currency": self.series.currency or "",
            "name": self.series.unit.name,
            "unit": self.unit,
            "periods": [self.label(line) for line in self.series.lines],
            "values": [None if line.unit_cost is None else float(line.unit_cost) for line in self.series.lines],
        }


@router.get("/units", response_class=HTMLResponse)
def units(
    request: Request,
    ledger: LedgerDep,
    policy: PolicyDep,
    metrics: MetricsDep,
    settings: SettingsDep,
    results: ResultsDep,
    start: FormStart = None,
    end: FormEnd = None,
) -> HTMLResponse:
    """Every unit cost of cloudledger.yaml over time, as `GET /api/v1/units` computes it."""
    check_range(start, end)
    hint = {
        "views": None,
        "ingest": ingest_command(settings),
        "import_command": import_command(settings),
        "example": EXAMPLE,
        "start": start,
        "end": end,
        "shown": shown,
        "amount": amount,
    }
    if ledger is None:
        return render(request, "units.html", "units", {**hint, "missing": "ledger"})
    if not policy.config.unit_costs:
        return render(request, "units.html", "units", {**hint, "missing": "config"})
    if metrics is None:
        return render(request, "units.html", "units", {**hint, "missing": "metrics"})
    report = results.get(
        "units",
        (start, end),
        lambda: on_rollup(
            lambda t: unit_costs(t, policy.config, metrics, start=start, end=end), ledger.daily, ledger.table
        ),
    )
    views = [SeriesView(series, i) for i, series in enumerate(report.series)]
    return render(request, "units.html", "units", {**hint, "views": views, "missing": None})
