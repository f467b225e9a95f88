"""Dates of mapped CSV files: parsed with a given strftime format, or with one inferred from the data.

Inference knows ISO 8601 dates and date-times, YYYY-MM months and slashed dates; M/D/YYYY and
D/M/YYYY are told apart only by a number above 12 in the data, and are an error when nothing tells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import TIMESTAMP_TYPE
from cloudledger.sources.csv_values import first_row
from cloudledger.sources.decimals import blank_as_null

ISO_RE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
MONTH_RE = r"^\d{4}-\d{1,2}$"
SLASHED_RE = r"^(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})$"
PATTERNS = ((ISO_RE, "ISO"), (MONTH_RE, "YYYY-MM"), (SLASHED_RE, "M/D/YYYY or D/M/YYYY"))
INFERRED = "ISO (2024-01-31 or 2024-01-31T10:00:00Z), M/D/YYYY, D/M/YYYY or YYYY-MM"


@dataclass(frozen=True)
class DateColumn:
    """Where a date column is, for error messages: the file, the column, and where to set `format:`."""

    file: str
    column: str
    format_hint: str
    """E.g. 'set `format:` under charge_period (cloudledger.yaml line 5, column 7)'."""

    def error(self, message: str, row: int | None = None) -> InputError:
        return InputError(message, file=self.file, row=row, column=self.column)


@dataclass(frozen=True)
class ParsedDates:
    values: pa.ChunkedArray
    """UTC timestamps, one per row, never null."""
    monthly: bool
    """The text names months (YYYY-MM, or a format without a day)."""


def parse_dates(values: pa.ChunkedArray, fmt: str | None, where: DateColumn) -> ParsedDates:
    """Every row's date as a UTC timestamp (dates without a zone are UTC); empty or bad dates raise."""
    text = blank_as_null(values)
    if text.null_count:
        raise where.error("the date is empty; every row needs one", first_row(pc.is_null(text)))
    if fmt is not None:
        return ParsedDates(_strptime(text, fmt, where), not re.search(r"%[dj]", fmt))
    return _infer(text, where)


def _strptime(text: pa.ChunkedArray, fmt: str, where: DateColumn) -> pa.ChunkedArray:
    parsed = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
    if parsed.null_count:
        row = first_row(pc.is_null(parsed))
        raise where.error(f"{text[row - 1].as_py()!r} is not a date in the mapping's format {fmt!r}", row)
    return parsed.cast(TIMESTAMP_TYPE)


def _infer(text: pa.ChunkedArray, where: DateColumn) -> ParsedDates:
    first = str(text[0].as_py())
    found = next(((p, label) for p, label in PATTERNS if re.match(p, first)), None)
    if found is None:
        raise where.error(f"cannot tell the date format of {first!r}: expected {INFERRED}; {where.format_hint}", 1)
    pattern, label = found
    unlike = pc.invert(pc.match_substring_regex(text, pattern))
    if pc.any(unlike).as_py():
        row = first_row(unlike)
        raise where.error(
            f"{text[row - 1].as_py()!r} is not written like the column's first date {first!r} ({label}); "
            f"{where.format_hint}",
            row,
        )
    if label == "ISO":
        return ParsedDates(_iso(text, where), False)
    if label == "YYYY-MM":
        days = pc.strptime(
            pc.binary_join_element_wise(text, "01", "-"), format="%Y-%m-%d", unit="us", error_is_null=True
        )
        if days.null_count:
            row = first_row(pc.is_null(days))
            raise where.error(f"{text[row - 1].as_py()!r} is not a valid month (YYYY-MM)", row)
        return ParsedDates(days.cast(TIMESTAMP_TYPE), True)
    return ParsedDates(_strptime(text, _slashed_format(text, where), where), False)


def _iso(text: pa.ChunkedArray, where: DateColumn) -> pa.ChunkedArray:
    """ISO text to UTC: with a zone as written, without one as UTC; impossible dates name their row."""
    for target in (TIMESTAMP_TYPE, pa.timestamp("us")):
        try:
            return pc.cast(text, target).cast(TIMESTAMP_TYPE)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    out: list[datetime] = []
    for row, value in enumerate(text.to_pylist(), start=1):
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise where.error(f"{value!r} is not a valid date", row) from None
        out.append(moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC))
    return pa.chunked_array([pa.array(out, TIMESTAMP_TYPE)])


def _slashed_format(text: pa.ChunkedArray, where: DateColumn) -> str:
    """%m/%d/%Y or %d/%m/%Y, whichever the data proves (a number above 12 can only be a day)."""
    parts = pc.extract_regex(text, SLASHED_RE)
    first = pc.cast(pc.struct_field(parts, "first"), pa.int32())
    second = pc.cast(pc.struct_field(parts, "second"), pa.int32())
    day_first, day_second = pc.greater(first, 12), pc.greater(second, 12)
    if pc.any(day_first).as_py() and pc.any(day_second).as_py():
        a, b = first_row(day_first), first_row(day_second)
        raise where.error(
            f"the column mixes D/M/YYYY ({text[a - 1].as_py()!r}, row {a}) and M/D/YYYY "
            f"({text[b - 1].as_py()!r}, row {b}); {where.format_hint}",
            b,
        )
    if pc.any(day_first).as_py():
        return "%d/%m/%Y"
    if pc.any(day_second).as_py():
        return "%m/%d/%Y"
    raise where.error(
        f"dates such as {text[0].as_py()!r} could be M/D/YYYY or D/M/YYYY and no day above 12 tells which; "
        f'{where.format_hint}: "%m/%d/%Y" or "%d/%m/%Y"'
    )


def month_start(moments: pa.ChunkedArray) -> pa.Array:
    """The first instant (UTC) of each moment's calendar month."""
    return _months(moments, 0)


def next_month_start(moments: pa.ChunkedArray) -> pa.Array:
    """The first instant (UTC) of the calendar month after each moment's."""
    return _months(moments, 1)


def _months(moments: pa.ChunkedArray, offset: int) -> pa.Array:
    micros = moments.cast(pa.timestamp("us")).cast(pa.int64()).to_numpy()
    months = micros.astype("datetime64[us]").astype("datetime64[M]") + np.timedelta64(offset, "M")
    return pa.array(months.astype("datetime64[us]")).cast(TIMESTAMP_TYPE)


def next_day(moments: pa.ChunkedArray) -> pa.ChunkedArray:
    """One day after each moment."""
    micros = pc.add(moments.cast(pa.timestamp("us")).cast(pa.int64()), 86_400_000_000)
    return micros.cast(pa.timestamp("us")).cast(TIMESTAMP_TYPE)
