"""The demo's AWS bills as Cost and Usage Reports: legacy CUR (CSV.gz + manifest) and CUR 2.0 (Parquet).

`WRITERS["cur"]` writes what a legacy Cost and Usage Report delivers to S3:
`aws-cur/<prefix>/<report>/<YYYYMMDD-YYYYMMDD>/<assemblyId>/<report>-00001.csv.gz` and the period's
`<report>-Manifest.json` (assemblyId, account, billingPeriod, reportKeys, columns). `WRITERS["cur2"]` writes
the Data Exports "standard export" (CUR 2.0) layout, see `native_aws_cur2`. Both hold the same line items,
built from the month's FOCUS rows by `native_aws_lines` and `native_aws_fees`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.company import PROVIDER_BY_KEY
from cloudledger.demo.formats import csv_bytes, csv_field
from cloudledger.demo.native import NativeTarget, NativeWriter
from cloudledger.demo.native_aws_columns import CUR2_ONLY, LEGACY, MONEY, TAGS, TEXT, TIME, manifest_type
from cloudledger.demo.native_aws_cur2 import write_cur2
from cloudledger.demo.native_aws_fees import FeeLines
from cloudledger.demo.native_aws_lines import chunk_lines, with_ids
from cloudledger.demo.writers import AWS_BUCKET, Progress, Written, run_guid

CUR_PREFIX = "cur"
CUR_REPORT = "northwind-cur"
GZIP_LEVEL = 1
"""Fast gzip: the report is rewritten every month and read once."""


def line_item_batches(target: NativeTarget, tables: Iterable[pa.Table], progress: Progress) -> Iterator[pa.Table]:
    """The month's line items chunk by chunk, the commitments' fee lines last; `progress` counts FOCUS rows."""
    digest = hashlib.sha256(run_guid(target.seed, "aws-cur", target.month.label, target.attempt).encode()).digest()
    prefix = base64.b32encode(digest).decode().lower()[:40]
    fees = FeeLines()
    written = 0
    for table in tables:
        lines, _ = chunk_lines(table)
        fees.add(table)
        if lines.num_rows:
            yield with_ids(lines, prefix, written)
            written += lines.num_rows
        progress(table.num_rows)
    last = fees.table()
    if last.num_rows:
        yield with_ids(last, prefix, written)


def tag_keys(tags: pa.ChunkedArray) -> set[str]:
    """The keys used in a chunk's Tags maps."""
    keys = [c.keys for c in tags.chunks if len(c)]
    return set(pc.unique(pa.concat_arrays(keys)).to_pylist()) if keys else set()


def _text(lines: pa.Table, name: str, kind: str) -> pa.Array:
    """CSV text of a column; dates and text are formatted once per distinct value."""
    values = lines[name].combine_chunks()
    if kind == MONEY:
        return values.cast(pa.string())
    return _per_value(values, kind)


def _per_value(values: pa.Array, kind: str) -> pa.Array:
    encoded = values.dictionary_encode()
    distinct = encoded.dictionary
    if kind == TIME:
        text = pc.strftime(distinct.cast(pa.timestamp("s", tz="UTC")), format="%Y-%m-%dT%H:%M:%SZ")
    else:
        text = csv_field(distinct)
    return text.take(encoded.indices)


class _CsvGz:
    """One gzip CSV file of the report, its header fixed by the tag keys known when it was opened."""

    def __init__(self, path: Path, keys: list[str]) -> None:
        self.path, self.keys = path, keys
        path.parent.mkdir(parents=True, exist_ok=True)
        self.raw = path.open("wb")
        self.gz = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
        self.write_bytes(",".join(header(keys)).encode() + b"\n")

    def write_bytes(self, data: bytes | memoryview) -> None:
        self.raw.write(self.gz.compress(data))

    def write(self, lines: pa.Table) -> None:
        fields = [_text(lines, name, kind) for name, kind in LEGACY if name not in CUR2_ONLY]
        tags = lines[TAGS].combine_chunks()
        fields += [_per_value(pc.map_lookup(tags, key, "first"), TEXT) for key in self.keys]
        self.write_bytes(csv_bytes(fields))

    def close(self) -> None:
        self.raw.write(self.gz.flush())
        self.raw.close()


def header(keys: list[str]) -> list[str]:
    """The legacy CUR header: its line item columns, then one `resourceTags/user:<key>` per tag key."""
    return [name for name, _ in LEGACY if name not in CUR2_ONLY] + [f"resourceTags/user:{k}" for k in keys]


def write_cur(target: NativeTarget, tables: Iterable[pa.Table], progress: Progress) -> Written:
    """Legacy CUR: gzip CSV files of one assembly and the billing period's manifest listing them."""
    month = target.month
    span = f"{month.start:%Y%m%d}-{month.end:%Y%m%d}"
    assembly = run_guid(target.seed, "aws-cur-assembly", month.label, target.attempt)
    period = target.out_dir / "aws-cur" / CUR_PREFIX / CUR_REPORT / span
    files: list[_CsvGz] = []
    rows = 0
    try:
        for lines in line_item_batches(target, tables, progress):
            keys = tag_keys(lines[TAGS])
            if not files or not keys <= set(files[-1].keys):
                known = set(files[-1].keys) if files else set()
                name = f"{CUR_REPORT}-{len(files) + 1:05d}.csv.gz"
                if files:
                    files[-1].close()
                files.append(_CsvGz(period / assembly / name, sorted(known | keys)))
            files[-1].write(lines)
            rows += lines.num_rows
    finally:
        if files and not files[-1].raw.closed:
            files[-1].close()
    manifest = _manifest(target, assembly, span, files)
    path = period / f"{CUR_REPORT}-Manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return Written([f.path for f in files], path, rows)


def _manifest(target: NativeTarget, assembly: str, span: str, files: list[_CsvGz]) -> dict[str, object]:
    month = target.month
    keys = sorted({k for f in files for k in f.keys})
    kinds = dict(LEGACY)
    columns = [
        {
            "category": name.split("/", 1)[0],
            "name": name.split("/", 1)[1],
            "type": manifest_type(kinds.get(name, "text")),
        }
        for name in header(keys)
    ]
    payer = PROVIDER_BY_KEY["aws"].billing_account_id
    return {
        "assemblyId": assembly,
        "account": payer,
        "columns": columns,
        "charset": "UTF-8",
        "compression": "GZIP",
        "contentType": "text/csv",
        "reportId": hashlib.sha256(f"{payer}:{CUR_REPORT}".encode()).hexdigest(),
        "reportName": CUR_REPORT,
        "billingPeriod": {"start": f"{month.start:%Y%m%d}T000000.000Z", "end": f"{month.end:%Y%m%d}T000000.000Z"},
        "bucket": AWS_BUCKET,
        "reportKeys": [f"{CUR_PREFIX}/{CUR_REPORT}/{span}/{assembly}/{f.path.name}" for f in files],
        "additionalArtifactKeys": [],
    }


def _write_cur2(target: NativeTarget, tables: Iterable[pa.Table], progress: Progress) -> Written:
    return write_cur2(target, line_item_batches(target, tables, progress))


WRITERS: dict[str, NativeWriter] = {"cur": write_cur, "cur2": _write_cur2}
"""The AWS native formats of the demo: legacy Cost and Usage Report and CUR 2.0."""
