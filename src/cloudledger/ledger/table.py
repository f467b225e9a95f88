"""The Delta Lake table that holds every FOCUS row, partitioned by the ingest slice key.

One write path (`replace_slices`): a single Delta commit that replaces exactly the slices an ingest
covers with the data files it wrote (`ledger.datafiles`). Readers take the Parquet file list of one
snapshot from the Delta log, never a folder glob.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
from deltalake import CommitProperties, DeltaTable
from deltalake.exceptions import TableNotFoundError

from cloudledger.errors import LedgerError
from cloudledger.focus.spec import load_spec
from cloudledger.ledger.commit import commit_files
from cloudledger.ledger.datafiles import DataFile
from cloudledger.sources.normalize import SLICE_COLUMNS, SliceKey

INGEST_ID_KEY = "cloudledger.ingest_id"
AsOf = int | datetime | None


def parse_as_of(text: str | None) -> AsOf:
    """`--as-of`: a Delta version number, a date (the end of that UTC day) or an ISO date-time."""
    if text is None or text == "":
        return None
    if text.isdigit():
        return int(text)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) - timedelta(microseconds=1)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise LedgerError(f"--as-of {text!r} is neither a version number nor a date (YYYY-MM-DD) or date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Snapshot:
    """One version of the ledger: its Parquet files and schema."""

    version: int | None
    files: tuple[str, ...]
    schema: pa.Schema
    timestamp: datetime | None


class Ledger:
    """The Delta table at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _open(self, version: int | None = None) -> DeltaTable | None:
        try:
            return DeltaTable(str(self.path), version=version)
        except TableNotFoundError:
            return None

    def version(self) -> int | None:
        table = self._open()
        return None if table is None else table.version()

    def snapshot(self, as_of: AsOf = None) -> Snapshot:
        table = self._open()
        if table is None:
            if as_of is not None:
                raise LedgerError("the ledger is empty: there is no version to travel to; run `cloudledger ingest`")
            return Snapshot(None, (), empty_schema(), None)
        if as_of is not None:
            self._travel(table, as_of)
        protocol = table.protocol()
        if protocol.reader_features:
            raise LedgerError(
                f"the ledger uses Delta reader features {protocol.reader_features} this version cannot read"
            )
        schema = pa.schema(table.schema().to_arrow())
        stamp = self._commit_time(table, table.version())
        return Snapshot(table.version(), tuple(table.file_uris()), schema, stamp)

    def _travel(self, table: DeltaTable, as_of: int | datetime) -> None:
        latest = table.version()
        if isinstance(as_of, int):
            if as_of > latest or as_of < 0:
                raise LedgerError(f"the ledger has versions 0 to {latest}; there is no version {as_of}")
            try:
                table.load_as_version(as_of)
            except Exception as exc:
                raise LedgerError(f"version {as_of} is no longer readable (vacuumed?): {exc}") from exc
            return
        first = self._commit_time(table, 0)
        if first is not None and as_of < first:
            raise LedgerError(
                f"the ledger did not exist yet at {as_of.isoformat()}; its first version is from {first.isoformat()}"
            )
        table.load_as_version(as_of)

    @staticmethod
    def _commit_time(table: DeltaTable, version: int) -> datetime | None:
        for entry in table.history():
            if entry.get("version") == version and "timestamp" in entry:
                return datetime.fromtimestamp(int(entry["timestamp"]) / 1000, UTC)
        return None

    def history(self) -> list[dict[str, Any]]:
        table = self._open()
        return [] if table is None else list(table.history())

    def find_commit(self, ingest_id: str) -> int | None:
        """The version committed by ingest `ingest_id`, if its commit landed."""
        for entry in self.history():
            if entry.get(INGEST_ID_KEY) == ingest_id:
                return int(entry["version"])
        return None

    def present_slices(self) -> set[SliceKey]:
        """The slices the current version holds rows for (from the Delta log's partition values)."""
        table = self._open()
        if table is None:
            return set()
        actions = pa.table(table.get_add_actions(flatten=True))
        columns = [f"partition.{name}" for name in SLICE_COLUMNS]
        return {(row[columns[0]], row[columns[1]], row[columns[2]]) for row in actions.select(columns).to_pylist()}

    def schema(self) -> pa.Schema | None:
        """The current version's schema (None before the first ingest)."""
        table = self._open()
        return None if table is None else pa.schema(table.schema().to_arrow())

    def replace_slices(
        self, files: Sequence[DataFile], schema: pa.Schema, slices: Sequence[SliceKey], ingest_id: str
    ) -> int:
        """Replace exactly `slices` with the already written `files` in one commit; return the new version.

        `schema` is the ledger's schema plus any columns the ingest adds (at the end).
        """
        props = CommitProperties(custom_metadata={INGEST_ID_KEY: ingest_id}, max_commit_retries=10)
        commit_files(self.path, self._open(), files, schema, slices, ingest_id, props)
        version = self.version()
        assert version is not None
        return version


def empty_schema() -> pa.Schema:
    """The ledger's schema before anything was ingested."""
    spec_fields = list(load_spec().arrow_schema())
    extra = [pa.field("x_source_file", pa.string()), pa.field("x_source_row", pa.int64())]
    slices = [pa.field(name, pa.string()) for name in SLICE_COLUMNS]
    return pa.schema(spec_fields + extra + slices)
