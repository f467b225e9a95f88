"""Small FOCUS payloads for the connector tests, the sync command, and what the ledger holds afterwards."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from typer.testing import CliRunner, Result

from cloudledger.cli import app
from cloudledger.home import Home
from focus_rows import focus_row
from ledger_probe import ledger_state

runner = CliRunner()


class Remote(Protocol):
    """A bucket (or container, or folder) a test writes deliveries into."""

    scheme: str
    base: str
    """The URL of the bucket itself, e.g. s3://name; add '/prefix' to sync part of it."""

    def put(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

    def mirror(self, home: Path) -> Path:
        """Where the bucket's keys land under the home."""
        ...


def focus_bytes(account: str, month: str, costs: Sequence[str], *, gz: bool = False) -> bytes:
    """A FOCUS CSV of one account and billing month, one row per cost."""
    year, number = (int(p) for p in month.split("-"))
    nxt = f"{year + number // 12}-{number % 12 + 1:02d}"
    rows = [
        focus_row(
            BillingAccountId=account,
            BilledCost=cost,
            BillingPeriodStart=f"{month}-01T00:00:00Z",
            BillingPeriodEnd=f"{nxt}-01T00:00:00Z",
            ChargePeriodStart=f"{month}-0{day % 9 + 1}T00:00:00Z",
            ChargePeriodEnd=f"{month}-0{day % 9 + 1}T01:00:00Z",
            ResourceId=f"vm-{day}",
        )
        for day, cost in enumerate(costs)
    ]
    text = io.StringIO()
    columns = list(rows[0])
    text.write(",".join(columns) + "\n")
    for row in rows:
        text.write(",".join(_field(row[c]) for c in columns) + "\n")
    data = text.getvalue().encode()
    return gzip.compress(data, mtime=0) if gz else data


def _field(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def billed(home: Path) -> dict[tuple[str, str], Decimal]:
    """BilledCost per (billing period, billing account) in the ledger."""
    slices = ledger_state(Home(home))["slices"]
    return {(period, account): totals["BilledCost"] for (period, _, account), totals in slices.items()}


def expected(*parts: tuple[str, str, Sequence[str]]) -> dict[tuple[str, str], Decimal]:
    """BilledCost per (period, account) computed from the payloads' costs."""
    out: dict[tuple[str, str], Decimal] = {}
    for account, month, costs in parts:
        out[(month, account)] = out.get((month, account), Decimal(0)) + sum((Decimal(c) for c in costs), Decimal(0))
    return out


def sync_cli(home: Path, url: str, *extra: str) -> Result:
    return runner.invoke(app, ["sync", url, "--home", str(home), "--quiet", *extra])


def to_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2).encode()


def files_under(folder: Path) -> list[str]:
    """Every file below a folder, relative and sorted (partial downloads included)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
