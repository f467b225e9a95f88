"""Text billing files at the byte level: the header line alone, telling JSON lines from a JSON document,
and finding the row and column of bytes that are not UTF-8 or of a line that is not JSON."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.csv as pacsv

from cloudledger.errors import InputError

HEADER_MAX_BYTES = 1 << 20
"""A header line longer than this is not a header (a file without newlines)."""
_ARROW_ROW = re.compile(r"\bin row (\d+)\b")


def open_binary(path: Path, gzipped: bool) -> IO[bytes]:
    raw = path.open("rb")
    return gzip.GzipFile(fileobj=raw) if gzipped else raw  # type: ignore[return-value]


def header_line(path: Path, gzipped: bool) -> list[str]:
    """The column names of a CSV file: only the header record is decoded (a quoted name may hold newlines)."""
    with open_binary(path, gzipped) as handle:
        data = b""
        while True:
            line = handle.readline(HEADER_MAX_BYTES)
            data += line
            if not line or data.count(b'"') % 2 == 0 or len(data) > HEADER_MAX_BYTES:
                break
    text = data.decode("utf-8-sig")
    first = next(csv.reader(io.StringIO(text, newline="")), [])
    return [name.strip() for name in first]


def bad_utf8(path: Path, gzipped: bool) -> InputError | None:
    """An error naming the first CSV value whose bytes are not UTF-8 (its row and column), if there is one."""
    with open_binary(path, gzipped) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text)
        header = [name.strip() for name in next(reader, [])]
        for row, cells in enumerate(reader, start=1):
            for index, cell in enumerate(cells):
                if any("\udc80" <= char <= "\udcff" for char in cell):
                    column = header[index] if index < len(header) else f"field {index + 1}"
                    value = cell.encode("utf-8", "surrogateescape")
                    return InputError(
                        f"{value[:80]!r} is not UTF-8 text; save the file as UTF-8 (was it re-saved in another "
                        "encoding?)",
                        file=str(path),
                        row=row,
                        column=column,
                    )
    return None


def is_json_lines(path: Path) -> bool:
    """Whether a `.json` file is newline-delimited JSON: its first non-blank line is a complete JSON
    object and another non-blank line follows (a JSON document spread over lines fails the first test)."""
    try:
        with path.open("rb") as handle:
            lines = (line for line in handle if line.strip())
            first = next(lines, None)
            if first is None or not first.lstrip().startswith(b"{"):
                return False
            try:
                parsed = json.loads(first)
            except ValueError:
                return False
            return isinstance(parsed, dict) and next(lines, None) is not None
    except OSError:
        return False


def jsonl_error_row(path: Path, gzipped: bool, message: str, block_bytes: int) -> int | None:
    """The data row of a newline-delimited JSON file that Arrow rejected.

    A line that is not JSON is found by reading the file again; otherwise Arrow's own "in row N" (0-based,
    counted within a block) is used when the whole file is one block."""
    with open_binary(path, gzipped) as handle:
        row = 0
        for line in handle:
            if not line.strip():
                continue
            row += 1
            try:
                json.loads(line)
            except ValueError:
                return row
    found = _ARROW_ROW.search(message)
    if found and path.stat().st_size <= block_bytes and not gzipped:
        return int(found.group(1)) + 1
    return None


def jsonl_keys(path: Path, gzipped: bool) -> list[str]:
    """The keys of the first object of a newline-delimited JSON file (its 'header')."""
    with open_binary(path, gzipped) as handle:
        for line in handle:
            if line.strip():
                try:
                    first = json.loads(line)
                except ValueError as exc:
                    raise InputError(f"not newline-delimited JSON: {exc}", file=str(path), row=1) from exc
                return list(first) if isinstance(first, dict) else []
    return []


def text_options(header: Sequence[str], columns: Sequence[str] | None, nulls: list[str]) -> pacsv.ConvertOptions:
    """Arrow's options to read every column (or only `columns`) of a CSV as nullable text."""
    duplicates = sorted({name for name in header if list(header).count(name) > 1})
    if duplicates:
        raise InputError(f"duplicate column names in the header: {', '.join(duplicates)}")
    return pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header},
        include_columns=list(columns) if columns is not None else None,
        null_values=nulls,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
