"""Response models of the cost explorer and the ledger routes. Money is a string of exact decimals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

HINT = Field(default=None, description="Set when there is nothing to show yet, with what to do about it.")


class CostsResponse(BaseModel):
    """One row per group and billing currency; the metric's exact total per currency."""

    metric: str
    columns: list[str]
    rows: list[dict[str, Any]]
    """Group values and the metric's exact total (a decimal string)."""
    totals: dict[str, Decimal] = Field(default_factory=dict)
    """Exact total per billing currency."""
    totals_cents: dict[str, Decimal] = Field(default_factory=dict)
    """The totals rounded half-up to cents."""
    version: int | None = None
    """The ledger version read."""
    hint: str | None = HINT


class ColumnsResponse(BaseModel):
    columns: list[str]
    """Columns to group or filter by; any tag is `tag:KEY`."""
    tag_syntax: str = "tag:KEY"
    hint: str | None = HINT


class Ingest(BaseModel):
    id: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    version: int | None
    files: int
    rows: int
    operation: str | None
    message: str | None


class HistoryResponse(BaseModel):
    ingests: list[Ingest]
    """Newest first."""
    hint: str | None = HINT


class Version(BaseModel):
    version: int
    timestamp: datetime | None
    operation: str | None
    ingest_id: str | None


class VersionsResponse(BaseModel):
    versions: list[Version]
    """Newest first."""
    hint: str | None = HINT
