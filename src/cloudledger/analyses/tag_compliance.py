"""Tag compliance: which required tags are missing or invalid, by spend and by resource count, per group.

Groups come from a ledger column, the billing period (`month`), or the owner the ownership rules give
(`department`, `team`; shared-pool splits are not counted there). Charges the policy calls untaggable are
never violations: their spend is reported on its own. Resource inventories are judged by the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.inventory import Inventory
from cloudledger.analyses.tag_compliance_model import (
    INVALID,
    MISSING,
    VALID,
    ComplianceReport,
    GroupCompliance,
    KeyCompliance,
    UnallocatedByTag,
    UntaggedResource,
    tag_value,
    value_status,
)
from cloudledger.analyses.tag_states import Scope, ledger_states, owner_states
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.tag_policy import TagPolicy
from cloudledger.errors import QueryError

COLUMN_GROUPS = ("ProviderName", "SubAccountId", "ServiceName")
OWNER_GROUPS = ("department", "team")
MONTH = "month"
GROUPS = (*COLUMN_GROUPS, *OWNER_GROUPS, MONTH)
STATES = {"valid": VALID, "invalid": INVALID, "missing": MISSING}
_KEYS = ["group", "currency"]


def tag_compliance(
    table: ir.Table,
    config: CloudledgerConfig,
    *,
    by: str | None = None,
    metric: str = "EffectiveCost",
    start: str | None = None,
    end: str | None = None,
    tags: TagResolver | None = None,
    resources: bool = True,
) -> ComplianceReport:
    """Compliance with `tag_policy.required` per group of `by` (one of GROUPS, or None for everything) and
    billing currency, over the billing periods `start`..`end` (YYYY-MM, inclusive). Without `resources`,
    by spend only (resource counts are zero): a table without ResourceId, such as a rollup, can answer."""
    if by is not None and by not in GROUPS:
        raise QueryError(f"cannot group tag compliance by {by!r}; valid: {', '.join(GROUPS)}")
    scope = Scope(metric, start, end)
    if by in OWNER_GROUPS:
        states = owner_states(table, config, scope, tags, resources)
        states = states.mutate(group=states[by])
    else:
        column = {MONTH: "x_billing_period"}.get(by or "", by)
        states = ledger_states(table, config.tag_policy, scope, tags, {"group": column} if column else {}, resources)
        states = states if column else states.mutate(group=ibis.null(str))
    required = tuple(config.tag_policy.required)
    spend = _rows(_spend(states, len(required)))
    counts = {_id(r): r for r in _rows(_counts(states, len(required)))} if resources else {}
    groups = [_group(r, counts.get(_id(r), {}), required) for r in spend]
    order = _by_month if by == MONTH else _by_spend
    return ComplianceReport(by, metric, required, tuple(sorted(groups, key=order)))


def top_untagged(
    table: ir.Table,
    config: CloudledgerConfig,
    limit: int = 20,
    *,
    metric: str = "EffectiveCost",
    start: str | None = None,
    end: str | None = None,
    tags: TagResolver | None = None,
) -> list[UntaggedResource]:
    """The resources with a missing or invalid required tag, largest spend first (per currency)."""
    extra = {"provider": "ProviderName", "account": "SubAccountId", "service": "ServiceName"}
    states = ledger_states(table, config.tag_policy, Scope(metric, start, end), tags, extra)
    required = config.tag_policy.required
    rows = states.filter(~states.untaggable & states.resource.notnull())
    per = rows.group_by(["resource", "currency"]).aggregate(
        spend=rows.amount.sum(),
        worst=rows.worst.max(),
        **{name: rows[name].max() for name in extra},
        **{f"s{i}": rows[f"s{i}"].max() for i in range(len(required))},
    )
    per = per.filter(per.worst != VALID).order_by([ibis.desc("spend"), "resource", "currency"]).limit(limit)
    return [
        UntaggedResource(
            resource_id=r["resource"],
            provider=r["provider"],
            account=r["account"],
            service=r["service"],
            currency=r["currency"],
            spend=_money(r["spend"]),
            missing=tuple(k for i, k in enumerate(required) if r[f"s{i}"] == MISSING),
            invalid=tuple(k for i, k in enumerate(required) if r[f"s{i}"] == INVALID),
        )
        for r in _rows(per)
    ]


def unallocated_by_missing_tag(
    table: ir.Table,
    config: CloudledgerConfig,
    *,
    metric: str = "EffectiveCost",
    start: str | None = None,
    end: str | None = None,
    tags: TagResolver | None = None,
) -> list[UnallocatedByTag]:
    """Per required key and currency: the taggable spend missing the key, and the part of it that no
    ownership rule allocated (shared-pool splits aside). By spend only: a rollup can answer."""
    states = owner_states(table, config, Scope(metric, start, end), tags, resources=False)
    missing_any = ~states.untaggable
    unallocated = states.kind == "unallocated"
    sums: dict[str, ir.Value] = {}
    for i in range(len(config.tag_policy.required)):
        missing = missing_any & (states[f"s{i}"] == MISSING)
        sums[f"missing{i}"] = states.amount.sum(where=missing)
        sums[f"unallocated{i}"] = states.amount.sum(where=missing & unallocated)
    rows = _rows(states.group_by("currency").aggregate(**sums).order_by("currency"))
    return [
        UnallocatedByTag(key, r["currency"], _money(r[f"missing{i}"]), _money(r[f"unallocated{i}"]))
        for i, key in enumerate(config.tag_policy.required)
        for r in rows
    ]


def inventory_compliance(inventory: Inventory, policy: TagPolicy) -> ComplianceReport:
    """Compliance of the resources of an inventory file, by count and by its cost column (every resource is
    taggable; a resource without a cost counts by count only). The one group is the file."""
    required = tuple(policy.required)
    rows = [
        (r.cost or Decimal(0), [value_status(tag_value(r.tags, policy, k), policy, k) for k in required])
        for r in inventory.resources
    ]
    compliant = [cost for cost, states in rows if max(states, default=VALID) == VALID]
    spend: dict[str, Any] = {
        "group": inventory.file,
        "currency": None,
        "taggable": sum((cost for cost, _ in rows), Decimal(0)),
        "untaggable": Decimal(0),
        "compliant": sum(compliant, Decimal(0)),
    }
    counts: dict[str, Any] = {"resources": len(rows), "compliant": len(compliant)}
    for i in range(len(required)):
        for name, state in STATES.items():
            chosen = [cost for cost, states in rows if states[i] == state]
            spend[f"{name}{i}"] = sum(chosen, Decimal(0))
            counts[f"{name}{i}"] = len(chosen)
    return ComplianceReport("file", inventory.cost_column, required, (_group(spend, counts, required),))


def _spend(states: ir.Table, n: int) -> ir.Table:
    taggable = ~states.untaggable
    sums: dict[str, ir.Value] = {
        "taggable": states.amount.sum(where=taggable),
        "untaggable": states.amount.sum(where=states.untaggable),
        "compliant": states.amount.sum(where=taggable & (states.worst == VALID)),
    }
    for i in range(n):
        for name, state in STATES.items():
            sums[f"{name}{i}"] = states.amount.sum(where=taggable & (states[f"s{i}"] == state))
    return states.group_by(_KEYS).aggregate(**sums)


def _counts(states: ir.Table, n: int) -> ir.Table:
    """Distinct resources per group, each with its worst state per key over its taggable charges."""
    rows = states.filter(~states.untaggable & states.resource.notnull())
    per = rows.group_by([*_KEYS, "resource"]).aggregate(
        worst=rows.worst.max(), **{f"s{i}": rows[f"s{i}"].max() for i in range(n)}
    )
    counts: dict[str, ir.Value] = {
        "resources": per.resource.count(),
        "compliant": per.resource.count(where=per.worst == VALID),
    }
    for i in range(n):
        for name, state in STATES.items():
            counts[f"{name}{i}"] = per.resource.count(where=per[f"s{i}"] == state)
    return per.group_by(_KEYS).aggregate(**counts)


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = expr.to_pyarrow().to_pylist()
    return rows


def _id(row: Mapping[str, Any]) -> tuple[str | None, str | None]:
    return row["group"], row["currency"]


def _money(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def _group(spend: Mapping[str, Any], counts: Mapping[str, Any], required: tuple[str, ...]) -> GroupCompliance:
    keys = tuple(
        KeyCompliance(
            key,
            taggable_spend=_money(spend["taggable"]),
            valid_spend=_money(spend[f"valid{i}"]),
            missing_spend=_money(spend[f"missing{i}"]),
            invalid_spend=_money(spend[f"invalid{i}"]),
            resources=counts.get("resources", 0),
            valid_resources=counts.get(f"valid{i}", 0),
            missing_resources=counts.get(f"missing{i}", 0),
            invalid_resources=counts.get(f"invalid{i}", 0),
        )
        for i, key in enumerate(required)
    )
    return GroupCompliance(
        group=spend["group"],
        currency=spend["currency"],
        taggable_spend=_money(spend["taggable"]),
        untaggable_spend=_money(spend["untaggable"]),
        compliant_spend=_money(spend["compliant"]),
        resources=counts.get("resources", 0),
        compliant_resources=counts.get("compliant", 0),
        keys=keys,
    )


def _by_spend(group: GroupCompliance) -> tuple[str, Decimal, bool, str]:
    return (group.currency or "", -group.taggable_spend, group.group is None, group.group or "")


def _by_month(group: GroupCompliance) -> tuple[bool, str, str]:
    return (group.group is None, group.group or "", group.currency or "")
