"""Allocated rows summed per period, currency and a key (owner, kind, rule...), each with its share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class AllocationShare:
    """The amount of one key in one period and currency, and its share of that period's cost."""

    period: str
    currency: str
    key: tuple[str, ...]
    amount: Decimal
    share_pct: Decimal | None
    """amount ÷ the period's total in the currency × 100, two decimals (None when the total is zero)."""


def allocation_shares(
    rows: Iterable[Row], key: Callable[[Row], tuple[str, ...]]
) -> tuple[list[AllocationShare], dict[tuple[str, str], Decimal]]:
    """Rows of `allocate()` summed per (period, currency, key(row)), sorted, and the totals per period and
    currency they are shares of."""
    sums: dict[tuple[str, str, tuple[str, ...]], Decimal] = defaultdict(Decimal)
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[(row["period"], row["currency"], key(row))] += row["amount"]
        totals[(row["period"], row["currency"])] += row["amount"]
    shares = []
    for (period, currency, name), amount in sorted(sums.items()):
        total = totals[(period, currency)]
        share = (amount / total * 100).quantize(Decimal("0.01")) if total else None
        shares.append(AllocationShare(period, currency, name, amount, share))
    return shares, dict(totals)
