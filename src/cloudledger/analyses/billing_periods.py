"""The billing periods a ledger holds, and which of them is the latest complete one."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import ibis.expr.types as ir

from cloudledger.analyses.explorer import bill_rows


@dataclass(frozen=True)
class BillingPeriods:
    """The ledger's billing periods (YYYY-MM, in order) and its last charge day."""

    periods: tuple[str, ...]
    last_day: date | None

    @property
    def latest(self) -> str | None:
        return self.periods[-1] if self.periods else None

    @property
    def last_complete(self) -> str | None:
        """The latest period the ledger holds to its last day (its charges reach the month's end), else the
        period before it; the only period when there is one."""
        if not self.periods or self.last_day is None:
            return self.latest
        latest = self.periods[-1]
        year, month = int(latest[:4]), int(latest[5:7])
        month_end = date(year, month, calendar.monthrange(year, month)[1])
        if self.last_day >= month_end or len(self.periods) == 1:
            return latest
        return self.periods[-2]


def billing_periods(table: ir.Table) -> BillingPeriods:
    """The billing periods of the bill (Kubernetes allocation rows left out) and its last charge day."""
    bill = bill_rows(table)
    periods = bill.select("x_billing_period").distinct().to_pyarrow().column(0).to_pylist()
    last = bill.ChargePeriodStart.date().max().to_pyarrow().as_py()
    return BillingPeriods(tuple(sorted(str(p) for p in periods if p)), last)
