"""Shared-cost pools split between receivers per billing period and currency, exactly.

Weights: even (1 each), fixed percentages, the receivers' own direct cost (proportional), or a business metric
whose dimension names the receivers. A pool row's shares add up to the row: each share is rounded to the
ledger's 10 decimal places and the remainder goes to the receiver with the largest weight (ties: by key).
A pool whose receivers have no weight in a period stays unallocated, under the pool's name."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from cloudledger.analyses.allocation_rules import Owners
from cloudledger.config.allocation import EvenSplit, FixedSplit, MetricSplit, ProportionalSplit, SharedCost
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError

MONEY = dt.Decimal(38, 10)
WEIGHT = pa.decimal128(38, 10)
"""Weights are exact decimals, so their totals do not depend on the order a parallel sum adds them in."""
WEIGHTS = pa.schema([("pool", pa.string()), ("period", pa.string()), ("target", pa.string()), ("weight", WEIGHT)])


def split_pools(
    pooled: ir.Table,
    direct: ir.Table,
    config: CloudledgerConfig,
    owners: Owners,
    metrics: ir.Table | None,
    kept: Sequence[str],
) -> ir.Table:
    """Rows of `pooled` (with a `pool` name) as shares per receiver, kind 'shared', or 'unallocated'."""
    columns = ["period", "currency", "kind", "rule", "owner", *kept, "amount"]
    pooled = pooled.mutate(row_id=ibis.row_number())
    weights = _weights(pooled, direct, config, owners, metrics)
    joined = pooled.inner_join(weights, ["pool", "period", "currency"])
    per_row = ibis.window(group_by=joined.row_id)
    joined = joined.mutate(ratio=joined.weight.cast("float64") / joined.weight.sum().over(per_row).cast("float64"))
    joined = joined.mutate(raw=(joined.amount.cast("float64") * joined.ratio).cast(MONEY))
    ranked = ibis.window(group_by=joined.row_id, order_by=[ibis.desc(joined.weight), joined.target])
    joined = joined.mutate(
        rest=joined.amount.cast(MONEY) - joined.raw.sum().over(per_row), first=ibis.row_number().over(ranked) == 0
    )
    shares = joined.select(
        "period",
        "currency",
        *kept,
        kind=ibis.literal("shared"),
        rule=joined.pool,
        owner=joined.target,
        amount=(joined.raw + ibis.ifelse(joined.first, joined.rest, ibis.literal(0).cast(MONEY))).cast(MONEY),
    )
    left = pooled.anti_join(weights, ["pool", "period", "currency"])
    unshared = left.select(
        "period",
        "currency",
        *kept,
        kind=ibis.literal("unallocated"),
        rule=left.pool,
        owner=ibis.null(str),
        amount=left.amount.cast(MONEY),
    )
    return shares.select(*columns).union(unshared.select(*columns))


def _weights(
    pooled: ir.Table, direct: ir.Table, config: CloudledgerConfig, owners: Owners, metrics: ir.Table | None
) -> ir.Table:
    """pool, period, currency, target, weight (> 0) for every pool and the periods it has rows in."""
    present = pooled.select("pool", "period", "currency").distinct()
    parts: list[ir.Table] = []
    for shared in config.allocation.shared_costs:
        targets = _targets(shared, owners)
        if isinstance(shared, ProportionalSplit):
            part = _proportional(shared, direct, owners, targets)
        elif isinstance(shared, MetricSplit):
            part = _metric(shared, present, owners, targets, metrics)
        else:
            part = present.filter(present.pool == shared.name).join(_static(shared, owners, targets), "pool")
        parts.append(part.select("pool", "period", "currency", "target", "weight"))
    if not parts:
        empty = pa.Table.from_pylist([], schema=WEIGHTS.append(pa.field("currency", pa.string())))
        return ibis.memtable(empty).select("pool", "period", "currency", "target", "weight")
    weights = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    return weights.filter(weights.weight > 0)


def _targets(shared: SharedCost, owners: Owners) -> list[str]:
    """Receiver keys: `to:` (or the fixed weights' names), else every owner at the pool's level."""
    names = list(shared.weights) if isinstance(shared, FixedSplit) else list(shared.to)
    if names:
        return [owners.key(shared.level, n) for n in names]
    return owners.keys_at(shared.level)


def _static(shared: SharedCost, owners: Owners, targets: list[str]) -> ir.Table:
    """Even or fixed weights, the same in every period."""
    if isinstance(shared, FixedSplit):
        rows = [
            {"pool": shared.name, "target": owners.key(shared.level, n), "weight": Decimal(w)}
            for n, w in shared.weights.items()
        ]
    else:
        assert isinstance(shared, EvenSplit)
        rows = [{"pool": shared.name, "target": t, "weight": Decimal(1)} for t in targets]
    schema = pa.schema([("pool", pa.string()), ("target", pa.string()), ("weight", WEIGHT)])
    return ibis.memtable(pa.Table.from_pylist(rows, schema=schema))


def _proportional(shared: ProportionalSplit, direct: ir.Table, owners: Owners, targets: list[str]) -> ir.Table:
    """Each receiver's own direct cost in the period and currency."""
    owned = direct.filter(direct.kind == "direct")
    mapping = owners.table()
    joined = owned.inner_join(mapping, owned.owner == mapping.owner_key)
    if shared.level == "team":
        target = ibis.literal("team:") + joined.team
    else:
        target = ibis.literal("department:") + joined.department
    joined = joined.mutate(target=target)
    joined = joined.filter(joined.target.isin(targets))
    sums = joined.group_by("period", "currency", "target").aggregate(weight=joined.amount.sum().cast(MONEY))
    return sums.mutate(pool=ibis.literal(shared.name))


def _metric(
    shared: MetricSplit, present: ir.Table, owners: Owners, targets: list[str], metrics: ir.Table | None
) -> ir.Table:
    """A business metric summed per month, its dimension naming the receiver."""
    if metrics is None:
        raise QueryError(
            f"shared cost {shared.name!r} is split by the business metric {shared.metric!r}, "
            "but no business metrics were given; load them with `cloudledger units import`"
        )
    points = metrics.filter(metrics.metric == shared.metric)
    folded = points.dimension.strip().lower()
    names = {name: key for name, key in owners.keys_by_name(shared.level).items() if key in targets}
    target = ibis.cases(*((folded == n, ibis.literal(k)) for n, k in names.items()), else_=ibis.null(str))
    points = points.mutate(target=target, period=points.date.strftime("%Y-%m"))
    sums = (
        points.filter(points.target.notnull())
        .group_by("period", "target")
        .aggregate(weight=points.value.sum().cast(MONEY))
    )
    mine = present.filter(present.pool == shared.name)
    return mine.join(sums, "period")
