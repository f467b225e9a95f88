"""`cloudledger anomalies`, `anomalies expect` and `anomalies unexpect` on a ledger with one known spike: the
anomaly is listed with its id, marking it expected keeps it listed with the reason, the mark survives a new
detection run, and `unexpect` opens it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from cloudledger.cli import app
from cloudledger.home import Home
from cloudledger.ledger.anomaly_feedback import ANOMALY_FEEDBACK
from cloudledger.ledger.ingest import ingest
from partial_month import LAST, PATTERN, exports, usage

runner = CliRunner()
SPIKE = 4000


@pytest.fixture(scope="module")
def spiked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose newest day carries one runaway resource on top of the weekly pattern."""
    folder = tmp_path_factory.mktemp("spiked")
    spike = usage(LAST)
    for column in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
        spike[column] = str(SPIKE)
    spike["ResourceId"] = "runaway-job"
    home = Home(folder / "home").ensure()
    for path in exports(folder / "exports", [spike]):
        ingest(home, [path])
    return home.root


def listed(home: Path, *extra: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["anomalies", "--home", str(home), "-f", "json", *extra])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def test_mark_an_anomaly_expected_and_take_the_mark_back(spiked: Path) -> None:
    rows = listed(spiked)
    newest = [r for r in rows if r["start"] == LAST.isoformat()]
    assert newest, rows
    for row in newest:  # the service's series and the whole bill's: both rose by the spike that day
        assert row["status"] == "open"
        assert (
            row["expected"] == f"{PATTERN[LAST.weekday()]:.2f}"
            and row["actual"] == f"{PATTERN[LAST.weekday()] + SPIKE:.2f}"
        )
    anomaly_id = str(newest[0]["id"])
    assert len({r["id"] for r in rows}) == len(rows)

    marked = runner.invoke(
        app,
        [
            "anomalies",
            "expect",
            anomaly_id,
            "--reason",
            "  Planned   load test ",
            "--by",
            "ana@example.com",
            "--home",
            str(spiked),
        ],
    )
    assert marked.exit_code == 0, marked.output
    assert "as expected: Planned load test" in marked.output

    again = {r["id"]: r for r in listed(spiked)}  # a new detection run gives the anomaly the same id
    assert again[anomaly_id]["status"] == "expected: Planned load test"
    assert [r["id"] for r in listed(spiked, "--status", "expected")] == [anomaly_id]
    assert anomaly_id not in {r["id"] for r in listed(spiked, "--status", "open")}
    engine = sa.create_engine(Home(spiked).state_db_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(ANOMALY_FEEDBACK)).mappings().one()
    engine.dispose()
    assert stored["marked_by"] == "ana@example.com" and stored["start"].isoformat() == LAST.isoformat()

    back = runner.invoke(app, ["anomalies", "unexpect", anomaly_id, "--home", str(spiked)])
    assert back.exit_code == 0, back.output
    assert {r["id"]: r["status"] for r in listed(spiked)}[anomaly_id] == "open"
    twice = runner.invoke(app, ["anomalies", "unexpect", anomaly_id, "--home", str(spiked)])
    assert twice.exit_code != 0 and "is marked as expected" in str(twice.exception)


def test_marking_needs_a_known_id_and_a_reason(spiked: Path) -> None:
    unknown = runner.invoke(app, ["anomalies", "expect", "0123456789", "--reason", "x", "--home", str(spiked)])
    assert unknown.exit_code != 0
    assert "no anomaly has the id '0123456789'" in str(unknown.exception)
    assert "`cloudledger anomalies` lists" in str(unknown.exception)
    anomaly_id = str(listed(spiked)[0]["id"])
    empty = runner.invoke(app, ["anomalies", "expect", anomaly_id, "--reason", "   ", "--home", str(spiked)])
    assert empty.exit_code != 0 and "--reason cannot be empty" in str(empty.exception)
    missing = runner.invoke(app, ["anomalies", "expect", anomaly_id, "--home", str(spiked)])
    assert missing.exit_code != 0 and "--reason" in missing.output
