"""Billing rows, vectorised: what each row charges for, when, and how much, as FOCUS 1.2 columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bench import catalog
from bench.money import decimal_array, to_units
from bench.pools import SEED, Lookups, Pool, pick, strings
from cloudledger.focus.spec import load_spec

US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR
USAGE, PURCHASE, TAX, CREDIT, ADJUSTMENT = range(5)
CATEGORIES = ("Usage", "Purchase", "Tax", "Credit", "Adjustment")
CATEGORY_SHARES = (0.93, 0.02, 0.025, 0.02, 0.005)


def _period_starts(periods: int) -> np.ndarray:
    """Microseconds since the epoch of the first instant of each billing period (and the one after)."""
    year, month = catalog.FIRST_PERIOD
    starts = []
    for i in range(periods + 1):
        y, m = year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1
        starts.append(int(datetime(y, m, 1, tzinfo=UTC).timestamp()) * 1_000_000)
    return np.array(starts, dtype=np.int64)


def _timestamps(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.int64()).view(pa.timestamp("us", tz="UTC"))


@dataclass(frozen=True)
class Charges:
    """Per-row arrays: which resource, what kind of charge, when, and the amounts (floats)."""

    r: np.ndarray
    period: np.ndarray
    category: np.ndarray
    period_start: np.ndarray
    period_end: np.ndarray
    charge_start: np.ndarray
    charge_end: np.ndarray
    quantity: np.ndarray
    list_price: np.ndarray
    contracted_price: np.ndarray
    purchase_cost: np.ndarray
    billed: np.ndarray
    effective: np.ndarray
    list_cost: np.ndarray
    contracted_cost: np.ndarray
    committed: np.ndarray
    spot: np.ndarray
    correction: np.ndarray

    @property
    def usage(self) -> np.ndarray:
        return self.category == USAGE

    @property
    def purchase(self) -> np.ndarray:
        return self.category == PURCHASE

    @property
    def priced(self) -> np.ndarray:
        return self.usage | self.purchase


def _when(rng: np.random.Generator, period: np.ndarray, usage: np.ndarray, periods: int) -> tuple[np.ndarray, ...]:
    """Billing period bounds and charge period of each row (usage daily or hourly, the rest monthly)."""
    bounds = _period_starts(periods)
    p_start, p_end = bounds[period], bounds[period + 1]
    days = (p_end - p_start) // US_PER_DAY
    hourly = usage & (rng.random(len(period)) < 0.25)
    day = p_start + (rng.random(len(period)) * days).astype(np.int64) * US_PER_DAY
    start = np.where(usage, day, p_start) + np.where(hourly, rng.integers(0, 24, len(period)) * US_PER_HOUR, 0)
    end = np.where(usage, start + np.where(hourly, US_PER_HOUR, US_PER_DAY), p_end)
    return p_start, p_end, start, end, hourly


def _charges(
    rng: np.random.Generator, pool: Pool, lookups: Lookups, start: int, stop: int, total: int, periods: int
) -> Charges:
    """Draw rows `start`..`stop` of `total`: resource, category, dates, then list, contracted, billed."""
    n = stop - start
    period = np.arange(start, stop, dtype=np.int64) * periods // total
    r = rng.choice(len(pool.weights), n, p=pool.weights / pool.weights.sum())
    service, category = pool.service[r], rng.choice(len(CATEGORIES), n, p=CATEGORY_SHARES)
    usage, purchase = category == USAGE, category == PURCHASE
    p_start, p_end, charge_start, charge_end, hourly = _when(rng, period, usage, periods)
    typical_q = np.array([s.quantity for s in catalog.SERVICES])[service]
    quantity = np.where(purchase, 1.0, typical_q * rng.lognormal(0.0, 0.9, n) / np.where(hourly, 24.0, 1.0))
    quantity = np.round(np.minimum(quantity, 5e7), 6)
    list_price = np.array([s.unit_price for s in catalog.SERVICES])[service] * lookups.sku_factor[pool.sku[r]]
    list_price = np.round(list_price * (1.0 + 0.05 * (pool.region[r] % 5)), 10)
    committable = np.array([s.committable for s in catalog.SERVICES])[service]
    committed = usage & committable & (rng.random(n) < 0.35)
    spot = usage & ~committed & committable & (rng.random(n) < 0.05)
    contracted_price = np.round(list_price * (1.0 - lookups.discount_of_account[pool.account[r]]), 10)
    list_cost = np.minimum(list_price * quantity, 4e5)
    contracted_cost = np.minimum(contracted_price * quantity, 4e5)
    effective = np.where(committed, contracted_cost * 0.62, np.where(spot, list_cost * 0.3, contracted_cost))
    one_off = rng.lognormal(3.0, 1.3, n)
    purchase_cost = np.round(one_off * 40.0, 2)
    billed = np.select(
        [purchase, category == TAX, category == CREDIT, category == ADJUSTMENT],
        [purchase_cost, one_off, -one_off, one_off * rng.choice([-1.0, 1.0], n)],
        np.where(committed, 0.0, effective),
    )
    effective = np.select([purchase, category != USAGE], [0.0, billed], effective)
    priced = usage | purchase
    correction = usage & (rng.random(n) < 0.003)
    return Charges(
        r=r,
        period=period,
        category=category,
        period_start=p_start,
        period_end=p_end,
        charge_start=charge_start,
        charge_end=charge_end,
        quantity=quantity,
        list_price=list_price,
        contracted_price=contracted_price,
        purchase_cost=purchase_cost,
        billed=np.where(correction, -billed, billed),
        effective=np.where(correction, -effective, effective),
        list_cost=np.where(priced, np.where(purchase, purchase_cost, list_cost), 0.0),
        contracted_cost=np.where(priced, np.where(purchase, purchase_cost, contracted_cost), 0.0),
        committed=committed,
        spot=spot,
        correction=correction,
    )


def _money_columns(c: Charges) -> dict[str, pa.Array]:
    usage, purchase, priced = c.usage, c.purchase, c.priced
    has_commitment = c.committed | purchase
    columns = {
        "BilledCost": decimal_array(to_units(c.billed)),
        "CommitmentDiscountQuantity": decimal_array(to_units(np.where(purchase, 1.0, c.quantity)), has_commitment),
        "ConsumedQuantity": decimal_array(to_units(c.quantity), usage),
        "ContractedCost": decimal_array(to_units(c.contracted_cost)),
        "ContractedUnitPrice": decimal_array(to_units(np.where(purchase, c.purchase_cost, c.contracted_price)), priced),
        "EffectiveCost": decimal_array(to_units(c.effective)),
        "ListCost": decimal_array(to_units(c.list_cost)),
        "ListUnitPrice": decimal_array(to_units(np.where(purchase, c.purchase_cost, c.list_price)), priced),
        "PricingQuantity": decimal_array(to_units(c.quantity), priced),
    }
    columns["PricingCurrencyEffectiveCost"] = columns["EffectiveCost"]
    columns["PricingCurrencyListUnitPrice"] = columns["ListUnitPrice"]
    columns["PricingCurrencyContractedUnitPrice"] = columns["ContractedUnitPrice"]
    return columns


def _commitment_columns(rng: np.random.Generator, c: Charges, pool: Pool, lookups: Lookups) -> dict[str, pa.Array]:
    per = lookups.commitments_per_account
    commitment = pool.account[c.r] * per + rng.integers(0, per, len(c.r))
    has_commitment = c.committed | c.purchase
    columns = {name: pick(pool_, commitment, has_commitment) for name, pool_ in lookups.commitments.items()}
    columns["CommitmentDiscountUnit"] = pick(strings(["Hours", "USD"]), commitment % 2, has_commitment)
    columns["CommitmentDiscountStatus"] = pick(strings(["Used", "Unused"]), np.zeros(len(c.r), np.int64), c.committed)
    return columns


def _service_indexes(test: str) -> list[int]:
    if test == "zonal":
        return [i for i, s in enumerate(catalog.SERVICES) if s.category in ("Compute", "Databases")]
    return [i for i, s in enumerate(catalog.SERVICES) if s.subcategory == "Virtual Machines"]


def _dimension_columns(rng: np.random.Generator, c: Charges, pool: Pool, lookups: Lookups) -> dict[str, pa.Array]:
    r, usage, purchase, priced = c.r, c.usage, c.purchase, c.priced
    service, region, account = pool.service[r], pool.region[r], pool.account[r]
    sku = service * 4 + pool.sku[r]
    services = lookups.services
    typed = pc.is_valid(services["ResourceType"].take(pa.array(service))).to_numpy(zero_copy_only=False)
    has_resource = usage & typed
    reserved = usage & np.isin(service, _service_indexes("vm")) & (rng.random(len(r)) < 0.02)
    frequency = np.select([usage, purchase & (rng.random(len(r)) < 0.5), purchase, c.category == TAX], [2, 0, 1, 1], 0)
    columns = {
        "AvailabilityZone": pick(pool.zone, r, has_resource & np.isin(service, _service_indexes("zonal"))),
        "BillingPeriodEnd": _timestamps(c.period_end),
        "BillingPeriodStart": _timestamps(c.period_start),
        "CapacityReservationId": pick(strings([f"cr-{i:04d}" for i in range(97)]), r % 97, reserved),
        "CapacityReservationStatus": pick(strings(["Used", "Unused"]), (r % 9 == 0).astype(np.int64), reserved),
        "ChargeCategory": pick(strings(list(CATEGORIES)), c.category),
        "ChargeClass": pick(strings(["Correction"]), np.zeros(len(r), np.int64), c.correction),
        "ChargeDescription": pick(
            lookups.skus["ChargeDescription"], np.where(usage, sku, len(catalog.SERVICES) * 4 + c.category - 1)
        ),
        "ChargeFrequency": pick(strings(["One-Time", "Recurring", "Usage-Based"]), frequency),
        "ChargePeriodEnd": _timestamps(c.charge_end),
        "ChargePeriodStart": _timestamps(c.charge_start),
        "ConsumedUnit": pick(services["Unit"], service, usage),
        "InvoiceId": pc.binary_join_element_wise("INV-", pc.cast(pa.array(account * 1000 + c.period), "string"), ""),
        "PricingCategory": pick(
            strings(["Standard", "Dynamic", "Committed"]), np.select([c.committed, c.spot, usage], [2, 1, 0], 0), usage
        ),
        "PricingUnit": pick(services["Unit"], np.where(purchase, len(catalog.SERVICES), service), priced),
        "RegionId": pick(lookups.regions["RegionId"], region, has_resource),
        "RegionName": pick(lookups.regions["RegionName"], region, has_resource),
        "ResourceId": pick(pool.resource_id, r, has_resource),
        "ResourceName": pick(pool.resource_name, r, has_resource),
        "ResourceType": pick(services["ResourceType"], service, has_resource),
        "ServiceCategory": pick(services["ServiceCategory"], service),
        "ServiceName": pick(services["ServiceName"], service),
        "ServiceSubcategory": pick(services["ServiceSubcategory"], service),
        "SkuId": pick(lookups.skus["SkuId"], sku, priced),
        "SkuMeter": pick(lookups.skus["SkuMeter"], sku, usage),
        "SkuPriceDetails": pick(lookups.skus["SkuPriceDetails"], sku, usage),
        "SkuPriceId": pick(lookups.skus["SkuPriceId"], sku, priced),
        "Tags": pick(pool.tags, r, has_resource),
    }
    columns.update({name: pick(values, pool.sub_account[r]) for name, values in lookups.sub_accounts.items()})
    columns.update({name: pick(values, account) for name, values in lookups.accounts.items()})
    columns["PublisherName"] = columns["ProviderName"]
    columns["PricingCurrency"] = columns["BillingCurrency"]
    return columns


def make_rows(
    pool: Pool,
    lookups: Lookups,
    start: int,
    stop: int,
    total: int,
    seed: int = SEED,
    periods: int = catalog.PERIODS,
) -> pa.Table:
    """Rows `start`..`stop` of a `total`-row export (ordered by billing period, as exports are)."""
    rng = np.random.default_rng([seed, 1, start])
    charges = _charges(rng, pool, lookups, start, stop, total, periods)
    columns = _money_columns(charges)
    columns.update(_commitment_columns(rng, charges, pool, lookups))
    columns.update(_dimension_columns(rng, charges, pool, lookups))
    schema = load_spec().arrow_schema()
    return pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)
