"""Azure cost details values as written: money, dates (M/D/YYYY, MM/DD/YYYY or ISO), tags, as typed Arrow.

Every value that does not parse raises InputError naming the file, the 1-based data row and the column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE, TAGS_TYPE, TIMESTAMP_TYPE
from cloudledger.sources.decimals import parse_decimal

_PLACES = Decimal(1).scaleb(-10)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$", re.I)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$")
_BAD = object()


def combined(values: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    return values


def _first_bad(values: pa.Array, bad: pa.Array) -> int:
    """1-based row of the first value that is in `bad`."""
    hits = pc.is_in(values, value_set=bad)
    return int(np.flatnonzero(hits.fill_null(False).to_numpy(zero_copy_only=False))[0]) + 1


def parse_unique(
    values: pa.ChunkedArray | pa.Array,
    parse: Callable[[str], Any],
    type: pa.DataType,
    *,
    file: str,
    column: str,
    expected: str,
) -> pa.Array:
    """`parse` once per distinct text value (returning `_BAD` for what it rejects), spread over the rows."""
    text = combined(values).cast(pa.string())
    encoded = pc.dictionary_encode(text)
    uniques = encoded.dictionary.to_pylist()
    parsed = [parse(v) for v in uniques]
    bad = [u for u, p in zip(uniques, parsed, strict=True) if p is _BAD]
    if bad:
        row = _first_bad(text, pa.array(bad, pa.string()))
        raise InputError(
            f"{text[row - 1].as_py()!r} is not {expected} ({len(bad)} distinct value(s) like this)",
            file=file,
            row=row,
            column=column,
        )
    return pa.array(parsed, type).take(encoded.indices)


def money(values: pa.ChunkedArray | pa.Array, *, file: str, column: str) -> pa.Array:
    """Decimal text (plain or E-notation) as decimal(38,10), rounded half away from zero."""
    return parse_decimal(values, file=file, column=column).combine_chunks()


def multiply(left: pa.Array, right: pa.Array) -> pa.Array:
    """left x right for decimal(38,10) arrays, exact, rounded to 10 places half away from zero."""
    try:
        product = pc.multiply(left.cast(pa.decimal128(18, 10)), right.cast(pa.decimal128(19, 10)))
        return pc.cast(pc.round(product, ndigits=10, round_mode="half_towards_infinity"), MONEY_TYPE)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pairs = zip(left.to_pylist(), right.to_pylist(), strict=True)
        return pa.array(
            [None if a is None or b is None else (a * b).quantize(_PLACES, rounding=ROUND_HALF_UP) for a, b in pairs],
            MONEY_TYPE,
        )


def _date(text: str) -> object:
    text = text.strip()
    us, iso = _US_DATE.match(text), _ISO_DATE.match(text)
    try:
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        return _BAD
    return _BAD


def dates(values: pa.ChunkedArray | pa.Array, *, file: str, column: str) -> pa.Array:
    """M/D/YYYY, MM/DD/YYYY or ISO YYYY-MM-DD dates as date32 (null stays null)."""
    expected = "a date as M/D/YYYY, MM/DD/YYYY or YYYY-MM-DD"
    return parse_unique(values, _date, pa.date32(), file=file, column=column, expected=expected)


def midnight(days: pa.Array, plus_days: int = 0) -> pa.Array:
    """Dates as UTC timestamps at midnight, shifted by `plus_days`."""
    stamps = pc.cast(pc.cast(days, pa.timestamp("us")), TIMESTAMP_TYPE)
    if plus_days:
        stamps = pc.add(stamps, pa.scalar(timedelta(days=plus_days), pa.duration("us")))
    return stamps


def month_start(days: pa.Array, plus_months: int = 0) -> pa.Array:
    """The first day of each date's month (or of the month `plus_months` later), as UTC timestamps."""

    def shift(day: date | None) -> datetime | None:
        if day is None:
            return None
        months = day.year * 12 + day.month - 1 + plus_months
        return datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC)

    encoded = pc.dictionary_encode(days)
    return pa.array([shift(d) for d in encoded.dictionary.to_pylist()], TIMESTAMP_TYPE).take(encoded.indices)


def month_text(stamps: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Timestamps as `YYYY-MM` text (formatted once per distinct value)."""
    encoded = pc.dictionary_encode(combined(stamps))
    return pc.strftime(encoded.dictionary, format="%Y-%m").take(encoded.indices)


def _tags(text: str) -> object:
    body = text.strip()
    if not body:
        return None
    try:
        parsed = json.loads(body if body.startswith("{") else "{" + body + "}")
    except ValueError:
        return _BAD
    if not isinstance(parsed, dict):
        return _BAD
    return [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in parsed.items()]


def tags(values: pa.ChunkedArray | pa.Array, *, file: str, column: str) -> pa.Array:
    """Azure tags, `"a": "b","c": "d"` (EA, no braces) or a JSON object (MCA), as a map of text."""
    expected = 'tags as JSON, either an object or its "key": "value" pairs without the braces'
    return parse_unique(values, _tags, TAGS_TYPE, file=file, column=column, expected=expected)
