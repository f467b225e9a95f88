"""Invoice totals a user supplies to `cloudledger reconcile`: one CSV line per invoice (or invoice part).

Layout (header names are case-insensitive, extra columns are ignored):

    billing_account,billing_period,currency,amount,invoice_id
    123456789012,2024-06,USD,10432.17,EUS24-1234
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cloudledger.errors import InputError
from cloudledger.focus.rules import iso4217_codes

REQUIRED = ("billing_account", "billing_period", "currency", "amount")
OPTIONAL = ("invoice_id",)
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class Invoice:
    billing_account: str
    billing_period: str
    """YYYY-MM"""
    currency: str
    amount: Decimal
    invoice_id: str | None
    row: int

    @property
    def label(self) -> str:
        return f"invoice {self.invoice_id}" if self.invoice_id else f"invoice row {self.row}"


def read_invoices(path: Path) -> list[Invoice]:
    """The invoices in `path`; a bad value is an error naming its row and column."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the invoice file: {exc}", file=str(path)) from exc
    if not rows:
        raise InputError(f"the invoice file is empty: expected a header {','.join(REQUIRED)}", file=str(path))
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; an invoice file has {', '.join(REQUIRED)} "
            f"(and optionally {', '.join(OPTIONAL)})",
            file=str(path),
        )
    index = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    codes = frozenset(iso4217_codes())
    invoices = []
    for number, values in enumerate(rows[1:], start=1):
        if not any(v.strip() for v in values):
            continue
        invoices.append(_invoice(values, index, number, codes, path))
    return invoices


def _invoice(values: list[str], index: dict[str, int], row: int, codes: frozenset[str], path: Path) -> Invoice:
    def value(name: str) -> str:
        position = index.get(name)
        return values[position].strip() if position is not None and position < len(values) else ""

    def fail(column: str, expected: str) -> InputError:
        return InputError(f"{value(column)!r} is not {expected}", file=str(path), row=row, column=column)

    if not value("billing_account"):
        raise fail("billing_account", "a billing account id")
    if not PERIOD.fullmatch(value("billing_period")):
        raise fail("billing_period", "a billing period written YYYY-MM")
    if value("currency") not in codes:
        raise fail("currency", "an ISO 4217 currency code such as USD or EUR")
    try:
        amount = Decimal(value("amount").replace(",", ""))
    except InvalidOperation:
        raise fail("amount", "an amount such as 1234.56") from None
    if not amount.is_finite():
        raise fail("amount", "an amount such as 1234.56")
    return Invoice(
        value("billing_account"), value("billing_period"), value("currency"), amount, value("invoice_id") or None, row
    )
