"""Rendering: exact decimals in plain notation for CSV and JSON (a spreadsheet must never see 0E-10)."""

from __future__ import annotations

import json
from decimal import Decimal

from rich.console import Console

from cloudledger.render import render_rows


def test_decimals_are_written_in_plain_notation() -> None:
    rows = [{"Service": "a", "Cost": Decimal("0E-10")}, {"Service": "b", "Cost": Decimal("1.2E+3")}]
    for fmt in ("csv", "json"):
        console = Console(record=True, width=120)
        render_rows(console, ("Service", "Cost"), rows, fmt)  # type: ignore[arg-type]
        text = console.export_text()
        assert "E-10" not in text and "E+3" not in text
        if fmt == "json":
            assert [r["Cost"] for r in json.loads(text)] == ["0.0000000000", "1200"]
        else:
            assert text.splitlines()[1:] == ["a,0.0000000000", "b,1200"]
