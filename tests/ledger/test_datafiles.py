"""Data files written by the ingest and committed in one Delta transaction: layout, schema growth, exact
replacement of slices (also when the ingest adds columns), history and time travel."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

from cloudledger.ledger.datafiles import DataFiles, ingest_files, slice_folder
from cloudledger.ledger.overlap import slice_of_file
from cloudledger.ledger.table import Ledger
from cloudledger.sources.normalize import SLICE_COLUMNS, SliceKey

AWKWARD = ("2025-01", "my source", "a/b:c=d%e#f'g é{x}")


def _rows(keys: list[SliceKey], cost: int, extra: str | None = None) -> pa.Table:
    data: dict[str, pa.Array] = {
        "BilledCost": pa.array([Decimal(cost + i) / 4 for i in range(len(keys))], pa.decimal128(38, 10)),
        **{col: pa.array([k[i] for k in keys]) for i, col in enumerate(SLICE_COLUMNS)},
    }
    if extra:
        data[extra] = pa.array([f"{extra}-{i}" for i in range(len(keys))])
    return pa.table(data)


def _ingest(ledger: Ledger, ingest_id: str, tables: list[pa.Table]) -> int:
    files = DataFiles(ledger.path, ingest_id, ledger.schema())
    for table in tables:
        files.write(table)
    written = files.close()
    assert files.schema is not None
    columns = [zip(*(t[c].to_pylist() for c in SLICE_COLUMNS), strict=True) for t in tables]
    slices = sorted({(r[0], r[1], r[2]) for rows in columns for r in rows})
    return ledger.replace_slices(written, files.schema, slices, ingest_id)


def _totals(ledger: Ledger, version: int | None = None) -> dict[SliceKey, Decimal]:
    snapshot = ledger.snapshot(version)
    query = (
        "SELECT x_billing_period, x_source, x_billing_account, sum(BilledCost) FROM read_parquet(?, "
        "hive_partitioning = true, hive_types_autocast = false, union_by_name = true) GROUP BY ALL"
    )
    rows = duckdb.execute(query, [list(snapshot.files)]).fetchall()
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def test_partition_folders_are_escaped_as_the_delta_writer_escapes_them(tmp_path: Path) -> None:
    write_deltalake(tmp_path / "ref", _rows([AWKWARD], 1), partition_by=list(SLICE_COLUMNS))
    (reference,) = DeltaTable(str(tmp_path / "ref")).file_uris()
    assert f"/{slice_folder(AWKWARD)}/" in reference
    ledger = Ledger(tmp_path / "ledger")
    _ingest(ledger, "i1", [_rows([AWKWARD] * 3, 1)])
    (ours,) = ledger.snapshot().files
    assert slice_of_file(ours) == slice_of_file(reference) == AWKWARD
    assert ledger.present_slices() == {AWKWARD}


def test_only_the_replaced_slices_change_also_when_columns_are_added(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    a1, a2, b1, b2 = ("2025-01", "s", "A1"), ("2025-01", "s", "A2"), ("2025-02", "s", "A1"), ("2025-02", "s", "A2")
    assert _ingest(ledger, "i0", [_rows([a1, a2, b1] * 2, 10)]) == 0
    assert _ingest(ledger, "i1", [_rows([b2], 20)]) == 1
    before = _totals(ledger)
    # a1 and b2 only: the partition filter's cross product also covers a2 and b1, which must not change
    assert _ingest(ledger, "i2", [_rows([a1], 1000), _rows([b2, b2], 2000, extra="x_new")]) == 2
    after = _totals(ledger)
    assert after[a2] == before[a2] and after[b1] == before[b1]
    assert after[a1] == Decimal(250) and after[b2] == Decimal(2000 + 2001) / 4
    assert "x_new" in ledger.schema().names
    assert _totals(ledger, 1) == before
    assert _ingest(ledger, "i3", [_rows([a2], 7)]) == 3  # no new column: append with removes
    assert _totals(ledger)[a2] == Decimal(7) / 4 and _totals(ledger)[b1] == before[b1]
    assert [ledger.find_commit(i) for i in ("i0", "i1", "i2", "i3")] == [0, 1, 2, 3]
    assert len(ledger.snapshot().files) == 4


def test_a_column_arriving_mid_ingest_starts_new_files_and_reads_as_null(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger")
    _ingest(ledger, "i0", [_rows([AWKWARD] * 2, 1), _rows([AWKWARD] * 3, 5, extra="x_late")])
    snapshot = ledger.snapshot()
    assert len(snapshot.files) == 2 and snapshot.schema.names[-1] == "x_late"
    query = "SELECT count(x_late), count(*) FROM read_parquet(?, union_by_name = true)"
    assert duckdb.execute(query, [list(snapshot.files)]).fetchone() == (3, 5)
    actions = pa.table(DeltaTable(str(ledger.path)).get_add_actions(flatten=True)).to_pylist()
    assert sorted(a["num_records"] for a in actions) == [2, 3]
    assert all(a["null_count.BilledCost"] == 0 for a in actions)


def test_discarded_files_leave_nothing(tmp_path: Path) -> None:
    files = DataFiles(tmp_path / "ledger", "dead", None)
    files.write(_rows([AWKWARD] * 4, 1))
    files.close()
    assert list(ingest_files(tmp_path / "ledger", "dead"))
    files.discard()
    assert not list((tmp_path / "ledger").rglob("*"))
