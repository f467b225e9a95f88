"""One department's spend over the executive KPIs' windows: its allocated cost by charge day.

A department owns cost only through the allocation (direct rules and shared-cost splits), so its spend month
and year to date is the allocation kept by day over the billing periods the windows touch. The allocation
reads tags, which the daily rollup does not keep: this reads the ledger (rows of those periods only)."""

from __future__ import annotations

from decimal import Decimal

import ibis.expr.types as ir

from cloudledger.analyses.allocation import DAY, AllocationQuery, allocate
from cloudledger.analyses.dashboard_selection import Selection
from cloudledger.analyses.explorer import bill_rows
from cloudledger.analyses.kpis_model import Span
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig

METRIC = "EffectiveCost"
NO_RATE = ("list", "contracted", "effective")
"""The savings-rate sums, not given for a department (left at zero: the rates come out as None)."""


def department_sums(
    table: ir.Table,
    config: CloudledgerConfig,
    spans: dict[str, Span],
    selection: Selection,
    metrics: ir.Table | None,
    tags: TagResolver,
) -> dict[str, dict[str, Decimal]]:
    """Per currency: the selected department's allocated EffectiveCost over each span."""
    first = min(start for start, _ in spans.values())
    last = max(end for _, end in spans.values())
    rows = selection.rows(bill_rows(table), tags)
    query = AllocationQuery(METRIC, first.strftime("%Y-%m"), last.strftime("%Y-%m"), keep=(DAY,))
    allocated = allocate(rows, config, query, metrics, tags)
    mine = allocated.filter(allocated.department == selection.department)

    def within(span: Span) -> ir.BooleanValue:
        return (mine[DAY] >= span[0]) & (mine[DAY] <= span[1])

    sums = {name: mine.amount.sum(where=within(span)) for name, span in spans.items()}
    found = mine.group_by(currency=mine.currency).aggregate(**sums).to_pyarrow().to_pylist()
    zero = Decimal(0)
    return {
        r["currency"]: {**{k: v or zero for k, v in r.items() if k != "currency"}, **dict.fromkeys(NO_RATE, zero)}
        for r in found
    }
