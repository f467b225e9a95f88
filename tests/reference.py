"""Independent reference totals: sums computed with `decimal.Decimal` from the raw text of billing files."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

LEDGER_PLACES = Decimal("1E-10")
NULLS = {"", "NULL", "null"}


def ledger_decimal(text: str | None) -> Decimal | None:
    """A text value as the ledger stores it: decimal(38,10), rounded half away from zero."""
    if text is None or text.strip() in NULLS:
        return None
    return Decimal(text.strip()).quantize(LEDGER_PLACES, rounding=ROUND_HALF_UP)


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def totals_by(
    rows: Sequence[dict[str, str]], keys: Sequence[str], metrics: Sequence[str]
) -> dict[tuple[str, ...], dict[str, Decimal | int]]:
    """Row count and exact metric sums per key tuple."""
    out: dict[tuple[str, ...], dict[str, Decimal | int]] = defaultdict(
        lambda: {"rows": 0, **{m: Decimal(0) for m in metrics}}
    )
    for row in rows:
        key = tuple(row[k] for k in keys)
        entry = out[key]
        entry["rows"] = int(entry["rows"]) + 1
        for metric in metrics:
            value = ledger_decimal(row.get(metric))
            if value is not None:
                entry[metric] = Decimal(entry[metric]) + value
    return dict(out)
