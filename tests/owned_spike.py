"""A ledger of two owners' weekly usage (the platform team's, and the Data department's account) from 1 June to
10 September 2025, whose newest day carries a spike of the payments team's batch job (tagged with the team's
alias, spelt its own way). The organisation is `allocation_ledger.ORG`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from focus_rows import day_row, write_focus_csv

START, LAST = date(2025, 6, 1), date(2025, 9, 10)
PLATFORM = [100, 120, 130, 125, 110, 60, 55]
"""The platform team's cost per weekday, Monday first."""
DATA = 40
"""The Data account's cost every day."""
SPIKE = Decimal("3000")


def row(day: date, cost: object, tags: dict[str, str], account: str, resource: str) -> dict[str, str]:
    """One day's usage row of `resource` in `account`, costing `cost` in every metric."""
    return day_row(day, cost, SubAccountId=account, ResourceId=resource, Tags=json.dumps(tags))


def exports(folder: Path) -> list[Path]:
    """The ledger's rows as one FOCUS CSV per billing period in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for offset in range((LAST - START).days + 1):
        day = START + timedelta(days=offset)
        rows.append(row(day, PLATFORM[day.weekday()], {"team": "platform"}, "acct-eng", "vm-1"))
        rows.append(row(day, DATA, {}, "acct-data", "db-1"))
    rows.append(row(LAST, SPIKE, {"Team": "PAY"}, "acct-eng", "batch-1"))
    paths = []
    for month in range(START.month, LAST.month + 1):
        part = [r for r in rows if r["BillingPeriodStart"].startswith(f"2025-{month:02d}")]
        paths.append(write_focus_csv(folder / f"m{month}.csv", part))
    return paths
