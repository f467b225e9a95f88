"""The billing period of Google Cloud export rows: their invoice month, in Pacific time.

Google invoices by calendar month in US Pacific time (`America/Los_Angeles`), which is how Google's own
FOCUS view and the FinOps Foundation's converter read `invoice.month` (YYYYMM): the period starts at
midnight Pacific on the 1st (07:00 or 08:00 UTC) and ends, exclusive, at midnight Pacific on the 1st of
the next month. Exports older than June 2018 have no `invoice.month`; their rows fall in the Pacific
calendar month of `usage_start_time`.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.sources.gcp_nested import UTC_TYPE, text

INVOICE_ZONE = "America/Los_Angeles"
_MONTH = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")


def billing_period(
    months: pa.ChunkedArray | None, usage_start: pa.ChunkedArray, *, file: str
) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """(BillingPeriodStart, BillingPeriodEnd) of every row, as UTC timestamps."""
    count = len(usage_start)
    if months is None:
        local = usage_start.cast(pa.timestamp("us", tz=INVOICE_ZONE))
        written = pc.strftime(local, format="%Y%m")
    else:
        written = pc.utf8_trim_whitespace(text(months, count))
    encoded = pc.dictionary_encode(written.combine_chunks())
    starts: list[datetime] = []
    ends: list[datetime] = []
    for value in encoded.dictionary.to_pylist():
        match = _MONTH.match(value)
        if match is None:
            raise InputError(
                f"{value!r} is not an invoice month; expected YYYYMM such as 202401",
                file=file,
                row=pc.index(written, value).as_py() + 1,
                column="invoice.month",
            )
        year, month = int(match.group(1)), int(match.group(2))
        starts.append(_pacific_midnight(year, month))
        ends.append(_pacific_midnight(year + month // 12, month % 12 + 1))
    if encoded.null_count:
        row = pc.index(pc.is_null(written), True).as_py() + 1
        raise InputError(
            "invoice.month is empty; expected YYYYMM such as 202401", file=file, row=row, column="invoice.month"
        )
    indices = encoded.indices
    start = pa.array(starts, UTC_TYPE).take(indices)
    end = pa.array(ends, UTC_TYPE).take(indices)
    return pa.chunked_array([start]), pa.chunked_array([end])


def _pacific_midnight(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=ZoneInfo(INVOICE_ZONE)).astimezone(ZoneInfo("UTC"))
