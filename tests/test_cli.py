"""The command line end to end: ingest, costs as JSON/CSV, history, errors as one line and exit 1."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from cloudledger.cli import app
from focus_rows import focus_row, write_focus_csv
from reference import ledger_decimal, read_csv_rows

runner = CliRunner()


def test_ingest_then_costs_as_json(tmp_path: Path, samples_dir: Path) -> None:
    home = str(tmp_path / "home")
    sample = samples_dir / "focus-other" / "focus_sample.csv"
    ingested = runner.invoke(app, ["ingest", str(sample), "--home", home, "--quiet"])
    assert ingested.exit_code == 0, ingested.output
    assert "Landed" in ingested.output and "1,000 rows" in ingested.output
    result = runner.invoke(app, ["costs", "--by", "ProviderName", "--home", home, "--format", "json"])
    assert result.exit_code == 0, result.output
    got = {r["ProviderName"]: Decimal(r["BilledCost"]) for r in json.loads(result.output)}
    expected: dict[str, Decimal] = {}
    for row in read_csv_rows(sample):
        expected[row["ProviderName"]] = expected.get(row["ProviderName"], Decimal(0)) + (
            ledger_decimal(row["BilledCost"]) or Decimal(0)
        )
    assert got == expected
    assert all(isinstance(r["BilledCost"], str) for r in json.loads(result.output))


def test_costs_as_csv_and_as_of(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    path = tmp_path / "f.csv"
    write_focus_csv(path, [focus_row(BilledCost="1.25")])
    assert runner.invoke(app, ["ingest", str(path), "--home", home]).exit_code == 0
    write_focus_csv(path, [focus_row(BilledCost="3.5")])
    assert runner.invoke(app, ["ingest", str(path), "--home", home]).exit_code == 0
    now = runner.invoke(app, ["costs", "--by", "ServiceName", "--home", home, "--format", "csv"])
    then = runner.invoke(app, ["costs", "--by", "ServiceName", "--home", home, "-f", "csv", "--as-of", "0"])
    assert next(iter(csv.DictReader(io.StringIO(now.output))))["BilledCost"] == "3.5000000000"
    assert next(iter(csv.DictReader(io.StringIO(then.output))))["BilledCost"] == "1.2500000000"
    history = runner.invoke(app, ["history", "--home", home, "--format", "json"])
    assert [r["Version"] for r in json.loads(history.output)] == [1, 0]


def test_errors_are_one_line_and_exit_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    write_focus_csv(bad, [focus_row(BilledCost="n/a")])
    command = [sys.executable, "-c", "from cloudledger.cli import main; main()"]
    proc = subprocess.run(
        [*command, "ingest", str(bad), "--home", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0
    assert "bad.csv" in proc.stderr and "row 1" in proc.stderr and "BilledCost" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_column_error(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    write_focus_csv(tmp_path / "f.csv", [focus_row()])
    runner.invoke(app, ["ingest", str(tmp_path / "f.csv"), "--home", home])
    result = runner.invoke(app, ["costs", "--by", "Nope", "--home", home])
    assert result.exit_code != 0
    assert "unknown column 'Nope'" in str(result.exception)


def test_large_ingest_summary_is_one_line_per_account(tmp_path: Path) -> None:
    rows = []
    for month in range(30):
        start = f"{2023 + month // 12}-{month % 12 + 1:02d}-01T00:00:00Z"
        end = f"{2023 + (month + 1) // 12}-{(month + 1) % 12 + 1:02d}-01T00:00:00Z"
        for account, cost in (("A", "1.25"), ("B", "2.5")):
            rows.append(
                focus_row(
                    BillingAccountId=account,
                    BilledCost=cost,
                    BillingPeriodStart=start,
                    BillingPeriodEnd=end,
                    ChargePeriodStart=start,
                    ChargePeriodEnd=end,
                )
            )
    write_focus_csv(tmp_path / "f.csv", rows)
    result = runner.invoke(
        app, ["ingest", str(tmp_path / "f.csv"), "--home", str(tmp_path / "h")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "Per account" in result.output and "60 slice(s)" in result.output
    lines = [line for line in result.output.splitlines() if "2023-01 to 2025-06" in line]
    assert len(lines) == 2
    assert "37.50" in lines[0] and "75.00" in lines[1]
