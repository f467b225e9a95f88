"""The FastAPI application: routers under /api/v1, HTML pages at /, one error handler, settings from a factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cloudledger.api import errors
from cloudledger.api.results import CAPACITY, ResultCache
from cloudledger.api.routes import alerts, allocation, anomalies, cloud, costs, forecast, kpis, ledger, policy
from cloudledger.api.settings import ApiSettings
from cloudledger.web import routes as pages
from cloudledger.web.templating import STATIC

PREFIX = "/api/v1"


def create_app(settings: ApiSettings) -> FastAPI:
    """A new app serving the home and config of `settings`."""
    app = FastAPI(
        title="cloudledger",
        summary="Cloud costs in FOCUS: explore, allocate, charge back, check budgets and tags.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.policy_cache = {}
    app.state.results = ResultCache(capacity=CAPACITY if settings.remember else 0)
    errors.install(app)
    for module in (costs, ledger, allocation, policy, kpis, cloud, forecast, anomalies, alerts):
        app.include_router(module.router, prefix=PREFIX, responses=errors.ERROR_RESPONSES)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
