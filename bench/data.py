"""Deterministic, vectorised generator of realistic FOCUS 1.2 Parquet exports, cached by row count.

Rows are drawn from a pool of resources (high-cardinality ResourceId, 3-5 tags each) spread over ~10
billing accounts of three providers, ~40 services and 24 monthly billing periods. Money is written as
decimal128(38, 10) from integer units, so the exact expected totals are known without any engine.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench import catalog
from cloudledger.focus.spec import load_spec

GENERATOR_VERSION = 1
SEED = 20250101
ROWS_PER_FILE = 1_000_000
ROW_GROUP_ROWS = 250_000
SCALE = 10
"""Decimal scale of every money and quantity column."""
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Dataset:
    """Generated FOCUS files and what they must add up to."""

    rows: int
    files: tuple[Path, ...]
    billed_totals: dict[str, str]
    """Exact sum of BilledCost per billing currency (decimal strings)."""
    bytes: int
    seconds: float
    cached: bool


def decimal_array(units: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """decimal128(38, 10) values from int64 units of 1e-10 (`valid` False marks a null)."""
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = 0 if valid is None else int(len(valid) - np.count_nonzero(valid))
    return pa.Array.from_buffers(pa.decimal128(38, SCALE), len(units), [bitmap, pa.py_buffer(words)], nulls)


def to_units(values: np.ndarray) -> np.ndarray:
    """Float amounts rounded to 10 decimal places, as int64 units (amounts stay below 9e5)."""
    return np.rint(values * 10.0**SCALE).astype(np.int64)


def exact_sum(units: np.ndarray) -> int:
    """Exact integer sum of int64 units (split so that no partial sum can overflow)."""
    return (int(np.sum(units >> 24)) << 24) + int(np.sum(units & ((1 << 24) - 1)))


def _pick(pool: pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pool.take(pa.array(index, mask=None if valid is None else ~valid))


def _strings(values: list[str]) -> pa.Array:
    return pa.array(values, pa.string())


@dataclass(frozen=True)
class Pool:
    """Everything a row inherits from its resource (one entry per resource)."""

    weights: np.ndarray
    account: np.ndarray
    sub_account: np.ndarray
    service: np.ndarray
    region: np.ndarray
    sku: np.ndarray
    resource_id: pa.Array
    resource_name: pa.Array
    zone: pa.Array
    tags: pa.Array


def _tags(rng: np.random.Generator, n: int) -> pa.Array:
    """A map<string, string> per resource with 3-5 of the catalogue's tag keys."""
    present = rng.random((n, len(catalog.TAG_KEYS))) < np.array(catalog.TAG_PRESENCE)
    present[present.sum(axis=1) < 3, 3] = True
    present[present.sum(axis=1) > 5, 5] = False
    values = [
        _strings(list(catalog.ENVIRONMENTS)).take(
            pa.array(rng.choice(len(catalog.ENVIRONMENTS), n, p=catalog.ENVIRONMENT_WEIGHTS))
        ),
        pc.binary_join_element_wise(
            "app-", pc.cast(pa.array(rng.integers(0, catalog.APPS, n)), "string"), ""
        ),
        _strings(list(catalog.TEAMS)).take(pa.array(rng.zipf(1.6, n) % len(catalog.TEAMS))),
        pc.binary_join_element_wise(
            "CC-", pc.cast(pa.array(1000 + rng.integers(0, catalog.COST_CENTERS, n)), "string"), ""
        ),
        pc.binary_join_element_wise(
            "user", pc.cast(pa.array(rng.integers(0, catalog.OWNERS, n)), "string"), "@acme.example", ""
        ),
        pc.binary_join_element_wise(
            "prj-", pc.cast(pa.array(rng.integers(0, catalog.PROJECTS, n)), "string"), ""
        ),
    ]
    order = np.nonzero(present.ravel())[0]
    keys = _strings(list(catalog.TAG_KEYS)).take(pa.array(order % len(catalog.TAG_KEYS)))
    stacked = pa.concat_arrays([v.cast(pa.string()) for v in values])  # key-major: key k, row r at k*n+r
    items = stacked.take(pa.array((order % len(catalog.TAG_KEYS)) * n + order // len(catalog.TAG_KEYS)))
    offsets = np.concatenate([[0], np.cumsum(present.sum(axis=1))]).astype(np.int32)
    return pa.MapArray.from_arrays(pa.array(offsets), keys, items)


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _resource_ids(
    rng: np.random.Generator,
    lookups: Lookups,
    kind: np.ndarray,
    sub_account: np.ndarray,
    service: np.ndarray,
    region: np.ndarray,
    names: pa.Array,
) -> pa.Array:
    """Provider-shaped resource IDs: AWS ARNs, Azure resource paths, Google Cloud resource names."""
    n = len(kind)
    sub = lookups.sub_accounts["SubAccountId"].take(pa.array(sub_account))
    svc = _strings([_slug(s.name.split()[-1]) for s in catalog.SERVICES]).take(pa.array(service))
    rtype = _strings([_slug(s.resource_type or "charge") for s in catalog.SERVICES]).take(pa.array(service))
    reg = lookups.regions["RegionId"].take(pa.array(region))
    suffix = pa.array([f"{v:012x}" for v in rng.integers(0, 1 << 48, n)])
    aws = pc.binary_join_element_wise("arn:aws:", svc, ":", reg, ":", sub, ":", rtype, "/", suffix, "")
    azure = pc.binary_join_element_wise(
        "/subscriptions/", sub, "/resourceGroups/rg-", names, "/providers/Microsoft.", svc, "/", rtype, "/",
        suffix, "",
    )  # fmt: skip
    google = pc.binary_join_element_wise(
        "//", svc, ".googleapis.com/projects/", sub, "/", rtype, "s/", names, ""
    )
    return pc.choose(pa.array(kind.astype(np.int8)), aws, azure, google)


def make_pool(rows: int, lookups: Lookups, seed: int = SEED) -> Pool:
    """The resources of the organisation: about one per 20 rows (at least 2,000)."""
    rng = np.random.default_rng([seed, 0])
    n = max(2_000, rows // 20)
    shares = np.array([a[4] for a in catalog.ACCOUNTS])
    account = rng.choice(len(catalog.ACCOUNTS), n, p=shares / shares.sum())
    sub_account = (
        account * catalog.SUB_ACCOUNTS_PER_ACCOUNT + rng.zipf(1.4, n) % catalog.SUB_ACCOUNTS_PER_ACCOUNT
    )
    providers = [a[2] for a in catalog.ACCOUNTS]
    service = np.empty(n, dtype=np.int64)
    region = np.empty(n, dtype=np.int64)
    region_base = 0
    region_base_of: dict[str, int] = {}
    for name, provider in catalog.PROVIDERS.items():
        region_base_of[name] = region_base
        region_base += len(provider.regions)
    for a, provider in enumerate(providers):
        mine = np.nonzero(account == a)[0]
        offered = [i for i, s in enumerate(catalog.SERVICES) if s.provider == provider]
        popularity = 1.0 / np.arange(1, len(offered) + 1) ** 0.8
        service[mine] = np.array(offered)[
            rng.choice(len(offered), len(mine), p=popularity / popularity.sum())
        ]
        regions = len(catalog.PROVIDERS[provider].regions)
        home = 1.0 / np.arange(1, regions + 1) ** 1.5
        region[mine] = region_base_of[provider] + rng.choice(regions, len(mine), p=home / home.sum())
    kind = lookups.provider_of_account[account]
    names = pc.binary_join_element_wise(
        "app",
        pa.array(rng.integers(0, catalog.APPS, n)).cast(pa.string()),
        "-",
        pa.array(np.arange(n)).cast(pa.string()),
        "",
    )
    resource_id = _resource_ids(rng, lookups, kind, sub_account, service, region, names)
    zone_letter = np.array(["a", "b", "c"])[rng.integers(0, 3, n)]
    region_ids = [r for p in catalog.PROVIDERS.values() for r, _ in p.regions]
    zone = pc.binary_join_element_wise(
        _strings(region_ids).take(pa.array(region)), pa.array(zone_letter.tolist()), ""
    )
    return Pool(
        weights=rng.lognormal(0.0, 1.2, n),
        account=account,
        sub_account=sub_account,
        service=service,
        region=region,
        sku=rng.integers(0, 4, n),
        resource_id=resource_id,
        resource_name=names,
        zone=zone,
        tags=_tags(rng, n),
    )


def _period_starts() -> np.ndarray:
    """Microseconds since the epoch of the first instant of each billing period (and the one after)."""
    year, month = catalog.FIRST_PERIOD
    starts = []
    for i in range(catalog.PERIODS + 1):
        y, m = year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1
        starts.append(int(datetime(y, m, 1, tzinfo=UTC).timestamp()) * 1_000_000)
    return np.array(starts, dtype=np.int64)


def _timestamps(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.int64()).view(pa.timestamp("us", tz="UTC"))


@dataclass(frozen=True)
class Lookups:
    """String pools indexed by account, sub-account, service, SKU, region and commitment."""

    accounts: dict[str, pa.Array]
    sub_accounts: dict[str, pa.Array]
    services: dict[str, pa.Array]
    skus: dict[str, pa.Array]
    regions: dict[str, pa.Array]
    commitments: dict[str, pa.Array]
    provider_of_account: np.ndarray
    discount_of_account: np.ndarray
    sku_factor: np.ndarray
    commitments_per_account: int = 8


def make_lookups() -> Lookups:
    providers = list(catalog.PROVIDERS.values())
    kinds = np.array([list(catalog.PROVIDERS).index(a[2]) for a in catalog.ACCOUNTS])
    accounts = {
        "BillingAccountId": _strings([a[0] for a in catalog.ACCOUNTS]),
        "BillingAccountName": _strings([a[1] for a in catalog.ACCOUNTS]),
        "BillingAccountType": _strings([providers[k].account_type for k in kinds]),
        "BillingCurrency": _strings([a[3] for a in catalog.ACCOUNTS]),
        "ProviderName": _strings([a[2] for a in catalog.ACCOUNTS]),
        "InvoiceIssuerName": _strings([providers[k].invoice_issuer for k in kinds]),
    }
    per = catalog.SUB_ACCOUNTS_PER_ACCOUNT
    sub_ids = [
        (
            f"{(a * 7919 + s * 104729) % 10**12:012d}",
            f"{a:08x}-{s:04x}-4a1b-9c2d-{a * per + s:012x}",
            f"acme-{a}-{s}",
        )[kinds[a]]
        for a in range(len(catalog.ACCOUNTS))
        for s in range(per)
    ]
    teams = catalog.TEAMS
    sub_accounts = {
        "SubAccountId": _strings(sub_ids),
        "SubAccountName": _strings(
            [f"{teams[i % len(teams)]}-{('prod', 'dev')[i % 2]}-{i}" for i in range(len(sub_ids))]
        ),
        "SubAccountType": _strings(
            [providers[kinds[i // per]].sub_account_type for i in range(len(sub_ids))]
        ),
    }
    services = {
        "ServiceName": _strings([s.name for s in catalog.SERVICES]),
        "ServiceCategory": _strings([s.category for s in catalog.SERVICES]),
        "ServiceSubcategory": _strings([s.subcategory for s in catalog.SERVICES]),
        "ResourceType": pa.array([s.resource_type for s in catalog.SERVICES], pa.string()),
        "Unit": _strings([s.unit for s in catalog.SERVICES] + ["Commitment"]),
    }
    sku_names = [
        f"{s.name.split()[-1][:4].upper()}-{i:03d}-{k}"
        for i, s in enumerate(catalog.SERVICES)
        for k in range(4)
    ]
    sizes = ("small", "medium", "large", "xlarge")
    skus = {
        "SkuId": _strings(sku_names),
        "SkuPriceId": _strings([f"{n}-P{i % 7}" for i, n in enumerate(sku_names)]),
        "SkuMeter": _strings(
            [f"{catalog.SERVICES[i // 4].unit} ({sizes[i % 4]})" for i in range(len(sku_names))]
        ),
        "SkuPriceDetails": pa.array(
            [
                json.dumps({"x_Size": sizes[i % 4], "CoreCount": 2 ** (i % 4)}) if i % 3 == 0 else None
                for i in range(len(sku_names))
            ],
            pa.string(),
        ),
        "ChargeDescription": _strings(
            [f"{catalog.SERVICES[i // 4].name} {sizes[i % 4]} usage" for i in range(len(sku_names))]
            + ["Commitment purchase", "Sales tax", "Promotional credit", "Billing adjustment"]
        ),
    }
    regions = {
        "RegionId": _strings([r for p in providers for r, _ in p.regions]),
        "RegionName": _strings([name for p in providers for _, name in p.regions]),
    }
    per_commitment = 8
    commitments = {
        "CommitmentDiscountId": _strings(
            [
                f"commitment-{a}-{c:02d}-{(a * 31 + c) * 2654435761 % 16**10:010x}"
                for a in range(len(catalog.ACCOUNTS))
                for c in range(per_commitment)
            ]
        ),
        "CommitmentDiscountName": _strings(
            [
                f"{catalog.ACCOUNTS[a][1]} commitment {c}"
                for a in range(len(catalog.ACCOUNTS))
                for c in range(per_commitment)
            ]
        ),
        "CommitmentDiscountType": _strings(
            [
                providers[kinds[a]].commitment_type
                for a in range(len(catalog.ACCOUNTS))
                for _ in range(per_commitment)
            ]
        ),
        "CommitmentDiscountCategory": _strings(
            [("Spend", "Usage")[c % 2] for _ in catalog.ACCOUNTS for c in range(per_commitment)]
        ),
    }
    return Lookups(
        accounts, sub_accounts, services, skus, regions, commitments,
        provider_of_account=kinds,
        discount_of_account=np.linspace(0.0, 0.12, len(catalog.ACCOUNTS)),
        sku_factor=np.array([0.5, 1.0, 2.0, 4.0]),
        commitments_per_account=per_commitment,
    )  # fmt: skip


USAGE, PURCHASE, TAX, CREDIT, ADJUSTMENT = range(5)
CATEGORIES = ("Usage", "Purchase", "Tax", "Credit", "Adjustment")
CATEGORY_SHARES = (0.93, 0.02, 0.025, 0.02, 0.005)


def make_rows(pool: Pool, lookups: Lookups, start: int, stop: int, total: int, seed: int = SEED) -> pa.Table:
    """Rows `start`..`stop` of a `total`-row export (rows are ordered by billing period, as exports are)."""
    rng = np.random.default_rng([seed, 1, start])
    n = stop - start
    period = np.arange(start, stop, dtype=np.int64) * catalog.PERIODS // total
    r = rng.choice(len(pool.weights), n, p=pool.weights / pool.weights.sum())
    account, service, region = pool.account[r], pool.service[r], pool.region[r]
    sku = service * 4 + pool.sku[r]
    category = rng.choice(len(CATEGORIES), n, p=CATEGORY_SHARES)
    usage, purchase = category == USAGE, category == PURCHASE
    priced = usage | purchase

    bounds = _period_starts()
    p_start, p_end = bounds[period], bounds[period + 1]
    days = (p_end - p_start) // US_PER_DAY
    hourly = usage & (rng.random(n) < 0.25)
    charge_start = np.where(
        usage, p_start + (rng.random(n) * days).astype(np.int64) * US_PER_DAY, p_start
    ) + np.where(hourly, rng.integers(0, 24, n) * 3_600_000_000, 0)
    charge_end = np.where(usage, charge_start + np.where(hourly, 3_600_000_000, US_PER_DAY), p_end)

    services = catalog.SERVICES
    typical_q = np.array([s.quantity for s in services])[service]
    quantity = np.where(purchase, 1.0, typical_q * rng.lognormal(0.0, 0.9, n) / np.where(hourly, 24.0, 1.0))
    quantity = np.round(np.minimum(quantity, 5e7), 6)
    list_price = np.array([s.unit_price for s in services])[service] * lookups.sku_factor[pool.sku[r]]
    list_price = np.round(list_price * (1.0 + 0.05 * (region % 5)), 10)
    committable = np.array([s.committable for s in services])[service]
    committed = usage & committable & (rng.random(n) < 0.35)
    spot = usage & ~committed & committable & (rng.random(n) < 0.05)
    contracted_price = np.round(list_price * (1.0 - lookups.discount_of_account[account]), 10)
    list_cost = np.minimum(list_price * quantity, 4e5)
    contracted_cost = np.minimum(contracted_price * quantity, 4e5)
    effective = np.where(committed, contracted_cost * 0.62, np.where(spot, list_cost * 0.3, contracted_cost))
    billed = np.where(committed, 0.0, effective)
    one_off = rng.lognormal(3.0, 1.3, n)
    purchase_cost = np.round(one_off * 40.0, 2)
    billed = np.select(
        [purchase, category == TAX, category == CREDIT, category == ADJUSTMENT],
        [purchase_cost, one_off, -one_off, one_off * rng.choice([-1.0, 1.0], n)],
        billed,
    )
    effective = np.select([purchase, category != USAGE], [0.0, billed], effective)
    list_cost = np.where(priced, np.where(purchase, purchase_cost, list_cost), 0.0)
    contracted_cost = np.where(priced, np.where(purchase, purchase_cost, contracted_cost), 0.0)
    correction = usage & (rng.random(n) < 0.003)
    billed, effective = np.where(correction, -billed, billed), np.where(correction, -effective, effective)
    billed_units = to_units(billed)

    commitment = account * lookups.commitments_per_account + rng.integers(
        0, lookups.commitments_per_account, n
    )
    has_commitment = committed | purchase
    has_resource = usage & pc.is_valid(lookups.services["ResourceType"].take(pa.array(service))).to_numpy(
        zero_copy_only=False
    )
    zone_valid = has_resource & np.isin(
        service, [i for i, s in enumerate(services) if s.category in ("Compute", "Databases")]
    )
    vm = usage & np.isin(service, [i for i, s in enumerate(services) if s.subcategory == "Virtual Machines"])
    reserved = vm & (rng.random(n) < 0.02)
    description = np.where(usage, sku, len(services) * 4 + category - 1)
    frequency = np.select(
        [usage, purchase & (rng.random(n) < 0.5), purchase, category == TAX],
        [2, 0, 1, 1],
        0,
    )
    pricing_category = np.select([committed, spot, usage], [2, 1, 0], 0)

    sub = lookups.sub_accounts
    acc = lookups.accounts
    cols: dict[str, pa.Array] = {
        "AvailabilityZone": _pick(pool.zone, r, zone_valid),
        "BilledCost": decimal_array(billed_units),
        "BillingPeriodEnd": _timestamps(p_end),
        "BillingPeriodStart": _timestamps(p_start),
        "CapacityReservationId": _pick(_strings([f"cr-{i:04d}" for i in range(97)]), r % 97, reserved),
        "CapacityReservationStatus": _pick(
            _strings(["Used", "Unused"]), (r % 9 == 0).astype(np.int64), reserved
        ),
        "ChargeCategory": _pick(_strings(list(CATEGORIES)), category),
        "ChargeClass": _pick(_strings(["Correction"]), np.zeros(n, np.int64), correction),
        "ChargeDescription": _pick(lookups.skus["ChargeDescription"], description),
        "ChargeFrequency": _pick(_strings(["One-Time", "Recurring", "Usage-Based"]), frequency),
        "ChargePeriodEnd": _timestamps(charge_end),
        "ChargePeriodStart": _timestamps(charge_start),
        "CommitmentDiscountQuantity": decimal_array(
            to_units(np.where(purchase, 1.0, quantity)), has_commitment
        ),
        "CommitmentDiscountStatus": _pick(_strings(["Used", "Unused"]), np.zeros(n, np.int64), committed),
        "ConsumedQuantity": decimal_array(to_units(quantity), usage),
        "ConsumedUnit": _pick(lookups.services["Unit"], service, usage),
        "ContractedCost": decimal_array(to_units(contracted_cost)),
        "ContractedUnitPrice": decimal_array(
            to_units(np.where(purchase, purchase_cost, contracted_price)), priced
        ),
        "EffectiveCost": decimal_array(to_units(effective)),
        "InvoiceId": pc.binary_join_element_wise(
            "INV-", pc.cast(pa.array(account * 1000 + period), "string"), ""
        ),
        "ListCost": decimal_array(to_units(list_cost)),
        "ListUnitPrice": decimal_array(to_units(np.where(purchase, purchase_cost, list_price)), priced),
        "PricingCategory": _pick(_strings(["Standard", "Dynamic", "Committed"]), pricing_category, usage),
        "PricingQuantity": decimal_array(to_units(quantity), priced),
        "PricingUnit": _pick(lookups.services["Unit"], np.where(purchase, len(services), service), priced),
        "RegionId": _pick(lookups.regions["RegionId"], region, has_resource),
        "RegionName": _pick(lookups.regions["RegionName"], region, has_resource),
        "ResourceId": _pick(pool.resource_id, r, has_resource),
        "ResourceName": _pick(pool.resource_name, r, has_resource),
        "ResourceType": _pick(lookups.services["ResourceType"], service, has_resource),
        "ServiceCategory": _pick(lookups.services["ServiceCategory"], service),
        "ServiceName": _pick(lookups.services["ServiceName"], service),
        "ServiceSubcategory": _pick(lookups.services["ServiceSubcategory"], service),
        "SkuId": _pick(lookups.skus["SkuId"], sku, priced),
        "SkuMeter": _pick(lookups.skus["SkuMeter"], sku, usage),
        "SkuPriceDetails": _pick(lookups.skus["SkuPriceDetails"], sku, usage),
        "SkuPriceId": _pick(lookups.skus["SkuPriceId"], sku, priced),
        "SubAccountId": _pick(sub["SubAccountId"], pool.sub_account[r]),
        "SubAccountName": _pick(sub["SubAccountName"], pool.sub_account[r]),
        "SubAccountType": _pick(sub["SubAccountType"], pool.sub_account[r]),
        "Tags": _pick(pool.tags, r, has_resource),
    }
    for name in ("BillingAccountId", "BillingAccountName", "BillingAccountType", "BillingCurrency",
                 "ProviderName", "InvoiceIssuerName"):  # fmt: skip
        cols[name] = _pick(acc[name], account)
    cols["PublisherName"] = cols["ProviderName"]
    cols["PricingCurrency"] = cols["BillingCurrency"]
    cols["PricingCurrencyEffectiveCost"] = cols["EffectiveCost"]
    cols["PricingCurrencyListUnitPrice"] = cols["ListUnitPrice"]
    cols["PricingCurrencyContractedUnitPrice"] = cols["ContractedUnitPrice"]
    for name in ("CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountType",
                 "CommitmentDiscountCategory"):  # fmt: skip
        cols[name] = _pick(lookups.commitments[name], commitment, has_commitment)
    cols["CommitmentDiscountUnit"] = _pick(_strings(["Hours", "USD"]), commitment % 2, has_commitment)
    schema = load_spec().arrow_schema()
    return pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)


def _file_ranges(rows: int) -> list[tuple[int, int]]:
    files = max(1, math.ceil(rows / ROWS_PER_FILE))
    edges = [rows * i // files for i in range(files + 1)]
    return list(itertools.pairwise(edges))


def generate(rows: int, folder: Path, seed: int = SEED) -> dict[str, str]:
    """Write `rows` rows as FOCUS Parquet files (snappy) into `folder`; return exact BilledCost totals."""
    lookups = make_lookups()
    pool = make_pool(rows, lookups, seed)
    currencies = lookups.accounts["BillingCurrency"].to_pylist()
    totals: dict[str, int] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for i, (start, stop) in enumerate(_file_ranges(rows)):
        table = make_rows(pool, lookups, start, stop, rows, seed)
        units = _units(table["BilledCost"])
        currency = np.array(pc.index_in(table["BillingCurrency"], pa.array(currencies)).to_numpy(False))
        for c, code in enumerate(currencies):
            if code not in totals:
                totals[code] = 0
            totals[code] += exact_sum(units[currency == c])
        pq.write_table(
            table, folder / f"part-{i:05d}.parquet", compression="snappy", row_group_size=ROW_GROUP_ROWS
        )
    return {
        code: _decimal_text(total) for code, total in sorted(totals.items()) if total or code in currencies
    }


def _units(column: pa.ChunkedArray) -> np.ndarray:
    """The int64 units of a decimal128(38, 10) column whose values fit in int64 units."""
    arrays = []
    for chunk in column.chunks:
        words = np.frombuffer(chunk.buffers()[1], dtype=np.int64).reshape(-1, 2)
        arrays.append(words[chunk.offset : chunk.offset + len(chunk), 0])
    return np.concatenate(arrays) if arrays else np.zeros(0, np.int64)


def _decimal_text(units: int) -> str:
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**SCALE)
    return f"{sign}{whole}.{frac:0{SCALE}d}"


def dataset(rows: int, out: Path, seed: int = SEED) -> Dataset:
    """The generated files for `rows` rows under `out/data/`, generated once and reused."""
    folder = out / "data" / f"rows-{rows}-seed-{seed}-v{GENERATOR_VERSION}"
    meta_path = folder / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        files = tuple(folder / name for name in meta["files"])
        if all(f.exists() for f in files):
            return Dataset(rows, files, meta["billed_totals"], meta["bytes"], meta["seconds"], cached=True)
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    totals = generate(rows, staging, seed)
    seconds = time.perf_counter() - started
    files = sorted(p.name for p in staging.glob("*.parquet"))
    size = sum((staging / f).stat().st_size for f in files)
    meta = {
        "rows": rows,
        "seed": seed,
        "files": files,
        "billed_totals": totals,
        "bytes": size,
        "seconds": seconds,
    }
    (staging / "meta.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return Dataset(rows, tuple(folder / f for f in files), totals, size, seconds, cached=False)
