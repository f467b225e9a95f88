"""Allocation at query time: ownership rules, virtual tags and shared-cost splits as Ibis expressions.

The ledger is first grouped by the columns the rules read (so 200 rules cost the same per row as one), then
each group gets an owner (first ownership rule that matches and resolves) or a shared pool; pools are split
between their receivers per billing period and currency, exactly: the shares of a pool row add up to it, the
remainder of the division going to the receiver with the largest weight (ties: by name).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cloudledger.analyses.allocation_rules import Aggregated, Owners, dimension_value, ownership
from cloudledger.analyses.allocation_split import split_pools
from cloudledger.analyses.explorer import METRICS, bill_rows
from cloudledger.analyses.selection import Columns, predicate
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError

MONEY = dt.Decimal(38, 10)
DIMENSION_PREFIX = "dim:"
DAY = "day"
OUTPUT = ("period", "currency", "kind", "rule", "department", "team", "cost_center", "gl_account")


@dataclass(frozen=True)
class AllocationQuery:
    """What to allocate: the cost column, the billing periods, and the columns to keep in the result."""

    metric: str = "EffectiveCost"
    start: str | None = None
    """First billing period YYYY-MM, inclusive."""
    end: str | None = None
    """Last billing period YYYY-MM, inclusive."""
    keep: tuple[str, ...] = ("ProviderName", "ServiceName")
    """FOCUS or x_ columns, tag:KEY (normalised value), dim:NAME (virtual tag), or day (charge date)."""


def allocate(
    table: ir.Table,
    config: CloudledgerConfig,
    query: AllocationQuery,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
) -> ir.Table:
    """One row per period, currency, owner, kind (direct | shared | unallocated), rule and kept columns."""
    if query.metric not in METRICS:
        raise QueryError(f"unknown metric {query.metric!r}; valid metrics: {', '.join(METRICS)}")
    tags = tags or TagResolver.of(table, config.tag_policy)
    rows = _periods(bill_rows(table), query)
    grouped = _grouped(rows, Columns(rows, tags), config, query)
    reader = Aggregated(grouped.table, grouped.names)
    owners = Owners(config.organization)
    owner, rule = ownership(reader, config.organization, owners)
    pools = [s for s in config.allocation.shared_costs if not s.unallocated]
    remainder = next((s for s in config.allocation.shared_costs if s.unallocated), None)
    pool = ibis.cases(*((predicate(reader, s.match), s.name) for s in pools), else_=ibis.null(str)) if pools else None
    kept = {name: _kept(reader, config, name) for name in query.keep}
    labelled = grouped.table.select(
        "period",
        "currency",
        "amount",
        **kept,
        owner=owner,
        rule=rule,
        pool=pool if pool is not None else ibis.null(str),
    )
    if remainder is not None:
        unowned = labelled.pool.isnull() & labelled.owner.isnull()
        labelled = labelled.mutate(pool=ibis.ifelse(unowned, ibis.literal(remainder.name), labelled.pool))
    direct = labelled.filter(labelled.pool.isnull())
    direct = direct.mutate(kind=ibis.ifelse(direct.owner.isnull(), "unallocated", "direct"))
    shared = split_pools(labelled.filter(labelled.pool.notnull()), direct, config, owners, metrics, tuple(kept))
    columns = ["period", "currency", "kind", "rule", "owner", *kept]
    result = direct.select(*columns, amount=direct.amount.cast(MONEY)).union(shared.select(*columns, "amount"))
    result = result.group_by(columns).aggregate(amount=result.amount.sum().cast(MONEY))
    joined = result.left_join(owners.table(), result.owner == owners.table().owner_key)
    return joined.select(*OUTPUT, *kept, "amount")


def _periods(rows: ir.Table, query: AllocationQuery) -> ir.Table:
    if query.start is not None:
        rows = rows.filter(rows.x_billing_period >= query.start)
    if query.end is not None:
        rows = rows.filter(rows.x_billing_period <= query.end)
    return rows


@dataclass(frozen=True)
class _Grouped:
    table: ir.Table
    names: dict[str, str]
    """Rule column (FOCUS, x_ or tag:KEY) → its column in `table`."""


def _grouped(rows: ir.Table, columns: Columns, config: CloudledgerConfig, query: AllocationQuery) -> _Grouped:
    """The ledger summed by period, currency and every column a rule or the query reads."""
    needed = [n for n in rule_columns(config) | _kept_sources(config, query.keep)]
    names = {name: f"c{index}" for index, name in enumerate(sorted(needed))}
    keys = {alias: columns.value(name) for name, alias in names.items()}
    if DAY in query.keep:
        keys[DAY] = rows.ChargePeriodStart.date()
    table = rows.group_by(period=rows.x_billing_period, currency=rows.BillingCurrency, **keys).aggregate(
        amount=rows[query.metric].sum()
    )
    if DAY in query.keep:
        names[DAY] = DAY
    return _Grouped(table, names)


def rule_columns(config: CloudledgerConfig) -> set[str]:
    """Every column or tag:KEY the ownership rules and shared pools read."""
    needed: set[str] = set()
    for rule in config.organization.rules:
        needed |= set(rule.match)
        if not isinstance(rule.target, str):
            needed.add(rule.target.from_)
    for shared in config.allocation.shared_costs:
        needed |= set(shared.match)
    return needed


def _kept_sources(config: CloudledgerConfig, keep: tuple[str, ...]) -> set[str]:
    """The rule columns needed to compute the kept columns (dim:NAME reads its rules' columns)."""
    needed: set[str] = set()
    dimensions = {d.name: d for d in config.allocation.dimensions}
    for name in keep:
        if name == DAY:
            continue
        if name.startswith(DIMENSION_PREFIX):
            dimension = dimensions.get(name[len(DIMENSION_PREFIX) :])
            if dimension is None:
                valid = ", ".join(DIMENSION_PREFIX + d for d in dimensions) or "none defined"
                raise QueryError(f"unknown dimension {name!r}; dimensions: {valid}")
            for dim_rule in dimension.rules:
                needed |= set(dim_rule.match) | ({dim_rule.from_} if dim_rule.from_ else set())
        else:
            needed.add(name)
    return needed


def _kept(reader: Aggregated, config: CloudledgerConfig, name: str) -> ir.Value:
    if name == DAY:
        return reader.table[DAY]
    if name.startswith(DIMENSION_PREFIX):
        dimension = next(d for d in config.allocation.dimensions if d.name == name[len(DIMENSION_PREFIX) :])
        return dimension_value(reader, dimension)
    return reader.value(name)
