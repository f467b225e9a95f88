"""What every chargeback file shows the same way: the title and the owners × periods summary."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackReport

LEVEL_NAMES = {"department": "department", "team": "team", "cost_center": "cost center"}


class OwnerKey(NamedTuple):
    """One summary row: an owner in one currency (teams of the same name in two departments stay apart)."""

    owner: str
    department: str | None
    team: str | None
    cost_center: str | None
    currency: str


def period_range(reports: Sequence[ChargebackReport]) -> str:
    """`2025-01`, or `2025-01 – 2025-03` for several periods."""
    periods = sorted({report.period for report in reports})
    if not periods:
        return ""
    return periods[0] if len(periods) == 1 else f"{periods[0]} – {periods[-1]}"


def report_title(reports: Sequence[ChargebackReport], company: str | None = None) -> str:
    """`Acme — Chargeback by team, EffectiveCost, 2025-01 – 2025-03`."""
    levels = ", ".join(dict.fromkeys(LEVEL_NAMES.get(r.level, r.level) for r in reports)) or "owner"
    metrics = ", ".join(dict.fromkeys(r.metric for r in reports))
    parts = [f"Chargeback by {levels}", metrics, period_range(reports)]
    title = ", ".join(part for part in parts if part)
    return f"{company} — {title}" if company else title


def summarise(reports: Sequence[ChargebackReport]) -> dict[str, dict[OwnerKey, dict[str, Decimal]]]:
    """Currency -> owner -> period -> total. Currencies sorted; owners by their total over all periods,
    largest first, ties by name; the unallocated owner last."""
    table: dict[str, dict[OwnerKey, dict[str, Decimal]]] = {}
    for report in reports:
        for line in report.lines:
            key = OwnerKey(line.owner, line.department, line.team, line.cost_center, line.currency)
            amounts = table.setdefault(line.currency, {}).setdefault(key, {})
            amounts[report.period] = amounts.get(report.period, Decimal(0)) + line.total

    def order(item: tuple[OwnerKey, dict[str, Decimal]]) -> tuple[bool, Decimal, str]:
        key, amounts = item
        return (key.owner == UNALLOCATED, -sum(amounts.values(), Decimal(0)), key.owner)

    return {currency: dict(sorted(owners.items(), key=order)) for currency, owners in sorted(table.items())}
