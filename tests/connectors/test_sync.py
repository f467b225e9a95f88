"""Sync against each emulator: first sync lands everything, a second does nothing, a change is fetched again."""

from __future__ import annotations

import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from rich.console import Console

from cloudledger.cli_sync import run_sync
from cloudledger.connectors.state import REMOTE_OBJECTS
from cloudledger.home import Home
from cloudledger.ledger.state import StateDB
from cloudledger.ledger.table import Ledger
from connectors.payloads import Remote, billed, expected, files_under, focus_bytes, sync_cli
from reference import ledger_decimal, read_csv_rows

JAN = ("111111111111", "2025-01", ["10.25", "3.5"])
FEB = ("222222222222", "2025-02", ["7", "0.125", "1"])


def test_first_sync_second_sync_and_a_changed_object(remote: Remote, tmp_path: Path) -> None:
    home = tmp_path / "home"
    remote.put("exports/focus/2025-01/focus.csv", focus_bytes(*JAN))
    remote.put("exports/focus/2025-02/focus.csv.gz", focus_bytes(*FEB, gz=True))
    remote.put("exports/focus/README.txt", b"not billing data")
    remote.put("elsewhere/focus.csv", focus_bytes("333333333333", "2025-03", ["99"]))

    first = sync_cli(home, f"{remote.base}/exports/")
    assert first.exit_code == 0, first.output
    assert "2 file(s) downloaded" in first.output and "Landed" in first.output
    assert billed(home) == expected(JAN, FEB)
    mirror = remote.mirror(home)
    assert files_under(mirror) == ["exports/focus/2025-01/focus.csv", "exports/focus/2025-02/focus.csv.gz"]
    version = Ledger(Home(home).ledger_path).version()

    second = sync_cli(home, f"{remote.base}/exports")
    assert second.exit_code == 0, second.output
    assert "0 file(s) downloaded" in second.output and "2 unchanged" in second.output
    assert "Nothing to do" in second.output
    assert Ledger(Home(home).ledger_path).version() == version

    changed = ("111111111111", "2025-01", ["1.5"])
    remote.put("exports/focus/2025-01/focus.csv", focus_bytes(*changed))
    third = sync_cli(home, f"{remote.base}/exports/")
    assert third.exit_code == 0, third.output
    assert "1 file(s) downloaded" in third.output and "1 unchanged" in third.output
    assert "(1 replaced)" in third.output
    assert billed(home) == expected(changed, FEB)


@pytest.mark.parametrize("remote", ["s3", "file"], indirect=True)
def test_dry_run_and_no_ingest(remote: Remote, tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = focus_bytes(*JAN)
    remote.put("focus/a.csv", data)
    dry = sync_cli(home, f"{remote.base}/focus", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.output)
    assert [(r["Action"], r["Key"].rsplit("focus/", 1)[-1], r["Bytes"]) for r in plan] == [("new", "a.csv", len(data))]
    assert files_under(home / "downloads") == []
    assert not Home(home).ledger_path.exists()

    only = sync_cli(home, f"{remote.base}/focus", "--no-ingest")
    assert only.exit_code == 0, only.output
    assert files_under(remote.mirror(home)) == ["focus/a.csv"]
    assert not Home(home).ledger_path.exists()
    assert "Nothing to download" in sync_cli(home, f"{remote.base}/focus", "--dry-run").output


def test_state_remembers_each_object(s3_remote: Remote, tmp_path: Path) -> None:
    home = tmp_path / "home"
    data = focus_bytes(*JAN)
    s3_remote.put("focus/a.csv", data)
    assert sync_cli(home, f"{s3_remote.base}/focus/", "--no-ingest").exit_code == 0
    state = StateDB(Home(home).state_db_url)
    with state.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT url, key, size, etag, md5, local_path FROM remote_objects")).all()
    state.dispose()
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    local = str(s3_remote.mirror(home) / "focus" / "a.csv")
    assert rows == [(f"{s3_remote.base}/focus", "focus/a.csv", len(data), md5, md5, local)]


def test_a_real_focus_sample_in_a_partitioned_export(gcs_remote: Remote, tmp_path: Path, samples_dir: Path) -> None:
    sample = samples_dir / "focus-other" / "focus_sample.csv"
    gcs_remote.put("focus/billing_period=2024-09/focus_sample.csv", sample.read_bytes())
    gcs_remote.put("focus/billing_period=2024-09/_SUCCESS", b"")
    home = tmp_path / "home"
    result = sync_cli(home, f"{gcs_remote.base}/focus/")
    assert result.exit_code == 0, result.output
    assert "1,000 rows" in result.output
    reference: dict[str, Decimal] = {}
    for row in read_csv_rows(sample):
        reference[row["BillingAccountId"]] = reference.get(row["BillingAccountId"], Decimal(0)) + (
            ledger_decimal(row["BilledCost"]) or Decimal(0)
        )
    got: dict[str, Decimal] = {}
    for (_, account), total in billed(home).items():
        got[account] = got.get(account, Decimal(0)) + total
    assert got == reference


def test_progress_bar_on_a_terminal(local_remote: Remote, tmp_path: Path) -> None:
    local_remote.put("a.csv", focus_bytes(*JAN))
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    result = run_sync(
        Home(tmp_path / "home"),
        local_remote.base,
        dry_run=False,
        ingest=False,
        quiet=False,
        fmt="table",
        console=console,
    )
    assert len(result.fetch) == 1
    assert "a.csv" in out.getvalue() and "1/1 files" in out.getvalue() and "Synced" in out.getvalue()


def test_the_migration_creates_the_table_the_code_declares(tmp_path: Path) -> None:
    state = StateDB(f"sqlite:///{tmp_path / 'state.db'}")
    columns = {c["name"] for c in sa.inspect(state.engine).get_columns("remote_objects")}
    state.dispose()
    assert columns == {c.name for c in REMOTE_OBJECTS.columns}
