"""An ingest killed with SIGKILL at a random moment leaves the ledger exactly as it was (or fully landed)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from cloudledger.home import Home
from cloudledger.ledger.datafiles import ingest_files
from cloudledger.ledger.ingest import ingest, ingest_lock, recover
from cloudledger.ledger.state import StateDB
from cloudledger.ledger.table import Ledger
from focus_rows import focus_row, write_focus_csv
from ledger_probe import ledger_state

CLI = [sys.executable, "-c", "from cloudledger.cli import main; main()"]


def _big_file(path: Path, rows: int) -> Path:
    """A FOCUS CSV of `rows` rows over two months and three accounts (vectorised, quick to write)."""
    template = focus_row()
    columns = {name: pa.array([value] * rows, pa.string()) for name, value in template.items()}
    columns["BilledCost"] = pa.array([f"{i % 997}.{i % 89:02d}" for i in range(rows)])
    columns["BillingAccountId"] = pa.array([("A1", "A2", "A3")[i % 3] for i in range(rows)])
    feb = [i % 2 == 1 for i in range(rows)]
    for name, january, february in (
        ("BillingPeriodStart", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"),
        ("BillingPeriodEnd", "2025-02-01T00:00:00Z", "2025-03-01T00:00:00Z"),
        ("ChargePeriodStart", "2025-01-03T00:00:00Z", "2025-02-03T00:00:00Z"),
        ("ChargePeriodEnd", "2025-01-04T00:00:00Z", "2025-02-04T00:00:00Z"),
    ):
        columns[name] = pa.array([february if f else january for f in feb])
    pacsv.write_csv(pa.table(columns), path)
    return path


def _kill_runs(tmp_path: Path, runs: int, seed: int) -> None:
    base = Home(tmp_path / "home").ensure()
    ingest(base, [write_focus_csv(tmp_path / "first" / "focus.csv", [focus_row(BillingAccountId="A1")] * 5)])
    big = _big_file(tmp_path / "restated.csv", 120_000)
    reference = Home(tmp_path / "reference").ensure()
    ingest(reference, [tmp_path / "first" / "focus.csv"])
    started = time.perf_counter()
    ingest(reference, [big])
    complete = ledger_state(reference)
    duration = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import cloudledger.cli, cloudledger.ledger.ingest"], check=True)
    startup = time.perf_counter() - started
    rng = random.Random(seed)
    outcomes = []
    for attempt in range(runs):
        home = Home(tmp_path / f"run{attempt}")
        subprocess.run(["cp", "-a", str(base.root), str(home.root)], check=True)
        before = ledger_state(home)
        env = {**os.environ, "CLOUDLEDGER_HOME": str(home.root)}
        process = subprocess.Popen([*CLI, "ingest", str(big), "--quiet"], env=env)
        time.sleep(rng.uniform(0.8 * startup, startup + 1.6 * duration))  # from imports to after the commit
        process.send_signal(signal.SIGKILL)
        process.wait()
        with ingest_lock(home):
            state = StateDB(home.state_db_url)
            recover(state, Ledger(home.ledger_path), home.staging_path)
            attempts = [r for r in state.ingests() if r.status != "landed" or r.delta_version != before["version"]]
            state.dispose()
        after = ledger_state(home)
        landed = [r for r in attempts if r.status == "landed"]
        if landed:
            assert after["slices"] == complete["slices"] and after["rows"] == complete["rows"]
            assert after["version"] == before["version"] + 1 == landed[0].delta_version
            outcomes.append("landed")
        else:
            assert after == before, f"attempt {attempt}: the ledger changed without a landed ingest"
            assert all(r.status == "interrupted" for r in attempts)
            assert not [f for r in attempts for f in ingest_files(home.ledger_path, r.id)], "orphan data files"
            outcomes.append("interrupted" if attempts else "not started")
        assert not list(home.ledger_path.rglob("*.parquet#*"))
        assert not home.staging_path.exists()
    print("outcomes:", outcomes)


def test_sigkill_during_ingest_leaves_previous_version(tmp_path: Path) -> None:
    _kill_runs(tmp_path, runs=3, seed=11)


@pytest.mark.slow
def test_sigkill_during_ingest_many_times(tmp_path: Path) -> None:
    _kill_runs(tmp_path, runs=20, seed=29)
