"""Reading AWS Cost and Usage Report files: one set of snake_case names for every CUR flavour, checked values.

Legacy CUR CSV names columns `lineItem/UnblendedCost`; its Athena Parquet and CUR 2.0 name the same column
`line_item_unblended_cost`. `CurTable` holds a file's rows under the snake_case names, remembers the names
the file used (errors quote them), and turns text or numbers into typed, checked Arrow columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE, TIMESTAMP_TYPE

Column: TypeAlias = pa.ChunkedArray | pa.Array
_PLACES = Decimal("1E-10")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake(name: str) -> str:
    """`lineItem/UnblendedCost` -> `line_item_unblended_cost`, as AWS's Athena integration names it."""
    return "_".join(_CAMEL.sub("_", part).lower() for part in name.split("/"))


LEGACY_NAMES = {
    snake(name): name
    for name in (
        "bill/PayerAccountId",
        "bill/BillingPeriodStartDate",
        "bill/BillingPeriodEndDate",
        "lineItem/LineItemType",
        "lineItem/UnblendedCost",
        "lineItem/CurrencyCode",
        "lineItem/UsageStartDate",
        "lineItem/UsageEndDate",
    )
}
"""Legacy CSV names of the columns every report has (to name them when a file lacks one)."""


def chunked(values: Column) -> pa.ChunkedArray:
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def first_row(mask: Column) -> int | None:
    """The 1-based row of the first true value of `mask`, or None."""
    hits = pc.indices_nonzero(pc.fill_null(chunked(mask), False))
    return int(hits[0].as_py()) + 1 if len(hits) else None


_FLOAT_EXACT_BELOW = 9e5
"""Below this, units of 1e-10 fit a double's 53-bit mantissa exactly."""


def float_money(values: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Doubles as decimal(38,10) when each one's shortest text has at most 10 decimals (else None).

    A value d on the 1e-10 grid whose nearest double is the value itself is that value's shortest text (a
    shorter text would be on the grid too), so the check `units / 1e10 == value` proves exactness."""
    array = chunked(values).combine_chunks()
    numbers = array.to_numpy(zero_copy_only=False)
    if array.null_count:
        valid = pc.is_valid(array).to_numpy(zero_copy_only=False)
        filled = np.where(valid, numbers, 0.0)
    else:
        valid, filled = None, numbers
    if not np.all(np.isfinite(filled)) or np.any(np.abs(filled) >= _FLOAT_EXACT_BELOW):
        return None
    units = np.rint(filled * 1e10)
    if not np.array_equal(units / 1e10, filled):
        return None
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units.astype(np.int64)
    words[:, 1] = words[:, 0] >> 63
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    buffers = [bitmap, pa.py_buffer(words)]
    return pa.chunked_array([pa.Array.from_buffers(MONEY_TYPE, len(units), buffers, array.null_count)])


def _utc(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass
class CurTable:
    """A CUR file's columns under snake_case names, with the file's own names kept for messages."""

    table: pa.Table
    file: str
    original: dict[str, str] = field(default_factory=dict)
    """snake_case name -> the name in the file."""
    _parsed: dict[tuple[str, str], pa.ChunkedArray] = field(default_factory=dict, repr=False)
    exact: set[str] = field(default_factory=set, repr=False)
    """Amount columns whose every value has at most 10 decimals: `money()` holds them exactly as written."""

    @classmethod
    def from_raw(cls, raw: pa.Table, file: str, names: Iterable[str] | None = None) -> CurTable:
        """Rename `raw`'s columns to snake_case (tag columns keep their names)."""
        renamed: dict[str, str] = {}
        for name in names or raw.column_names:
            key = name if name.startswith("resourceTags/") else snake(name)
            renamed.setdefault(key, name)
        table = raw.rename_columns([snake(n) if not n.startswith("resourceTags/") else n for n in raw.column_names])
        return cls(table, file, renamed)

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)

    def has(self, name: str) -> bool:
        return bool(self.table.schema.get_field_index(name) >= 0)

    def name(self, key: str) -> str:
        """The column's name as the file writes it (a missing column as the file's naming would spell it)."""
        if key in self.original:
            return self.original[key]
        if any("/" in name for name in self.original.values()):
            return LEGACY_NAMES.get(key, key)
        return key

    def require(self, keys: Iterable[str]) -> None:
        missing = [k for k in keys if not self.has(k)]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(self.name(k) for k in missing)}; every Cost and Usage Report has them "
                "(was the file cut, or exported with columns left out?)",
                file=self.file,
                column=self.name(missing[0]),
            )

    def raw(self, key: str) -> pa.ChunkedArray | None:
        return self.table[key] if self.has(key) else None

    def _cached(self, kind: str, key: str, parse: Callable[[str], pa.ChunkedArray]) -> pa.ChunkedArray:
        found = self._parsed.get((kind, key))
        if found is None:
            found = self._parsed[(kind, key)] = parse(key)
        return found

    def text(self, key: str) -> pa.ChunkedArray:
        """Trimmed text, empty as null; an absent column is all null."""
        return self._cached("text", key, self._text)

    def money(self, key: str) -> pa.ChunkedArray:
        """Decimal(38,10), rounded half away from zero; absent or empty is null; bad text is an error."""
        return self._cached("money", key, self._money)

    def timestamp(self, key: str) -> pa.ChunkedArray:
        """UTC timestamps; ISO 8601 text without a zone is UTC; bad text is an error."""
        return self._cached("timestamp", key, self._timestamp)

    def _text(self, key: str) -> pa.ChunkedArray:
        values = self.raw(key)
        if values is None:
            return pa.chunked_array([pa.nulls(self.rows, pa.string())])
        text = pc.utf8_trim_whitespace(values.cast(pa.string()))
        return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)

    def _money(self, key: str) -> pa.ChunkedArray:
        values = self.raw(key)
        if values is None:
            return pa.chunked_array([pa.nulls(self.rows, MONEY_TYPE)])
        if pa.types.is_decimal(values.type) or pa.types.is_integer(values.type):
            return values.cast(MONEY_TYPE)
        if pa.types.is_float64(values.type):
            exact = float_money(values)
            if exact is not None:
                self.exact.add(key)
                return exact
        text = self.text(key)  # floats: their shortest text is what the provider meant
        try:
            wide = pc.cast(text, pa.decimal128(38, 20))
            rounded = pc.round(wide, ndigits=10, round_mode="half_towards_infinity")
            if pc.all(pc.equal(rounded, wide)).as_py() is not False:
                self.exact.add(key)
            return rounded.cast(MONEY_TYPE)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return self._money_slowly(text, key)

    def _money_slowly(self, text: pa.ChunkedArray, key: str) -> pa.ChunkedArray:
        out: list[Decimal | None] = []
        for row, value in enumerate(text.to_pylist(), start=1):
            try:
                number = None if value is None else Decimal(value)
                if number is not None and not number.is_finite():
                    raise InvalidOperation
                out.append(None if number is None else number.quantize(_PLACES, rounding=ROUND_HALF_UP))
            except (InvalidOperation, ValueError):
                raise InputError(
                    f"{value!r} is not a number; expected a decimal amount such as 12.34 or 1.5E-05",
                    file=self.file,
                    row=row,
                    column=self.name(key),
                ) from None
        return pa.chunked_array([pa.array(out, MONEY_TYPE)])

    def _timestamp(self, key: str) -> pa.ChunkedArray:
        values = self.raw(key)
        if values is None:
            return pa.chunked_array([pa.nulls(self.rows, TIMESTAMP_TYPE)])
        if pa.types.is_timestamp(values.type):
            typed = values if values.type.tz else pc.assume_timezone(values, "UTC")
            return typed.cast(TIMESTAMP_TYPE)
        text = self.text(key)
        for attempt in (TIMESTAMP_TYPE, pa.timestamp("us")):
            try:
                return pc.cast(text, attempt).cast(TIMESTAMP_TYPE)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
        for row, value in enumerate(text.to_pylist(), start=1):
            try:
                if value is not None:
                    datetime.fromisoformat(value)
            except ValueError:
                raise InputError(
                    f"{value!r} is not a date-time; expected ISO 8601 such as 2024-01-31T00:00:00Z",
                    file=self.file,
                    row=row,
                    column=self.name(key),
                ) from None
        return pa.chunked_array([pa.array([_utc(v) for v in text.to_pylist()], TIMESTAMP_TYPE)])

    def not_empty(self, keys: Iterable[str], expected: str) -> None:
        """Raise on the first row where one of `keys` has no value."""
        for key in keys:
            row = first_row(pc.is_null(self.text(key)))
            if row is not None:
                raise InputError(f"empty value; expected {expected}", file=self.file, row=row, column=self.name(key))
