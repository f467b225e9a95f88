"""The Google Cloud demo bills as the detailed usage cost export, extracted from BigQuery to a bucket.

Cloud Billing writes the detailed export to the BigQuery table `gcp_billing_export_resource_v1_<ACCOUNT>`;
an extract job per invoice month copies one month to Cloud Storage, as Parquet or as gzip newline-delimited
JSON. The local folder `gcp-billing/` stands for the bucket:

    gcp-billing/nw-billing-extracts/<parquet|json>/billing_export/gcp_billing_export_resource_v1_<ACCOUNT>/
        invoice_month=YYYYMM/000000000000.parquet   (or .json.gz)

BigQuery writes no manifest. See `native_gcp_rows` for what each FOCUS row becomes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cloudledger.demo.company import PROVIDER_BY_KEY
from cloudledger.demo.native import NativeTarget, NativeWriter
from cloudledger.demo.native_gcp_json import json_lines
from cloudledger.demo.native_gcp_rows import SCHEMA, export_rows
from cloudledger.demo.writers import Progress, Written, run_guid

BUCKET = "nw-billing-extracts"
DATASET = "billing_export"
FIRST_SHARD = "000000000000"
"""BigQuery numbers the files of a wildcard extract from 000000000000."""


def table_name() -> str:
    """The detailed export's BigQuery table of the demo's billing account."""
    account = PROVIDER_BY_KEY["gcp"].billing_account_id
    return "gcp_billing_export_resource_v1_" + account.replace("-", "_")


def month_folder(target: NativeTarget, kind: str) -> Path:
    """Where one invoice month's extract lands (`kind`: parquet or json)."""
    month = f"{target.month.start:%Y%m}"
    folder = target.out_dir / "gcp-billing" / BUCKET / kind / DATASET / table_name() / f"invoice_month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _rows(target: NativeTarget, tables: Iterable[pa.Table]) -> Iterable[pa.Table]:
    prefix = run_guid(target.seed, "gcp-adjustment", target.month.label)
    for table in tables:
        yield export_rows(table, prefix)


def write_parquet(target: NativeTarget, tables: Iterable[pa.Table], progress: Progress) -> Written:
    """The month extracted as Parquet (snappy), one row group per chunk of rows."""
    path = month_folder(target, "parquet") / f"{FIRST_SHARD}.parquet"
    rows = 0
    with pq.ParquetWriter(path, SCHEMA, compression="snappy") as writer:
        for table in _rows(target, tables):
            writer.write_table(table, row_group_size=max(1, table.num_rows))
            rows += table.num_rows
            progress(table.num_rows)
    return Written([path], None, rows)


def write_jsonl(target: NativeTarget, tables: Iterable[pa.Table], progress: Progress) -> Written:
    """The month extracted as gzip newline-delimited JSON (read as JSON lines: BigQuery names it .json.gz)."""
    path = month_folder(target, "json") / f"{FIRST_SHARD}.json.gz"
    rows = 0
    gz = zlib.compressobj(1, zlib.DEFLATED, 31)
    with path.open("wb") as raw:
        for table in _rows(target, tables):
            raw.write(gz.compress(json_lines(table)))
            rows += table.num_rows
            progress(table.num_rows)
        raw.write(gz.flush())
    return Written([path], None, rows)


WRITERS: dict[str, NativeWriter] = {"bq-parquet": write_parquet, "bq-jsonl": write_jsonl}
"""Format name -> writer of the Google Cloud demo bills."""
