"""Tag compliance on a hand-made ledger (each charge's tag states and owner written by hand here) and on the
seed resource inventories (expected values from parsing the CSV in the test)."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from allocation_ledger import ORG
from cloudledger.analyses.inventory import read_inventory
from cloudledger.analyses.tag_compliance import (
    inventory_compliance,
    tag_compliance,
    top_untagged,
    unallocated_by_missing_tag,
)
from cloudledger.analyses.tag_compliance_model import ComplianceReport, GroupCompliance
from cloudledger.config.load import parse_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.tag_policy import TagPolicy
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import LedgerView, open_ledger
from focus_rows import focus_row, write_focus_csv

D = Decimal
V, INV, M = "valid", "invalid", "missing"

POLICY = """
tag_policy:
  required: [Team, Environment]
  keys:
    Environment:
      aliases: [env]
      values: [production, staging, dev]
      normalize: {prod: production}
    Team:
      pattern: "[a-z]+"
"""


@dataclass(frozen=True)
class Charge:
    resource: str | None
    period: str
    currency: str
    account: str
    tags: dict[str, str]
    cost: str
    states: tuple[str, str] | None
    """(Team, Environment) as the policy reads them, worked out by hand; None: untaggable."""
    owner: tuple[str | None, str | None]
    """(department, team) the ownership rules of ORG give, worked out by hand."""
    service: str = "Virtual Machines"
    category: str = "Usage"
    provider: str = "Acme Cloud"


CHARGES = [
    Charge("vm-1", "2025-01", "USD", "acct-eng", {"Team": "platform", "env": "prod"}, "10.00", (V, V),
           ("Engineering", "platform")),
    Charge("vm-1", "2025-02", "USD", "acct-eng", {"team": "platform", "Environment": "Prod"}, "5.00", (V, V),
           ("Engineering", "platform")),
    Charge("vm-2", "2025-01", "USD", "acct-eng", {"TEAM": "pay", "env": "production"}, "7.25", (V, V),
           ("Engineering", "payments")),
    Charge("vm-3", "2025-01", "USD", "acct-data", {"Team": "Data-Team", "env": "qa"}, "3.10", (INV, INV),
           ("Data", None)),
    Charge("vm-4", "2025-01", "USD", "acct-other", {"env": "dev"}, "2.40", (M, V), (None, None)),
    Charge("vm-4", "2025-01", "USD", "acct-other", {"Team": "platform", "env": "DEV"}, "1.60", (V, V),
           ("Engineering", "platform")),
    Charge(None, "2025-01", "USD", "acct-eng", {"Team": "platform"}, "4.00", (V, M), ("Engineering", "platform")),
    Charge(None, "2025-01", "USD", "acct-eng", {}, "1.90", None, (None, None), category="Tax"),
    Charge("support-1", "2025-01", "USD", "acct-mgmt", {}, "0.50", None, (None, None),
           service="AWS Support (Business)"),
    Charge("vm-5", "2025-01", "USD", "acct-data", {"team": "ml", "Env": "Staging"}, "6.00", (V, V), ("Data", "ml"),
           service="Object Storage", provider="Other Cloud"),
    Charge("vm-9", "2025-01", "EUR", "acct-eng", {"Team": "platform", "Environment": "staging"}, "8.00", (V, V),
           ("Engineering", "platform")),
    Charge("vm-10", "2025-01", "EUR", "acct-eng", {"Team": " ", "env": "PROD"}, "2.00", (M, V), (None, None)),
]  # fmt: skip
KEYS = ("Team", "Environment")


def _focus(c: Charge, day: int) -> dict[str, Any]:
    month = int(c.period[5:])
    return focus_row(
        ResourceId=c.resource,
        BillingCurrency=c.currency,
        BillingAccountId="111111111111" if c.currency == "USD" else "222222222222",
        BillingPeriodStart=f"{c.period}-01T00:00:00Z",
        BillingPeriodEnd=f"{c.period[:4]}-{month + 1:02d}-01T00:00:00Z",
        ChargePeriodStart=f"{c.period}-{day:02d}T00:00:00Z",
        ChargePeriodEnd=f"{c.period}-{day + 1:02d}T00:00:00Z",
        ChargeCategory=c.category,
        ServiceName=c.service,
        ProviderName=c.provider,
        SubAccountId=c.account,
        Tags=json.dumps(c.tags) if c.tags else None,
        EffectiveCost=c.cost,
        BilledCost=str(D(c.cost) * 2),
    )


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerView]:
    folder = tmp_path_factory.mktemp("tags")
    home = Home(folder / "home").ensure()
    paths = []
    for currency in ("USD", "EUR"):
        rows = [_focus(c, 1 + i) for i, c in enumerate(CHARGES) if c.currency == currency]
        paths.append(write_focus_csv(folder / f"{currency}.csv", rows))
    ingest(home, paths)
    opened = open_ledger(home)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def config() -> CloudledgerConfig:
    return parse_config(ORG + POLICY, Path("cloudledger.yaml"))


def _expected(charges: list[Charge], cost: Callable[[Charge], Decimal] = lambda c: D(c.cost)) -> dict[str, Any]:
    """Every number of one group, summed from the hand-written states."""
    taggable = [c for c in charges if c.states is not None]
    worst: dict[str, list[str]] = {}
    for c in taggable:
        if c.resource is not None and c.states is not None:
            previous = worst.get(c.resource, [V, V])
            order = [V, INV, M]
            worst[c.resource] = [max(p, s, key=order.index) for p, s in zip(previous, c.states, strict=True)]
    out: dict[str, Any] = {
        "taggable": sum((cost(c) for c in taggable), D(0)),
        "untaggable": sum((cost(c) for c in charges if c.states is None), D(0)),
        "compliant": sum((cost(c) for c in taggable if c.states == (V, V)), D(0)),
        "resources": len(worst),
        "compliant_resources": sum(1 for states in worst.values() if states == [V, V]),
    }
    for i, key in enumerate(KEYS):
        for state in (V, INV, M):
            out[f"{key} {state}"] = sum((cost(c) for c in taggable if c.states and c.states[i] == state), D(0))
            out[f"{key} {state} resources"] = sum(1 for states in worst.values() if states[i] == state)
    return out


def _got(group: GroupCompliance) -> dict[str, Any]:
    out: dict[str, Any] = {
        "taggable": group.taggable_spend,
        "untaggable": group.untaggable_spend,
        "compliant": group.compliant_spend,
        "resources": group.resources,
        "compliant_resources": group.compliant_resources,
    }
    for k in group.keys:
        assert k.taggable_spend == group.taggable_spend and k.resources == group.resources
        out.update({f"{k.key} valid": k.valid_spend, f"{k.key} invalid": k.invalid_spend})
        out.update({f"{k.key} missing": k.missing_spend, f"{k.key} valid resources": k.valid_resources})
        out.update({f"{k.key} invalid resources": k.invalid_resources})
        out[f"{k.key} missing resources"] = k.missing_resources
    return out


def _check(report: ComplianceReport, key: Callable[[Charge], str | None]) -> None:
    groups: dict[tuple[str | None, str], list[Charge]] = defaultdict(list)
    for c in CHARGES:
        groups[(key(c), c.currency)].append(c)
    assert {(g.group, g.currency) for g in report.groups} == set(groups)
    for (value, currency), charges in groups.items():
        assert _got(report.group(value, currency)) == _expected(charges), (value, currency)


def test_totals_per_currency(view: LedgerView, config: CloudledgerConfig) -> None:
    report = tag_compliance(view.table, config)
    assert report.required == KEYS and report.by is None
    _check(report, lambda c: None)
    usd = report.group(None, "USD")
    assert usd.taggable_spend == D("10") + D("5") + D("7.25") + D("3.10") + D("2.40") + D("1.60") + D("4") + D("6")
    assert usd.untaggable_spend == D("1.90") + D("0.50")  # tax and support: never violations
    assert usd.key("Environment").missing_spend == D("4.00")  # the charge without a resource id
    assert usd.key("Environment").missing_resources == 0  # ...counts by spend only
    assert usd.key("Team").spend_percent == (D("33.85") / D("39.35") * 100).quantize(D("0.01"))
    assert usd.count_percent == D("60.00")  # vm-1, vm-2, vm-5 of five resources
    eur = report.group(None, "EUR")
    assert (eur.taggable_spend, eur.compliant_spend, eur.key("Team").missing_resources) == (D("10"), D("8"), 1)


@pytest.mark.parametrize(
    ("by", "key"),
    [
        ("ProviderName", lambda c: c.provider),
        ("SubAccountId", lambda c: c.account),
        ("ServiceName", lambda c: c.service),
        ("month", lambda c: c.period),
    ],
)
def test_grouped_by_a_column(
    view: LedgerView, config: CloudledgerConfig, by: str, key: Callable[[Charge], str | None]
) -> None:
    report = tag_compliance(view.table, config, by=by)
    _check(report, key)
    if by == "month":
        assert [(g.group, g.currency) for g in report.groups] == [
            ("2025-01", "EUR"),
            ("2025-01", "USD"),
            ("2025-02", "USD"),
        ]


@pytest.mark.parametrize(("by", "index"), [("department", 0), ("team", 1)])
def test_grouped_by_owner(view: LedgerView, config: CloudledgerConfig, by: str, index: int) -> None:
    _check(tag_compliance(view.table, config, by=by), lambda c: c.owner[index])


def test_metric_and_months(view: LedgerView, config: CloudledgerConfig) -> None:
    billed = tag_compliance(view.table, config, metric="BilledCost")
    usd = [c for c in CHARGES if c.currency == "USD"]
    assert _got(billed.group(None, "USD")) == _expected(usd, lambda c: D(c.cost) * 2)
    february = tag_compliance(view.table, config, start="2025-02", end="2025-02")
    assert _got(february.group(None, "USD")) == _expected([c for c in CHARGES if c.period == "2025-02"])
    assert [g.currency for g in february.groups] == ["USD"]


def test_top_untagged(view: LedgerView, config: CloudledgerConfig) -> None:
    found = top_untagged(view.table, config)
    got = [(r.resource_id, r.currency, r.spend, r.missing, r.invalid) for r in found]
    assert got == [
        ("vm-4", "USD", D("2.40") + D("1.60"), ("Team",), ()),
        ("vm-3", "USD", D("3.10"), (), ("Team", "Environment")),
        ("vm-10", "EUR", D("2.00"), ("Team",), ()),
    ]
    assert (found[0].provider, found[0].account, found[0].service) == ("Acme Cloud", "acct-other", "Virtual Machines")
    assert [r.resource_id for r in top_untagged(view.table, config, limit=1)] == ["vm-4"]


def test_unallocated_by_missing_tag(view: LedgerView, config: CloudledgerConfig) -> None:
    got = {
        (u.key, u.currency): (u.missing_spend, u.unallocated_spend)
        for u in unallocated_by_missing_tag(view.table, config)
    }
    expected: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for i, key in enumerate(KEYS):
        for currency in ("EUR", "USD"):
            missing = [c for c in CHARGES if c.currency == currency and c.states and c.states[i] == M]
            unowned = [c for c in missing if c.owner == (None, None)]
            expected[(key, currency)] = (
                sum((D(c.cost) for c in missing), D(0)),
                sum((D(c.cost) for c in unowned), D(0)),
            )
    assert got == expected
    assert got[("Environment", "USD")] == (D("4.00"), D(0))  # missing, but the Team tag found its owner


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"by": "Region"}, "valid: ProviderName"),
        ({"metric": "Cost"}, "valid metrics"),
        ({"start": "2025-1"}, "YYYY-MM"),
        ({"start": "2025-03", "end": "2025-01"}, "after the last month"),
    ],
)
def test_bad_queries_name_the_valid_values(
    view: LedgerView, config: CloudledgerConfig, arguments: dict[str, str], message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        tag_compliance(view.table, config, **arguments)


# --- inventories --------------------------------------------------------------------------------------------

CUSTOM = """
tag_policy:
  required: [owner, env, Purpose]
  keys:
    owner: {values: [Alice, Bob, Charlie]}
    env: {aliases: [Environment], values: [production, development], normalize: {prod: production, dev: development}}
    Purpose: {pattern: "[A-Z][a-z]+"}
"""


def _seed(samples_dir: Path, name: str) -> list[tuple[Decimal, dict[str, str]]]:
    """(cost, tags) of each non-blank row, the tags split by hand."""
    with (samples_dir / "seeds" / name).open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if any(v.strip() for v in r.values())]
    return [(D(r["CostUSD"]), dict(pair.split("=", 1) for pair in r["Tags"].split(","))) for r in rows]


def _default_state(tags: dict[str, str], key: str) -> str:
    """The default policy: no value rules, any spelling of the key (the seeds spell Owner and Environment)."""
    return V if any(k.lower() == key.lower() and v.strip() for k, v in tags.items()) else M


def _custom_state(tags: dict[str, str], key: str) -> str:
    if key == "owner":
        value = tags.get("Owner")
        return M if value is None else V if value in ("Alice", "Bob", "Charlie") else INV
    if key == "env":
        value = tags.get("Environment")
        canonical = {"prod": "production", "dev": "development"}.get((value or "").lower(), value)
        return M if value is None else V if canonical in ("production", "development") else INV
    value = tags.get("Purpose")
    return M if value is None else V if re.fullmatch("[A-Z][a-z]+", value) else INV


@pytest.mark.parametrize("name", ["aws_resources_compute.csv", "aws_resources_S3.csv"])
@pytest.mark.parametrize(
    ("policy_text", "rule"), [("", _default_state), (CUSTOM, _custom_state)], ids=["default", "custom"]
)
def test_seed_inventories(
    samples_dir: Path, name: str, policy_text: str, rule: Callable[[dict[str, str], str], str]
) -> None:
    policy = parse_config(policy_text, Path("cloudledger.yaml")).tag_policy
    report = inventory_compliance(read_inventory(samples_dir / "seeds" / name), policy)
    seed = _seed(samples_dir, name)
    states = [(cost, [rule(tags, key) for key in policy.required]) for cost, tags in seed]
    (group,) = report.groups
    assert (report.by, report.metric, group.group) == ("file", "CostUSD", str(samples_dir / "seeds" / name))
    assert group.resources == len(seed) and group.untaggable_spend == 0
    assert group.taggable_spend == sum((cost for cost, _ in seed), D(0))
    compliant = [cost for cost, s in states if s == [V] * len(s)]
    assert (group.compliant_spend, group.compliant_resources) == (sum(compliant, D(0)), len(compliant))
    for i, key in enumerate(group.keys):
        for state, spend, count in (
            (V, key.valid_spend, key.valid_resources),
            (INV, key.invalid_spend, key.invalid_resources),
            (M, key.missing_spend, key.missing_resources),
        ):
            chosen = [cost for cost, s in states if s[i] == state]
            assert (spend, count) == (sum(chosen, D(0)), len(chosen)), (key.key, state)


def test_inventory_follows_the_ledgers_rules(tmp_path: Path, config: CloudledgerConfig) -> None:
    """The same tags give the same states in an inventory as in the ledger (spellings, aliases, values)."""
    charges = [c for c in CHARGES if c.resource and c.states and c.period == "2025-01" and c.resource != "vm-4"]
    path = tmp_path / "inventory.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ResourceId", "Tags", "Cost"])
        for c in charges:
            writer.writerow([c.resource, ";".join(f"{k}={v}" for k, v in c.tags.items()), c.cost])
    (group,) = inventory_compliance(read_inventory(path), config.tag_policy).groups
    assert group.currency is None and group.resources == len(charges) == 6
    assert _got(group) == _expected(charges)


def test_inventory_without_cost_counts_resources(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text('name,tags\ndb-1,"team=web,env=prod"\ndb-2,"Team=WEB"\n', encoding="utf-8")
    policy = TagPolicy.model_validate({"required": ["Team"], "keys": {"Team": {"values": ["web"]}}})
    report = inventory_compliance(read_inventory(path), policy)
    (group,) = report.groups
    assert report.metric is None and group.taggable_spend == 0
    assert (group.resources, group.compliant_resources, group.count_percent) == (2, 2, D("100.00"))
    assert group.spend_percent is None
