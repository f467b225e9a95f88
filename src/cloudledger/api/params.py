"""Query parameters shared by the routes, validated before any analysis runs (a bad one is a 422 naming it)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Query

from cloudledger.analyses.chargeback_model import Level
from cloudledger.analyses.explorer import TAG_PREFIX, CostQuery
from cloudledger.api.errors import bad
from cloudledger.config.allocation import Metric

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
Grain = Literal["day", "month", "billing_period"]

StartMonth = Annotated[
    str | None, Query(pattern=MONTH_PATTERN, description="First billing period, YYYY-MM (inclusive).")
]
EndMonth = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="Last billing period, YYYY-MM (inclusive).")]
Period = Annotated[str, Query(pattern=MONTH_PATTERN, description="Billing period, YYYY-MM.")]
StartDate = Annotated[date | None, Query(description="First day, YYYY-MM-DD (inclusive).")]
EndDate = Annotated[date | None, Query(description="Last day, YYYY-MM-DD (inclusive).")]
EndDay = Annotated[date | None, Query(description="End day, YYYY-MM-DD (exclusive).")]
MetricParam = Annotated[Metric | None, Query(description="Cost column (default: the config's).")]
LevelParam = Annotated[Level | None, Query(description="department, team or cost_center (default: the config's).")]


def check_range(start: str | date | None, end: str | date | None, start_name: str = "start") -> None:
    """`end` must not come before `start` (both months or both dates)."""
    if start is not None and end is not None and str(end) < str(start):
        raise bad("end", f"end {end} is before {start_name} {start}")


def pairs(values: list[str], parameter: str) -> tuple[tuple[str, str], ...]:
    """`COL=VAL` values as (COL, VAL) pairs."""
    out = []
    for value in values:
        name, sep, wanted = value.partition("=")
        if not sep or not name:
            raise bad(parameter, f"{parameter} {value!r} is not NAME=VALUE")
        out.append((name, wanted))
    return tuple(out)


def check_columns(allowed: list[str], query: CostQuery) -> None:
    """Unknown columns in `group_by` or `filter` are blamed on that parameter."""
    for parameter, names in (("group_by", query.group_by), ("filter", [n for n, _ in query.filters])):
        for name in names:
            if name.startswith(TAG_PREFIX):
                if name == TAG_PREFIX:
                    raise bad(parameter, "a tag needs a key: tag:KEY, e.g. tag:team")
            elif name not in allowed:
                raise bad(
                    parameter, f"unknown column {name!r}; valid columns: {', '.join(allowed)}, or tag:KEY for a tag"
                )
