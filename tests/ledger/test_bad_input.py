"""Bad input is rejected with an error naming file, row and column; the ledger stays exactly as it was."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cloudledger.errors import InputError, UnknownFormatError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.state import StateDB
from focus_rows import focus_row, write_focus_csv
from ledger_probe import ledger_state


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_focus_csv(tmp_path / "good" / "focus.csv", [focus_row(), focus_row(BilledCost="4")])])
    return home


def _rows(n: int = 4) -> list[dict[str, object]]:
    return [focus_row(BilledCost=str(i + 1), ResourceId=f"vm-{i}") for i in range(n)]


def _bad_cost(d: Path) -> Path:
    rows = _rows()
    rows[2]["BilledCost"] = "12,50"
    return write_focus_csv(d / "cost.csv", rows)


def _bad_date(d: Path) -> Path:
    rows = _rows()
    rows[1]["ChargePeriodStart"] = "31/01/2025"
    return write_focus_csv(d / "date.csv", rows)


def _mixed_currency(d: Path) -> Path:
    rows = _rows()
    rows[3]["BillingCurrency"] = "EUR"
    return write_focus_csv(d / "currency.csv", rows)


def _missing_column(d: Path) -> Path:
    return write_focus_csv(d / "missing.csv", _rows(), drop=["ChargeCategory"])


def _bad_tags(d: Path) -> Path:
    rows = _rows()
    rows[1]["Tags"] = "team=web"
    return write_focus_csv(d / "tags.csv", rows)


def _missing_account(d: Path) -> Path:
    rows = _rows()
    rows[2]["BillingAccountId"] = None
    return write_focus_csv(d / "account.csv", rows)


def _empty(d: Path) -> Path:
    path = d / "empty.csv"
    path.write_bytes(b"")
    return path


def _header_only(d: Path) -> Path:
    full = write_focus_csv(d / "full.csv", _rows(1))
    path = d / "header.csv"
    path.write_text(full.read_text().splitlines()[0] + "\n")
    full.unlink()
    return path


def _truncated_gzip(d: Path) -> Path:
    full = write_focus_csv(d / "full.csv.gz", _rows(3000))
    data = full.read_bytes()
    path = d / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    full.unlink()
    return path


def _truncated_parquet(d: Path) -> Path:
    import pyarrow.csv as pacsv

    csv_path = write_focus_csv(d / "x.csv", _rows(50))
    full = d / "full.parquet"
    pq.write_table(pacsv.read_csv(csv_path), full)
    csv_path.unlink()
    data = full.read_bytes()
    path = d / "cut.parquet"
    path.write_bytes(data[: len(data) - 100])
    full.unlink()
    return path


def _not_focus(d: Path) -> Path:
    path = d / "budget.csv"
    path.write_text("Department,Month,Budget\nEngineering,1/1/2024,1000.00\n")
    return path


CASES: dict[str, tuple[Callable[[Path], Path], int | None, str | None, str]] = {
    "non-numeric cost": (_bad_cost, 3, "BilledCost", "'12,50' is not a decimal number"),
    "unparseable date": (_bad_date, 2, "ChargePeriodStart", "'31/01/2025' is not an ISO 8601 date-time"),
    "mixed currencies": (_mixed_currency, 4, "BillingCurrency", "several currencies"),
    "missing mandatory column": (
        _missing_column,
        None,
        None,
        "missing mandatory FOCUS column(s) ChargeCategory",
    ),
    "tags not JSON": (_bad_tags, 2, "Tags", "'team=web' is not a JSON object"),
    "missing billing account": (_missing_account, 3, "BillingAccountId", "BillingAccountId is empty"),
    "empty file": (_empty, None, None, "the file is empty"),
    "header only": (_header_only, None, None, "no billing rows"),
    "truncated gzip": (_truncated_gzip, None, None, "cannot read as CSV"),
    "truncated parquet": (_truncated_parquet, None, None, "cannot read"),
    "not a billing export": (_not_focus, None, None, "no known source recognises its columns"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_rejected_and_ledger_unchanged(case: str, home: Home, tmp_path: Path) -> None:
    make, row, column, message = CASES[case]
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(bad_dir)
    before = ledger_state(home)
    with pytest.raises(InputError) as caught:
        ingest(home, [bad])
    error = caught.value
    assert error.file == str(bad.resolve()) or error.file == str(bad)
    assert message in str(error)
    assert error.row == row
    assert error.column == column
    assert str(bad.name) in str(error)
    assert ledger_state(home) == before
    if case == "not a billing export":
        assert isinstance(error, UnknownFormatError)


def test_failed_ingest_is_logged_and_lands_nothing_from_its_good_files(home: Home, tmp_path: Path) -> None:
    good = write_focus_csv(tmp_path / "batch" / "a.csv", [focus_row(BillingAccountId="999", BilledCost="5")])
    bad = _bad_cost(tmp_path / "batch2")
    shutil.copy(bad, tmp_path / "batch" / "b.csv")
    before = ledger_state(home)
    with pytest.raises(InputError):
        ingest(home, [tmp_path / "batch"])
    assert ledger_state(home) == before
    assert not any(key[2] == "999" for key in before["slices"])
    state = StateDB(home.state_db_url)
    latest = state.ingests(1)[0]
    state.dispose()
    assert latest.status == "failed" and "b.csv" in (latest.message or "")
    assert good.exists()


def test_truncated_gzip_fixture_really_is_truncated(tmp_path: Path) -> None:
    path = _truncated_gzip(tmp_path)
    with pytest.raises((EOFError, OSError)), gzip.open(path, "rb") as handle:
        handle.read()
