"""Whose anomaly it is: the departments and teams its rise belongs to, through the allocation.

The anomaly's rows (its scope, its days and the same weekdays of the previous weeks, as the other root-cause
dimensions read them) are allocated as the chargeback allocates (ownership rules, then shared-cost splits among
those rows); per department and per team, actual − expected over the anomaly's days is ranked by its share of
the rise. Cost no rule owns counts as "(unallocated)", so a rise nobody owns says so."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

import ibis.expr.types as ir

from cloudledger.analyses.allocation import DAY, AllocationQuery, allocate
from cloudledger.analyses.anomalies_model import Anomaly, Cause, Thresholds
from cloudledger.analyses.anomaly_causes import ranked_causes, scoped_rows, weekday_window
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig

LEVELS = ("department", "team")
UNALLOCATED = "(unallocated)"
OWNED = 0.5
"""An owner whose share of the rise is at least this is the anomaly's owner (its alerts go to its channels)."""


def owner_causes(
    ledger: ir.Table,
    anomaly: Anomaly,
    config: CloudledgerConfig,
    tags: TagResolver | None = None,
    metrics: ir.Table | None = None,
    weeks: int = 4,
) -> tuple[Cause, ...]:
    """The top departments, then the top teams, by share of the anomaly's rise (none without an organisation)."""
    if not config.organization.departments:
        return ()
    anomaly_days = [anomaly.start + timedelta(days=d) for d in range(anomaly.days)]
    rows = scoped_rows(ledger, anomaly, [d for day in anomaly_days for d in weekday_window(day, weeks)])
    allocated = allocate(rows, config, AllocationQuery("EffectiveCost", keep=(DAY,)), metrics, tags)
    allocated = allocated.filter(allocated.currency == anomaly.currency)
    summed = allocated.group_by(day=allocated[DAY], department=allocated.department, team=allocated.team).aggregate(
        amount=allocated.amount.sum()
    )
    records = [
        {**r, "department": r["department"] or UNALLOCATED, "team": r["team"] or UNALLOCATED}
        for r in summed.to_pyarrow().to_pylist()
    ]
    causes: list[Cause] = []
    for level in LEVELS:
        causes.extend(ranked_causes(level, records, anomaly_days, weeks))
    return tuple(causes)


def owner(anomaly: Anomaly, level: str = "department") -> str | None:
    """The department (or team) that accounts for at least half of the anomaly's rise, if one does."""
    for cause in anomaly.causes:
        if cause.dimension == level and cause.share >= OWNED and cause.value != UNALLOCATED:
            return cause.value
    return None


def explain(
    ledger: ir.Table,
    anomaly: Anomaly,
    config: CloudledgerConfig,
    weeks: int = 4,
    metrics: ir.Table | None = None,
    tags: TagResolver | None = None,
) -> Anomaly:
    """`anomaly` with every root cause: resource, usage type, region (and account and service for the whole
    bill), the tag policy's keys, then the departments and teams that own the rise."""
    from dataclasses import replace

    from cloudledger.analyses.anomaly_causes import root_causes

    tags = tags or TagResolver.of(ledger, config.tag_policy)
    causes = root_causes(ledger, anomaly, weeks, tags) + owner_causes(ledger, anomaly, config, tags, metrics, weeks)
    return replace(anomaly, causes=causes)


def explained_anomalies(
    daily: ir.Table,
    ledger: ir.Table,
    config: CloudledgerConfig,
    th: Thresholds | None = None,
    since: date | None = None,
    metrics: ir.Table | None = None,
    skip: Collection[str] = (),
) -> list[Anomaly]:
    """The anomalies ending on or after `since`, newest first, but those whose id is in `skip`, each explained by
    `explain` (the ledger's tag keys read once for all of them)."""
    from cloudledger.analyses.anomalies import anomalies

    th = th or Thresholds()
    found = [a for a in anomalies(daily, ledger, th, since, causes=False) if a.id not in skip]
    tags = TagResolver.of(ledger, config.tag_policy) if found else None
    return [explain(ledger, a, config, th.weeks, metrics, tags) for a in found]
