"""An in-process client of the API (httpx over the ASGI transport) and the policy of the API tests' home."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx
from fastapi import FastAPI

from allocation_ledger import ORG

POLICY = (
    ORG
    + """
tag_policy:
  required: [team]
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {matches: "(?i)support"}}, split: proportional}
chargeback:
  level: team
budgets:
  - {name: platform, scope: {team: platform}, monthly: 100, start: 2025-01}
"""
)


class Api:
    """Requests to an app through httpx's ASGI transport (no network)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, url: str, **params: Any) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.get(url, params=params or None)

        # Playwright's sync API keeps an event loop in this thread after a browser test: run in a thread of its own.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(anyio.run, fetch).result()
