"""HTML pages, rendered on the server: each page calls the same analysis as its API twin and hands the result
to its template (`templates/<page>.html`, extending `base.html`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cloudledger.analyses.department_trend import department_charts
from cloudledger.analyses.kpis import executive_kpis
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.api.deps import LedgerDep, MetricsDep, PolicyDep, SettingsDep
from cloudledger.render import money

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["money"] = money


def percent(value: Decimal | None, signed: bool = False) -> str:
    """A percentage for people: two decimals, a sign when `signed`; an em dash when there is none."""
    if value is None:
        return "—"
    return f"{value:+,.2f} %" if signed else f"{value:,.2f} %"


templates.env.filters["percent"] = percent

NAV = (
    ("executive", "Executive summary", "/"),
    ("explorer", "Explorer", None),
    ("tags", "Tags & allocation", None),
    ("chargeback", "Chargeback", None),
    ("budgets", "Budgets", None),
    ("units", "Unit costs", None),
    ("ledger", "Ledger", None),
)
"""(key, label, path) of every page; pages not written yet have no path and show as plain text."""

router = APIRouter(include_in_schema=False)


def ingest_command(settings: SettingsDep) -> str:
    """The command that fills this server's ledger (with --home unless it is the default home)."""
    from cloudledger.home import resolve_home

    default = resolve_home(None).root
    home = settings.ledger_home.root
    return "cloudledger ingest PATH" if home == default else f"cloudledger ingest PATH --home {home}"


def _page(request: Request, name: str, page: str, context: dict[str, Any]) -> HTMLResponse:
    context = {"nav": NAV, "page": page, **context}
    return templates.TemplateResponse(request, name, context)


@router.get("/", response_class=HTMLResponse)
def executive(
    request: Request, ledger: LedgerDep, policy: PolicyDep, metrics: MetricsDep, settings: SettingsDep
) -> HTMLResponse:
    """The executive summary: KPI cards per billing currency and actual against budget by department."""
    if ledger is None:
        return _page(request, "executive.html", "executive", {"report": None, "ingest": ingest_command(settings)})
    tags = TagResolver.of(ledger.table, policy.config.tag_policy)
    report = executive_kpis(ledger.table, policy.config, metrics=metrics, tags=tags)
    if report.month is None:
        return _page(request, "executive.html", "executive", {"report": None, "ingest": ingest_command(settings)})
    charts = department_charts(ledger.table, policy.config, report.month, metrics=metrics, tags=tags)
    return _page(request, "executive.html", "executive", {"report": report, "charts": charts})
