"""Commitment discounts: reserved instances, savings plans, committed use discounts, reservations.

Each commitment is sized from the eligible usage of the month it starts in and lasts 12 months. Every day its
capacity covers eligible usage rows in row order (PricingCategory "Committed", BilledCost 0, EffectiveCost the
amortized rate) and the remainder becomes an "Unused" row, so that Used + Unused EffectiveCost per day equals
the amortized daily amount exactly, and over the term equals the BilledCost of the purchases.

On AWS, as its Cost and Usage Report and FOCUS export carry them, reservation-covered usage has its public
on-demand cost as ContractedCost, and an Unused row has no list or contracted price (ListCost and
ContractedCost 0): the fee line that bills it has no on-demand price for the unused hours.

Google Cloud bills a committed use discount differently (`Plan.amortized` False, rows in `demo.cud`): the fee is
a recurring Usage row and covered usage nets to zero (EffectiveCost 0); nothing shows the unused part.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from cloudledger.demo.company import PROVIDER_BY_KEY, REGIONS, SUB_ACCOUNT_BY_KEY
from cloudledger.demo.cud import fee_row
from cloudledger.demo.months import DAY, Month
from cloudledger.demo.records import Row, new_row, service_fields
from cloudledger.demo.services import SERVICE_BY_NAME, TEMPLATE_BY_KEY, TEMPLATES, sku_id
from cloudledger.demo.usage import COMMITTED, STANDARD, T_CONTRACTED, T_PRICE, UsageRows

UNIT = 10**10


@dataclass(frozen=True)
class Plan:
    """A commitment the company buys (and renews) over the window."""

    key: str
    provider: str
    type: str
    category: str
    """Usage (capacity in hours) or Spend (capacity in money)."""
    upfront: bool
    """All upfront (one purchase) or monthly payments."""
    eligible: tuple[str, ...]
    start: int
    """Month offset from the start of the window."""
    coverage: float
    discount_pct: int
    service: str
    owner: str
    region: str | None
    sku: str
    usage_type: str = ""
    term: int = 12
    amortized: bool = True
    """False: the fee is billed as usage and covered usage costs nothing (Google Cloud), no Unused rows."""

    @property
    def unit(self) -> str:
        return "Hours" if self.category == "Usage" else "USD"


# fmt: off
PLANS: tuple[Plan, ...] = (
    Plan(
        key="aws-ri-g5", provider="aws", type="Reserved Instance", category="Usage", upfront=True,
        eligible=("aws-ec2-g5",), start=0, coverage=0.8, discount_pct=40,
        service="Amazon Elastic Compute Cloud", owner="northwind-management", region="us-east-1",
        sku="RI g5.2xlarge 1yr All Upfront", usage_type="USE1-HeavyUsage:g5.2xlarge",
    ),
    Plan(
        key="aws-sp-compute", provider="aws", type="Savings Plan", category="Spend", upfront=False,
        eligible=("aws-ec2-m6i", "aws-ec2-c6i"), start=3, coverage=0.7, discount_pct=28,
        service="Savings Plans for AWS Compute usage", owner="northwind-management", region=None,
        sku="Compute Savings Plan 1yr No Upfront", usage_type="ComputeSP:1yrNoUpfront",
    ),
    Plan(
        key="azure-res-d8s", provider="azure", type="Reservation", category="Usage", upfront=False,
        eligible=("az-vm-d8s",), start=4, coverage=0.8, discount_pct=37, service="Azure Reservations",
        owner="sub-ops-shared", region="westeurope", sku="Reserved VM Instance D8s v5 1 Year",
    ),
    Plan(
        key="gcp-cud-n2", provider="gcp", type="Spend-based committed use discount", category="Spend",
        upfront=False, eligible=("gcp-gce-n2",), start=6, coverage=0.75, discount_pct=28, service="Compute Engine",
        owner="nw-eng-gke-prod", region="us-central1", sku="Commitment v1: N2 Cpu in Americas for 1 Year",
        amortized=False,
    ),
)
# fmt: on


@dataclass
class Commitment:
    """One bought commitment: its identity, term and daily capacity."""

    plan: Plan
    id: str
    name: str
    start: int
    end: int
    capacity: int
    """Per day: hours in the eligible template's quantity units, or on-demand cost in 1e-10."""
    daily: int
    """Amortized EffectiveCost per day (1e-10)."""
    rate: int
    """Usage commitments: amortized price per hour in the template's price units."""
    template: int
    count: int
    """Instances reserved (usage) or hourly commitment in 1e-10 (spend)."""


class Book:
    """The commitments held over the window, created and renewed as months are generated."""

    def __init__(self, seed: int, months: list[Month]) -> None:
        self.seed = seed
        self.months = months
        self.held: list[Commitment] = []

    def renew(self, provider: str, month: Month, rows: UsageRows) -> None:
        """Buy the provider's commitments that start (or renew) this month, sized on this month's usage."""
        for plan in (p for p in PLANS if p.provider == provider):
            start = min(plan.start, len(self.months) - 1)
            if month.index < start or any(c.plan is plan and c.end > month.index for c in self.held):
                continue
            made = self._buy(plan, month, rows)
            if made:
                self.held.append(made)

    def _buy(self, plan: Plan, month: Month, rows: UsageRows) -> Commitment | None:
        t_idx = TEMPLATES.index(TEMPLATE_BY_KEY[plan.eligible[0]])
        mask = _eligible(rows, plan)
        if not mask.any():
            return None
        n = len([c for c in self.held if c.plan is plan])
        uid = _uuid(f"{self.seed}:{plan.key}:{n}")
        if plan.category == "Usage":
            p = int(rows.decimals[mask][0])
            hours = rows.qty[mask].sum() / 10 ** (10 - p) / month.days
            count = max(1, int(plan.coverage * hours / 24))
            rate = int(rows.contracted_price[mask][0]) * (100 - plan.discount_pct) // 100
            capacity = count * 24 * 10 ** (10 - p)
            daily = capacity * rate
            name = f"{count}x {plan.sku}"
        else:
            od_per_day = rows.contracted_cost[mask].sum() / month.days
            hourly_cents = max(1, int(plan.coverage * od_per_day * (100 - plan.discount_pct) / 100 / 24 / 10**8))
            count = hourly_cents * 10**8
            daily = count * 24
            capacity = daily * 100 // (100 - plan.discount_pct)
            rate = 0
            name = f"{plan.sku} ${hourly_cents / 100:.2f}/hour"
        end = month.index + plan.term
        return Commitment(
            plan,
            _commitment_id(plan, uid, month),
            name,
            month.index,
            end,
            capacity,
            daily,
            rate,
            t_idx,
            count,
        )

    def allocate(self, provider: str, month: Month, rows: UsageRows) -> list[Row]:
        """Apply the month's active commitments to `rows`; return their purchase and Unused rows (or fee rows)."""
        out: list[Row] = []
        for k, c in enumerate(self.held):
            if c.plan.provider != provider or not c.start <= month.index < c.end:
                continue
            unused = _cover(rows, c, k, month)
            if c.plan.provider == "aws" and c.plan.category == "Usage":
                _public_contract(rows, k)
            if not c.plan.amortized:
                out.append(fee_row(self._row(c, month, month.start_epoch, month.end_epoch), c, month))
                continue
            out.extend(self._unused_rows(c, month, unused))
            out.extend(self._purchase_rows(c, month))
        return out

    def _purchase_rows(self, c: Commitment, month: Month) -> list[Row]:
        plan = c.plan
        t = TEMPLATES[c.template]
        q = 10 - t.decimals
        if plan.upfront:
            if month.index != c.start:
                return []
            term_days = _term_days(month)
            per_unit = term_days * 24 * c.rate * 10**q
            qty, price, commit_qty = c.count * UNIT, per_unit, c.count * term_days * 24 * UNIT
            start, end, freq = month.start_epoch, month.start_epoch + DAY, "One-Time"
            unit = "Units"
        elif plan.category == "Usage":
            per_unit = month.days * 24 * c.rate * 10**q
            qty, price, commit_qty = c.count * UNIT, per_unit, c.count * month.days * 24 * UNIT
            start, end, freq, unit = month.start_epoch, month.end_epoch, "Recurring", "Units"
        else:
            qty, price, commit_qty = month.days * 24 * UNIT, c.count, c.daily * month.days
            start, end, freq, unit = month.start_epoch, month.end_epoch, "Recurring", "Hours"
        cost = qty * price // UNIT
        row = self._row(c, month, start, end)
        row.update(
            ChargeCategory="Purchase",
            ChargeFrequency=freq,
            PricingCategory="Standard",
            ChargeDescription=f"{plan.type} purchase: {c.name}",
            BilledCost=cost,
            ListCost=cost,
            ContractedCost=cost,
            EffectiveCost=0,
            PricingCurrencyEffectiveCost=0,
            PricingQuantity=qty,
            PricingUnit=unit,
            ListUnitPrice=price,
            ContractedUnitPrice=price,
            PricingCurrencyListUnitPrice=price,
            PricingCurrencyContractedUnitPrice=price,
            CommitmentDiscountQuantity=commit_qty,
            SkuId=sku_id(plan.provider, plan.sku),
            SkuPriceId=sku_id(plan.provider, plan.sku) + "-" + plan.key,
            SkuMeter=f"{plan.type} Fee",
        )
        return [row]

    def _unused_rows(self, c: Commitment, month: Month, unused: np.ndarray) -> list[Row]:
        plan = c.plan
        t = TEMPLATES[c.template]
        out: list[Row] = []
        for day in np.flatnonzero(unused > 0):
            start = month.start_epoch + int(day) * DAY
            row = self._row(c, month, start, start + DAY)
            left = int(unused[day])
            if plan.category == "Usage":
                units = left * 10**t.decimals
                list_int, contracted_int = int(T_PRICE[c.template]), int(T_CONTRACTED[c.template])
                row.update(
                    PricingQuantity=units,
                    PricingUnit="Hours",
                    ListUnitPrice=list_int * 10 ** (10 - t.decimals),
                    ContractedUnitPrice=contracted_int * 10 ** (10 - t.decimals),
                    ListCost=left * list_int,
                    ContractedCost=left * contracted_int,
                    EffectiveCost=left * c.rate,
                    CommitmentDiscountQuantity=units,
                    SkuId=t.sku_id,
                    SkuPriceId=t.sku_price_id,
                    SkuMeter=t.meter,
                )
            else:
                row.update(
                    PricingQuantity=left,
                    PricingUnit="USD",
                    ListUnitPrice=UNIT,
                    ContractedUnitPrice=UNIT,
                    ListCost=left,
                    ContractedCost=left,
                    EffectiveCost=left,
                    CommitmentDiscountQuantity=left,
                    SkuId=sku_id(plan.provider, plan.sku),
                    SkuPriceId=sku_id(plan.provider, plan.sku) + "-" + plan.key,
                    SkuMeter=f"{plan.type} Unused",
                )
            if plan.provider == "aws":
                row.update(ListUnitPrice=0, ContractedUnitPrice=0, ListCost=0, ContractedCost=0)
            row.update(
                ChargeCategory="Usage",
                ChargeFrequency="Usage-Based",
                PricingCategory="Committed",
                CommitmentDiscountStatus="Unused",
                BilledCost=0,
                ChargeDescription=f"Unused {plan.type.lower()} commitment: {c.name}",
                PricingCurrencyListUnitPrice=row["ListUnitPrice"],
                PricingCurrencyContractedUnitPrice=row["ContractedUnitPrice"],
                PricingCurrencyEffectiveCost=row["EffectiveCost"],
            )
            out.append(row)
        return out

    def _row(self, c: Commitment, month: Month, start: int, end: int) -> Row:
        plan = c.plan
        sub = SUB_ACCOUNT_BY_KEY[plan.owner]
        row = new_row(sub, month)
        row.update(service_fields(plan.provider, plan.service))
        region = plan.region
        row.update(
            ChargePeriodStart=start,
            ChargePeriodEnd=end,
            ResourceId=c.id,
            ResourceName=c.name,
            ResourceType=plan.type,
            CommitmentDiscountId=c.id,
            CommitmentDiscountName=c.name,
            CommitmentDiscountType=plan.type,
            CommitmentDiscountCategory=plan.category,
            CommitmentDiscountUnit=plan.unit,
            RegionId=region,
            RegionName=_region_name(plan.provider, region),
        )
        if plan.provider == "aws":
            row.update(x_UsageType=plan.usage_type, x_Operation="RunInstances" if plan.category == "Usage" else None)
        elif plan.provider == "gcp":
            row.update(x_SkuDescription=plan.sku, x_Location=region or "global")
        else:
            eligible = TEMPLATE_BY_KEY[plan.eligible[0]]
            row.update(
                x_SkuTerm=str(plan.term),
                x_ResourceType="microsoft.capacity/reservationorders",
                x_SkuDescription=plan.sku,
                x_SkuMeterCategory=SERVICE_BY_NAME[("azure", eligible.service)].code,
                x_SkuMeterName=eligible.meter,
                x_SkuRegion=_region_name(plan.provider, region),
            )
        return row


def _eligible(rows: UsageRows, plan: Plan) -> np.ndarray:
    idx = [TEMPLATES.index(TEMPLATE_BY_KEY[k]) for k in plan.eligible]
    mask: np.ndarray = np.isin(rows.template, idx) & (rows.pricing == STANDARD) & ~rows.monthly
    return mask


def _cover(rows: UsageRows, c: Commitment, k: int, month: Month) -> np.ndarray:
    """Cover eligible rows in order up to the daily capacity, splitting the row that crosses it in two.

    Return the unused capacity of each day (hours in quantity units, or EffectiveCost for spend commitments).
    """
    plan = c.plan
    usage = plan.category == "Usage"
    idx = np.flatnonzero(_eligible(rows, plan))
    measure = rows.qty[idx] if usage else rows.contracted_cost[idx]
    day = rows.day[idx].astype(np.int64)
    cum = np.cumsum(measure)
    first = np.searchsorted(day, day, side="left")
    before = cum - measure - np.where(first > 0, cum[np.maximum(first - 1, 0)], 0)
    whole = idx[before + measure <= c.capacity]
    crossing = (before < c.capacity) & (before + measure > c.capacity)
    edge, room = idx[crossing], c.capacity - before[crossing]
    if usage:
        part = room
    else:
        part = (rows.qty[edge] * (room / rows.contracted_cost[edge])).astype(np.int64)
        part -= rows.contracted_price[edge] * part > room
    edge, part = edge[part > 0], part[part > 0]
    if len(edge):
        rest = rows.take(edge)
        rest.qty = rest.qty - part
        rest.reprice(np.ones(len(rest), dtype=bool))
        rows.qty[edge] = part
        rows.reprice(edge)
        rows.extend(rest)
    covered = np.concatenate([whole, edge])
    if usage:
        eff = rows.qty[covered] * c.rate
        commit_qty = rows.qty[covered] * (10 ** rows.decimals[covered].astype(np.int64))
        unused = c.capacity - _exact_bincount(rows.day[covered], rows.qty[covered], month.days)
    else:
        eff = rows.contracted_cost[covered] * (100 - plan.discount_pct) // 100
        commit_qty = eff
        unused = c.daily - _exact_bincount(rows.day[covered], eff, month.days)
    rows.pricing[covered] = COMMITTED
    rows.commitment[covered] = k
    rows.billed[covered] = 0
    rows.effective[covered] = eff if plan.amortized else 0
    rows.commit_qty[covered] = commit_qty
    return unused


def _public_contract(rows: UsageRows, k: int) -> None:
    """AWS reservation-covered usage: ContractedCost is the public on-demand cost (no negotiated rate applies)."""
    covered = (rows.commitment == k) & (rows.pricing == COMMITTED)
    rows.contracted_price[covered] = rows.list_price[covered]
    rows.contracted_cost[covered] = rows.list_cost[covered]


def _exact_bincount(day: np.ndarray, values: np.ndarray, days: int) -> np.ndarray:
    """Per-day sums of int64 values, exact (np.bincount would go through float64)."""
    out = np.zeros(days, dtype=np.int64)
    np.add.at(out, day.astype(np.int64), values.astype(np.int64))
    return out


def _term_days(month: Month) -> int:
    start = month.start
    end = start.replace(year=start.year + 1)
    return (end - start).days


def _uuid(text: str) -> str:
    h = hashlib.sha256(text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _commitment_id(plan: Plan, uid: str, month: Month) -> str:
    payer = PROVIDER_BY_KEY["aws"].billing_account_id
    if plan.key == "aws-ri-g5":
        return f"arn:aws:ec2:{plan.region}:{payer}:reserved-instances/{uid}"
    if plan.provider == "aws":
        return f"arn:aws:savingsplans::{payer}:savingsplan/{uid}"
    if plan.provider == "gcp":
        project = SUB_ACCOUNT_BY_KEY[plan.owner].id
        base = f"//compute.googleapis.com/projects/{project}/regions/{plan.region}"
        return f"{base}/commitments/cud-n2-{month.label}"
    return f"/providers/microsoft.capacity/reservationorders/{uid}/reservations/{_uuid(uid)}"


def _region_name(provider: str, region: str | None) -> str | None:
    return next((r.name for r in REGIONS[provider] if r.id == region), None) if region else None
