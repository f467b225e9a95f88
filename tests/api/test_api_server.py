"""The API behind a real uvicorn on 127.0.0.1, and `serve` refusing addresses others could reach."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from allocation_ledger import ledger_totals
from cloudledger.cli_serve import check_loopback, serve
from cloudledger.errors import ConfigError
from cloudledger.home import Home
from live_server import serving


@pytest.fixture(scope="module")
def server(api_home: tuple[Home, Path]) -> Iterator[str]:
    home, config = api_home
    with serving(home.root, config) as url:
        yield url


def test_costs_over_http(server: str) -> None:
    body = httpx.get(f"{server}/api/v1/costs", params={"metric": "EffectiveCost"}).json()
    usd = sum(amount for (_, currency), amount in ledger_totals().items() if currency == "USD")
    assert Decimal(body["totals"]["USD"]) == usd


def test_docs_over_http(server: str) -> None:
    response = httpx.get(f"{server}/api/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()
    assert "/api/v1/costs" in httpx.get(f"{server}/api/openapi.json").json()["paths"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_addresses_are_allowed(host: str) -> None:
    check_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_serve_refuses_other_addresses(host: str) -> None:
    app = typer.Typer()
    app.command()(serve)
    result = CliRunner().invoke(app, ["--host", host])
    assert isinstance(result.exception, ConfigError)
    assert "authentication does not exist yet" in str(result.exception)


def test_the_serve_command_imports_no_web_stack() -> None:
    heavy = "('fastapi', 'uvicorn', 'ibis')"
    code = f"import sys, cloudledger.cli_serve; print(sorted(m for m in {heavy} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
