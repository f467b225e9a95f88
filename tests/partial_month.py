"""A ledger of one weekly-patterned service from 1 June to 10 September 2025 (one file per billing period):
its last month is partly covered, so it has a month-end to forecast."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv

PATTERN = [100, 120, 130, 125, 110, 60, 55]
"""Cost per weekday, Monday first."""
START, LAST = date(2025, 6, 1), date(2025, 9, 10)


def usage(day: date) -> dict[str, str]:
    cost = str(PATTERN[day.weekday()])
    return focus_row(
        ChargePeriodStart=f"{day.isoformat()}T00:00:00Z",
        ChargePeriodEnd=f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
        BillingPeriodStart=f"2025-{day.month:02d}-01T00:00:00Z",
        BillingPeriodEnd=f"2025-{day.month + 1:02d}-01T00:00:00Z",
        BilledCost=cost,
        EffectiveCost=cost,
        ListCost=cost,
        ContractedCost=cost,
    )


def exports(folder: Path, extra: list[dict[str, str]] | None = None) -> list[Path]:
    """The ledger's rows as one FOCUS CSV per billing period in `folder` (with `extra` rows in their month)."""
    folder.mkdir(parents=True, exist_ok=True)
    days = [START + timedelta(d) for d in range((LAST - START).days + 1)]
    rows = [usage(d) for d in days] + (extra or [])
    paths = []
    for month in sorted({d.month for d in days}):
        part = [r for r in rows if r["BillingPeriodStart"].startswith(f"2025-{month:02d}")]
        paths.append(write_focus_csv(folder / f"m{month}.csv", part))
    return paths


def build(folder: Path) -> Home:
    """Ingest the ledger into a new home under `folder`."""
    home = Home(folder / "home").ensure()
    for path in exports(folder):
        ingest(home, [path])
    return home


def september(first: int, last: int) -> int:
    """The ledger's cost of September `first`..`last` (days of the month, inclusive)."""
    return sum(PATTERN[date(2025, 9, d).weekday()] for d in range(first, last + 1))
