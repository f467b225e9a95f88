"""The KPI windows' sums for a selection the daily rollup cannot answer (one that reads tags): whole calendar
months from the monthly rollup, the days of partly covered months from the ledger.

A window such as "1 January to 12 October" is nine whole months and twelve days. The monthly rollup keeps tags
and sums per charge month, so it answers the whole months; only the partly covered months (the current one and
the same days a month and a year before) are read from the ledger, through predicates on ChargePeriodStart that
let the engine skip the Parquet row groups of every other month. The current month is always read from the
ledger: the savings rates need its rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.explorer import CHARGE_MONTH, bill_rows
from cloudledger.analyses.kpis_model import Span

Sums = dict[str, dict[str, Decimal]]


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split(span: Span, current: date) -> tuple[list[date], list[Span]]:
    """The whole months (their first days) and the partial pieces of `span`; the month of `current` is never
    whole."""
    start, end = span
    months: list[date] = []
    pieces: list[Span] = []
    cursor = start
    while cursor <= end:
        month_end = _next_month(cursor) - timedelta(days=1)
        piece_end = min(end, month_end)
        whole = cursor == _month_start(cursor) and piece_end == month_end
        if whole and _month_start(cursor) != _month_start(current):
            months.append(cursor)
        else:
            pieces.append((cursor, piece_end))
        cursor = piece_end + timedelta(days=1)
    return months, pieces


def _moment(day: date) -> ir.TimestampScalar:
    return ibis.timestamp(datetime.combine(day, time(), tzinfo=UTC).isoformat())


def _within(rows: ir.Table, parts: list[Span]) -> ir.BooleanValue:
    """Rows charged on a day of `parts` (plain timestamp bounds, which Parquet row-group statistics can skip)."""
    charged = rows.ChargePeriodStart
    return ibis.or_(*((charged >= _moment(a)) & (charged < _moment(b + timedelta(days=1))) for a, b in parts))


def window_sums(
    monthly: ir.Table,
    ledger: ir.Table,
    spans: dict[str, Span],
    day: date,
    narrow: Callable[[ir.Table], ir.Table],
    sums_of: Callable[[ir.Table, dict[str, Span]], Sums],
    metric: str,
) -> Sums:
    """Per currency: `metric` over each span of the narrowed ledger, as whole months from `monthly` plus the
    partial pieces from `ledger`; the savings-rate sums are `sums_of(rows, {"mtd": spans["mtd"]})` (the month to
    date is always read from the ledger). See the module docstring."""
    whole: dict[str, list[date]] = {}
    pieces: dict[str, list[Span]] = {}
    for name, span in spans.items():
        whole[name], pieces[name] = split(span, day)
    rows = narrow(bill_rows(ledger))
    charged = rows.ChargePeriodStart

    def within(parts: list[Span]) -> ir.BooleanValue:
        return ibis.or_(*((charged >= _moment(a)) & (charged < _moment(b + timedelta(days=1))) for a, b in parts))

    every_piece = [p for parts in pieces.values() for p in parts]
    rows = rows.filter(within(every_piece)) if every_piece else rows.limit(0)
    charged = rows.ChargePeriodStart
    out: Sums = {c: {**v} for c, v in sums_of(rows, {"mtd": spans["mtd"]}).items()}
    partial = {name: rows[metric].sum(where=within(parts)) for name, parts in pieces.items() if parts and name != "mtd"}
    found = (
        rows.group_by(currency=rows.BillingCurrency).aggregate(**partial).to_pyarrow().to_pylist() if partial else []
    )
    months = sorted({m for ms in whole.values() for m in ms})
    if months:
        summed = narrow(bill_rows(monthly))
        summed = summed.filter(summed[CHARGE_MONTH].isin(months))
        per = {name: summed[metric].sum(where=summed[CHARGE_MONTH].isin(ms)) for name, ms in whole.items() if ms}
        found += summed.group_by(currency=summed.BillingCurrency).aggregate(**per).to_pyarrow().to_pylist()
    for row in found:
        empty = {name: Decimal(0) for name in (*spans, "list", "contracted", "effective")}
        line = out.setdefault(row["currency"], empty)
        for name, amount in row.items():
            if name != "currency":
                line[name] = line.get(name, Decimal(0)) + (amount or Decimal(0))
    return out
