"""Staging: rows spilled to Parquet come back exactly as held in memory, in the ledger's schema."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from cloudledger.ledger.staging import Staging


def _table(n: int, extra: str | None = None) -> pa.Table:
    data: dict[str, pa.Array] = {
        "BilledCost": pa.array([Decimal(i) / 8 + Decimal(n) for i in range(n)], pa.decimal128(38, 10)),
        "x_billing_period": pa.array(["2025-01"] * n),
    }
    if extra:
        data[extra] = pa.array([f"{extra}-{i}" for i in range(n)])
    return pa.table(data)


def test_spilled_and_in_memory_staging_give_the_same_rows(tmp_path: Path) -> None:
    tables = [_table(5), _table(7, "x_new"), _table(3)]
    ledger = pa.schema([("x_billing_period", pa.string()), ("BilledCost", pa.decimal128(38, 10))])
    results = []
    for spill in (10**9, 4):
        staging = Staging(tmp_path / f"s{spill}", "ingest", spill_bytes=spill)
        for table in tables:
            staging.add(table)
        assert bool(staging.files) == (spill == 4)
        results.append(staging.reader(ledger).read_all())
        staging.remove()
        assert not (tmp_path / f"s{spill}" / "ingest").exists()
    memory, spilled = results
    assert memory.schema.names == ["x_billing_period", "BilledCost", "x_new"]
    assert memory.sort_by("BilledCost").equals(spilled.sort_by("BilledCost"))
    assert memory.num_rows == 15 and memory["x_new"].null_count == 8
    assert sum(memory["BilledCost"].to_pylist()) == sum(sum(t["BilledCost"].to_pylist()) for t in tables)
