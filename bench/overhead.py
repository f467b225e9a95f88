"""Where the time of `cloudledger costs` goes beyond the scan: each layer timed on its own."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STEPS = (
    "raw DuckDB query",
    "raw DuckDB query, union_by_name",
    "ibis: one query (cost breakdown)",
    "run_costs",
    "open_ledger + close",
    "Delta snapshot (file list)",
)


def measure_overhead(home_dir: str, repeats: int, warmup: int = 1) -> dict[str, Any]:
    """Median seconds of each step of `cloudledger costs --by ServiceName`, taken in rotation."""
    import duckdb

    from cloudledger.analyses.explorer import CostQuery, cost_breakdown, run_costs
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger
    from cloudledger.ledger.table import Ledger

    home = Home(Path(home_dir))
    query = CostQuery(group_by=("ServiceName",), metric="BilledCost")
    view = open_ledger(home)
    files = list(view.snapshot.files)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    scan = "read_parquet($files, hive_partitioning = true, hive_types_autocast = false{})"
    sql = "SELECT ServiceName, BillingCurrency, sum(BilledCost) FROM {} GROUP BY ALL"
    steps: dict[str, Callable[[], Any]] = {
        STEPS[0]: lambda: con.execute(sql.format(scan.format("")), {"files": files}).fetchall(),
        STEPS[1]: lambda: con.execute(sql.format(scan.format(", union_by_name = true")), {"files": files}).fetchall(),
        STEPS[2]: lambda: view.con.to_pyarrow(cost_breakdown(view.table, query)),
        STEPS[3]: lambda: run_costs(view.con, view.table, query),
        STEPS[4]: lambda: open_ledger(home).close(),
        STEPS[5]: lambda: Ledger(home.ledger_path).snapshot(),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    try:
        for round_ in range(warmup + repeats):
            for name, step in steps.items():
                started = time.perf_counter()
                step()
                if round_ >= warmup:
                    times[name].append(time.perf_counter() - started)
    finally:
        view.close()
        con.close()
    return {"files": len(files), "steps": {name: statistics.median(t) for name, t in times.items()}}
