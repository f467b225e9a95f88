"""Errors on pages are pages: the same message the API gives, in the site's layout, with the right status."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from cloudledger.web.templating import render

TITLES = {404: "Not found", 409: "The ledger cannot answer this", 422: "Check the request", 502: "Storage unreachable"}


def is_page(request: Request) -> bool:
    """Whether `request` asks for a page (anything outside /api and /static)."""
    path = request.url.path
    return not (path.startswith("/api/") or path == "/api" or path.startswith("/static/"))


def error_page(request: Request, status: int, message: str, parameter: str | None = None) -> HTMLResponse:
    """The error page for `status`, saying what went wrong and, when a parameter is at fault, which one."""
    context = {
        "status": status,
        "title": TITLES.get(status, "Something went wrong"),
        "message": message,
        "parameter": parameter,
    }
    return render(request, "error.html", "", context, status_code=status)
