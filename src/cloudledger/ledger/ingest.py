"""The one write path: read billing files, then replace the slices they cover in one Delta commit.

An ingest lands whole or not at all: every file is read and checked before anything is written, the
commit is atomic, and an ingest that dies is marked `interrupted` by the next one (or `landed` if its
commit made it into the Delta log).
"""

from __future__ import annotations

import fcntl
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.datafiles import DataFiles, ingest_files
from cloudledger.ledger.read_plan import ReadJob, plan_reads
from cloudledger.ledger.rollups import discard_ingest_rollups, write_ingest_rollups
from cloudledger.ledger.state import FileRecord, SliceTotals, StateDB
from cloudledger.ledger.table import Ledger
from cloudledger.ledger.totals import merge_totals, rows_per_file, slice_totals
from cloudledger.sources import Source
from cloudledger.sources.deliveries import select_deliveries
from cloudledger.sources.files import BillingFile, expand_paths
from cloudledger.sources.native import NativeTotal, merge_native
from cloudledger.sources.normalize import (
    SliceKey,
)

FileCallback = Callable[[BillingFile, int], None]


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest did."""

    ingest_id: str | None
    status: str  # landed | unchanged
    files_read: tuple[FileRecord, ...]
    files_unchanged: tuple[str, ...]
    files_superseded: tuple[str, ...]
    """Files an export's newer delivery replaces (by the provider's manifests); not read."""
    rows: int
    slices: tuple[SliceTotals, ...]
    replaced: tuple[SliceKey, ...]
    """Slices that held rows before this ingest and were replaced (restatements)."""
    delta_version: int | None
    seconds: float


@contextmanager
def ingest_lock(home: Home) -> Iterator[None]:
    """Serialise ingests into one home (readers never wait)."""
    home.ensure()
    with home.lock_path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(state: StateDB, ledger: Ledger, staging_root: Path, rollups_root: Path | None = None) -> None:
    """Settle ingests that died: landed if their commit is in the Delta log, else interrupted.

    Only called while holding the ingest lock, so no writer is running: the data files a dead ingest
    wrote but never committed (vacuum does not see them) are removed, with the staging folder and
    `*.parquet#*` files earlier versions of the write path could leave.
    """
    shutil.rmtree(staging_root, ignore_errors=True)
    for ingest_id in state.running_ingests():
        version = ledger.find_commit(ingest_id)
        if version is None:
            for orphan in ingest_files(ledger.path, ingest_id):
                orphan.unlink(missing_ok=True)
            if rollups_root is not None:
                discard_ingest_rollups(rollups_root, ingest_id)
            state.finish_ingest(ingest_id, "interrupted", message="the process stopped before its commit")
        else:
            state.finish_ingest(ingest_id, "landed", delta_version=version, message="settled after a crash")
    if ledger.path.exists():
        for debris in ledger.path.rglob("*.parquet#*"):
            debris.unlink(missing_ok=True)


def _check_one_delivery(file: BillingFile, slices: Sequence[SliceTotals], folders: dict[SliceKey, set[Path]]) -> None:
    """Files of one slice must come from one delivery (one folder), or the slice would be counted twice."""
    for part in slices:
        seen = folders.setdefault(part.key, set())
        seen.add(file.path.parent)
        if len(seen) > 1:
            shown = ", ".join(sorted(str(f) for f in seen))
            raise InputError(
                f"billing period {part.billing_period} of account {part.billing_account} is delivered twice, "
                f"in {shown}; ingest one delivery at a time (the later ingest replaces the earlier one)",
                file=str(file.path),
            )


def ingest(
    home: Home,
    paths: Iterable[str | Path],
    *,
    force: bool = False,
    on_file: FileCallback | None = None,
    sources: Sequence[Source] = (),
) -> IngestSummary:
    """Ingest files: new or changed files replace the slices they cover; unchanged files are skipped.

    `sources` are tried before the built-in ones (the CSV mappings of the user's `cloudledger.yaml`)."""
    started = time.perf_counter()
    selection = select_deliveries(expand_paths(paths))
    files = selection.files
    superseded = tuple(str(f.path) for f in selection.superseded)
    with ingest_lock(home):
        state = StateDB(home.state_db_url)
        ledger = Ledger(home.ledger_path)
        try:
            recover(state, ledger, home.staging_path, home.rollups_path)
            jobs, unchanged = plan_reads(state, files, force, sources)
            if not jobs:
                return IngestSummary(
                    None, "unchanged", (), tuple(unchanged), superseded, 0, (), (), ledger.version(), 0.0
                )
            ingest_id = str(uuid.uuid4())
            state.start_ingest(ingest_id, len(files))
            try:
                summary = _land(home, state, ledger, ingest_id, jobs, unchanged, on_file)
            except BaseException as exc:
                state.finish_ingest(ingest_id, "failed", message=str(exc) or type(exc).__name__)
                raise
            return replace(summary, files_superseded=superseded, seconds=time.perf_counter() - started)
        finally:
            state.dispose()


def _land(
    home: Home,
    state: StateDB,
    ledger: Ledger,
    ingest_id: str,
    jobs: Sequence[ReadJob],
    unchanged: Sequence[str],
    on_file: FileCallback | None,
) -> IngestSummary:
    written = DataFiles(home.ledger_path, ingest_id, ledger.schema())
    try:
        records: list[FileRecord] = []
        totals: dict[SliceKey, SliceTotals] = {}
        native: list[NativeTotal] = []
        folders: dict[SliceKey, set[Path]] = {}
        for job in jobs:
            file_rows: dict[str, int] = {}
            for result in job.read():
                table = result.table
                file_totals = slice_totals(table)
                if job.source.read_together is None:
                    _check_one_delivery(job.files[0], file_totals, folders)
                merge_totals(totals, file_totals, job.files[0])
                native.extend(result.native)
                for path, count in rows_per_file(table).items():
                    file_rows[path] = file_rows.get(path, 0) + count
                written.write(table)
                del table, result
            if not file_rows:
                raise InputError(
                    "the files have headers but no billing rows", file=", ".join(str(f.path) for f in job.files)
                )
            for file in job.files:
                rows = file_rows.get(str(file.path), 0)
                records.append(FileRecord(str(file.path), file.sha256, file.size, job.source.name, rows, "read"))
                if on_file:
                    on_file(file, rows)
        slices = [totals[key] for key in sorted(totals)]
        keys = [s.key for s in slices]
        previous = _present_slices(ledger, keys)
        files = written.close()
        write_ingest_rollups(home.rollups_path, home.ledger_path, files, ingest_id)
        state.record_plan(ingest_id, records, slices, written.rows, merge_native(native))
        assert written.schema is not None
        version = ledger.replace_slices(files, written.schema, keys, ingest_id)
    except BaseException:
        if ledger.find_commit(ingest_id) is None:
            written.discard()
            discard_ingest_rollups(home.rollups_path, ingest_id)
        raise
    state.finish_ingest(ingest_id, "landed", delta_version=version)
    return IngestSummary(
        ingest_id,
        "landed",
        tuple(records),
        tuple(unchanged),
        (),
        written.rows,
        tuple(slices),
        tuple(previous),
        version,
        0.0,
    )


def _present_slices(ledger: Ledger, keys: Sequence[SliceKey]) -> list[SliceKey]:
    """Which of `keys` already hold rows in the ledger."""
    return sorted(ledger.present_slices().intersection(keys))
