"""`cloudledger tags` end to end: a small ledger and the seed inventories, JSON/CSV/table output, errors."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from cloudledger.cli_tags import tags
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv

D = Decimal
runner = CliRunner()
app = typer.Typer()
app.callback()(lambda: None)
app.command()(tags)

CONFIG = """
tag_policy:
  required: [Team, Environment]
  keys:
    Environment: {aliases: [env], values: [production, dev], normalize: {prod: production}}
"""


def _row(resource: str | None, period: str, tags: dict[str, str], cost: str, **extra: Any) -> dict[str, Any]:
    nxt = f"{period[:5]}{int(period[5:]) + 1:02d}"
    return focus_row(
        ResourceId=resource,
        BillingPeriodStart=f"{period}-01T00:00:00Z",
        BillingPeriodEnd=f"{nxt}-01T00:00:00Z",
        ChargePeriodStart=f"{period}-05T00:00:00Z",
        ChargePeriodEnd=f"{period}-06T00:00:00Z",
        Tags=json.dumps(tags) if tags else None,
        EffectiveCost=cost,
        **extra,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("cli-tags")
    rows = [
        _row("vm-1", "2025-01", {"team": "web", "env": "PROD"}, "10.00"),
        _row("vm-2", "2025-01", {"Team": "web", "env": "qa"}, "4.50"),
        _row("vm-3", "2025-02", {"TEAM": "data"}, "2.25"),
        _row(None, "2025-01", {}, "1.00", ChargeCategory="Tax"),
    ]
    path = write_focus_csv(folder / "focus.csv", rows)
    config = folder / "cloudledger.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    result = runner.invoke(app, ["tags", "--home", str(folder / "home"), "--config", str(config), "--format", "json"])
    assert isinstance(result.exception, QueryError), result.output  # nothing ingested yet
    ingest(Home(folder / "home").ensure(), [path])
    return str(folder / "home"), str(config)


def _json(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["tags", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.output)
    return rows


def test_compliance_as_json(home: tuple[str, str]) -> None:
    rows = _json("--home", home[0], "--config", home[1])
    got = {r["Tag"]: r for r in rows}
    assert list(got) == ["(all)", "Team", "Environment"]
    taggable = D("10.00") + D("4.50") + D("2.25")
    assert D(got["(all)"]["Taggable"]) == taggable and D(got["(all)"]["Untaggable"]) == D("1.00")
    assert D(got["(all)"]["Valid"]) == D("10.00") and got["(all)"]["Valid res."] == 1
    assert D(got["Team"]["Valid"]) == taggable and got["Team"]["Valid %"] == "100.00"
    environment = got["Environment"]
    assert [D(environment[c]) for c in ("Valid", "Invalid", "Missing")] == [D("10.00"), D("4.50"), D("2.25")]
    assert [environment[c] for c in ("Resources", "Valid res.", "Invalid res.", "Missing res.")] == [3, 1, 1, 1]
    assert environment["Valid %"] == str((D("10") / taggable * 100).quantize(D("0.01")))
    assert environment["Count %"] == "33.33"


def test_by_month_as_csv(home: tuple[str, str]) -> None:
    args = ["tags", "--home", home[0], "--config", home[1], "--by", "month", "--format", "csv"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.output)) if r["Tag"] == "(all)"]
    assert [(r["month"], D(r["Taggable"])) for r in rows] == [("2025-01", D("14.50")), ("2025-02", D("2.25"))]
    only = _json("--home", home[0], "--config", home[1], "--by", "month", "--from", "2025-02", "--to", "2025-02")
    assert {r["month"] for r in only} == {"2025-02"}


def test_top_and_unallocated(home: tuple[str, str]) -> None:
    top = _json("--home", home[0], "--config", home[1], "--top", "5")
    assert [(r["Resource"], D(r["Spend"]), r["Missing"], r["Invalid"]) for r in top] == [
        ("vm-2", D("4.50"), "", "Environment"),
        ("vm-3", D("2.25"), "Environment", ""),
    ]
    lines = _json("--home", home[0], "--config", home[1], "--unallocated")
    got = {r["Tag"]: (D(r["Missing"]), D(r["Unallocated"])) for r in lines}
    assert got == {"Team": (D(0), D(0)), "Environment": (D("2.25"), D("2.25"))}  # no ownership rules


def test_table_output(home: tuple[str, str]) -> None:
    args = ["tags", "--home", home[0], "--config", home[1], "--by", "ServiceName"]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Tag compliance by ServiceName" in result.output
    line = next(line for line in result.output.splitlines() if "Environment" in line)
    cells = [cell.strip() for cell in line.split("│")[1:-1]]
    assert cells == ["Virtual Machines", "USD", "Environment", "59.70", "16.75", "2.25", "4.50", "33.33", "3", "—"]


def test_inventories(samples_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "cloudledger.yaml"
    config.write_text("tag_policy: {required: [Owner, Purpose]}\n", encoding="utf-8")
    files = [samples_dir / "seeds" / "aws_resources_compute.csv", samples_dir / "seeds" / "aws_resources_S3.csv"]
    args = [a for f in files for a in ("--inventory", str(f))]
    rows = _json(*args, "--config", str(config), "--home", str(tmp_path / "none"))
    for file in files:
        with file.open(newline="", encoding="utf-8") as handle:
            seed = [r for r in csv.DictReader(handle) if r["Tags"]]
        mine = {r["Tag"]: r for r in rows if r["File"] == str(file)}
        with_purpose = [r for r in seed if "Purpose=" in r["Tags"]]
        assert mine["(all)"]["Resources"] == len(seed)
        assert D(mine["(all)"]["Taggable"]) == sum((D(r["CostUSD"]) for r in seed), D(0))
        assert mine["Owner"]["Valid res."] == len(seed)
        assert mine["Purpose"]["Valid res."] == len(with_purpose) == mine["(all)"]["Valid res."]
        assert D(mine["Purpose"]["Valid"]) == sum((D(r["CostUSD"]) for r in with_purpose), D(0))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "Region"], "valid: ProviderName"),
        (["--top", "3", "--unallocated"], "choose one of"),
        (["--by", "team", "--top", "3"], "cannot be combined"),
        (["--from", "January"], "YYYY-MM"),
        (["--format", "xml"], "valid formats"),
    ],
)
def test_errors(home: tuple[str, str], args: list[str], message: str) -> None:
    result = runner.invoke(app, ["tags", "--home", home[0], "--config", home[1], *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, QueryError) and message in str(result.exception)
