"""Reading the demo's files independently of the generator (pyarrow, csv and decimal only)."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from cloudledger.demo import DemoOutput
from cloudledger.focus import load_spec

MONEY = tuple(c.name for c in load_spec("1.2").columns if c.data_type == "Decimal")
TIMES = tuple(c.name for c in load_spec("1.2").columns if c.data_type == "Date/Time")
KEEP = (
    "ProviderName",
    "BillingPeriodStart",
    "ChargePeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ServiceName",
    "ServiceCategory",
    "SubAccountId",
    "ResourceId",
    "CommitmentDiscountId",
    "CommitmentDiscountCategory",
    "CommitmentDiscountStatus",
    "CommitmentDiscountQuantity",
    "PricingCategory",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "ListUnitPrice",
    "ContractedUnitPrice",
    "PricingQuantity",
)


def raw_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()


def csv_records(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as text, by column name."""
    return list(csv.DictReader(io.StringIO(raw_bytes(path).decode("utf-8"))))


def header(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return pq.read_schema(path).names
    return raw_bytes(path).split(b"\n", 1)[0].decode().split(",")


def read_file(path: Path) -> pa.Table:
    """A data file as pyarrow reads it: Parquet as typed, CSV with money as decimal(38,10), rest as text."""
    if path.suffix == ".parquet":
        return pq.read_table(path)
    names = header(path)
    types = {n: pa.decimal128(38, 10) if n in MONEY else pa.string() for n in names}
    opts = pcsv.ConvertOptions(column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False)
    return pcsv.read_csv(io.BytesIO(raw_bytes(path)), convert_options=opts)


def uniform(table: pa.Table) -> pa.Table:
    """The KEEP columns (null where a FOCUS version has no such column), times as ISO text, and tagged or not."""
    cols = {}
    for name in KEEP:
        if name not in table.column_names:
            cols[name] = pa.nulls(table.num_rows, pa.decimal128(38, 10) if name in MONEY else pa.string())
            continue
        arr = table[name]
        if pa.types.is_timestamp(arr.type):
            arr = pc.strftime(arr, "%Y-%m-%dT%H:%M:%SZ")
        cols[name] = arr
    cols["tagged"] = pc.is_valid(table["Tags"])
    return pa.table(cols)


def latest_rows(output: DemoOutput) -> pa.Table:
    """Rows of the latest delivery of every (provider, billing period), all providers together."""
    latest = {(d.provider, d.billing_period): d for d in output.deliveries}
    return pa.concat_tables([uniform(read_file(p)) for d in latest.values() for p in d.paths])
