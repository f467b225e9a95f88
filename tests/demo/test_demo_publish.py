"""The demo's deliveries reach the ledger through the storage emulators exactly as from the export folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudledger.demo import generate_demo
from cloudledger.demo.publish import publish
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.state import StateDB
from ledger_probe import ledger_state


def test_published_through_emulators_equals_ingested_from_folders(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    output = generate_demo(exports, rows=6_000, months=3, end_month="2026-10")
    stored = Home(tmp_path / "stored").ensure()
    published = publish(stored, exports, output)
    assert sorted(u.split(":")[0] for u in published.urls) == ["azure", "gs", "s3"]
    assert published.via_folder == []
    assert {s.status for s in published.ingests} <= {"landed", "unchanged"}
    folder = Home(tmp_path / "folder").ensure()
    for delivery in output.deliveries:
        ingest(folder, delivery.paths)
    by_storage, by_folder = ledger_state(stored), ledger_state(folder)
    assert by_storage["rows"] == by_folder["rows"]
    assert by_storage["slices"] == by_folder["slices"]
    restated = next(d for d in output.deliveries if d.restatement)
    state = StateDB(stored.state_db_url)
    try:
        read = {f.path for i in state.ingests() for f in state.files(i.id) if f.action == "read"}
    finally:
        state.dispose()
    for path in restated.paths:
        assert any(r.endswith("/" + path.relative_to(exports).as_posix()) for r in read)


def test_without_emulators_the_demo_reads_the_export_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exports = tmp_path / "exports"
    output = generate_demo(exports, rows=3_000, months=2, end_month="2026-10")
    monkeypatch.setattr("cloudledger.connectors.emulators.installed", lambda: {"s3": False, "azure": False, "gs": True})
    home = Home(tmp_path / "home").ensure()
    published = publish(home, exports, output)
    assert published.via_folder == ["aws", "azure"]
    assert [u.split(":")[0] for u in published.urls] == ["gs"]
    folder = Home(tmp_path / "folder").ensure()
    for delivery in output.deliveries:
        ingest(folder, delivery.paths)
    assert ledger_state(home)["slices"] == ledger_state(folder)["slices"]
