"""Billing formats: a registry of sources, each mapping its files to FOCUS rows.

A source module defines a `Source` and registers it with `register`; `detect_source` picks the source
whose `detect(header)` accepts a file's column names, so `cloudledger ingest PATH` needs no format flag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from cloudledger.errors import UnknownFormatError
from cloudledger.sources.files import BillingFile


@dataclass(frozen=True)
class ColumnMapping:
    """One row of a source's mapping table (drives both `read()` and `docs/sources/<name>.md`)."""

    focus_column: str
    source_expression: str
    note: str = ""


@dataclass(frozen=True)
class Source:
    """A billing format: how to recognise it and how to turn its files into ledger rows."""

    name: str
    description: str
    detect: Callable[[Sequence[str]], bool]
    read: Callable[[BillingFile], pa.Table]
    column_map: tuple[ColumnMapping, ...] = field(default=())
    notes: str = ""
    """Markdown for the docs page: what the files look like, what to know before ingesting them."""


REGISTRY: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add `source` to the registry (names are unique)."""
    if source.name in REGISTRY:
        raise ValueError(f"source {source.name!r} is already registered")
    REGISTRY[source.name] = source
    return source


def detect_source(file: BillingFile) -> Source:
    """The registered source that recognises `file`'s header."""
    load_builtin_sources()
    header = file.header
    matches = [s for s in REGISTRY.values() if s.detect(header)]
    if not matches:
        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
        raise UnknownFormatError(
            "not a billing export cloudledger can read: no known source recognises its columns "
            f"({shown}); known sources: {', '.join(sorted(REGISTRY))}",
            file=str(file.path),
        )
    return matches[0]


def load_builtin_sources() -> None:
    """Import the built-in source modules (each registers itself on import)."""
    from cloudledger.sources import focus  # noqa: F401


__all__ = [
    "REGISTRY",
    "BillingFile",
    "ColumnMapping",
    "Source",
    "detect_source",
    "load_builtin_sources",
    "register",
]
