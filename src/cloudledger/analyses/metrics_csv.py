"""Business metrics a user supplies for unit economics: one CSV line per metric, date and (optional) dimension.

Layout (header names are case-insensitive, extra columns are ignored):

    date,metric,value,dimension
    2025-01-06,orders,1834,
    2025-01,active_customers,412,
    2025-01-06,api_calls,1200345,payments-api

A date written YYYY-MM is a value for the whole month (stored on the month's first day, grain "month");
one metric is either daily or monthly within a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow as pa

from cloudledger.errors import InputError
from cloudledger.ledger.metrics_store import ADJECTIVE, Grain, Key, MetricPoint

REQUIRED = ("date", "metric", "value")
OPTIONAL = ("dimension",)
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
NUMBER_HINT = "a decimal number such as 1834, 0.25 or -12.5 (no currency symbols or thousands separators)"
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH = re.compile(r"\d{4}-\d{2}")
PLACES = 10
LIMIT = Decimal(10) ** (38 - PLACES)
"""Values must stay below this to fit decimal128(38, 10)."""
ARROW_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        ("dimension", pa.string()),
        ("date", pa.date32()),
        ("grain", pa.string()),
        ("value", pa.decimal128(38, PLACES)),
    ]
)


def parse_number(text: str) -> Decimal:
    """`text` (already stripped) as an exact Decimal; ValueError if it is not a plain finite number."""
    if not NUMBER.fullmatch(text):
        raise ValueError(text)
    return Decimal(text)


def read_metrics_csv(path: Path) -> list[MetricPoint]:
    """The metric values in `path`, in file order; a bad value is an error naming its row and column."""
    rows = _read_rows(path)
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        found = ", ".join(repr(name) for name in rows[0]) or "none"
        raise InputError(
            f"missing column(s) {', '.join(missing)}; found columns {found}; a metrics file has "
            f"{', '.join(REQUIRED)} (and optionally {', '.join(OPTIONAL)})",
            file=str(path),
            column=missing[0],
        )
    index = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    points: list[MetricPoint] = []
    seen: dict[Key, int] = {}
    grains: dict[str, tuple[Grain, int]] = {}
    for number, values in enumerate(rows[1:], start=1):
        if not any(v.strip() for v in values):
            continue
        point = _point(values, index, number, str(path))
        _check_unique(point, number, seen, grains, str(path))
        points.append(point)
    return points


def _read_rows(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the metrics file: {exc}", file=str(path)) from exc
    if not rows:
        raise InputError(f"the metrics file is empty: expected a header {','.join(REQUIRED)}", file=str(path))
    return rows


def _point(values: list[str], index: dict[str, int], row: int, file: str) -> MetricPoint:
    def value(name: str) -> str:
        position = index.get(name)
        return values[position].strip() if position is not None and position < len(values) else ""

    def fail(column: str, expected: str) -> InputError:
        return InputError(f"{value(column)!r} is not {expected}", file=file, row=row, column=column)

    metric = value("metric")
    if not metric:
        raise InputError("the metric name is empty; name the metric, e.g. orders", file=file, row=row, column="metric")
    parsed = _parse_date(value("date"))
    if parsed is None:
        raise fail("date", "a date written YYYY-MM-DD (a day) or YYYY-MM (a whole month)")
    try:
        amount = parse_number(value("value"))
    except ValueError:
        raise fail("value", NUMBER_HINT) from None
    if abs(amount) >= LIMIT:
        raise fail("value", f"a number below {LIMIT:,}")
    return MetricPoint(metric, parsed[0], amount, value("dimension"), parsed[1])


def _parse_date(text: str) -> tuple[dt.date, Grain] | None:
    try:
        if DAY.fullmatch(text):
            return dt.date.fromisoformat(text), "day"
        if MONTH.fullmatch(text):
            return dt.date.fromisoformat(f"{text}-01"), "month"
    except ValueError:
        return None
    return None


def _check_unique(
    point: MetricPoint, row: int, seen: dict[Key, int], grains: dict[str, tuple[Grain, int]], file: str
) -> None:
    earlier = seen.setdefault(point.key, row)
    if earlier != row:
        where = f"dimension {point.dimension!r}, " if point.dimension else ""
        raise InputError(
            f"{point.metric} ({where}{_when(point)}) is given twice, in rows {earlier} and {row}; keep one",
            file=file,
            row=row,
            column="date",
        )
    grain, first = grains.setdefault(point.metric, (point.grain, row))
    if grain != point.grain:
        raise InputError(
            f"{point.metric} is {ADJECTIVE[point.grain]} here but {ADJECTIVE[grain]} in row {first}; "
            "write every value of one metric as YYYY-MM-DD (daily) or every one as YYYY-MM (monthly)",
            file=file,
            row=row,
            column="date",
        )


def _when(point: MetricPoint) -> str:
    return point.date.strftime("%Y-%m") if point.grain == "month" else point.date.isoformat()


def metrics_arrow(points: Iterable[MetricPoint]) -> pa.Table:
    """`points` as an Arrow table (metric, dimension, date, grain, value as decimal(38,10), rounded half away
    from zero), the input of the unit-economics analyses."""
    points = list(points)
    exponent = Decimal(1).scaleb(-PLACES)
    columns = {
        "metric": [p.metric for p in points],
        "dimension": [p.dimension for p in points],
        "date": [p.date for p in points],
        "grain": [p.grain for p in points],
        "value": [p.value.quantize(exponent, rounding=ROUND_HALF_UP) for p in points],
    }
    return pa.table(columns, schema=ARROW_SCHEMA)
