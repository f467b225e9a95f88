"""The organisation the generator bills: its resources (one per ~20 rows) and the string pools rows draw from."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bench import catalog

SEED = 20250101


def pick(pool: pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """`pool[index]`, null where `valid` is False."""
    return pool.take(pa.array(index, mask=None if valid is None else ~valid))


def strings(values: list[str]) -> pa.Array:
    """A string array."""
    return pa.array(values, pa.string())


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
    """The string pools of accounts, sub-accounts, services, SKUs, regions and commitments."""
    providers = list(catalog.PROVIDERS.values())
    kinds = np.array([list(catalog.PROVIDERS).index(a[2]) for a in catalog.ACCOUNTS])
    accounts = {
        "BillingAccountId": strings([a[0] for a in catalog.ACCOUNTS]),
        "BillingAccountName": strings([a[1] for a in catalog.ACCOUNTS]),
        "BillingAccountType": strings([providers[k].account_type for k in kinds]),
        "BillingCurrency": strings([a[3] for a in catalog.ACCOUNTS]),
        "ProviderName": strings([a[2] for a in catalog.ACCOUNTS]),
        "InvoiceIssuerName": strings([providers[k].invoice_issuer for k in kinds]),
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
        "SubAccountId": strings(sub_ids),
        "SubAccountName": strings(
            [f"{teams[i % len(teams)]}-{('prod', 'dev')[i % 2]}-{i}" for i in range(len(sub_ids))]
        ),
        "SubAccountType": strings([providers[kinds[i // per]].sub_account_type for i in range(len(sub_ids))]),
    }
    services = {
        "ServiceName": strings([s.name for s in catalog.SERVICES]),
        "ServiceCategory": strings([s.category for s in catalog.SERVICES]),
        "ServiceSubcategory": strings([s.subcategory for s in catalog.SERVICES]),
        "ResourceType": pa.array([s.resource_type for s in catalog.SERVICES], pa.string()),
        "Unit": strings([s.unit for s in catalog.SERVICES] + ["Commitment"]),
    }
    sku_names = [
        f"{s.name.split()[-1][:4].upper()}-{i:03d}-{k}" for i, s in enumerate(catalog.SERVICES) for k in range(4)
    ]
    sizes = ("small", "medium", "large", "xlarge")
    skus = {
        "SkuId": strings(sku_names),
        "SkuPriceId": strings([f"{n}-P{i % 7}" for i, n in enumerate(sku_names)]),
        "SkuMeter": strings([f"{catalog.SERVICES[i // 4].unit} ({sizes[i % 4]})" for i in range(len(sku_names))]),
        "SkuPriceDetails": pa.array(
            [
                json.dumps({"x_Size": sizes[i % 4], "CoreCount": 2 ** (i % 4)}) if i % 3 == 0 else None
                for i in range(len(sku_names))
            ],
            pa.string(),
        ),
        "ChargeDescription": strings(
            [f"{catalog.SERVICES[i // 4].name} {sizes[i % 4]} usage" for i in range(len(sku_names))]
            + ["Commitment purchase", "Sales tax", "Promotional credit", "Billing adjustment"]
        ),
    }
    regions = {
        "RegionId": strings([r for p in providers for r, _ in p.regions]),
        "RegionName": strings([name for p in providers for _, name in p.regions]),
    }
    per_commitment = 8
    commitments = {
        "CommitmentDiscountId": strings(
            [
                f"commitment-{a}-{c:02d}-{(a * 31 + c) * 2654435761 % 16**10:010x}"
                for a in range(len(catalog.ACCOUNTS))
                for c in range(per_commitment)
            ]
        ),
        "CommitmentDiscountName": strings(
            [
                f"{catalog.ACCOUNTS[a][1]} commitment {c}"
                for a in range(len(catalog.ACCOUNTS))
                for c in range(per_commitment)
            ]
        ),
        "CommitmentDiscountType": strings(
            [providers[kinds[a]].commitment_type for a in range(len(catalog.ACCOUNTS)) for _ in range(per_commitment)]
        ),
        "CommitmentDiscountCategory": strings(
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
        strings(list(catalog.ENVIRONMENTS)).take(
            pa.array(rng.choice(len(catalog.ENVIRONMENTS), n, p=catalog.ENVIRONMENT_WEIGHTS))
        ),
        pc.binary_join_element_wise("app-", pc.cast(pa.array(rng.integers(0, catalog.APPS, n)), "string"), ""),
        strings(list(catalog.TEAMS)).take(pa.array(rng.zipf(1.6, n) % len(catalog.TEAMS))),
        pc.binary_join_element_wise(
            "CC-", pc.cast(pa.array(1000 + rng.integers(0, catalog.COST_CENTERS, n)), "string"), ""
        ),
        pc.binary_join_element_wise(
            "user", pc.cast(pa.array(rng.integers(0, catalog.OWNERS, n)), "string"), "@acme.example", ""
        ),
        pc.binary_join_element_wise("prj-", pc.cast(pa.array(rng.integers(0, catalog.PROJECTS, n)), "string"), ""),
    ]
    order = np.nonzero(present.ravel())[0]
    keys = strings(list(catalog.TAG_KEYS)).take(pa.array(order % len(catalog.TAG_KEYS)))
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
    svc = strings([_slug(s.name.split()[-1]) for s in catalog.SERVICES]).take(pa.array(service))
    rtype = strings([_slug(s.resource_type or "charge") for s in catalog.SERVICES]).take(pa.array(service))
    reg = lookups.regions["RegionId"].take(pa.array(region))
    suffix = pa.array([f"{v:012x}" for v in rng.integers(0, 1 << 48, n)])
    aws = pc.binary_join_element_wise("arn:aws:", svc, ":", reg, ":", sub, ":", rtype, "/", suffix, "")
    azure = pc.binary_join_element_wise(
        "/subscriptions/", sub, "/resourceGroups/rg-", names, "/providers/Microsoft.", svc, "/", rtype, "/",
        suffix, "",
    )  # fmt: skip
    google = pc.binary_join_element_wise("//", svc, ".googleapis.com/projects/", sub, "/", rtype, "s/", names, "")
    return pc.choose(pa.array(kind.astype(np.int8)), aws, azure, google)


def make_pool(rows: int, lookups: Lookups, seed: int = SEED) -> Pool:
    """The resources of the organisation: about one per 20 rows (at least 2,000)."""
    rng = np.random.default_rng([seed, 0])
    n = max(2_000, rows // 20)
    shares = np.array([a[4] for a in catalog.ACCOUNTS])
    account = rng.choice(len(catalog.ACCOUNTS), n, p=shares / shares.sum())
    sub_account = account * catalog.SUB_ACCOUNTS_PER_ACCOUNT + rng.zipf(1.4, n) % catalog.SUB_ACCOUNTS_PER_ACCOUNT
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
        service[mine] = np.array(offered)[rng.choice(len(offered), len(mine), p=popularity / popularity.sum())]
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
    zone = pc.binary_join_element_wise(strings(region_ids).take(pa.array(region)), pa.array(zone_letter.tolist()), "")
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
