"""The explorer's numbers: the analysis' rows pivoted into one table per billing currency (a row per group,
a column per period, a total and a share) and the chart data of each (the top groups, the rest as Other)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cloudledger.analyses.explorer import CostTable
from cloudledger.analyses.rounding import round_half_up
from cloudledger.web.explorer_state import ExplorerState, period_label

NOT_SET = "(not set)"
EMPTY = "(empty)"
OTHER = "Other"
HUNDRED = Decimal(100)


def group_label(value: str | None) -> str:
    """How a group's value is shown: `(not set)` for null, `(empty)` for an empty string."""
    if value is None:
        return NOT_SET
    return value if value != "" else EMPTY


@dataclass(frozen=True)
class GroupRow:
    """One group's amounts in one currency: per period, in total, and its share of the currency's total."""

    value: str | None
    amounts: tuple[Decimal, ...]
    total: Decimal
    share: Decimal | None
    """Percent of the currency's total (None when that total is zero)."""
    drill: str | None = None
    """The URL one level down into this group (None when it cannot be drilled into)."""

    @property
    def label(self) -> str:
        return group_label(self.value)


@dataclass(frozen=True)
class CurrencyTable:
    """The table of one billing currency (amounts in different currencies are never added)."""

    currency: str
    periods: tuple[str, ...]
    rows: tuple[GroupRow, ...]
    period_totals: tuple[Decimal, ...]
    total: Decimal

    def beyond(self, limit: int) -> GroupRow | None:
        """The groups after the first `limit` rows summed in one row (None when there are none)."""
        rest = self.rows[limit:]
        if not rest:
            return None
        amounts = tuple(sum((r.amounts[i] for r in rest), Decimal(0)) for i in range(len(self.periods)))
        total = sum(amounts, Decimal(0))
        label = f"{len(rest)} more group" if len(rest) == 1 else f"{len(rest)} more groups"
        return GroupRow(label, amounts, total, total / self.total * HUNDRED if self.total else None)


def pivot(
    result: CostTable, state: ExplorerState, periods: Sequence[date], drill: Callable[[str | None], str | None]
) -> list[CurrencyTable]:
    """One table per currency (sorted by code), rows by total, largest first; `drill` gives a group's link."""
    cells: dict[str, dict[str | None, dict[date, Decimal]]] = {}
    axis = set(periods)
    for row in result.rows:
        currency = str(row["BillingCurrency"] or "")
        period: date = row[state.grain]
        axis.add(period)
        groups = cells.setdefault(currency, {})
        amounts = groups.setdefault(row[state.group_by], {})
        amounts[period] = amounts.get(period, Decimal(0)) + (row[result.metric] or Decimal(0))
    ordered = sorted(axis)
    labels = tuple(period_label(p, state.grain) for p in ordered)
    return [_table(currency, groups, ordered, labels, drill) for currency, groups in sorted(cells.items())]


def _table(
    currency: str,
    groups: dict[str | None, dict[date, Decimal]],
    periods: list[date],
    labels: tuple[str, ...],
    drill: Callable[[str | None], str | None],
) -> CurrencyTable:
    zero = Decimal(0)
    total = sum((sum(a.values(), zero) for a in groups.values()), zero)
    rows = []
    for value, amounts in groups.items():
        row_total = sum(amounts.values(), zero)
        share = row_total / total * HUNDRED if total else None
        rows.append(GroupRow(value, tuple(amounts.get(p, zero) for p in periods), row_total, share, drill(value)))
    rows.sort(key=lambda r: (-r.total, r.value is None, r.label))
    period_totals = tuple(sum((r.amounts[i] for r in rows), zero) for i in range(len(periods)))
    return CurrencyTable(currency, labels, tuple(rows), period_totals, total)


def chart_data(table: CurrencyTable, state: ExplorerState) -> dict[str, Any]:
    """The stacked bars of `table`: the `state.top` largest groups, the others summed as Other."""
    shown, rest = table.rows[: state.top], table.rows[state.top :]
    series: list[dict[str, Any]] = [{"name": r.label, "values": _numbers(r.amounts), "drill": r.drill} for r in shown]
    if rest:
        other = [sum((r.amounts[i] for r in rest), Decimal(0)) for i in range(len(table.periods))]
        series.append({"name": f"{OTHER} ({len(rest)})", "values": _numbers(other), "drill": None, "other": True})
    return {
        "kind": "explorer",
        "currency": table.currency,
        "metric": state.metric,
        "group_by": state.group_by,
        "periods": list(table.periods),
        "series": series,
    }


def _numbers(amounts: Sequence[Decimal]) -> list[float]:
    return [float(round_half_up(a)) for a in amounts]
