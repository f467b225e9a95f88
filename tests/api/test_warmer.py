"""The warmer requests the main pages once per change of the data, over the server's own address, and the
server then answers them from memory; a server not listening yet is tried again."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from allocation_ledger import build_ledger
from api_client import POLICY
from cloudledger.api.warmer import PATHS, Warmer, data_stamp, fetch
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv
from live_server import free_port, serving


def wait_for(condition: object, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_round_per_change_and_retries_until_the_server_answers() -> None:
    stamps = iter([1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    calls: list[str] = []
    refusals = iter([False, True, True])

    def get(url: str) -> bool:
        answered = next(refusals, True)
        calls.append(url if answered else "refused")
        return answered

    warmer = Warmer("http://host/", lambda: next(stamps, 2), paths=("/a", "/b"), interval=0.01, get=get)
    warmer.start()
    wait_for(lambda: warmer.rounds >= 2)
    warmer.stop()
    warmer.join(5)
    assert calls[:1] == ["refused"]
    assert calls[1:] == ["http://host/a", "http://host/b"] * 2  # stamp 1 once (after the retry), stamp 2 once


def test_the_warmed_pages_are_answered_from_memory(tmp_path: Path) -> None:
    home = build_ledger(tmp_path)
    home.config_path.write_text(POLICY, encoding="utf-8")
    with serving(home.root, home.config_path) as url:
        assert fetch(url + "/api/v1/kpis") is True
        assert fetch(f"http://127.0.0.1:{free_port()}/") is False
        warmer = Warmer(url, lambda: data_stamp(home, home.config_path), interval=0.05)
        warmer.start()
        try:
            wait_for(lambda: warmer.rounds >= 1, 120)
            started = time.perf_counter()
            for path in PATHS:
                assert httpx.get(url + path, timeout=60).status_code == 200, path
            remembered = time.perf_counter() - started
            before = data_stamp(home, home.config_path)
            row = focus_row(BillingAccountId="333333333333", BilledCost="2", EffectiveCost="2")
            ingest(home, [write_focus_csv(tmp_path / "more.csv", [row])])
            assert data_stamp(home, home.config_path) != before
            wait_for(lambda: warmer.rounds >= 2, 120)
        finally:
            warmer.stop()
            warmer.join(10)
    assert remembered < 5.0
