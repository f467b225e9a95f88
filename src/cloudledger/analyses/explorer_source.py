"""Which table answers a cost query: the smallest of the ledger's rollups that keeps every column it reads.

- the monthly rollup (per charge month, with tags and product texts) when the query has no day grain and its
  range starts and ends on the first of a month;
- else the daily rollup (per day, without tags) when the query reads no tag;
- else the ledger.
Each gives the ledger's exact sums for such a query (`ledger.rollups`)."""

from __future__ import annotations

import ibis.expr.types as ir

from cloudledger.analyses.explorer import TAG_PREFIX, CostQuery, uses_tags
from cloudledger.analyses.summary import TableSource


def _columns(query: CostQuery) -> set[str]:
    named = [*query.group_by, *(name for name, _ in query.filters)]
    return {name for name in named if not name.startswith(TAG_PREFIX)} | {query.metric, "BillingCurrency"}


def cost_source(query: CostQuery, tables: TableSource) -> ir.Table:
    """The table `run_costs(…, query)` should read (see the module's docstring)."""
    needed = _columns(query)
    month_aligned = all(day is None or day.day == 1 for day in (query.start, query.end))
    monthly = tables.monthly
    if query.grain != "day" and month_aligned and needed | {"Tags"} <= set(monthly.columns):
        return monthly
    if not uses_tags(query) and needed | {"ChargePeriodStart"} <= set(tables.daily.columns):
        return tables.daily
    return tables.ledger
