"""Shared web fixtures: one browser per worker, and a small demo company served by a real uvicorn."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from playwright import sync_api
from rich.console import Console

from browser_page import ARGS, CHROMIUM
from cloudledger.cli_demo import run_demo
from cloudledger.home import Home
from live_server import serving

DEMO_ROWS = 20_000


@pytest.fixture(scope="session")
def browser() -> Iterator[sync_api.Browser]:
    """Headless Debian Chromium (fails, not skips, when it is missing: ./run tests installs it)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run ./run tests (it installs chromium) or apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """The demo company (24 months, three providers, its cloudledger.yaml and business metrics), small."""
    home = Home(tmp_path_factory.mktemp("demo-site") / "home")
    run_demo(home, rows=DEMO_ROWS, seed=7, quiet=True, console=Console(file=io.StringIO(), width=120))
    return home


@pytest.fixture(scope="session")
def demo_url(demo_home: Home) -> Iterator[str]:
    """Base URL of a real uvicorn on 127.0.0.1 serving the demo company."""
    with serving(demo_home.root, demo_home.config_path) as url:
        yield url
