"""`cloudledger allocate | chargeback | plan` end to end on a real home and config file."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from allocation_ledger import ORG, build_ledger, ledger_totals
from cloudledger.cli import app

runner = CliRunner()
POLICY = (
    ORG
    + """
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {matches: "(?i)support"}}, split: proportional}
chargeback:
  level: team
  suspense_account: "6999"
budgets:
  - {name: platform, scope: {team: platform}, monthly: 100, start: 2025-01}
"""
)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("cli-policy")
    home = build_ledger(folder)
    config = folder / "cloudledger.yaml"
    config.write_text(POLICY, encoding="utf-8")
    return str(home.root), config


def invoke(setup: tuple[str, Path], *args: str) -> tuple[int, str]:
    home, config = setup
    result = runner.invoke(app, [*args, "--home", home, "--config", str(config)])
    error = f"\n{result.exception}" if result.exception and not isinstance(result.exception, SystemExit) else ""
    return result.exit_code, result.output + error


def test_chargeback_json_adds_up_and_carries_the_budget(setup: tuple[str, Path]) -> None:
    code, out = invoke(setup, "chargeback", "--period", "2025-01", "-f", "json")
    assert code == 0, out
    lines = json.loads(out)
    usd = [line for line in lines if line["currency"] == "USD"]
    assert sum(Decimal(line["total"]) for line in usd) == ledger_totals()[("2025-01", "USD")]
    platform = next(line for line in usd if line["owner"] == "platform")
    assert Decimal(platform["budget"]) == 100
    assert Decimal(platform["variance"]) == Decimal(platform["total"]) - 100


def test_chargeback_files_and_general_ledger(setup: tuple[str, Path], tmp_path: Path) -> None:
    xlsx, gl = tmp_path / "chargeback.xlsx", tmp_path / "gl.csv"
    code, out = invoke(
        setup,
        "chargeback",
        "--period",
        "2025-01",
        "--to",
        "2025-02",
        "--level",
        "cost_center",
        "-o",
        str(xlsx),
        "--gl",
        str(gl),
    )
    assert code == 0, out
    assert {"Engineering", "Data"} <= set(load_workbook(xlsx).sheetnames)
    with gl.open(newline="", encoding="utf-8") as handle:
        postings = list(csv.DictReader(handle))
    for (period, currency), total in ledger_totals().items():
        posted = [Decimal(p["amount"]) for p in postings if p["period"] == period and p["currency"] == currency]
        assert sum(posted) == total.quantize(Decimal("0.01"))
    assert {p["gl_account"] for p in postings} >= {"6100", "6150", "6200", "6999"}


def test_allocate_by_rule_and_by_owner(setup: tuple[str, Path]) -> None:
    code, out = invoke(setup, "allocate", "--period", "2025-01", "--by-rule", "-f", "json")
    assert code == 0, out
    rows = {(r["currency"], r["kind"], r["rule"]): Decimal(r["amount"]) for r in json.loads(out)}
    assert rows[("USD", "shared", "support")] == Decimal(10)
    assert rows[("USD", "direct", "data account")] == Decimal(30)
    assert rows[("USD", "unallocated", "(no rule)")] == Decimal(7)
    code, out = invoke(setup, "allocate", "--period", "2025-01", "--level", "department", "-f", "csv")
    assert code == 0 and "Engineering" in out and "Unallocated" in out


def test_plan_exit_code_follows_unallocated_cost(setup: tuple[str, Path], tmp_path: Path) -> None:
    worse = tmp_path / "worse.yaml"
    worse.write_text(
        POLICY.replace("department: Data", "department: Nope").replace(
            "    - name: data account\n      match: {SubAccountId: acct-data}\n      department: Nope\n", ""
        ),
        encoding="utf-8",
    )
    code, out = invoke(setup, "plan", str(worse), "--period", "2025-01", "--level", "department")
    assert code == 1, out
    assert "refused" in out and "Data" in out
    better = tmp_path / "better.yaml"
    better.write_text(
        POLICY.replace("  rules:\n", "  rules:\n    - {match: {SubAccountId: acct-other}, team: ml}\n"),
        encoding="utf-8",
    )
    code, out = invoke(setup, "plan", str(better), "--period", "2025-01")
    assert code == 0, out
    assert "ml" in out and "1 to add" in out


def test_bad_inputs_are_one_line_errors(setup: tuple[str, Path], tmp_path: Path) -> None:
    code, out = invoke(setup, "chargeback", "--period", "2025-1")
    assert code != 0 and "YYYY-MM" in out
    code, out = invoke(setup, "chargeback", "--period", "2025-01", "-o", str(tmp_path / "x.doc"))
    assert code != 0 and ".xlsx" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text(ORG.replace('team: {from: "tag:team"}', 'team: {from: "tag:team"}\n      department: Data'))
    code, out = invoke(setup, "plan", str(broken), "--period", "2025-01")
    assert code != 0 and "broken.yaml line" in out


def test_the_command_line_starts_without_loading_the_query_engine() -> None:
    """Commands import their analyses when they run, so `cloudledger --help` and friends start fast."""
    import subprocess
    import sys

    heavy = "('ibis', 'duckdb', 'deltalake', 'fastapi')"
    code = f"import sys, cloudledger.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_costs_by_tag_follow_the_tag_policy(setup: tuple[str, Path]) -> None:
    """`costs --by tag:team` reads team, Team and TEAM as one key (the ledger has all three spellings)."""
    code, out = invoke(setup, "costs", "--by", "tag:team", "--metric", "EffectiveCost", "-f", "json")
    assert code == 0, out
    got = {row["tag:team"]: Decimal(row["EffectiveCost"]) for row in json.loads(out) if row["BillingCurrency"] == "USD"}
    assert got == {"platform": Decimal(140), "PAY": Decimal(50), "nobody": Decimal(7), None: Decimal(45)}
    code, out = invoke(setup, "costs", "--tag", "team=platform", "-f", "json")
    rows = json.loads(out)
    assert {r["BillingCurrency"]: Decimal(r["BilledCost"]) for r in rows} == {"USD": Decimal(140), "EUR": Decimal(20)}
