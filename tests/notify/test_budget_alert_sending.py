"""`cloudledger alerts` sends each new crossing to the budget's channels (a real webhook receiver on
127.0.0.1, its URL read from the environment), records the deliveries, and sends nothing on a second run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudledger.cli import app
from notify.receivers import HttpSink
from partial_month import build, september

CONFIG = """
notifications:
  channels:
    - {name: finops, url_env: CLOUDLEDGER_TEST_HOOK}
  budgets: [finops]
  link: http://127.0.0.1:8000
budgets:
  - name: company
    scope: {total: true}
    monthly: 2000
    start: 2025-01
    thresholds: {actual: [25, 50], forecast: [100]}
"""


def run(home: Path) -> list[dict[str, str]]:
    result = CliRunner().invoke(app, ["alerts", "--home", str(home), "-f", "json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, str]] = json.loads(result.output)
    return rows


def test_new_crossings_go_to_the_channel_once(
    tmp_path: Path, http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = build(tmp_path)
    home.config_path.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("CLOUDLEDGER_TEST_HOOK", http_sink.url.replace("http://", "json://") + "/hook")
    first = run(home.root)
    so_far = september(1, 10)
    expected = {"25", "50"} if so_far * 100 >= 50 * 2000 else {"25"}
    assert {r["threshold %"] for r in first if r["kind"] == "actual"} == expected
    assert all(r["sent to"] == "finops: delivered" for r in first)
    posts = http_sink.to("/hook")
    assert len(posts) == len(first)
    bodies = [p.json()["message"] for p in posts]
    assert any(f"{so_far:,.2f} USD" in body for body in bodies)
    assert all("http://127.0.0.1:8000/budgets?period=2025-09" in body for body in bodies)
    assert run(home.root) == [] and len(http_sink.to("/hook")) == len(first)
