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

from cloudledger.analyses.allocation_rules import Aggregated, Owners, dimension_value, owner_of, rule_index, rule_label
from cloudledger.analyses.allocation_split import split_pools
from cloudledger.analyses.explorer import METRICS, bill_rows
from cloudledger.analyses.selection import Columns, predicate
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.selectors import TAG_PREFIX
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
    grouped = _grouped(rows, tags, config, query)
    caches: list[ir.Table] = []
    try:
        result = _allocated(grouped, config, query, metrics, caches).to_pyarrow()
    finally:
        for cached in caches:
            cached.release()
    return ibis.memtable(result)


def _cache(table: ir.Table, caches: list[ir.Table]) -> ir.Table:
    """Materialise `table` once (a temporary table), instead of recomputing it wherever it is read."""
    cached = table.cache()
    caches.append(cached)
    return cached


def _allocated(
    grouped: _Grouped,
    config: CloudledgerConfig,
    query: AllocationQuery,
    metrics: ir.Table | None,
    caches: list[ir.Table],
) -> ir.Table:
    """The allocation of the grouped ledger; rules are evaluated once per distinct combination of the
    columns they read, then joined back (null-safe) to the groups."""
    base = _cache(grouped.table, caches)
    labels = _cache(_labels(base, grouped, config, query, caches), caches)
    aliases = grouped.aliases
    if aliases:
        joined = base.join(labels, [base[a].identical_to(labels[LABEL_PREFIX + a]) for a in aliases])
    else:
        joined = base.cross_join(labels)
    kept = {name: joined[name if _labelled(name) else grouped.names[name]] for name in query.keep}
    labelled = joined.select(
        "period", "currency", "amount", **kept, owner=joined.owner, rule=joined.rule, pool=joined.pool
    )
    remainder = next((s for s in config.allocation.shared_costs if s.unallocated), None)
    if remainder is not None:
        unowned = labelled.pool.isnull() & labelled.owner.isnull()
        labelled = labelled.mutate(pool=ibis.ifelse(unowned, ibis.literal(remainder.name), labelled.pool))
    keys = [c for c in labelled.columns if c != "amount"]
    labelled = _cache(labelled.group_by(keys).aggregate(amount=labelled.amount.sum()), caches)
    owners = Owners(config.organization)
    direct = labelled.filter(labelled.pool.isnull())
    direct = direct.mutate(kind=ibis.ifelse(direct.owner.isnull(), "unallocated", "direct"))
    shared = split_pools(labelled.filter(labelled.pool.notnull()), direct, config, owners, metrics, tuple(kept))
    columns = ["period", "currency", "kind", "rule", "owner", *kept]
    result = direct.select(*columns, amount=direct.amount.cast(MONEY)).union(shared.select(*columns, "amount"))
    result = result.group_by(columns).aggregate(amount=result.amount.sum().cast(MONEY))
    joined_owners = result.left_join(owners.table(), result.owner == owners.table().owner_key)
    return joined_owners.select(*OUTPUT, *kept, "amount")


LABEL_PREFIX = "k_"


def _labels(
    base: ir.Table, grouped: _Grouped, config: CloudledgerConfig, query: AllocationQuery, caches: list[ir.Table]
) -> ir.Table:
    """Owner, rule, pool and virtual tags of each distinct combination of the columns rules read. The rules
    are tested once (the index of the winning rule is materialised), then owner and label read from it."""
    aliases = grouped.aliases
    combos = base.select(*aliases).distinct() if aliases else base.select(_one=ibis.literal(1)).limit(1)
    org, owners = config.organization, Owners(config.organization)
    # normalise each tag once per combination (rules may read it many times)
    normal = {f"n{i}": name for i, name in enumerate(grouped.tag_columns)}
    raw = grouped.reader(combos)
    combos = _cache(combos.mutate(**{alias: raw.value(name) for alias, name in normal.items()}), caches)
    reader = Aggregated(combos, {**grouped.names, **{name: alias for alias, name in normal.items()}})
    pools = [s for s in config.allocation.shared_costs if not s.unallocated]
    pool = ibis.cases(*((predicate(reader, s.match), s.name) for s in pools), else_=ibis.null(str)) if pools else None
    tested = _cache(
        combos.mutate(
            rule_index=rule_index(reader, org, owners),
            pool=pool if pool is not None else ibis.null(str),
            **{n: _kept(reader, config, n) for n in query.keep if _labelled(n)},
        ),
        caches,
    )
    reader = Aggregated(tested, reader.names)
    dims = [n for n in query.keep if _labelled(n)]
    return tested.select(
        *dims,
        "pool",
        **{LABEL_PREFIX + a: tested[a] for a in aliases},
        # a pool takes its rows before the ownership rules: they have no owner of their own
        owner=ibis.ifelse(tested.pool.isnull(), owner_of(tested.rule_index, reader, org, owners), ibis.null(str)),
        rule=ibis.ifelse(tested.pool.isnull(), rule_label(tested.rule_index, org), ibis.null(str)),
    )


def _labelled(name: str) -> bool:
    """Kept columns computed per distinct combination (virtual tags, normalised tags), not grouped as is."""
    return name.startswith((DIMENSION_PREFIX, TAG_PREFIX))


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
    """Rule column (FOCUS or x_ column, or day) → its column in `table`."""
    tag_columns: dict[str, list[str]]
    """tag:KEY → the columns holding the raw values of its spellings."""
    tags: TagResolver

    @property
    def aliases(self) -> list[str]:
        """The grouped columns rules read (the day excluded)."""
        tags = [a for spellings in self.tag_columns.values() for a in spellings]
        return [a for a in self.names.values() if a != DAY] + tags

    def reader(self, table: ir.Table) -> Aggregated:
        return Aggregated(table, self.names, self.tag_columns, self.tags)


def _grouped(rows: ir.Table, tags: TagResolver, config: CloudledgerConfig, query: AllocationQuery) -> _Grouped:
    """The ledger summed by period, currency and every column a rule or the query reads; tags by the raw
    values of their spellings (normalising per distinct combination is cheaper than per row)."""
    columns = Columns(rows, tags)
    names: dict[str, str] = {}
    tag_columns: dict[str, list[str]] = {}
    keys: dict[str, ir.Value] = {}
    for index, name in enumerate(sorted(rule_columns(config) | _kept_sources(config, query.keep))):
        if name.startswith(TAG_PREFIX):
            _ = rows.Tags  # a table without tags raises here, even when no row spells the key
            spellings = tags.spellings(name[len(TAG_PREFIX) :])
            tag_columns[name] = [f"t{index}_{i}" for i in range(len(spellings))]
            keys.update({alias: rows.Tags.get(k) for alias, k in zip(tag_columns[name], spellings, strict=True)})
        else:
            names[name] = f"c{index}"
            keys[names[name]] = columns.value(name)
    if DAY in query.keep:
        keys[DAY] = rows.ChargePeriodStart.date()
        names[DAY] = DAY
    table = rows.group_by(period=rows.x_billing_period, currency=rows.BillingCurrency, **keys).aggregate(
        amount=rows[query.metric].sum()
    )
    return _Grouped(table, names, tag_columns, tags)


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
    """A kept column computed per combination: a virtual tag, or a tag's normalised value."""
    if name.startswith(DIMENSION_PREFIX):
        dimension = next(d for d in config.allocation.dimensions if d.name == name[len(DIMENSION_PREFIX) :])
        return dimension_value(reader, dimension)
    return reader.value(name)
