"""`cloudledger check` and `cloudledger config schema` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cloudledger.cli import app
from cloudledger.config.model import CloudledgerConfig
from cloudledger.demo.policy import write_demo_policy
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv

runner = CliRunner()

CONFIG = """\
organization:
  departments:
    - name: Web
      teams:
        - name: web
  rules:
    - name: team tag
      team: {from: "tag:team"}
    - name: retired account
      match:
        SubAccountId: "999999999999"
      department: Web
    - name: department tag
      department: {from: "tag:department"}
allocation:
  shared_costs:
    - name: support
      match:
        ServiceName: {matches: "(?i)support"}
      split: even
      level: team
budgets:
  - name: web
    scope: {team: web}
    monthly: 100
    start: "2025-01"
"""


def _line_of(text: str, marker: str) -> int:
    """1-based number of the line holding `marker`."""
    return next(number for number, line in enumerate(text.splitlines(), start=1) if marker in line)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home whose ledger holds two months of rows, every one tagged team=web."""
    folder = tmp_path / "home"
    rows = [
        focus_row(BilledCost="4", EffectiveCost="4"),
        focus_row(
            BilledCost="6",
            EffectiveCost="6",
            ChargePeriodStart="2025-02-03T00:00:00Z",
            ChargePeriodEnd="2025-02-04T00:00:00Z",
            BillingPeriodStart="2025-02-01T00:00:00Z",
            BillingPeriodEnd="2025-03-01T00:00:00Z",
        ),
    ]
    ingest(Home(folder).ensure(), [write_focus_csv(tmp_path / "bill.csv", rows)])
    return folder


def test_check_reports_the_sections_and_warns_about_rules_and_pools(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "cloudledger.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    result = runner.invoke(app, ["check", "--config", str(path), "--home", str(home)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"{path}: valid." in out
    assert "Sections: organization, allocation, budgets (not written, defaults apply: tag_policy," in out
    assert "Organization: 1 department, 1 team, 0 cost centers, 3 ownership rules" in out
    assert "Budgets: 1 budget, 0 budget files" in out
    assert "Tried on the ledger (2025-01 to 2025-02): 3 warnings." in out
    retired = _line_of(CONFIG, "- name: retired account")
    assert f"{path} line {retired}, column 7: ownership rule 'retired account' matches no row of the ledger" in out
    shadowed = _line_of(CONFIG, "- name: department tag")
    assert f"line {shadowed}, column 7: ownership rule 'department tag' owns no cost" in out
    support = _line_of(CONFIG, "- name: support")
    assert f"line {support}, column 7: shared cost 'support' is empty in 2025-02, the latest billing period" in out
    assert "team tag" not in out.split("Tried on the ledger")[1]


def test_check_without_a_ledger_validates_only(tmp_path: Path) -> None:
    path = write_demo_policy(tmp_path / "config")
    result = runner.invoke(app, ["check", "--config", str(path), "--home", str(tmp_path / "empty")])
    assert result.exit_code == 0, result.output
    assert "Organization: 8 departments, 18 teams, 9 cost centers, 9 ownership rules" in result.output
    assert "No ledger in" in result.output


def test_check_without_a_config_says_the_defaults_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "--home", str(tmp_path / "home")])
    assert result.exit_code == 0, result.output
    assert "No cloudledger.yaml found" in result.output


def test_an_invalid_config_exits_1_with_every_error_and_its_line(tmp_path: Path) -> None:
    text = CONFIG.replace("        - name: web\n", "        - name: web\n          colour: blue\n").replace(
        'SubAccountId: "999999999999"', 'SubAccountId: {matches: "(unclosed"}'
    )
    path = tmp_path / "cloudledger.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", "--config", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path} is not valid (2 problems):"
    colour = _line_of(text, "colour: blue")
    assert any(line.startswith(f"{path} line {colour}, column 11: unknown key 'colour'") for line in lines)
    regex = _line_of(text, "(unclosed")
    bad = [line for line in lines if "is not a valid regular expression" in line]
    assert len(bad) == 1 and f"line {regex}, column " in bad[0]


def test_schema_is_json_and_covers_every_section(tmp_path: Path) -> None:
    result = runner.invoke(app, ["config", "schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert set(schema["properties"]) == set(CloudledgerConfig.model_fields)
    assert schema["additionalProperties"] is False
    demo = yaml.safe_load(write_demo_policy(tmp_path / "demo").read_text(encoding="utf-8"))
    assert set(demo) <= set(schema["properties"])
    target = tmp_path / "cloudledger.schema.json"
    written = runner.invoke(app, ["config", "schema", "--output", str(target)])
    assert written.exit_code == 0, written.output
    assert json.loads(target.read_text(encoding="utf-8")) == schema
