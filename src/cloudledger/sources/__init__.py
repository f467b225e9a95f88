"""Billing formats: a registry of sources, each mapping its files to FOCUS rows.

A source module defines a `Source` and registers it with `register`; `detect_source` picks the source
whose `detect(header)` accepts a file's column names, so `cloudledger ingest PATH` needs no format flag.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cloudledger.errors import UnknownFormatError
from cloudledger.sources.files import BillingFile
from cloudledger.sources.native import NativeTotal, SourceRows


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
    read: Callable[[BillingFile], SourceRows | Iterable[SourceRows]]
    """Ledger rows of one file (normalised, with `x_source_file`/`x_source_row`) and its native totals;
    a large file may be yielded in batches (its native totals spread over them), so that it streams."""
    column_map: tuple[ColumnMapping, ...] = field(default=())
    notes: str = ""
    """Markdown for the docs page: what the files look like, what to know before ingesting them."""
    accepts: Callable[[BillingFile], bool] | None = None
    """A further test on the file itself after `detect(header)` (e.g. a file-name pattern)."""
    accepts_rule: str = ""
    """What `accepts` asks for, in words (shown when a file's columns fit but it is refused)."""
    read_together: Callable[[Sequence[BillingFile]], Iterable[SourceRows]] | None = None
    """For formats whose files only make sense together (Azure actual + amortized cost of one period):
    called once per ingest and group (see `together_group`) with the group's files, instead of `read` per
    file. When one file of a group changed, the whole group is read again."""
    together_group: Callable[[BillingFile], str] | None = None
    """Which files can be read together at all (e.g. the billing period of a delivery folder); files of
    other groups are not re-read when one group changes. None: all of the ingest's files are one group."""


REGISTRY: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add `source` to the registry (names are unique)."""
    if source.name in REGISTRY:
        raise ValueError(f"source {source.name!r} is already registered")
    REGISTRY[source.name] = source
    return source


def detect_source(file: BillingFile, extra: Sequence[Source] = ()) -> Source:
    """The source that recognises `file`'s header: `extra` ones first (mappings from the user's
    `cloudledger.yaml`), then the registered ones."""
    load_builtin_sources()
    header = file.header
    by_header = [s for s in (*extra, *REGISTRY.values()) if s.detect(header)]
    matches = [s for s in by_header if s.accepts is None or s.accepts(file)]
    if by_header and not matches:
        refused = "; ".join(f"{s.name}: {s.accepts_rule or 'refused'}" for s in by_header)
        raise UnknownFormatError(
            f"the file has the columns of {', '.join(s.name for s in by_header)} but is not accepted ({refused})",
            file=str(file.path),
        )
    if not matches:
        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
        raise UnknownFormatError(
            "not a billing export cloudledger can read: no known source recognises its columns "
            f"({shown}); known sources: {', '.join(sorted({*REGISTRY, *(s.name for s in extra)}))}; "
            "a CSV of another layout can be mapped in cloudledger.yaml (see docs/sources/csv.md)",
            file=str(file.path),
        )
    return matches[0]


BUILTIN_SOURCES = ("focus", "azure_cost", "aws_cur", "aws_cur2", "gcp_billing", "oci_cost", "opencost", "saas")
"""Modules under `cloudledger.sources` that register a source, in detection order."""


def read_rows(source: Source, file: BillingFile) -> SourceRows:
    """All of a file's ledger rows and native totals at once (for tools that need the whole file)."""
    import pyarrow as pa

    from cloudledger.sources.native import merge_native

    if source.read_together is not None:
        parts = list(source.read_together([file]))
    else:
        result = source.read(file)
        parts = [result] if isinstance(result, SourceRows) else list(result)
    if not parts:
        raise UnknownFormatError("the file has no billing rows", file=str(file.path))
    table = pa.concat_tables([p.table for p in parts], promote_options="default")
    return SourceRows(table, merge_native([n for p in parts for n in p.native]))


def load_builtin_sources() -> None:
    """Import the built-in source modules (each registers itself on import)."""
    for module in BUILTIN_SOURCES:
        importlib.import_module(f"cloudledger.sources.{module}")


__all__ = [
    "REGISTRY",
    "BillingFile",
    "ColumnMapping",
    "NativeTotal",
    "Source",
    "SourceRows",
    "detect_source",
    "load_builtin_sources",
    "read_rows",
    "register",
]
