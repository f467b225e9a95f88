"""A download that fails part-way leaves no partial file, remembers nothing, lands nothing; the next sync recovers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cloudledger.connectors.sync as sync_module
from cloudledger.connectors.base import Download, RemoteObject, Store
from cloudledger.connectors.state import SyncedObjects
from cloudledger.errors import StorageError
from cloudledger.home import Home
from cloudledger.ledger.state import StateDB
from connectors.payloads import Remote, billed, expected, files_under, focus_bytes, sync_cli

FIRST = ("111111111111", "2025-01", ["4", "2"])
CHANGED = ("111111111111", "2025-01", ["4", "2", "1.75", "0.5"])


class Wrapped:
    """A store that runs `before_open` when an object is about to be read."""

    def __init__(self, inner: Store, before_open: Any) -> None:
        self.inner = inner
        self.before_open = before_open

    def list(self, prefix: str) -> Any:
        return self.inner.list(prefix)

    def open(self, obj: RemoteObject) -> Download:
        self.before_open(obj)
        return self.inner.open(obj)


def wrap_stores(monkeypatch: pytest.MonkeyPatch, before_open: Any) -> None:
    real = sync_module.open_store
    monkeypatch.setattr(sync_module, "open_store", lambda url: Wrapped(real(url), before_open))


def assert_nothing_kept(remote: Remote, home: Path, url: str) -> None:
    assert files_under(remote.mirror(home)) == [], "no partial or temporary file may remain"
    assert not Home(home).ledger_path.exists(), "nothing may land"
    state = StateDB(Home(home).state_db_url)
    assert SyncedObjects(state.engine, url).all() == {}
    state.dispose()


def test_an_object_that_changes_while_it_is_read(
    remote: Remote, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    remote.put("focus/a.csv", focus_bytes(*FIRST))
    changed = focus_bytes(*CHANGED)
    with monkeypatch.context() as patch:
        wrap_stores(patch, lambda obj: remote.put(obj.key, changed))
        failed = sync_cli(home, remote.base)
    assert failed.exit_code != 0
    assert isinstance(failed.exception, StorageError), failed.output
    assert "sync again" in str(failed.exception)
    assert_nothing_kept(remote, home, remote.base)

    again = sync_cli(home, remote.base)
    assert again.exit_code == 0, again.output
    assert billed(home) == expected(CHANGED)


def test_a_dropped_connection(s3_remote: Remote, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The S3 response body breaks after a few bytes, as urllib3 reports a connection reset."""
    from urllib3.exceptions import ProtocolError
    from urllib3.response import HTTPResponse

    home = tmp_path / "home"
    s3_remote.put("focus/a.csv", focus_bytes(*FIRST))
    real_read = HTTPResponse.read
    calls = {"n": 0}

    def broken_read(self: HTTPResponse, amt: int | None = None, *args: Any, **kwargs: Any) -> bytes:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_read(self, 100, *args, **kwargs)
        raise ProtocolError("Connection broken: ConnectionResetError(104, 'Connection reset by peer')")

    wrap_stores(monkeypatch, lambda obj: monkeypatch.setattr(HTTPResponse, "read", broken_read))
    failed = sync_cli(home, f"{s3_remote.base}/focus")
    assert isinstance(failed.exception, StorageError), failed.output
    assert calls["n"] == 2
    assert_nothing_kept(s3_remote, home, f"{s3_remote.base}/focus")
