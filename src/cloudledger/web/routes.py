"""Every page's router, in one router the app includes."""

from __future__ import annotations

from fastapi import APIRouter

from cloudledger.web import anomalies, budgets, chargeback, cloud, executive, explorer, forecast, ledger, tags, units

router = APIRouter(include_in_schema=False)
for page in (executive, cloud, explorer, tags, chargeback, budgets, forecast, anomalies, units, ledger):
    router.include_router(page.router)
