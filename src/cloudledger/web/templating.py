"""What every page shares: the Jinja2 environment and its filters, the navigation, and `render`.

Each page is a module of `cloudledger.web` with its own `router`; it calls the same analysis as its API twin and
hands the result to its template (`templates/<page>.html`, extending `base.html`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from cloudledger.api.settings import ApiSettings
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
    ("cloud", "Cloud & AI/ML", "/cloud"),
    ("explorer", "Explorer", "/explorer"),
    ("tags", "Tags & allocation", "/tags"),
    ("chargeback", "Chargeback", "/chargeback"),
    ("budgets", "Budgets", "/budgets"),
    ("forecast", "Forecast", "/forecast"),
    ("anomalies", "Anomalies", "/anomalies"),
    ("units", "Unit costs", "/units"),
    ("ledger", "Ledger", "/ledger"),
)
"""(key, label, path) of every page, in the order of the navigation bar."""


def page_url(request: Request, path: str, **params: Any) -> str:
    """`path` with `params` (None values left out), keeping the `as_of` of the current request so that a
    page viewed as of a past ledger version links to the same version."""
    query: dict[str, Any] = {}
    as_of = request.query_params.get("as_of")
    if as_of:
        query["as_of"] = as_of
    query.update({k: v for k, v in params.items() if v is not None and v != ""})
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def ingest_command(settings: ApiSettings) -> str:
    """The command that fills this server's ledger (with --home unless it is the default home)."""
    from cloudledger.home import resolve_home

    default = resolve_home(None).root
    home = settings.ledger_home.root
    return "cloudledger ingest PATH" if home == default else f"cloudledger ingest PATH --home {home}"


def render(request: Request, template: str, page: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """`template` with the navigation, the current page's key and the `as_of` being viewed."""
    as_of = request.query_params.get("as_of") or None

    def url(path: str, **params: Any) -> str:
        return page_url(request, path, **params)

    context = {"nav": NAV, "page": page, "as_of": as_of, "url": url, **context}
    return templates.TemplateResponse(request, template, context, status_code=status_code)
