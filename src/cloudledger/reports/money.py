"""Money as text and as spreadsheet number formats, per currency."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
"""Currencies written with a symbol before the amount; any other is written as a code after it."""
NO_DECIMALS = frozenset({"JPY"})
"""Currencies shown without minor units."""
CENTS = Decimal("0.01")


def plain(amount: Decimal | None) -> str:
    """Machine-readable text: two decimal places, no separators, "" for None (`1234.50`, `-3.00`)."""
    if amount is None:
        return ""
    rounded = amount.quantize(CENTS, rounding=ROUND_HALF_UP)
    return f"{rounded if rounded else abs(rounded):f}"


def places(currency: str) -> int:
    """Decimal places shown for `currency`."""
    return 0 if currency in NO_DECIMALS else 2


def display(amount: Decimal | None, currency: str) -> str:
    """Text for people: thousands separators and the currency (`$1,234.56`, `-¥1,235`, `1,234.56 CHF`)."""
    if amount is None:
        return ""
    rounded = amount.quantize(Decimal(1).scaleb(-places(currency)), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    number = f"{abs(rounded):,}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def percent(value: Decimal | None) -> str:
    """A percentage for people (`12.50 %`), "" for None."""
    return "" if value is None else f"{value.quantize(CENTS, rounding=ROUND_HALF_UP):,} %"


def services_text(services: Iterable[tuple[str, Decimal]]) -> str:
    """Top services as one cell: `EC2 1234.56; S3 99.00`."""
    return "; ".join(f"{name} {plain(amount)}" for name, amount in services)


def excel_format(currency: str) -> str:
    """An Excel number format for amounts in `currency`, negatives in red."""
    digits = "#,##0" if currency in NO_DECIMALS else "#,##0.00"
    symbol = SYMBOLS.get(currency)
    if symbol:
        return f'"{symbol}"{digits};[Red]-"{symbol}"{digits}'
    code = "".join(ch for ch in currency if ch.isalnum()) or "?"
    return f'{digits} "{code}";[Red]-{digits} "{code}"'


PERCENT_FORMAT = '0.00"%";[Red]-0.00"%"'
"""An Excel number format for percentages stored as percent values (12.5 shows as 12.50%)."""
