"""How cloudledger.yaml meets the ledger: ownership rules that match or own nothing, shared pools that are
empty or cannot be split in the latest billing period. Each finding names where it is written in the file."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.allocation import AllocationQuery, allocate
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.selection import Columns, predicate
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.allocation import MetricSplit, SharedCost
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.selectors import Condition
from cloudledger.errors import QueryError


@dataclass(frozen=True)
class Coverage:
    """What checking the config against the ledger found."""

    periods: tuple[str, ...]
    """The billing periods the ledger holds, in order."""
    warnings: tuple[str, ...]

    @property
    def latest(self) -> str | None:
        return self.periods[-1] if self.periods else None


def config_coverage(table: ir.Table, config: CloudledgerConfig, metrics: ir.Table | None = None) -> Coverage:
    """Check the ownership rules over every billing period and the shared pools in the latest one."""
    rows = bill_rows(table)
    periods = tuple(sorted(p for p in rows.select("x_billing_period").distinct().to_pyarrow().column(0).to_pylist()))
    if not periods:
        return Coverage((), ())
    tags = TagResolver.of(rows, config.tag_policy)
    try:
        matched = _rule_matches(rows, config, tags)
        result = allocate(rows, config, AllocationQuery(keep=()), metrics, tags)
        allocated = result.group_by("period", "kind", "rule").aggregate(amount=result.amount.sum()).to_pyarrow()
    except QueryError as exc:
        return Coverage(periods, (f"{config.where()}: the ledger cannot be allocated with this file: {exc}",))
    owned: set[str] = set()
    latest: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in allocated.to_pylist():
        if row["kind"] == "direct" and row["rule"] is not None:
            owned.add(row["rule"])
        if row["period"] == periods[-1] and row["rule"] is not None and row["kind"] != "direct":
            latest[(row["kind"], row["rule"])] += row["amount"] or Decimal(0)
    warnings = [*_rule_warnings(config, matched, owned), *_pool_warnings(config, latest, periods[-1])]
    return Coverage(periods, tuple(warnings))


def _rule_matches(rows: ir.Table, config: CloudledgerConfig, tags: TagResolver) -> list[int]:
    """How many ledger rows each ownership rule's `match` selects (before earlier rules take them)."""
    rules = config.organization.rules
    if not rules:
        return []
    columns = Columns(rows, tags)
    counts = {f"r{i}": _count(rows, predicate(columns, rule.match), rule.match) for i, rule in enumerate(rules)}
    found = rows.aggregate(**counts).to_pyarrow().to_pylist()[0]
    return [int(found[f"r{i}"] or 0) for i in range(len(rules))]


def _rule_warnings(config: CloudledgerConfig, matched: list[int], owned: set[str]) -> list[str]:
    out = []
    for index, rule in enumerate(config.organization.rules):
        where = config.where("organization", "rules", index)
        label = rule.label(index)
        if matched[index] == 0:
            out.append(f"{where}: ownership rule {label!r} matches no row of the ledger")
        elif label not in owned:
            reason = "every row it matches goes to a shared pool or an earlier rule"
            if not isinstance(rule.target, str):
                reason += f", or its {rule.target.from_} values name no known {rule.level.replace('_', ' ')}"
            out.append(f"{where}: ownership rule {label!r} owns no cost: {reason}")
    return out


def _pool_warnings(config: CloudledgerConfig, latest: dict[tuple[str, str], Decimal], period: str) -> list[str]:
    out = []
    for index, pool in enumerate(config.allocation.shared_costs):
        where = config.where("allocation", "shared_costs", index)
        shared = latest.get(("shared", pool.name), Decimal(0))
        left = latest.get(("unallocated", pool.name), Decimal(0))
        if not shared and not left and not pool.unallocated:  # an empty remainder pool: everything has an owner
            out.append(f"{where}: shared cost {pool.name!r} is empty in {period}, the latest billing period")
        elif left:
            out.append(f"{where}: shared cost {pool.name!r} could not be split in {period}: {_why(pool)}")
    return out


def _why(pool: SharedCost) -> str:
    if isinstance(pool, MetricSplit):
        return (
            f"the business metric {pool.metric!r} has no value for any of its receivers, so its cost stays unallocated"
        )
    return "none of its receivers has cost of its own to weigh the split by, so its cost stays unallocated"


def _count(rows: ir.Table, selected: ir.BooleanValue, selector: dict[str, Condition]) -> ir.IntegerValue:
    """Rows where `selected` holds (every row for an empty selector)."""
    if not selector:
        return rows.count()
    counted: ir.IntegerValue = ibis.ifelse(selected, 1, 0).sum()
    return counted
