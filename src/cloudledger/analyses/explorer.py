"""Cost explorer: group the ledger by any FOCUS column or tag, filter, choose metric, grain and range."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.tag_values import TagResolver
from cloudledger.errors import QueryError
from cloudledger.focus.spec import load_spec

METRICS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
GRAINS = ("day", "month", "billing_period")
Grain = Literal["day", "month", "billing_period"]
TAG_PREFIX = "tag:"
CHARGE_MONTH = "x_charge_month"
"""The monthly rollup's charge month (`ledger.rollups.MONTH_COLUMN`)."""
HIDDEN = frozenset({"x_source_row"})
ALLOCATION_SOURCES = ("opencost",)
"""Sources whose rows re-divide cost another source already holds (Kubernetes allocations of the nodes
the cloud bill charges): cost queries read them only when asked to (`CostQuery.kubernetes`), and then
read nothing else, so no cost is ever counted twice."""


def groupable_columns(table: ir.Table) -> list[str]:
    """The columns a user may group or filter by: text FOCUS dimensions and `x_` text columns."""
    spec = load_spec().by_name
    names = []
    for name, kind in table.schema().items():
        if name in HIDDEN or not kind.is_string():
            continue
        column = spec.get(name)
        if column is not None and column.data_type != "String":
            continue
        if column is None and not name.startswith("x_"):
            continue
        names.append(name)
    return names


@dataclass(frozen=True)
class CostQuery:
    """What to total, by what, over which rows."""

    group_by: tuple[str, ...] = ()
    metric: str = "BilledCost"
    grain: Grain | None = None
    start: date | None = None
    end: date | None = None
    filters: tuple[tuple[str, str], ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    limit: int | None = None
    kubernetes: bool = False
    """Query the Kubernetes allocation rows (sources in ALLOCATION_SOURCES) alone instead of the bill."""


@dataclass(frozen=True)
class CostTable:
    """One row per group: the group's values, its currency, and the metric's exact total."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    metric: str
    totals: dict[str, Decimal] = field(default_factory=dict)
    """Total of the metric per billing currency (amounts in different currencies are never added)."""


def _dimension(table: ir.Table, name: str, allowed: Sequence[str], tags: TagResolver | None = None) -> ir.Value:
    if name.startswith(TAG_PREFIX):
        key = name[len(TAG_PREFIX) :]
        if not key:
            raise QueryError("a tag needs a key: tag:KEY, e.g. tag:team")
        return _tag(table, key, tags)
    if name not in allowed:
        raise QueryError(f"unknown column {name!r}; valid columns: {', '.join(allowed)}, or tag:KEY for a tag")
    return table[name]


def _tag(table: ir.Table, key: str, tags: TagResolver | None) -> ir.Value:
    """A tag's value: through the tag policy when given (every spelling of the key, values normalised),
    else the key exactly as written."""
    return tags.value(table, key) if tags is not None else table.Tags.get(key)


def uses_tags(query: CostQuery) -> bool:
    """Whether the query reads a tag (so a tag reader is worth building)."""
    return (
        bool(query.tags)
        or any(n.startswith(TAG_PREFIX) for n, _ in query.filters)
        or any(n.startswith(TAG_PREFIX) for n in query.group_by)
    )


def _charge_start(table: ir.Table) -> ir.TimestampValue:
    """When each row's charge starts; on the monthly rollup, which keeps no charge time, its charge month
    (`x_charge_month`: the explorer reads it only for month-aligned ranges, see `explorer_source`)."""
    if "ChargePeriodStart" in table.columns or CHARGE_MONTH not in table.columns:
        return table.ChargePeriodStart
    return table[CHARGE_MONTH].cast("timestamp('UTC')")


def _grain(table: ir.Table, grain: Grain) -> ir.Value:
    if grain == "day":
        return table.ChargePeriodStart.date()
    if grain == "month":
        return _charge_start(table).truncate("M").date()
    return table.x_billing_period


def _filtered(table: ir.Table, query: CostQuery, tags: TagResolver | None = None) -> ir.Table:
    """The rows `query` selects (filters, tags and date range), validated against the allow-list."""
    if query.metric not in METRICS:
        raise QueryError(f"unknown metric {query.metric!r}; valid metrics: {', '.join(METRICS)}")
    if query.grain is not None and query.grain not in GRAINS:
        raise QueryError(f"unknown grain {query.grain!r}; valid grains: {', '.join(GRAINS)}")
    allowed = groupable_columns(table)
    predicates: list[ir.BooleanValue] = [_view(table, query.kubernetes)]
    for name, values in _grouped(query.filters).items():
        predicates.append(_dimension(table, name, allowed, tags).isin(values))
    for key, values in _grouped(query.tags).items():
        predicates.append(_tag(table, key, tags).isin(values))
    if query.start is not None:
        predicates.append(_charge_start(table) >= ibis.timestamp(query.start.isoformat() + "T00:00:00Z"))
    if query.end is not None:
        predicates.append(_charge_start(table) < ibis.timestamp(query.end.isoformat() + "T00:00:00Z"))
    return table.filter(*predicates)


def _view(table: ir.Table, kubernetes: bool) -> ir.BooleanValue:
    """The bill (every source but the allocation-only ones), or the Kubernetes allocations alone."""
    if "x_source" not in table.columns:
        return ibis.literal(not kubernetes)
    allocation = table.x_source.isin(ALLOCATION_SOURCES)
    return allocation if kubernetes else ~allocation


def bill_rows(table: ir.Table) -> ir.Table:
    """The rows of the bill: every source but the Kubernetes allocation-only ones."""
    return table.filter(_view(table, False))


def cost_breakdown(table: ir.Table, query: CostQuery, tags: TagResolver | None = None) -> ir.Table:
    """The Ibis expression for `query`: one row per group and billing currency (tags read through `tags`)."""
    allowed = groupable_columns(table)
    table = _filtered(table, query, tags)
    keys: dict[str, ir.Value] = {}
    if query.grain is not None:
        keys[query.grain] = _grain(table, query.grain)
    for name in query.group_by:
        keys[name] = _dimension(table, name, allowed, tags)
    keys["BillingCurrency"] = table.BillingCurrency
    grouped = table.group_by(**keys).aggregate(**{query.metric: table[query.metric].sum()})
    order = [ibis.desc(query.metric)] if query.grain is None else [query.grain, ibis.desc(query.metric)]
    grouped = grouped.order_by(order)
    if query.limit:
        grouped = grouped.limit(query.limit)
    return grouped


def _grouped(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


def run_costs(con: ibis.BaseBackend, table: ir.Table, query: CostQuery, tags: TagResolver | None = None) -> CostTable:
    """Execute `query`; money stays `Decimal`. With `tags`, tag keys and values follow the tag policy."""
    result = con.to_pyarrow(cost_breakdown(table, query, tags))
    rows = tuple(result.to_pylist())
    if query.limit is None:
        per_currency = [(r["BillingCurrency"], r[query.metric]) for r in rows]
    else:  # the shown groups are not all of them: total the whole selection
        selected = _filtered(table, query, tags)
        by_currency = selected.group_by("BillingCurrency").aggregate(total=selected[query.metric].sum())
        per_currency = [(r["BillingCurrency"], r["total"]) for r in con.to_pyarrow(by_currency).to_pylist()]
    totals: dict[str, Decimal] = {}
    for currency, amount in per_currency:
        totals[str(currency or "")] = totals.get(str(currency or ""), Decimal(0)) + (amount or Decimal(0))
    return CostTable(tuple(result.column_names), rows, query.metric, totals)


def charge_span(table: ir.Table) -> tuple[date, date] | None:
    """The first and last charge day of the bill's rows (None when there are none)."""
    rows = bill_rows(table)
    span = rows.aggregate(first=rows.ChargePeriodStart.min().date(), last=rows.ChargePeriodStart.max().date())
    found = span.to_pyarrow().to_pylist()
    if not found or found[0]["first"] is None:
        return None
    return found[0]["first"], found[0]["last"]
