"""Ingest of FOCUS files into the Delta ledger: exact totals, skip unchanged, replace restated slices."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.ledger.state import StateDB
from focus_rows import focus_row, write_focus_csv
from ledger_probe import METRICS, ledger_state
from reference import read_csv_rows, totals_by


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _period(text: str) -> str:
    return text[:7]


def test_focus_sample_lands_exactly(home: Home, samples_dir: Path) -> None:
    sample = samples_dir / "focus-other" / "focus_sample.csv"
    summary = ingest(home, [sample])
    raw = read_csv_rows(sample)
    for row in raw:
        row["period"] = _period(row["BillingPeriodStart"])
    expected = totals_by(raw, ["period", "BillingAccountId"], METRICS)
    state = ledger_state(home)
    assert summary.status == "landed" and summary.rows == len(raw) == state["rows"]
    got = {(k[0], k[2]): v for k, v in state["slices"].items()}
    assert got == expected
    assert {k[1] for k in state["slices"]} == {"focus"}


def test_focus_sample_reconciles_with_published_facts(home: Home, samples_dir: Path) -> None:
    facts = json.loads((samples_dir / "facts.json").read_text())["focus-other/focus_sample.csv"]["facts"]
    ingest(home, [samples_dir / "focus-other" / "focus_sample.csv"])
    state = ledger_state(home)
    for metric in METRICS:
        ours = sum((s[metric] for s in state["slices"].values()), Decimal(0))
        theirs = Decimal(facts["costs"][metric]["sum"])
        assert ours.quantize(Decimal("0.01")) == theirs.quantize(Decimal("0.01")), metric
        assert abs(ours - theirs) < Decimal("1E-9") * facts["costs"][metric]["non_null"]


def test_unchanged_file_is_skipped(home: Home, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "f.csv", [focus_row(), focus_row(BilledCost="2.25")])
    first = ingest(home, [path])
    second = ingest(home, [path])
    assert first.status == "landed" and second.status == "unchanged"
    assert ledger_state(home)["version"] == first.delta_version
    assert second.files_unchanged == (str(path.resolve()),)


def test_restated_file_replaces_its_slices_only(home: Home, tmp_path: Path) -> None:
    jan = [focus_row(BilledCost="1.10"), focus_row(BilledCost="2.20", BillingAccountId="333")]
    feb = [
        focus_row(
            BilledCost="5",
            BillingPeriodStart="2025-02-01T00:00:00Z",
            BillingPeriodEnd="2025-03-01T00:00:00Z",
            ChargePeriodStart="2025-02-03T00:00:00Z",
            ChargePeriodEnd="2025-02-04T00:00:00Z",
        )
    ]
    ingest(home, [write_focus_csv(tmp_path / "jan" / "focus.csv", jan)])
    ingest(home, [write_focus_csv(tmp_path / "feb" / "focus.csv", feb)])
    before = ledger_state(home)
    restated = [focus_row(BilledCost="1.15"), focus_row(BilledCost="0.05"), jan[1]]
    summary = ingest(home, [write_focus_csv(tmp_path / "jan" / "focus.csv", restated)])
    after = ledger_state(home)
    assert after["version"] == before["version"] + 1
    assert sorted(summary.replaced) == [("2025-01", "focus", "111111111111"), ("2025-01", "focus", "333")]
    assert after["slices"][("2025-01", "focus", "111111111111")]["BilledCost"] == Decimal("1.20")
    assert after["slices"][("2025-01", "focus", "111111111111")]["rows"] == 2
    assert (
        after["slices"][("2025-02", "focus", "111111111111")] == before["slices"][("2025-02", "focus", "111111111111")]
    )
    assert after["rows"] == 4


def test_time_travel_reads_the_earlier_version(home: Home, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    first = ingest(home, [write_focus_csv(path, [focus_row(BilledCost="1")])])
    ingest(home, [write_focus_csv(path, [focus_row(BilledCost="7")])])
    old = ledger_state(home, as_of=first.delta_version)
    new = ledger_state(home)
    key = ("2025-01", "focus", "111111111111")
    assert old["slices"][key]["BilledCost"] == Decimal(1)
    assert new["slices"][key]["BilledCost"] == Decimal(7)


def test_reader_keeps_its_snapshot_while_an_ingest_lands(home: Home, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    ingest(home, [write_focus_csv(path, [focus_row(BilledCost="1")])])
    view = open_ledger(home)
    try:
        ingest(home, [write_focus_csv(path, [focus_row(BilledCost="9")] * 3)])
        seen = view.con.execute(view.table.BilledCost.sum())
    finally:
        view.close()
    assert seen == Decimal(1)
    assert ledger_state(home)["rows"] == 3


def test_ingest_log_records_files_and_slices(home: Home, tmp_path: Path) -> None:
    path = write_focus_csv(tmp_path / "f.csv", [focus_row(BilledCost="1.5"), focus_row(BilledCost="2")])
    summary = ingest(home, [path])
    state = StateDB(home.state_db_url)
    record = state.ingest(summary.ingest_id or "")
    slices = state.slices(summary.ingest_id or "")
    files = state.files(summary.ingest_id or "")
    state.dispose()
    assert record is not None and record.status == "landed" and record.delta_version == summary.delta_version
    assert [(s.rows, s.billed_cost) for s in slices] == [(2, Decimal("3.5"))]
    assert files[0].path == str(path.resolve()) and files[0].rows == 2 and len(files[0].sha256) == 64


def test_provider_columns_survive_as_x_columns(home: Home, tmp_path: Path) -> None:
    rows = [{**focus_row(), "Id": "17", "x_Operation": "RunInstances"}]
    ingest(home, [write_focus_csv(tmp_path / "f.csv", rows)])
    view = open_ledger(home)
    try:
        got = view.con.to_pyarrow(view.table.select("x_Id", "x_Operation", "Tags")).to_pylist()
    finally:
        view.close()
    assert got == [{"x_Id": "17", "x_Operation": "RunInstances", "Tags": [("team", "web"), ("env", "prod")]}]


def test_csv_gz_and_parquet_exports_land_like_csv(home: Home, tmp_path: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    rows = [focus_row(BilledCost="3.3"), focus_row(BilledCost="1.1", BillingAccountId="444")]
    gz = write_focus_csv(tmp_path / "a" / "focus.csv.gz", rows)
    plain = write_focus_csv(tmp_path / "b.csv", rows)
    table = pacsv.read_csv(plain)
    (tmp_path / "c").mkdir()
    pq.write_table(table, tmp_path / "c" / "focus.parquet")
    ingest(home, [gz])
    other = Home(tmp_path / "home2").ensure()
    ingest(other, [tmp_path / "c" / "focus.parquet"])
    a, b = ledger_state(home), ledger_state(other)
    assert a["slices"] == b["slices"] and a["rows"] == 2
    with plain.open() as handle:
        assert len(list(csv.DictReader(handle))) == 2


def test_state_schema_matches_the_migrations(tmp_path: Path) -> None:
    """The Alembic migrations create exactly the tables and columns the code's metadata declares."""
    import sqlalchemy as sa

    from cloudledger.ledger.state import METADATA

    state = StateDB(f"sqlite:///{tmp_path / 'state.db'}")
    inspector = sa.inspect(state.engine)
    for table in METADATA.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}
    assert "alembic_version" in inspector.get_table_names()
    state.dispose()
    StateDB(f"sqlite:///{tmp_path / 'state.db'}").dispose()  # opening again is a no-op
