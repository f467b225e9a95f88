"""Bad Google Cloud Billing exports are rejected naming file, row and column; the ledger stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from gcp_export import credit, flatten, gcp_row, write_export
from source_probe import assert_rejected


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_export(tmp_path / "good" / "export.jsonl", [gcp_row(), gcp_row(cost=2.5)], shape="jsonl")])
    return home


def _rows(n: int = 4) -> list[dict[str, Any]]:
    return [gcp_row(cost=float(i + 1), credits=[credit("FREE_TIER", -0.5)]) for i in range(n)]


def _csv(d: Path, rows: list[dict[str, Any]], name: str = "bad.csv") -> Path:
    return write_export(d / name, rows, shape="csv")


def _missing_column(d: Path) -> Path:
    rows = [{k: v for k, v in row.items() if k != "currency"} for row in _rows()]
    return _csv(d, rows)


def _bad_cost(d: Path) -> Path:
    path = _csv(d, _rows())
    lines = path.read_text().splitlines(keepends=True)
    header = next(iter(__import__("csv").reader([lines[0]])))
    cells = next(iter(__import__("csv").reader([lines[3]])))
    cells[header.index("cost")] = "12,50"
    lines[3] = ",".join(f'"{c}"' for c in cells) + "\r\n"
    path.write_text("".join(lines))
    return path


def _bad_date(d: Path) -> Path:
    rows = _rows()
    rows[1]["usage_start_time"] = "31/01/2024 10:00"
    return write_export(d / "bad.jsonl", rows, shape="jsonl")


def _non_utf8(d: Path) -> Path:
    rows = _rows(40)
    rows[29]["project"]["name"] = "MARKER"  # past the first 8 KiB, which the header is read from
    path = _csv(d, rows)
    path.write_bytes(path.read_bytes().replace(b"MARKER", b"Web Pr\xf6d"))
    return path


def _bad_credits(d: Path) -> Path:
    path = _csv(d, _rows())
    text = path.read_text()
    marker = "'FREE_TIER'}]"
    first = text.index(marker)
    second = text.index(marker, first + 1)
    path.write_text(text[:second] + "'FREE_TIER'" + text[second + len(marker) :])
    return path


def _bad_credit_amount(d: Path) -> Path:
    rows = _rows()
    rows[2]["credits"] = [credit("FREE_TIER", -0.5), {**credit("PROMOTION", 0), "amount": "lots"}]
    return _csv(d, rows)


def _bad_month(d: Path) -> Path:
    rows = _rows()
    rows[3]["invoice"] = {"month": "2024-01", "publisher_type": "GOOGLE"}
    return write_export(d / "bad.parquet", rows, shape="parquet")


def _mixed_currency(d: Path) -> Path:
    rows = _rows()
    rows[2]["currency"] = "EUR"
    return _csv(d, rows)


def _unknown_cost_type(d: Path) -> Path:
    rows = _rows()
    rows[1]["cost_type"] = "refund"
    return _csv(d, rows)


def _empty_account(d: Path) -> Path:
    rows = _rows()
    rows[2]["billing_account_id"] = None
    return _csv(d, rows)


CASES: dict[str, tuple[Callable[[Path], Path], str, int | None, str | None]] = {
    "missing key column": (_missing_column, "missing column(s) currency", None, "currency"),
    "non-numeric cost": (_bad_cost, "'12,50' is not a number", 3, "cost"),
    "bad date": (_bad_date, "'31/01/2024 10:00' is not a date-time", 2, "usage_start_time"),
    "non-UTF-8 bytes": (_non_utf8, "not UTF-8", 30, "project.name"),
    "invalid credits literal": (_bad_credits, "is not a list of records", 2, "credits"),
    "non-numeric credit amount": (_bad_credit_amount, "credit amount 'lots' is not a number", 3, "credits"),
    "invoice month not YYYYMM": (_bad_month, "'2024-01' is not an invoice month", 4, "invoice.month"),
    "currency changes within an account and month": (_mixed_currency, "several currencies", 3, "BillingCurrency"),
    "unknown cost type": (_unknown_cost_type, "'refund' is not a cost type", 2, "cost_type"),
    "empty billing account": (_empty_account, "billing_account_id is empty", 3, "billing_account_id"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_export_is_rejected_and_ledger_unchanged(case: str, home: Home, tmp_path: Path) -> None:
    make, message, row, column = CASES[case]
    assert_rejected(home, make(tmp_path / "bad"), message, row, column)


def test_flattened_rows_keep_dotted_names() -> None:
    flat = flatten(gcp_row())
    assert flat["service.description"] == "Compute Engine" and flat["labels"].startswith("[{'key'")
