"""Billing files on disk: finding them, fingerprinting them, reading their header and raw rows."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from cloudledger.errors import InputError
from cloudledger.sources.text_files import (
    bad_utf8,
    header_line,
    is_json_lines,
    jsonl_error_row,
    jsonl_keys,
    text_options,
)

FileKind = Literal["csv", "csv.gz", "parquet", "json", "jsonl", "jsonl.gz"]
NULL_TEXT = ["", "NULL", "null"]
"""Text that means null in the providers' CSV exports (FOCUS samples write NULL, Oracle writes '')."""

_SUFFIXES: dict[str, FileKind] = {
    ".csv": "csv",
    ".csv.gz": "csv.gz",
    ".parquet": "parquet",
    ".snappy.parquet": "parquet",
    ".gz.parquet": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl.gz",
    ".ndjson.gz": "jsonl.gz",
    ".json.gz": "jsonl.gz",
}
"""`.json.gz` is newline-delimited JSON, as BigQuery exports it; `.json` is one JSON document, unless its
first line is a whole JSON object and more lines follow (BigQuery names uncompressed extracts `.json` too)."""
MANIFEST_NAMES = ("manifest.json",)


def file_kind(path: Path) -> FileKind | None:
    """The kind of billing file `path` is, from its name, or None when it is not one."""
    name = path.name.lower()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            kind = _SUFFIXES[suffix]
            return "jsonl" if kind == "json" and path.is_file() and is_json_lines(path) else kind
    return None


def is_manifest(path: Path) -> bool:
    """Provider manifests describe a delivery; they are read beside the data, never as data."""
    name = path.name.lower()
    return name in MANIFEST_NAMES or name.endswith("-manifest.json") or name.endswith("manifest.json")


@dataclass(frozen=True)
class BillingFile:
    """One file of a billing export."""

    path: Path
    kind: FileKind

    @cached_property
    def size(self) -> int:
        return self.path.stat().st_size

    @cached_property
    def header(self) -> list[str]:
        """The column names (read once per file)."""
        return read_header(self)

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def expand_paths(paths: Iterable[str | Path]) -> list[BillingFile]:
    """Files named directly, plus every billing file under the folders named, in a stable order."""
    found: list[BillingFile] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise InputError("no such file or folder", file=str(path))
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                kind = file_kind(child)
                if kind is None or is_manifest(child):
                    continue
                if kind == "json" and not _is_billing_json(BillingFile(child.resolve(), kind)):
                    continue
                found.append(BillingFile(child.resolve(), kind))
            continue
        kind = file_kind(path)
        if kind is None:
            raise InputError(
                "not a billing export file: expected .csv, .csv.gz, .parquet, .json, .jsonl or .json.gz",
                file=str(path),
            )
        found.append(BillingFile(path.resolve(), kind))
    unique = list(dict.fromkeys(found))
    if not unique:
        raise InputError("no billing files (.csv, .csv.gz, .parquet) found", file=", ".join(map(str, paths)))
    return unique


def read_header(file: BillingFile) -> list[str]:
    """The column names of a billing file (an empty list for an empty file)."""
    try:
        if file.kind == "parquet":
            return list(pq.read_schema(file.path).names)
        if file.kind == "json":
            return _json_header(file)
        if file.kind in ("jsonl", "jsonl.gz"):
            return jsonl_keys(file.path, gzipped=file.kind == "jsonl.gz")
        return header_line(file.path, gzipped=file.kind == "csv.gz")
    except (OSError, EOFError, zlib.error, pa.ArrowException, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file's header: {exc}", file=str(file.path)) from exc


def load_json(file: BillingFile) -> object:
    """A `.json` file as one JSON document, numbers kept as the text they are written as."""
    try:
        with file.path.open("rb") as handle:
            return json.load(handle, parse_float=str, parse_int=str)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InputError(f"not a JSON document: {exc}", file=str(file.path)) from exc


def first_json_record(document: object) -> dict[str, object] | None:
    """The first record of a JSON document: of its `data` list (an API response) or of a top-level list;
    an item that maps names to records (e.g. one allocation set) yields its first record."""
    items = document.get("data") if isinstance(document, dict) else document
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and item and all(isinstance(v, dict) for v in item.values()):
            return dict(next(iter(item.values())))
        if isinstance(item, dict) and item:
            return item
    return None


def _json_header(file: BillingFile) -> list[str]:
    """A JSON document's 'header': its first record's field names, else its top-level keys."""
    document = load_json(file)
    first = first_json_record(document)
    if first is not None:
        return list(first)
    return list(document) if isinstance(document, dict) else []


def _is_billing_json(file: BillingFile) -> bool:
    """Whether a `.json` file found in a folder is a document a source reads (other JSON is skipped)."""
    from cloudledger.sources import detect_source

    try:
        return bool(file.header) and detect_source(file) is not None
    except InputError:
        return False


def read_jsonl(file: BillingFile) -> pa.Table:
    """A newline-delimited JSON file with the types Arrow infers over the whole file (nested as structs);
    a line Arrow rejects is named by its row where it can be found."""
    gzipped = file.kind == "jsonl.gz"
    try:
        with pa.input_stream(str(file.path), compression="gzip" if gzipped else None) as stream:
            return pajson.read_json(stream, read_options=pajson.ReadOptions(block_size=JSON_BLOCK_BYTES))
    except (OSError, EOFError, zlib.error, pa.ArrowException) as exc:
        row = None
        if isinstance(exc, pa.ArrowInvalid):
            row = jsonl_error_row(file.path, gzipped, str(exc), JSON_BLOCK_BYTES)
        raise InputError(f"cannot read as newline-delimited JSON: {exc}", file=str(file.path), row=row) from exc


JSON_BLOCK_BYTES = 16 << 20


def _csv_error(file: BillingFile, exc: BaseException) -> InputError:
    """The error to raise for a CSV Arrow cannot read: bytes that are not UTF-8 are named by row and column."""
    if "utf8" in str(exc).lower().replace("-", ""):
        located = bad_utf8(file.path, gzipped=file.kind == "csv.gz")
        if located is not None:
            return located
    return InputError(f"cannot read as CSV: {exc}", file=str(file.path))


def read_csv_as_text(file: BillingFile, header: Sequence[str]) -> pa.Table:
    """Every column of a CSV file as nullable strings, exactly as written (no type guessing)."""
    try:
        convert = text_options(header, None, NULL_TEXT)
    except InputError as exc:
        raise InputError(str(exc), file=str(file.path)) from None
    try:
        table = pacsv.read_csv(
            file.path,
            read_options=pacsv.ReadOptions(block_size=STREAM_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=convert,
        )
    except (OSError, EOFError, zlib.error, pa.ArrowException) as exc:
        raise _csv_error(file, exc) from exc
    return table.rename_columns([name.strip() for name in table.column_names])


def read_raw(file: BillingFile) -> pa.Table:
    """A file's rows as written: CSV as text, Parquet with its own types."""
    if file.kind == "parquet":
        return read_parquet(file)
    if file.kind in ("jsonl", "jsonl.gz"):
        return read_jsonl(file)
    return read_csv_as_text(file, file.header)


STREAM_BLOCK_BYTES = 16 << 20
"""Bytes of parsed rows handed out per batch when a CSV file is streamed (a file larger than memory flows
through); the batches are assembled from smaller parse blocks."""
PARSE_BLOCK_BYTES = 4 << 20
"""Bytes of CSV text Arrow parses at a time. Its streaming reader parses dozens of blocks ahead of the one
handed out, so the block size bounds that read-ahead: 4 MiB blocks keep it near 150 MB, flat in the file's
size, where 16 MiB blocks let it grow past 500 MB on a 600 MB file."""
STREAM_THREADS = False
"""Parse streamed CSV on one thread: with threads Arrow reads several blocks ahead, which costs memory (about
0.75 GB at 16 MiB blocks) and gains little on two cores, where the mapping keeps the other core busy."""


def iter_csv_as_text(
    file: BillingFile,
    header: Sequence[str],
    block_bytes: int | None = None,
    columns: Sequence[str] | None = None,
) -> Iterator[pa.Table]:
    """A CSV file's rows as text, in batches of about `block_bytes` of input, as `read_csv_as_text` reads them;
    only `columns` (names as in `header`) when given."""
    try:
        convert = text_options(header, columns, NULL_TEXT)
    except InputError as exc:
        raise InputError(str(exc), file=str(file.path)) from None
    try:
        target = block_bytes or STREAM_BLOCK_BYTES
        reader = pacsv.open_csv(
            file.path,
            read_options=pacsv.ReadOptions(block_size=min(PARSE_BLOCK_BYTES, target), use_threads=STREAM_THREADS),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=convert,
        )
        names = [name.strip() for name in reader.schema.names]
        pending: list[pa.RecordBatch] = []
        for batch in reader:
            pending.append(batch)
            if sum(b.nbytes for b in pending) >= target:
                yield pa.Table.from_batches(pending).rename_columns(names)
                pending = []
        if pending:
            yield pa.Table.from_batches(pending).rename_columns(names)
    except (OSError, EOFError, zlib.error, pa.ArrowException) as exc:
        raise _csv_error(file, exc) from exc


def iter_raw(file: BillingFile, columns: Sequence[str] | None = None) -> Iterator[pa.Table]:
    """A file's rows as written (like `read_raw`), in batches for CSV and Parquet so large files stream;
    only `columns` of a CSV or Parquet file when given."""
    if file.kind == "parquet":
        yield from iter_parquet(file, columns=columns)
    elif file.kind in ("csv", "csv.gz"):
        yield from iter_csv_as_text(file, file.header, columns=columns)
    else:
        yield read_raw(file)


PARQUET_BATCH_ROWS = 250_000


def iter_parquet(
    file: BillingFile, batch_rows: int | None = None, columns: Sequence[str] | None = None
) -> Iterator[pa.Table]:
    """A Parquet file in batches of `batch_rows` rows (one row group's memory at a time), only `columns`."""
    try:
        parquet = pq.ParquetFile(file.path)
        wanted = list(columns) if columns is not None else None
        for batch in parquet.iter_batches(batch_size=batch_rows or PARQUET_BATCH_ROWS, columns=wanted):
            yield pa.Table.from_batches([batch])
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"cannot read as Parquet (truncated or corrupt?): {exc}", file=str(file.path)) from exc


def row_numbers(count: int, first: int = 1) -> pa.Array:
    """Data row numbers from `first` (1 = the first row after the header), as the ledger's `x_source_row`."""
    return pa.array(np.arange(first, first + count, dtype=np.int64))


def read_parquet(file: BillingFile) -> pa.Table:
    """A Parquet file, whole; a truncated or corrupt file raises InputError."""
    try:
        return pq.read_table(file.path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"cannot read as Parquet (truncated or corrupt?): {exc}", file=str(file.path)) from exc
