"""Root cause of a cost anomaly: the values of each dimension that explain most of its deviation.

For an anomaly, the ledger's Usage rows of its scope are read for its days and for the same weekdays of the
previous weeks only (a small query: provider and days are filtered first). Per value of each dimension, the
expected cost of a day is the median of that value's cost on the same weekday of the previous weeks (zero where
it had none), and its deviation is actual − expected summed over the anomaly's days; values are ranked by their
share of the dimension's total deviation. With a tag policy, each of its keys (required first, then those with
rules) present in the ledger is a dimension too, `tag:<Key>`: every spelling of the key read as one and its values
normalised as the policy says (`TagResolver`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.anomalies_model import Anomaly, Cause
from cloudledger.analyses.rounding import round_half_up
from cloudledger.analyses.tag_values import TagResolver

USAGE_TYPE = "usage type"
DIMENSIONS = ("ResourceId", USAGE_TYPE, "RegionId", "SubAccountId", "ServiceName")
"""Most specific first: `Anomaly.top_cause` takes the first that explains half the deviation; tag dimensions come
after these."""
TAG_PREFIX = "tag:"
NOT_SET = "(not set)"
USAGE_TYPE_COLUMNS = ("x_UsageType", "SkuId", "ChargeDescription")
TOP = 3
SEASON = 7


def _usage_type(table: ir.Table) -> ir.Value:
    present = [table[c].cast("string") for c in USAGE_TYPE_COLUMNS if c in table.columns]
    return ibis.coalesce(*present) if present else ibis.literal(None, type="string")


def weekday_window(day: date, weeks: int) -> list[date]:
    return [day - timedelta(days=SEASON * k) for k in range(weeks + 1)]


def _day_filter(table: ir.Table, days: list[date]) -> ir.BooleanValue:
    """ChargePeriodStart within the given days (one range per run of days, so Parquet statistics prune)."""
    conditions = []
    for day in sorted(set(days)):
        start = datetime.combine(day, time(), tzinfo=UTC)
        conditions.append((table.ChargePeriodStart >= start) & (table.ChargePeriodStart < start + timedelta(days=1)))
    out = conditions[0]
    for condition in conditions[1:]:
        out = out | condition
    return out


def scoped_rows(ledger: ir.Table, anomaly: Anomaly, days: list[date]) -> ir.Table:
    from cloudledger.analyses.anomalies import usage_rows

    rows = usage_rows(ledger)
    scope = anomaly.scope
    if not scope.is_total:
        rows = rows.filter(rows.ProviderName == scope.provider)
    rows = rows.filter(_day_filter(rows, days) & (rows.BillingCurrency == anomaly.currency))
    if not scope.is_total:
        rows = rows.filter((rows.ServiceName == scope.service) & (rows.SubAccountId == scope.sub_account))
    return rows


def policy_tag_keys(tags: TagResolver) -> tuple[str, ...]:
    """The tag policy's keys that the ledger spells: required keys first, then the others it has rules for."""
    policy = tags.policy
    return tuple(k for k in dict.fromkeys([*policy.required, *policy.keys]) if tags.spellings(k))


def _keys(
    rows: ir.Table, dimensions: list[str], tags: TagResolver | None, tag_keys: Sequence[str]
) -> dict[str, ir.Value]:
    keys = {d: (_usage_type(rows) if d == USAGE_TYPE else rows[d].cast("string")) for d in dimensions}
    if tags is not None:
        keys.update({TAG_PREFIX + (tags.policy.canonical(k) or k): tags.value(rows, k) for k in tag_keys})
    return keys


def root_causes(
    ledger: ir.Table,
    anomaly: Anomaly,
    weeks: int = 4,
    tags: TagResolver | None = None,
    tag_keys: Sequence[str] | None = None,
) -> tuple[Cause, ...]:
    """The top values per dimension not fixed by the anomaly's scope, most specific dimension first, then per
    tag key when `tags` is given (`tag_keys`, default the policy's keys the ledger spells)."""
    anomaly_days = [anomaly.start + timedelta(days=d) for d in range(anomaly.days)]
    days = [d for day in anomaly_days for d in weekday_window(day, weeks)]
    rows = scoped_rows(ledger, anomaly, days)
    dimensions = [d for d in DIMENSIONS if anomaly.scope.is_total or d not in ("SubAccountId", "ServiceName")]
    if tags is not None and tag_keys is None:
        tag_keys = policy_tag_keys(tags)
    keys = _keys(rows, dimensions, tags, tag_keys or ())
    grouped = rows.group_by(day=rows.ChargePeriodStart.date(), **keys).aggregate(amount=rows.EffectiveCost.sum())
    records = grouped.to_pyarrow().to_pylist()
    causes: list[Cause] = []
    for dimension in keys:
        causes.extend(ranked_causes(dimension, records, anomaly_days, weeks))
    return tuple(causes)


def ranked_causes(dimension: str, records: list[dict[str, Any]], anomaly_days: list[date], weeks: int) -> list[Cause]:
    cost: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for record in records:
        value = record[dimension] if record[dimension] is not None else NOT_SET
        cost[value][record["day"]] += record["amount"] or Decimal(0)
    deviations = {}
    for value, by_day in cost.items():
        actual = sum((by_day.get(day, Decimal(0)) for day in anomaly_days), Decimal(0))
        expected = sum((_median(by_day, day, weeks) for day in anomaly_days), Decimal(0))
        deviations[value] = (expected, actual)
    total = sum((a - e for e, a in deviations.values()), Decimal(0))
    ranked = sorted(deviations.items(), key=lambda item: (item[1][0] - item[1][1], item[0]))
    return [
        Cause(
            dimension=dimension,
            value=value,
            expected=round_half_up(expected),
            actual=round_half_up(actual),
            deviation=round_half_up(actual - expected),
            share=round(float((actual - expected) / total), 4) if total else 0.0,
        )
        for value, (expected, actual) in ranked[:TOP]
    ]


def _median(by_day: dict[date, Decimal], day: date, weeks: int) -> Decimal:
    return statistics.median([by_day.get(d, Decimal(0)) for d in weekday_window(day, weeks)[1:]])
