"""A hand-made ledger for forecasts per department, team and budget: the allocation tests' organisation, one
row per day and owner from 1 January to 20 April 2025 (amounts with a weekly pattern, to the cent and below),
a shared support cost split in proportion, cost nobody owns, and a second currency."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from allocation_ledger import ORG
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv

START, LAST = date(2025, 1, 1), date(2025, 4, 20)
WEEKLY = tuple(Decimal(f) for f in ("1.00", "1.10", "1.25", "1.20", "1.05", "0.55", "0.50"))
"""Cost factor per weekday, Monday first."""

# (currency, service, sub account, tags, cost on a factor-1 day)
STREAMS: list[tuple[str, str, str, dict[str, str], Decimal]] = [
    ("USD", "Amazon EC2", "acct-eng", {"team": "platform"}, Decimal("100.0037")),
    ("USD", "Amazon EC2", "acct-eng", {"Team": "PAY"}, Decimal("50.125")),
    ("USD", "Amazon S3", "acct-data", {}, Decimal("30.333")),
    ("USD", "AWS Support (Business)", "acct-mgmt", {}, Decimal("10.01")),
    ("USD", "Amazon EC2", "acct-other", {"team": "nobody"}, Decimal("7.07")),
    ("EUR", "Virtual Machines", "acct-eng", {"TEAM": "platform"}, Decimal("20.2")),
]

POLICY = (
    ORG
    + """
allocation:
  shared_costs:
    - {name: support, match: {ServiceName: {matches: "(?i)support"}}, split: proportional}
budgets:
  - {name: platform, scope: {team: platform}, monthly: 3000, start: 2025-01}
  - {name: storage, scope: {service: Amazon S3}, monthly: 900, start: 2025-01}
  - {name: europe, scope: {total: true}, monthly: 500, currency: EUR, start: 2025-01}
"""
)


def days() -> list[date]:
    return [START + timedelta(d) for d in range((LAST - START).days + 1)]


def cost(base: Decimal, day: date) -> Decimal:
    """A stream's cost on `day`: its base times the weekday's factor, grown 0.2 % a day."""
    return (base * WEEKLY[day.weekday()] * (1 + Decimal("0.002") * (day - START).days)).quantize(Decimal("0.0001"))


def _row(day: date, currency: str, service: str, account: str, tags: dict[str, str], amount: Decimal) -> dict[str, Any]:
    nxt = f"{day.year}-{day.month + 1:02d}"
    text = str(amount)
    return focus_row(
        BillingCurrency=currency,
        BillingAccountId="111111111111" if currency == "USD" else "222222222222",
        BillingPeriodStart=f"{day:%Y-%m}-01T00:00:00Z",
        BillingPeriodEnd=f"{nxt}-01T00:00:00Z",
        ChargePeriodStart=f"{day.isoformat()}T00:00:00Z",
        ChargePeriodEnd=f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
        ServiceName=service,
        SubAccountId=account,
        Tags=json.dumps(tags) if tags else None,
        EffectiveCost=text,
        BilledCost=text,
        ContractedCost=text,
        ListCost=text,
    )


def build(folder: Path) -> Home:
    """Ingest the streams (one FOCUS file per currency, each its own billing account) and write the policy."""
    home = Home(folder / "home").ensure()
    by_currency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for day in days():
        for currency, service, account, tags, base in STREAMS:
            by_currency[currency].append(_row(day, currency, service, account, tags, cost(base, day)))
    ingest(home, [write_focus_csv(folder / f"focus-{c}.csv", rows) for c, rows in by_currency.items()])
    home.config_path.write_text(POLICY, encoding="utf-8")
    return home


def daily_totals(currency: str, service: str | None = None) -> dict[date, Decimal]:
    """The exact cost per day of the streams in `currency` (of `service` only, when given), summed by hand."""
    out: dict[date, Decimal] = defaultdict(Decimal)
    for day in days():
        for stream_currency, stream_service, _, _, base in STREAMS:
            if stream_currency == currency and service in (None, stream_service):
                out[day] += cost(base, day)
    return dict(out)
