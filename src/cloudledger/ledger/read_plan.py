"""What an ingest reads: new or changed files, each with the source that reads it; a read-together source's
group of files is read whole when one of its files changed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cloudledger.errors import InputError
from cloudledger.ledger.state import StateDB
from cloudledger.sources import Source, detect_source
from cloudledger.sources.files import BillingFile
from cloudledger.sources.native import SourceRows


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
class ReadJob:
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


def plan_reads(
    state: StateDB, files: Sequence[BillingFile], force: bool, extra: Sequence[Source]
) -> tuple[list[ReadJob], list[str]]:
    """What to read (new or changed files; every file of a read-together source when one changed)."""
    to_read, unchanged = _changed(state, files, force)
    changed = set(to_read)
    jobs: list[ReadJob] = []
    together: dict[tuple[str, str], list[BillingFile]] = {}
    sources: dict[str, Source] = {}
    for file in files:
        source = _source_of(file, extra) if file in changed or _is_together_candidate(file) else None
        if source is None:
            continue
        if source.read_together is None:
            if file in changed:
                jobs.append(ReadJob(source, (file,)))
            continue
        sources[source.name] = source
        group_key = source.together_group(file) if source.together_group else ""
        together.setdefault((source.name, group_key), []).append(file)
    for (name, _), group in together.items():
        if changed.intersection(group):
            jobs.append(ReadJob(sources[name], tuple(group)))
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
