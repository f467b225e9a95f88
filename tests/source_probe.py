"""Helpers for source tests: ingest files, read back rows, native totals, conformance, rejections."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from cloudledger.errors import InputError
from cloudledger.focus.datasets import validate_datasets
from cloudledger.home import Home
from cloudledger.ledger.ingest import IngestSummary, ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.ledger.state import StateDB
from ledger_probe import ledger_state

NATIVE_PLACES = Decimal("1E-12")


def native_decimal(value: Decimal | str) -> Decimal:
    """A native amount as native totals keep it: 12 decimals, rounded half away from zero."""
    return Decimal(value).quantize(NATIVE_PLACES, rounding=ROUND_HALF_UP)


def ledger_rows(home: Home) -> list[dict[str, Any]]:
    """Every ledger row as a dict, in (file, row) order."""
    view = open_ledger(home)
    try:
        rows: list[dict[str, Any]] = view.con.to_pyarrow(view.table).to_pylist()
    finally:
        view.close()
    return sorted(rows, key=lambda r: (r["x_source_file"], r["x_source_row"]))


def native_totals(home: Home, summary: IngestSummary) -> dict[tuple[str, str, str, str], Decimal]:
    """(period, account, currency, metric) -> recorded native amount."""
    state = StateDB(home.state_db_url)
    try:
        totals = state.native_totals(summary.ingest_id or "")
    finally:
        state.dispose()
    return {(t.billing_period, t.billing_account, t.currency, t.metric): t.amount for t in totals}


def must_failures(home: Home) -> dict[str | None, list[str]]:
    """MUST rules each provider dataset of the ledger breaks (empty lists: it conforms)."""
    view = open_ledger(home)
    try:
        reports = validate_datasets(view.con, view.table)
    finally:
        view.close()
    return {name: [r.rule_id for r in report.failures if r.severity == "MUST"] for name, report in reports}


def billed_by_slice(home: Home) -> dict[tuple[str, str, str], Decimal]:
    return {key: value["BilledCost"] for key, value in ledger_state(home)["slices"].items()}


def assert_rejected(
    home: Home, path: Path, message: str, row: int | None = None, column: str | None = None
) -> InputError:
    """Ingesting `path` fails naming the file (and row/column), and the ledger stays exactly as it was."""
    before = ledger_state(home)
    with pytest.raises(InputError) as caught:
        ingest(home, [path])
    error = caught.value
    assert message in str(error), str(error)
    assert error.file in (str(path), str(path.resolve())), str(error)
    assert (error.row, error.column) == (row, column), str(error)
    assert ledger_state(home) == before
    return error
