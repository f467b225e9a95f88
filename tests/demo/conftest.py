"""One small demo dataset shared by the demo tests, and a reader of its files independent of the generator."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from cloudledger.demo import DemoOutput, generate_demo
from cloudledger.focus import load_spec

ROWS = 20_000
MONTHS = 24
END = "2026-10"
MONEY = tuple(c.name for c in load_spec("1.2").columns if c.data_type == "Decimal")
TIMES = tuple(c.name for c in load_spec("1.2").columns if c.data_type == "Date/Time")
KEEP = (
    "ProviderName", "BillingPeriodStart", "ChargePeriodStart", "ChargeCategory", "ChargeClass", "ServiceName",
    "ServiceCategory", "SubAccountId", "CommitmentDiscountId", "CommitmentDiscountStatus", "PricingCategory",
    "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ListUnitPrice", "ContractedUnitPrice",
    "PricingQuantity",
)


@dataclass
class Run:
    output: DemoOutput
    out_dir: Path
    progress: list[int]
    rows: int = ROWS
    months: int = MONTHS
    end_month: str = END


def read_file(path: Path) -> pa.Table:
    """A data file as pyarrow reads it: Parquet as typed, CSV with money as decimal(38,10), rest as text."""
    if path.suffix == ".parquet":
        return pq.read_table(path)
    raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    names = raw.split(b"\n", 1)[0].decode().split(",")
    types = {n: pa.decimal128(38, 10) if n in MONEY else pa.string() for n in names}
    opts = pcsv.ConvertOptions(column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False)
    return pcsv.read_csv(io.BytesIO(raw), convert_options=opts)


def uniform(table: pa.Table) -> pa.Table:
    """The columns every provider has, times as ISO text, plus whether the row carries tags."""
    cols = {}
    for name in KEEP:
        arr = table[name]
        if pa.types.is_timestamp(arr.type):
            arr = pc.strftime(arr, "%Y-%m-%dT%H:%M:%SZ")
        cols[name] = arr
    cols["tagged"] = pc.is_valid(table["Tags"])
    return pa.table(cols)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("demo")
    seen: list[int] = []
    result = generate_demo(out, rows=ROWS, months=MONTHS, end_month=END, progress=seen.append)
    return Run(result, out, seen)


@pytest.fixture(scope="session")
def ledger(demo: Run) -> pa.Table:
    """Rows of the latest delivery of every (provider, billing period), all providers together."""
    latest = {(d.provider, d.billing_period): d for d in demo.output.deliveries}
    parts = [uniform(read_file(p)) for d in latest.values() for p in d.paths]
    return pa.concat_tables(parts)


@pytest.fixture(scope="session")
def read() -> Callable[[Path], pa.Table]:
    """The independent file reader."""
    return read_file
