"""AWS CUR files stream in batches: many small batches give exactly the ledger rows and totals of one batch,
errors in a later batch name the file's row, and only the columns the mapping uses are read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aws_export import LEGACY_COLUMNS, cur_row, every_type, usage, write_cur2_csv, write_cur2_parquet, write_legacy_csv
from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.sources import aws_select, detect_source, read_rows
from cloudledger.sources.aws_columns import CurTable
from cloudledger.sources.files import BillingFile, file_kind

REPEATS = 6
SHAPES: dict[str, Callable[[Path, list[dict[str, str]]], Path]] = {
    "legacy-csv": lambda d, rows: write_legacy_csv(d / "report.csv", rows),
    "legacy-csv-gz": lambda d, rows: write_legacy_csv(d / "report.csv.gz", rows),
    "cur2-parquet": lambda d, rows: write_cur2_parquet(d / "export.parquet", rows),
    "cur2-csv": lambda d, rows: write_cur2_csv(d / "export.csv", rows),
}


def _rows() -> list[dict[str, str]]:
    """Every line item type, several times over, with distinct costs (so rows are told apart)."""
    rows = []
    for n in range(REPEATS):
        for row in every_type():
            cost = row["lineItem/UnblendedCost"]
            row["lineItem/UnblendedCost"] = f"{cost}{n}" if "." in cost else f"{cost}.{n}"
            row["identity/LineItemId"] = f"{row['identity/LineItemId']}-{n}"
            rows.append(row)
    return rows


def _file(path: Path) -> BillingFile:
    kind = file_kind(path)
    assert kind is not None
    return BillingFile(path.resolve(), kind)


def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aws_select, "BATCH_ROWS", 7)
    monkeypatch.setattr(aws_select, "CSV_BLOCK_BYTES", 4096)


def _read(file: BillingFile) -> tuple[list[dict[str, Any]], Any, int]:
    source = detect_source(file)
    batches = list(source.read(file))  # type: ignore[arg-type]
    result = read_rows(source, file)
    rows = sorted(result.table.to_pylist(), key=lambda r: (r["x_source_row"], r["CommitmentDiscountStatus"] or ""))
    return rows, result.native, len(batches)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_small_batches_give_the_same_rows_and_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    file = _file(SHAPES[shape](tmp_path, _rows()))
    whole, whole_native, one = _read(file)
    _small_batches(monkeypatch)
    batched, batched_native, many = _read(file)
    assert one == 1 and many > 2, (one, many)
    assert len(batched) == len(whole) > REPEATS * len(every_type())
    assert batched == whole
    assert batched_native == whole_native
    assert [r["x_source_row"] for r in batched if r["BilledCost"] != 0][-1] == REPEATS * len(every_type())


def _bad_cost_late(d: Path) -> Path:
    rows = [cur_row("Usage", str(i + 1), **usage()) for i in range(60)]
    rows[52]["lineItem/UnblendedCost"] = "12,50"
    return write_legacy_csv(d / "cur.csv.gz", rows)


def _bad_date_late(d: Path) -> Path:
    rows = [cur_row("Usage", str(i + 1), **usage()) for i in range(60)]
    rows[40]["lineItem/UsageStartDate"] = "31/01/2025"
    return write_cur2_parquet(d / "export.parquet", rows)


def _bad_tags_late(d: Path) -> Path:
    rows = [cur_row("Usage", str(i + 1), **usage()) for i in range(60)]
    tags = ['{"user_team": "web"}'] * 60
    tags[33] = "team=web"
    return write_cur2_csv(d / "export.csv", rows, tags=tags)


LATE = {
    "legacy cost": (_bad_cost_late, "'12,50' is not a number", 53, "lineItem/UnblendedCost"),
    "cur2 date": (_bad_date_late, "'31/01/2025' is not a date-time", 41, "line_item_usage_start_date"),
    "cur2 tags": (_bad_tags_late, "'team=web' is not a JSON object", 34, "resource_tags"),
}


@pytest.mark.parametrize("case", sorted(LATE))
def test_a_bad_value_in_a_later_batch_names_its_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    make, message, row, column = LATE[case]
    path = make(tmp_path / "in")
    _small_batches(monkeypatch)
    assert len(list(aws_select.iter_cur_file(_file(path)))) > 2
    with pytest.raises(InputError) as caught:
        ingest(Home(tmp_path / "home").ensure(), [path])
    assert message in str(caught.value)
    assert (caught.value.row, caught.value.column) == (row, column), str(caught.value)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_only_used_columns_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str) -> None:
    """Every column the mapping asks for is among the columns read (a column left out would read as empty)."""
    file = _file(SHAPES[shape](tmp_path, every_type()))
    asked: set[str] = set()
    for method in ("raw", "has"):
        original = getattr(CurTable, method)

        def record(self: CurTable, key: str, _original: Any = original) -> Any:
            asked.add(key)
            return _original(self, key)

        monkeypatch.setattr(CurTable, method, record)
    used = aws_select.is_used
    monkeypatch.setattr(aws_select, "is_used", lambda name: True)
    read_rows(detect_source(file), file)
    in_file = {name for name in asked if name in _snake_header(file)}
    assert len(in_file) > 20
    assert {name for name in in_file if not used(name)} == set()


def _snake_header(file: BillingFile) -> set[str]:
    from cloudledger.sources.aws_columns import snake

    return {name if name.startswith("resourceTags/") else snake(name) for name in file.header}


def test_unread_columns_are_not_in_the_ledger(tmp_path: Path) -> None:
    extra = [*LEGACY_COLUMNS, "lineItem/NormalizationFactor", "product/vcpu"]
    rows = [{**r, "lineItem/NormalizationFactor": "4", "product/vcpu": "2"} for r in every_type()]
    file = _file(write_legacy_csv(tmp_path / "cur.csv", rows, extra))
    table = read_rows(detect_source(file), file).table
    assert not {"x_normalization_factor", "x_vcpu", "x_lineItem/NormalizationFactor"} & set(table.column_names)
    assert "x_UsageType" in table.column_names
