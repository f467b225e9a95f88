"""Preview a policy change: the chargeback of one period under the current and a proposed cloudledger.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis.expr.types as ir

from cloudledger.analyses.chargeback import chargeback
from cloudledger.analyses.chargeback_model import UNALLOCATED, ChargebackReport, Level
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.model import CloudledgerConfig


@dataclass(frozen=True)
class PlanLine:
    """One owner and currency: its chargeback now and under the proposal."""

    owner: str
    currency: str
    current: Decimal
    proposed: Decimal

    @property
    def change(self) -> Decimal:
        return self.proposed - self.current

    @property
    def action(self) -> str:
        """+ new owner, - owner that disappears, ~ changed, = unchanged (as `terraform plan` marks them)."""
        if self.current == 0 and self.proposed != 0:
            return "+"
        if self.proposed == 0 and self.current != 0:
            return "-"
        return "=" if self.change == 0 else "~"


@dataclass(frozen=True)
class PlanReport:
    period: str
    level: Level
    metric: str
    lines: tuple[PlanLine, ...]

    def unallocated(self, which: str) -> dict[str, Decimal]:
        """Unallocated cost per currency under the 'current' or the 'proposed' policy."""
        return {line.currency: getattr(line, which) for line in self.lines if line.owner == UNALLOCATED}

    @property
    def leaves_more_unallocated(self) -> bool:
        """True when, in some currency, the proposal leaves more cost unallocated than the current policy."""
        return any(line.owner == UNALLOCATED and line.change > 0 for line in self.lines)

    @property
    def changed(self) -> tuple[PlanLine, ...]:
        return tuple(line for line in self.lines if line.action != "=")


def plan(
    table: ir.Table,
    current: CloudledgerConfig,
    proposed: CloudledgerConfig,
    period: str,
    *,
    level: Level | None = None,
    metrics: ir.Table | None = None,
) -> PlanReport:
    """Both chargebacks of `period` at one level and metric (the current config's unless given), side by side."""
    level = level or current.chargeback.level
    metric = current.chargeback.metric
    tags = TagResolver.of(table, current.tag_policy)
    before = chargeback(table, current, period, level=level, metric=metric, metrics=metrics, tags=tags)
    proposed_tags = tags if proposed.tag_policy == current.tag_policy else TagResolver(proposed.tag_policy, tags.keys)
    after = chargeback(table, proposed, period, level=level, metric=metric, metrics=metrics, tags=proposed_tags)
    return PlanReport(period, level, metric, _side_by_side(before, after))


def _side_by_side(before: ChargebackReport, after: ChargebackReport) -> tuple[PlanLine, ...]:
    now = {(line.owner, line.currency): line.total for line in before.lines}
    then = {(line.owner, line.currency): line.total for line in after.lines}
    keys = sorted(
        set(now) | set(then), key=lambda k: (k[1], k[0] == UNALLOCATED, -max(now.get(k, 0), then.get(k, 0)), k[0])
    )
    zero = Decimal("0.00")
    return tuple(
        PlanLine(owner, currency, now.get((owner, currency), zero), then.get((owner, currency), zero))
        for owner, currency in keys
    )
