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
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.datafiles import DataFiles, ingest_files
from cloudledger.ledger.state import FileRecord, SliceTotals, StateDB
from cloudledger.ledger.table import Ledger
from cloudledger.sources import Source, detect_source
from cloudledger.sources.deliveries import select_deliveries
from cloudledger.sources.files import BillingFile, expand_paths
from cloudledger.sources.native import NativeTotal, SourceRows, merge_native
from cloudledger.sources.normalize import (
    SLICE_ACCOUNT,
    SLICE_PERIOD,
    SLICE_SOURCE,
    SOURCE_FILE,
    SOURCE_ROW,
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


def recover(state: StateDB, ledger: Ledger, staging_root: Path) -> None:
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
            state.finish_ingest(ingest_id, "interrupted", message="the process stopped before its commit")
        else:
            state.finish_ingest(ingest_id, "landed", delta_version=version, message="settled after a crash")
    if ledger.path.exists():
        for debris in ledger.path.rglob("*.parquet#*"):
            debris.unlink(missing_ok=True)


def _changed(state: StateDB, files: Sequence[BillingFile], force: bool) -> tuple[list[BillingFile], list[str]]:
    to_read: list[BillingFile] = []
    unchanged: list[str] = []
    for file in files:
        landed = None if force else state.landed_file(str(file.path))
        if landed is not None and landed.sha256 == file.sha256 and landed.size == file.size:
            unchanged.append(str(file.path))
        else:
            to_read.append(file)
    return to_read, unchanged


def _source_of(file: BillingFile, extra: Sequence[Source]) -> Source:
    if file.size == 0:
        raise InputError("the file is empty: expected a header row and billing rows", file=str(file.path))
    if not file.header:
        raise InputError("the file has no header row", file=str(file.path))
    return detect_source(file, extra)


@dataclass(frozen=True)
class _ReadJob:
    """Files one source reads in one call: a single file, or all of a read-together source's files."""

    source: Source
    files: tuple[BillingFile, ...]

    def read(self) -> Iterator[SourceRows]:
        if self.source.read_together is not None:
            yield from self.source.read_together(self.files)
            return
        (file,) = self.files
        result = self.source.read(file)
        batches = (result,) if isinstance(result, SourceRows) else result
        rows = 0
        for batch in batches:
            rows += batch.table.num_rows
            yield batch
        if rows == 0:
            raise InputError("the file has a header but no billing rows", file=str(file.path))


def _plan_reads(
    state: StateDB, files: Sequence[BillingFile], force: bool, extra: Sequence[Source]
) -> tuple[list[_ReadJob], list[str]]:
    """What to read (new or changed files; every file of a read-together source when one changed)."""
    to_read, unchanged = _changed(state, files, force)
    changed = set(to_read)
    jobs: list[_ReadJob] = []
    together: dict[tuple[str, str], list[BillingFile]] = {}
    sources: dict[str, Source] = {}
    for file in files:
        source = _source_of(file, extra) if file in changed or _is_together_candidate(file) else None
        if source is None:
            continue
        if source.read_together is None:
            if file in changed:
                jobs.append(_ReadJob(source, (file,)))
            continue
        sources[source.name] = source
        group_key = source.together_group(file) if source.together_group else ""
        together.setdefault((source.name, group_key), []).append(file)
    for (name, _), group in together.items():
        if changed.intersection(group):
            jobs.append(_ReadJob(sources[name], tuple(group)))
            reread = {str(f.path) for f in group}
            unchanged = [path for path in unchanged if path not in reread]
    return jobs, unchanged


def _is_together_candidate(file: BillingFile) -> bool:
    """Whether an unchanged file may belong to a read-together source (then its source is detected)."""
    from cloudledger.sources import REGISTRY, load_builtin_sources

    load_builtin_sources()
    if not any(s.read_together is not None for s in REGISTRY.values()):
        return False
    return file.size > 0 and bool(file.header)


def slice_totals(rows: pa.Table) -> list[SliceTotals]:
    """Rows and exact totals per slice; rejects a billing account billed in two currencies."""
    keys = [SLICE_PERIOD, SLICE_SOURCE, SLICE_ACCOUNT]
    per_currency = rows.group_by([*keys, "BillingCurrency"]).aggregate([(SOURCE_ROW, "count")])
    if per_currency.num_rows != rows.group_by(keys).aggregate([]).num_rows:
        _reject_mixed_currencies(rows, per_currency)
    metrics = ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"]
    totals = rows.group_by(keys).aggregate(
        [("BillingCurrency", "max"), (SOURCE_ROW, "count"), *((m, "sum") for m in metrics)]
    )
    result = sorted(totals.to_pylist(), key=lambda r: tuple(r[k] for k in keys))
    return [
        SliceTotals(
            r[SLICE_PERIOD],
            r[SLICE_SOURCE],
            r[SLICE_ACCOUNT],
            r["BillingCurrency_max"],
            int(r[f"{SOURCE_ROW}_count"]),
            *(r[f"{m}_sum"] or Decimal(0) for m in metrics),
        )
        for r in result
    ]


def _reject_mixed_currencies(rows: pa.Table, per_currency: pa.Table) -> None:
    """Name the first row billed in a second currency for one account and period."""
    keys = [SLICE_PERIOD, SLICE_SOURCE, SLICE_ACCOUNT]
    seen: dict[tuple[str, ...], str] = {}
    for index, row in enumerate(rows.select([*keys, "BillingCurrency"]).to_pylist()):
        key = tuple(row[k] for k in keys)
        first = seen.setdefault(key, row["BillingCurrency"])
        if row["BillingCurrency"] != first:
            raise InputError(
                f"billing account {key[2]} is billed in several currencies in {key[0]} "
                f"({first}, {row['BillingCurrency']}); one account has one billing currency",
                file=rows[SOURCE_FILE][index].as_py(),
                row=rows[SOURCE_ROW][index].as_py(),
                column="BillingCurrency",
            )
    raise AssertionError(f"mixed currencies expected in {per_currency.num_rows} groups")  # pragma: no cover


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
            recover(state, ledger, home.staging_path)
            jobs, unchanged = _plan_reads(state, files, force, sources)
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
    jobs: Sequence[_ReadJob],
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
            rows_per_file: dict[str, int] = {}
            for result in job.read():
                table = result.table
                file_totals = slice_totals(table)
                if job.source.read_together is None:
                    _check_one_delivery(job.files[0], file_totals, folders)
                _merge_totals(totals, file_totals, job.files[0])
                native.extend(result.native)
                for path, count in _rows_per_file(table).items():
                    rows_per_file[path] = rows_per_file.get(path, 0) + count
                written.write(table)
                del table, result
            if not rows_per_file:
                raise InputError(
                    "the files have headers but no billing rows", file=", ".join(str(f.path) for f in job.files)
                )
            for file in job.files:
                rows = rows_per_file.get(str(file.path), 0)
                records.append(FileRecord(str(file.path), file.sha256, file.size, job.source.name, rows, "read"))
                if on_file:
                    on_file(file, rows)
        slices = [totals[key] for key in sorted(totals)]
        keys = [s.key for s in slices]
        previous = _present_slices(ledger, keys)
        files = written.close()
        state.record_plan(ingest_id, records, slices, written.rows, merge_native(native))
        assert written.schema is not None
        version = ledger.replace_slices(files, written.schema, keys, ingest_id)
    except BaseException:
        if ledger.find_commit(ingest_id) is None:
            written.discard()
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


def _merge_totals(totals: dict[SliceKey, SliceTotals], new: Sequence[SliceTotals], file: BillingFile) -> None:
    """Add one file's slice totals to the ingest's; one account keeps one currency across files."""
    for part in new:
        seen = totals.get(part.key)
        if seen is None:
            totals[part.key] = part
            continue
        if seen.currency != part.currency:
            raise InputError(
                f"billing account {part.billing_account} is billed in several currencies in "
                f"{part.billing_period} ({seen.currency}, {part.currency}); one account has one billing currency",
                file=str(file.path),
                column="BillingCurrency",
            )
        totals[part.key] = SliceTotals(
            part.billing_period,
            part.source,
            part.billing_account,
            part.currency,
            seen.rows + part.rows,
            seen.billed_cost + part.billed_cost,
            seen.effective_cost + part.effective_cost,
            seen.list_cost + part.list_cost,
            seen.contracted_cost + part.contracted_cost,
        )


def _rows_per_file(table: pa.Table) -> dict[str, int]:
    counts = table.group_by([SOURCE_FILE]).aggregate([([], "count_all")])
    paths, numbers = counts[SOURCE_FILE].to_pylist(), counts["count_all"].to_pylist()
    return {str(path): int(n) for path, n in zip(paths, numbers, strict=True)}


def _present_slices(ledger: Ledger, keys: Sequence[SliceKey]) -> list[SliceKey]:
    """Which of `keys` already hold rows in the ledger."""
    return sorted(ledger.present_slices().intersection(keys))
