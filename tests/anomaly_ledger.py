"""A hand-made ledger with one known cost spike, and its numbers computed by hand: a weekly-seasonal virtual
machine service (vm-1; vm-2 added on three days), a steady storage service, and a steady second provider."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cloudledger.analyses.anomalies_model import Anomaly
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import day_row as row
from focus_rows import write_focus_csv

FIRST = date(2025, 1, 1)
LAST = date(2025, 4, 30)
WEEKDAY = Decimal("100.25")
WEEKEND = Decimal("40.50")
STORAGE = Decimal("500")
OTHER_CLOUD = Decimal("75.5")
SPIKE = Decimal("300.10")
SPIKE_DAYS = (date(2025, 4, 8), date(2025, 4, 9), date(2025, 4, 10))  # Tuesday to Thursday
PROVIDER, SERVICE, ACCOUNT = "Acme Cloud", "Virtual Machines", "222222222222"


def base_cost(day: date) -> Decimal:
    return WEEKEND if day.weekday() >= 5 else WEEKDAY


def days() -> list[date]:
    return [FIRST + timedelta(days=d) for d in range((LAST - FIRST).days + 1)]


def rows() -> list[dict[str, Any]]:
    out = []
    for day in days():
        out.append(row(day, base_cost(day)))
        out.append(row(day, STORAGE, ServiceName="Object Storage", ResourceId="bucket-1", SkuId="SKU9"))
        out.append(
            row(
                day,
                OTHER_CLOUD,
                ProviderName="Other Cloud",
                ServiceName="Compute",
                SubAccountId="333",
                ResourceId="other-1",
            )
        )
        if day in SPIKE_DAYS:
            out.append(row(day, SPIKE, ResourceId="vm-2", SkuId="SKU2"))
    return out


def build_spike_ledger(folder: Path) -> Home:
    home = Home(folder / "home").ensure()
    ingest(home, [write_focus_csv(folder / "focus.csv", rows())])
    return home


def vm_cost_by_day() -> dict[date, Decimal]:
    """The virtual machine series' cost per day, summed from the rows written."""
    out: dict[date, Decimal] = {}
    for r in rows():
        if (r["ProviderName"], r["ServiceName"], r["SubAccountId"]) == (PROVIDER, SERVICE, ACCOUNT):
            day = date.fromisoformat(r["ChargePeriodStart"][:10])
            out[day] = out.get(day, Decimal(0)) + Decimal(r["EffectiveCost"])
    return out


def same_place(day: date, months_back: int) -> date:
    """The day at the same place `months_back` months earlier (day of month early on, distance to the end late)."""
    month = date(day.year + (day.month - 1 - months_back) // 12, (day.month - 1 - months_back) % 12 + 1, 1)
    length = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - month).days
    this_length = ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - day.replace(day=1)).days
    if day.day <= 14:
        return month.replace(day=min(day.day, length))
    return month.replace(day=length - (this_length - day.day))


def expected_by_hand(day: date) -> Decimal:
    """The virtual machines' expected cost of a day with four weeks and three months of history."""
    cost = vm_cost_by_day()
    weekly = statistics.median([cost[day - timedelta(weeks=k)] for k in range(1, 5)])
    monthly = statistics.median([cost[same_place(day, k)] for k in range(1, 4)])
    return max(weekly, monthly)


def mark_spike_expected(home: Home, reason: str, marked_by: str) -> Anomaly:
    """Mark the spike ledger's one anomaly as expected, as `cloudledger anomalies expect` does; the anomaly."""
    from cloudledger.analyses.anomalies import anomalies
    from cloudledger.ledger.anomaly_feedback import open_feedback
    from cloudledger.ledger.read import open_ledger

    view = open_ledger(home)
    try:
        [spike] = anomalies(view.daily, view.table, causes=False)
    finally:
        view.close()
    store = open_feedback(home)
    try:
        store.mark_expected(spike, reason, marked_by=marked_by)
    finally:
        store.dispose()
    return spike
