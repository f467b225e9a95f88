"""One account in two formats: compare the sources holding the same billing account and period.

When, say, a CUR 2.0 export and the AWS FOCUS export of one payer account are both ingested, the cost
analyses count one of them (`ledger.overlap`); this compares the two metric by metric and explains any
difference by charge category, so a user can see which mapping disagrees and where.
"""

from __future__ import annotations

from decimal import Decimal

import ibis.expr.types as ir

from cloudledger.analyses.checks import METRICS, Check
from cloudledger.ledger.overlap import preferred_sources
from cloudledger.sources.normalize import SLICE_ACCOUNT, SLICE_PERIOD, SLICE_SOURCE

ALL_CATEGORIES = "all charges"


def _totals_by_category(table: ir.Table) -> dict[tuple[str, str, str, str, str], dict[str, Decimal]]:
    """(period, account, currency, source, charge category) -> metric totals, for overlapping slices only."""
    keys = [SLICE_PERIOD, SLICE_ACCOUNT, "BillingCurrency", SLICE_SOURCE, "ChargeCategory"]
    grouped = table.group_by(keys).aggregate(**{m: table[m].sum() for m in METRICS})
    out: dict[tuple[str, str, str, str, str], dict[str, Decimal]] = {}
    for row in grouped.to_pyarrow().to_pylist():
        key = (row[SLICE_PERIOD], row[SLICE_ACCOUNT], row["BillingCurrency"] or "", row[SLICE_SOURCE])
        out[(*key, row["ChargeCategory"] or "(none)")] = {m: row[m] or Decimal(0) for m in METRICS}
    return out


def _overlapping(table: ir.Table) -> ir.Table | None:
    """The rows of (period, account) pairs held by more than one source, or None when there are none."""
    per_slice = table.group_by([SLICE_PERIOD, SLICE_ACCOUNT]).aggregate(sources=table[SLICE_SOURCE].nunique())
    shared = per_slice.filter(per_slice.sources > 1)
    if shared.count().to_pyarrow().as_py() == 0:
        return None
    return table.semi_join(shared, [SLICE_PERIOD, SLICE_ACCOUNT])


def compare_formats(table: ir.Table) -> list[Check]:
    """For each account and period in several sources: every other source against the counted one, per
    metric in total and per charge category (a check's `expected` is the counted source's amount)."""
    overlapping = _overlapping(table)
    if overlapping is None:
        return []
    totals = _totals_by_category(overlapping)
    slices = {(period, source, account) for (period, account, _c, source, _cat) in totals}
    counted = preferred_sources(slices)
    checks: list[Check] = []
    groups = sorted({k[:3] for k in totals})
    for period, account, currency in groups:
        reference = counted[(period, account)]
        categories = sorted({k[4] for k in totals if k[:3] == (period, account, currency)})
        sources = sorted({k[3] for k in totals if k[:3] == (period, account, currency)} - {reference})
        for other in sources:
            for metric in METRICS:
                for category in (ALL_CATEGORIES, *categories):
                    ours = _amount(totals, (period, account, currency, other), category, metric)
                    theirs = _amount(totals, (period, account, currency, reference), category, metric)
                    label = f"{reference} ({category})"
                    checks.append(Check("formats", period, other, account, currency, metric, ours, theirs, label))
    return checks


def _amount(
    totals: dict[tuple[str, str, str, str, str], dict[str, Decimal]],
    group: tuple[str, str, str, str],
    category: str,
    metric: str,
) -> Decimal:
    return sum(
        (v[metric] for k, v in totals.items() if k[:4] == group and category in (ALL_CATEGORIES, k[4])),
        Decimal(0),
    )
