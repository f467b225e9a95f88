"""A small home (the allocation test ledger and its organisation) and API clients over it, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocation_ledger import build_ledger
from api_client import POLICY, Api
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home


@pytest.fixture(scope="session")
def api_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, Path]:
    """The home with the ledger, and its cloudledger.yaml."""
    folder = tmp_path_factory.mktemp("api")
    home = build_ledger(folder)
    home.config_path.write_text(POLICY, encoding="utf-8")
    return home, home.config_path


@pytest.fixture(scope="module")
def api(api_home: tuple[Home, Path]) -> Api:
    home, config = api_home
    return Api(create_app(settings_from(home.root, config)))


@pytest.fixture(scope="module")
def empty_api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    """An app over a home nothing was ingested into."""
    return Api(create_app(settings_from(tmp_path_factory.mktemp("empty-home"))))
