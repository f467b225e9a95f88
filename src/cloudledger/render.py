"""Render results for the terminal: Rich tables, CSV or JSON (money as decimal strings)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

OutputFormat = Literal["table", "csv", "json"]
FORMATS = ("table", "csv", "json")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # plain notation: 0.0000000000, never 0E-10
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def money(value: Decimal | None, places: int = 2) -> str:
    """A money amount for people: thousands separators, rounded half-up to cents."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding='ROUND_HALF_UP'):,}"


def render_rows(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    *,
    money_columns: Sequence[str] = (),
    title: str | None = None,
    footer: Mapping[str, str] | None = None,
) -> None:
    """Print rows as a table, CSV or a JSON list of objects."""
    if fmt == "json":
        console.out(json.dumps([{c: _plain(r.get(c)) for c in columns} for r in rows], indent=2), highlight=False)
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else _plain(r.get(c)) for c in columns])
        console.out(buffer.getvalue(), end="", highlight=False)
        return
    table = Table(title=title, show_footer=bool(footer))
    for c in columns:
        table.add_column(c, justify="right" if c in money_columns else "left", footer=(footer or {}).get(c, ""))
    for r in rows:
        table.add_row(
            *[
                money(r.get(c)) if c in money_columns else ("—" if r.get(c) is None else str(_plain(r.get(c))))
                for c in columns
            ]
        )
    console.print(table)
