"""`cloudledger watch --once`: a round ingests the exports, sends the new budget alerts and the new anomaly to the
channels (a real webhook receiver on 127.0.0.1); a second round with nothing new ingests nothing and sends
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudledger.cli import app
from notify.receivers import HttpSink
from partial_month import LAST, exports, usage

CONFIG = """
notifications:
  channels:
    - {name: finops, url_env: CLOUDLEDGER_TEST_HOOK}
  budgets: [finops]
  anomalies: [finops]
budgets:
  - name: company
    scope: {total: true}
    monthly: 2000
    start: 2025-01
    thresholds: {actual: [25], forecast: []}
"""


def test_a_round_ingests_and_sends_what_is_new_once(
    tmp_path: Path, http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    spike = usage(LAST)
    for column in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
        spike[column] = "4000"
    spike["ResourceId"] = "runaway-job"
    folder = tmp_path / "exports"
    exports(folder, [spike])
    home = tmp_path / "home"
    home.mkdir()
    (home / "cloudledger.yaml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("CLOUDLEDGER_TEST_HOOK", http_sink.url.replace("http://", "json://") + "/hook")
    runner = CliRunner()
    first = runner.invoke(app, ["watch", str(folder), "--once", "--home", str(home)])
    assert first.exit_code == 0, first.output
    assert (
        "ingest: landed" in first.output and "budget alerts: 1" in first.output and "anomalies sent: 1" in first.output
    )
    messages = [p.json()["message"] for p in http_sink.to("/hook")]
    titles = [p.json()["title"] for p in http_sink.to("/hook")]
    assert len(messages) == 2
    assert any(t.startswith("Unusual spending") and LAST.isoformat() in t for t in titles)
    assert any("runaway-job" in m for m in messages)  # the root cause
    second = runner.invoke(app, ["watch", str(folder), "--once", "--home", str(home)])
    assert second.exit_code == 0, second.output
    assert "ingest: unchanged" in second.output and "budget alerts: 0" in second.output
    assert "anomalies sent: 0" in second.output and len(http_sink.to("/hook")) == 2


def test_an_anomaly_marked_expected_is_not_sent(
    tmp_path: Path, http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cloudledger.analyses.anomalies import anomalies
    from cloudledger.home import Home
    from cloudledger.ledger.anomaly_feedback import open_feedback
    from cloudledger.ledger.ingest import ingest
    from cloudledger.ledger.read import open_ledger

    spike = usage(LAST)
    for column in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
        spike[column] = "4000"
    folder = tmp_path / "exports"
    home = Home(tmp_path / "home").ensure()
    for path in exports(folder, [spike]):
        ingest(home, [path])
    (home.root / "cloudledger.yaml").write_text(CONFIG, encoding="utf-8")
    view = open_ledger(home)
    found = anomalies(view.daily, view.table, causes=False)
    assert found
    store = open_feedback(home)
    for anomaly in found:
        store.mark_expected(anomaly, "planned backfill")
    store.dispose()
    monkeypatch.setenv("CLOUDLEDGER_TEST_HOOK", http_sink.url.replace("http://", "json://") + "/hook")
    result = CliRunner().invoke(app, ["watch", str(folder), "--once", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert "ingest: unchanged" in result.output and "anomalies sent: 0" in result.output
    titles = [p.json()["title"] for p in http_sink.to("/hook")]
    assert len(titles) == 1 and "budget" in titles[0]  # the budget alert goes, the explained anomaly does not
