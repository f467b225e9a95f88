"""End-to-end wall time of `cloudledger costs` as a user runs it (interpreter start-up included)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any


def cloudledger_command() -> list[str]:
    """The `cloudledger` script installed beside this interpreter."""
    script = Path(sys.executable).with_name("cloudledger")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from cloudledger.cli import main; main()"]


def _run(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return seconds, done.stdout


def measure_cli(home_dir: str, expected: dict[str, str], repeats: int = 3) -> dict[str, Any]:
    """Median wall time of `cloudledger costs --by ServiceName --format json`; `--help` and imports alone."""
    command = cloudledger_command()
    costs = [*command, "costs", "--by", "ServiceName", "--home", home_dir, "--format", "json"]
    if repeats > 1:
        _run(costs)  # warm-up
    runs, output = [], ""
    for _ in range(repeats):
        seconds, output = _run(costs)
        runs.append(seconds)
    rows = json.loads(output)
    by_currency: dict[str, Decimal] = {}
    for row in rows:
        currency = row["BillingCurrency"]
        by_currency[currency] = by_currency.get(currency, Decimal(0)) + Decimal(row["BilledCost"])
    if {c: Decimal(v) for c, v in expected.items()} != by_currency:
        raise AssertionError(f"`cloudledger costs` totals {by_currency} differ from the generated {expected}")
    help_runs = [_run([*command, "--help"])[0] for _ in range(repeats)]
    imports = [sys.executable, "-c", "import cloudledger.cli, cloudledger.cli_query"]
    import_runs = [_run(imports)[0] for _ in range(repeats)]
    return {
        "seconds": statistics.median(runs),
        "runs": runs,
        "help_seconds": statistics.median(help_runs),
        "import_seconds": statistics.median(import_runs),
        "groups": len(rows),
    }
