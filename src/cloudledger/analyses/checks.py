"""One reconciliation check: an amount in the ledger against the amount it must equal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

METRICS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
ONE_CENT = Decimal("0.01")
CurrencySlice = tuple[str, str, str, str]
"""(billing period, source, billing account, currency)."""


@dataclass(frozen=True)
class Check:
    """One comparison: the ledger's amount against an expected amount from elsewhere."""

    kind: str
    """native | ingest | invoice | formats"""
    billing_period: str
    source: str
    billing_account: str
    currency: str
    metric: str
    ledger: Decimal
    expected: Decimal
    expected_from: str
    """Where the expected amount comes from, in the user's words (`Σ lineItem/UnblendedCost`, an invoice...)."""

    @property
    def difference(self) -> Decimal:
        return self.ledger - self.expected
