"""A cloudledger.yaml for the generated organisation: departments, teams, cost centers and ~200 rules.

Deterministic, from the catalogue the generator bills (bench/catalog.py, bench/pools.py): the 25 tagged teams
plus synthetic squads, one cost center per team (the CC-1xxx codes the `cost-center` tag carries), ownership
rules of every kind a FinOps team writes, two virtual tags and eight shared-cost pools. The file is written
as YAML text and read back through `parse_config`, as a user's file is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from bench import catalog
from bench.pools import make_lookups
from cloudledger.config.load import parse_config
from cloudledger.config.model import CloudledgerConfig

Rule = dict[str, Any]
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Engineering": ("platform", "sre", "devex", "edge", "security", "identity"),
    "Commerce": ("payments", "checkout", "catalog", "logistics", "billing"),
    "Product": ("search", "web", "mobile", "growth", "recommendations", "video", "messaging"),
    "Data": ("data", "ml", "analytics"),
    "Corporate": ("support", "finance-it", "marketing", "ads"),
}
SQUADS_PER_DEPARTMENT = 7
"""Synthetic teams per department, owning sub-accounts no tagged team owns (35 in all)."""
DIMENSION_RULES = 6
POOLS = 8
MIN_RULES = DIMENSION_RULES + POOLS + 10
SERVICE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("(?i)kubernetes|containers?", "platform"),
    ("(?i)sagemaker|vertex|bedrock|openai", "ml"),
    ("(?i)bigquery|redshift", "analytics"),
    ("(?i)cosmos|dynamodb", "catalog"),
    ("(?i)front ?door|cloudfront", "edge"),
    ("(?i)lambda|functions|cloud run", "devex"),
    ("(?i)sql", "data"),
    ("(?i)queue|pub/sub", "messaging"),
    ("(?i)elasticache|cache", "search"),
    ("(?i)app service", "web"),
    ("(?i)backup|file system", "sre"),
    ("(?i)storage", "data"),
)
SERVICE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("Amazon Elastic", "platform"),
    ("Amazon Simple", "data"),
    ("Amazon Relational", "payments"),
    ("Azure ", "web"),
    ("Virtual Machines", "mobile"),
    ("Compute Engine", "recommendations"),
    ("Cloud ", "video"),
    ("AWS ", "identity"),
    ("Amazon ", "growth"),
    ("Google", "analytics"),
)
REGION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Engineering", ("us-east-1", "us-east-2", "eastus", "eastus2", "us-east4")),
    ("Product", ("us-west-2", "us-central1")),
    ("Commerce", ("eu-west-1", "westeurope", "northeurope", "europe-west1")),
    ("Data", ("eu-central-1", "germanywestcentral", "europe-west4")),
    ("Corporate", ("uksouth",)),
    ("Product", ("ap-southeast-1", "ap-northeast-1", "asia-east1")),
    ("Commerce", ("sa-east-1",)),
)


def teams() -> dict[str, list[str]]:
    """Department → its teams: the tagged teams, then the synthetic squads."""
    out = {d: list(ts) for d, ts in DEPARTMENTS.items()}
    for department, names in out.items():
        names += [f"{department.lower()}-squad-{i + 1:02d}" for i in range(SQUADS_PER_DEPARTMENT)]
    assert {t for ts in out.values() for t in ts} >= set(catalog.TEAMS)
    return out


def _cost_center_of() -> dict[str, str]:
    """Team → its cost center: CC-1000 upwards, the codes the generated `cost-center` tags carry."""
    names = [t for ts in teams().values() for t in ts]
    return {team: f"CC-{1000 + i}" for i, team in enumerate(names)}


def organization() -> dict[str, Any]:
    """The `organization:` section without rules."""
    centers = _cost_center_of()
    department_centers = {d: f"CC-9{i + 1:03d}" for i, d in enumerate(DEPARTMENTS)}
    codes = [*centers.values(), *department_centers.values()]
    return {
        "name": "Acme Corp",
        "cost_centers": [
            {"code": code, "gl_account": f"6{i % 9 + 1}00", "aliases": [code.replace("-", "")]}
            for i, code in enumerate(codes)
        ],
        "departments": [
            {
                "name": department,
                "aliases": [department.lower()[:4]],
                "cost_center": department_centers[department],
                "owner": f"head-of-{department.lower()}@acme.example",
                "teams": [{"name": t, "cost_center": centers[t], "aliases": [f"team-{t}"]} for t in names],
            }
            for department, names in teams().items()
        ],
    }


def _sub_accounts() -> list[tuple[int, str, str]]:
    """(account index, SubAccountId, the team its name starts with) of every generated sub-account."""
    lookups = make_lookups()
    ids = lookups.sub_accounts["SubAccountId"].to_pylist()
    names = lookups.sub_accounts["SubAccountName"].to_pylist()
    per = catalog.SUB_ACCOUNTS_PER_ACCOUNT
    return [(i // per, sid, name.rsplit("-", 2)[0]) for i, (sid, name) in enumerate(zip(ids, names, strict=True))]


def _env_exceptions() -> Iterator[Rule]:
    """Non-production sub-accounts of an account owned by that account's squad (tag:env with accounts)."""
    subs = _sub_accounts()
    squads = [t for ts in teams().values() for t in ts if "squad" in t]
    for env in ("dev", "test", "staging"):
        for a, account in enumerate(catalog.ACCOUNTS):
            ids = [sid for idx, sid, _ in subs if idx == a]
            yield {
                "name": f"{account[1]} {env}",
                "match": {"SubAccountId": {"in": ids[a % 4 :: 4]}, "tag:env": env},
                "team": squads[(a * 3 + len(env)) % len(squads)],
            }


def _sub_account_owners() -> Iterator[Rule]:
    """One sub-account, one team: the team its name carries, every other one to a squad."""
    squads = [t for ts in teams().values() for t in ts if "squad" in t]
    for i, (_, sid, team) in enumerate(_sub_accounts()):
        yield {"name": f"sub-account {sid}", "match": {"SubAccountId": sid}, "team": team if i % 2 else squads[i % 35]}


def _tag_lookups() -> Iterator[Rule]:
    """The owner named by the team or cost-center tag, per provider (legacy spellings mapped)."""
    legacy = {"plat": "platform", "pay": "payments", "rec": "recommendations", "ds": "data"}
    for provider in catalog.PROVIDERS:
        yield {
            "name": f"{provider} team tag",
            "match": {"ProviderName": provider},
            "team": {"from": "tag:team", "values": legacy},
        }
        yield {
            "name": f"{provider} cost-center tag",
            "match": {"ProviderName": provider, "tag:env": {"in": ["prod", "staging"]}},
            "cost_center": {"from": "tag:cost-center"},
        }


def _services() -> Iterator[Rule]:
    """Services that one team runs: regular expressions, then prefixes."""
    for i, (pattern, team) in enumerate(SERVICE_PATTERNS):
        yield {"name": f"service pattern {i + 1}", "match": {"ServiceName": {"matches": pattern}}, "team": team}
    for i, (prefix, team) in enumerate(SERVICE_PREFIXES):
        yield {"name": f"service prefix {i + 1}", "match": {"ServiceName": {"prefix": prefix}}, "team": team}


def _account_groups() -> Iterator[Rule]:
    """Each billing account's sub-accounts, in halves, to a department."""
    subs = _sub_accounts()
    names = list(DEPARTMENTS)
    for a, account in enumerate(catalog.ACCOUNTS):
        ids = [sid for idx, sid, _ in subs if idx == a]
        for half in range(2):
            part = ids[half::2]
            yield {
                "name": f"{account[1]} half {half + 1}",
                "match": {"SubAccountId": {"in": part}},
                "department": names[(a + half) % len(names)],
            }


def _regions() -> Iterator[Rule]:
    """What is left, by where it runs."""
    for i, (department, regions) in enumerate(REGION_GROUPS):
        yield {"name": f"region group {i + 1}", "match": {"RegionId": {"in": list(regions)}}, "department": department}


KINDS: tuple[tuple[Callable[[], Iterator[Rule]], int], ...] = (
    (_env_exceptions, 30),
    (_sub_account_owners, 0),  # takes what the others leave
    (_tag_lookups, 6),
    (_services, 22),
    (_account_groups, 20),
    (_regions, 7),
)


def ownership_rules(n: int) -> list[Rule]:
    """`n` (at least 10) ownership rules in the order they are tried: exceptions first, catch-alls last."""
    fixed = sum(count for _, count in KINDS)
    scale = min(1.0, n / (fixed + 20))
    counts = [max(1, int(count * scale)) for _, count in KINDS]
    counts[1] = n - sum(counts) + counts[1]
    rules: list[Rule] = []
    for (kind, _), count in zip(KINDS, counts, strict=True):
        made = list(kind())
        if count > len(made):
            raise ValueError(f"{kind.__name__} makes {len(made)} rules, {count} asked")
        rules += made[:count]
    return rules


def dimensions() -> list[dict[str, Any]]:
    """Two virtual tags, three rules each."""
    return [
        {
            "name": "environment_class",
            "default": "unknown",
            "rules": [
                {"match": {"tag:env": "prod"}, "value": "production"},
                {"match": {"tag:env": "staging"}, "value": "pre-production"},
                {"match": {"tag:env": {"in": ["dev", "test"]}}, "value": "non-production"},
            ],
        },
        {
            "name": "product",
            "default": "shared",
            "rules": [
                {"match": {"ServiceName": {"matches": "(?i)openai|bedrock|vertex|sagemaker"}}, "value": "ai"},
                {"match": {"tag:project": {"exists": True}}, "from": "tag:project"},
                {"match": {"ProviderName": "Google Cloud"}, "value": "analytics-suite"},
            ],
        },
    ]


def shared_costs() -> list[dict[str, Any]]:
    """Eight pools: even, proportional and fixed splits, and the unallocated remainder."""
    network = ["Amazon Virtual Private Cloud", "Virtual Network", "Networking"]
    observability = ["Amazon CloudWatch", "Azure Monitor", "Cloud Logging"]
    payer = [sid for idx, sid, _ in _sub_accounts() if idx == 0][:3]
    return [
        {
            "name": "support",
            "split": "even",
            "level": "department",
            "match": {"ServiceName": {"matches": "(?i)support"}},
        },
        {"name": "network", "split": "proportional", "match": {"ServiceName": {"in": network}}},
        {"name": "observability", "split": "proportional", "match": {"ServiceName": {"in": observability}}},
        {
            "name": "key management",
            "split": "fixed",
            "match": {"ServiceName": "AWS Key Management Service"},
            "weights": {"security": 50, "identity": 30, "platform": 20},
        },
        {"name": "tax", "split": "proportional", "level": "department", "match": {"ChargeCategory": "Tax"}},
        {
            "name": "kubernetes control planes",
            "split": "fixed",
            "match": {"ServiceName": {"matches": "Kubernetes"}, "ChargeCategory": "Usage"},
            "weights": {"platform": 60, "sre": 40},
        },
        {
            "name": "payer tooling",
            "split": "even",
            "match": {"SubAccountId": {"in": payer}},
            "to": ["platform", "sre", "devex"],
        },
        {"name": "unowned", "split": "proportional", "level": "department", "unallocated": True},
    ]


def policy_document(n_rules: int = 200) -> dict[str, Any]:
    """The config as plain data: ownership rules + dimension rules + pools = `n_rules` (at least 24)."""
    if n_rules < MIN_RULES:
        raise ValueError(f"the benchmark's policy needs at least {MIN_RULES} rules, not {n_rules}")
    org = organization()
    org["rules"] = ownership_rules(n_rules - DIMENSION_RULES - POOLS)
    return {"organization": org, "allocation": {"dimensions": dimensions(), "shared_costs": shared_costs()}}


def rule_count(config: CloudledgerConfig) -> dict[str, int]:
    """Ownership rules, dimension rules and shared pools of a config, and their sum."""
    counts = {
        "ownership": len(config.organization.rules),
        "dimension": sum(len(d.rules) for d in config.allocation.dimensions),
        "pools": len(config.allocation.shared_costs),
    }
    return {**counts, "total": sum(counts.values())}


def policy_yaml(n_rules: int = 200) -> str:
    """The config as cloudledger.yaml text."""
    return yaml.safe_dump(policy_document(n_rules), sort_keys=False, default_flow_style=None, width=120)


def policy_for_bench(n_rules: int = 200) -> CloudledgerConfig:
    """The benchmark's config with `n_rules` rules in all, read through the YAML loader."""
    return parse_config(policy_yaml(n_rules), Path("bench.yaml"))
