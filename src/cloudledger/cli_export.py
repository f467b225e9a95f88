"""`cloudledger export`: the ledger as a FOCUS dataset."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from cloudledger.home import Home
from cloudledger.ledger.export import export_focus
from cloudledger.ledger.read import open_ledger
from cloudledger.ledger.table import parse_as_of


def run_export(home: Home, out: Path, *, file_format: str, as_of: str | None, console: Console) -> None:
    view = open_ledger(home, parse_as_of(as_of))
    try:
        result = export_focus(view, out, file_format)
    finally:
        view.close()
    console.print(
        f"Wrote {result.rows:,} rows of ledger version {view.snapshot.version} to {result.data_path} "
        f"with metadata {result.metadata_path}",
        highlight=False,
    )
