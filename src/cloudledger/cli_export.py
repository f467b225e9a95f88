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
        results = export_focus(view, out, file_format)
    finally:
        view.close()
    for result in results:
        console.print(
            f"{result.dataset}: wrote {result.rows:,} rows of ledger version {view.snapshot.version} "
            f"to {result.data_path} with metadata {result.metadata_path.name}",
            highlight=False,
        )
