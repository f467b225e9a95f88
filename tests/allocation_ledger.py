"""A hand-made ledger and organisation for allocation, chargeback and plan tests (amounts chosen by hand)."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from focus_rows import focus_row, write_focus_csv

D = Decimal

ORG = """
organization:
  name: Acme
  cost_centers:
    - {code: CC-ENG, gl_account: "6100"}
    - {code: CC-PAY, gl_account: "6150"}
    - {code: CC-DATA, gl_account: "6200"}
  departments:
    - name: Engineering
      aliases: [eng]
      cost_center: CC-ENG
      teams:
        - {name: platform}
        - {name: payments, cost_center: CC-PAY, aliases: [pay]}
    - name: Data
      cost_center: CC-DATA
      teams: [{name: ml}]
  rules:
    - name: team tag
      team: {from: "tag:team"}
    - name: data account
      match: {SubAccountId: acct-data}
      department: Data
"""

# (period, currency, service, sub account, tags, effective cost)
ROWS: list[tuple[str, str, str, str, dict[str, str], str]] = [
    ("2025-01", "USD", "Amazon EC2", "acct-eng", {"team": "platform"}, "100.00"),
    ("2025-01", "USD", "Amazon EC2", "acct-eng", {"Team": "PAY"}, "50.00"),
    ("2025-01", "USD", "Amazon S3", "acct-data", {}, "30.00"),
    ("2025-01", "USD", "AWS Support (Business)", "acct-mgmt", {}, "10.00"),
    ("2025-01", "USD", "Amazon EC2", "acct-other", {"team": "nobody"}, "7.00"),
    ("2025-01", "EUR", "Virtual Machines", "acct-eng", {"TEAM": "platform"}, "20.00"),
    ("2025-02", "USD", "Amazon EC2", "acct-eng", {"team": "platform"}, "40.00"),
    ("2025-02", "USD", "AWS Support (Business)", "acct-mgmt", {}, "5.00"),
]


def cost_row(
    period: str, currency: str, service: str, account: str | None, tags: dict[str, str], cost: str
) -> dict[str, Any]:
    """One day's FOCUS usage row of `period` (YYYY-MM) costing `cost` in every metric; USD and other
    currencies come from two billing accounts (one account has one billing currency)."""
    month = int(period[5:])
    nxt = f"{period[:4]}-{month + 1:02d}"
    return focus_row(
        BillingCurrency=currency,
        BillingAccountId="111111111111" if currency == "USD" else "222222222222",
        BillingPeriodStart=f"{period}-01T00:00:00Z",
        BillingPeriodEnd=f"{nxt}-01T00:00:00Z",
        ChargePeriodStart=f"{period}-05T00:00:00Z",
        ChargePeriodEnd=f"{period}-06T00:00:00Z",
        ServiceName=service,
        SubAccountId=account,
        Tags=json.dumps(tags) if tags else None,
        EffectiveCost=cost,
        BilledCost=cost,
        ContractedCost=cost,
        ListCost=cost,
        ListUnitPrice=str(D(cost) / 24),
        ContractedUnitPrice=str(D(cost) / 24),
    )


def build_ledger(folder: Path) -> Home:
    """Ingest ROWS (one FOCUS file per currency, each its own billing account) into a new home."""
    home = Home(folder / "home").ensure()
    by_currency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for spec in ROWS:
        by_currency[spec[1]].append(cost_row(*spec))
    paths = [write_focus_csv(folder / f"focus-{c}.csv", rows) for c, rows in by_currency.items()]
    ingest(home, paths)
    return home


def ledger_totals() -> dict[tuple[str, str], Decimal]:
    """EffectiveCost per (period, currency), summed from ROWS."""
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for period, currency, *_, cost in ROWS:
        out[(period, currency)] += D(cost)
    return dict(out)
