"""Build small FOCUS 1.2 files for tests: a valid default row, overridable per test."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cloudledger.focus.spec import load_spec


def focus_row(**overrides: Any) -> dict[str, Any]:
    """A valid FOCUS 1.2 usage row (text values, as a CSV export writes them)."""
    row: dict[str, Any] = {c.name: None for c in load_spec().columns}
    row.update(
        BilledCost="10.5",
        BillingAccountId="111111111111",
        BillingAccountName="Acme",
        BillingAccountType="Billing Account",
        BillingCurrency="USD",
        BillingPeriodStart="2025-01-01T00:00:00Z",
        BillingPeriodEnd="2025-02-01T00:00:00Z",
        ChargeCategory="Usage",
        ChargeDescription="compute hours",
        ChargeFrequency="Usage-Based",
        ChargePeriodStart="2025-01-05T00:00:00Z",
        ChargePeriodEnd="2025-01-06T00:00:00Z",
        ConsumedQuantity="24",
        ConsumedUnit="Hours",
        ContractedCost="10.5",
        ContractedUnitPrice="0.4375",
        EffectiveCost="10.5",
        InvoiceIssuerName="Acme Cloud",
        ListCost="12",
        ListUnitPrice="0.5",
        PricingCategory="Standard",
        PricingQuantity="24",
        PricingUnit="Hours",
        ProviderName="Acme Cloud",
        PublisherName="Acme Cloud",
        RegionId="eu-west-1",
        RegionName="Europe (Ireland)",
        ResourceId="vm-1",
        ResourceName="web-1",
        ResourceType="Virtual Machine",
        ServiceCategory="Compute",
        ServiceName="Virtual Machines",
        ServiceSubcategory="Virtual Machines",
        SkuId="SKU1",
        SkuPriceId="SKU1-P1",
        SubAccountId="222222222222",
        SubAccountName="web",
        SubAccountType="Account",
        Tags='{"team": "web", "env": "prod"}',
    )
    row.update(overrides)
    return row


def write_focus_csv(path: Path, rows: Sequence[Mapping[str, Any]], *, drop: Sequence[str] = ()) -> Path:
    """Write rows as a FOCUS CSV (gzip when the name ends in .gz); nulls are empty fields."""
    columns = [name for name in rows[0] if name not in drop]
    path.parent.mkdir(parents=True, exist_ok=True)
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return path


def day_row(day: date, cost: object, **overrides: Any) -> dict[str, Any]:
    """A usage row charged on `day` (in its calendar month's billing period) costing `cost` in every cost column."""
    text = str(cost)
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return focus_row(
        ChargePeriodStart=f"{day.isoformat()}T00:00:00Z",
        ChargePeriodEnd=f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
        BillingPeriodStart=f"{day.replace(day=1).isoformat()}T00:00:00Z",
        BillingPeriodEnd=f"{following.isoformat()}T00:00:00Z",
        **dict.fromkeys(("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"), text),
        **overrides,
    )
