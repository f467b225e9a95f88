"""The `costs` group-by measured three ways in one process: pandas, raw DuckDB, cloudledger.

All three read the Parquet files of the same Delta snapshot and group by the same keys plus
BillingCurrency (cloudledger never adds amounts in different currencies); their decimal totals must be
identical, group by group, and must equal the generator's exact totals.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.timing import median_time

Totals = dict[tuple[Any, ...], Decimal]


@dataclass(frozen=True)
class Query:
    """One `cloudledger costs --by ...` query."""

    name: str
    by: tuple[str, ...]
    sql_keys: tuple[str, ...]
    """The same keys in DuckDB SQL over the snapshot's files (partition columns from hive paths)."""
    pandas_columns: tuple[str, ...]


QUERIES = (
    Query("ServiceName", ("ServiceName",), ("ServiceName",), ("ServiceName",)),
    Query(
        "ServiceName x x_billing_period",
        ("ServiceName", "x_billing_period"),
        ("ServiceName", "x_billing_period"),
        ("ServiceName", "BillingPeriodStart"),
    ),
    Query("tag:team", ("tag:team",), ("Tags['team']",), ("Tags",)),
)


class MismatchError(AssertionError):
    """Two methods returned different totals: the benchmark's numbers cannot be trusted."""


def _key(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values)


# pandas ---------------------------------------------------------------------------------------------


def _pandas_frame(files: Sequence[str], query: Query) -> Any:
    import pandas as pd

    return pd.read_parquet(list(files), columns=[*query.pandas_columns, "BillingCurrency", "BilledCost"])


def _pandas_group(frame: Any, query: Query) -> Any:
    """What a dashboard script does: derive the key columns, then `groupby().sum()`."""
    keys = list(query.by)
    if "x_billing_period" in keys:
        frame = frame.assign(x_billing_period=frame["BillingPeriodStart"].dt.strftime("%Y-%m"))
    if "tag:team" in keys:
        frame = frame.assign(
            **{"tag:team": [None if t is None else dict(t).get("team") for t in frame["Tags"]]}
        )
    return frame.groupby([*keys, "BillingCurrency"], dropna=False)["BilledCost"].sum()


def _pandas_totals(grouped: Any) -> Totals:
    return {_key(k if isinstance(k, tuple) else (k,)): Decimal(v) for k, v in grouped.items()}


def measure_pandas(files: Sequence[str], query: Query, repeats: int) -> tuple[dict[str, Any], Totals]:
    """Load (only the columns the query needs) + group, and group alone; medians of `repeats` runs."""
    loads, groups = [], []
    grouped = None
    for run in range(repeats + 1):
        started = time.perf_counter()
        frame = _pandas_frame(files, query)
        loaded = time.perf_counter()
        grouped = _pandas_group(frame, query)
        done = time.perf_counter()
        if run:  # the first run warms up
            loads.append(loaded - started)
            groups.append(done - loaded)
        del frame
        gc.collect()
    total = [a + b for a, b in zip(loads, groups, strict=True)]
    return (
        {"load_and_group": statistics.median(total), "group": statistics.median(groups), "runs": total},
        _pandas_totals(grouped),
    )


# raw DuckDB -----------------------------------------------------------------------------------------


def measure_duckdb(files: Sequence[str], query: Query, repeats: int) -> tuple[dict[str, Any], Totals]:
    """The same group-by as plain SQL over the snapshot's file list."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    keys = ", ".join(query.sql_keys)
    sql = (
        f"SELECT {keys}, BillingCurrency, sum(BilledCost) "  # noqa: S608 - keys are constants above
        "FROM read_parquet($files, hive_partitioning = true, hive_types_autocast = false) GROUP BY ALL"
    )

    def run() -> list[tuple[Any, ...]]:
        return con.execute(sql, {"files": list(files)}).fetchall()

    seconds, times, rows = median_time(run, repeats)
    con.close()
    return {"seconds": seconds, "runs": times}, {_key(r[:-1]): r[-1] for r in rows}


# cloudledger ----------------------------------------------------------------------------------------


def measure_cloudledger(home_dir: str, query: Query, repeats: int) -> tuple[dict[str, Any], Totals]:
    """`open_ledger` + `run_costs` (what `cloudledger costs` does), and `run_costs` on an open ledger."""
    from cloudledger.analyses.explorer import CostQuery, CostTable, run_costs
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    home = Home(Path(home_dir))
    cost_query = CostQuery(group_by=query.by, metric="BilledCost")

    def cold() -> CostTable:
        view = open_ledger(home)
        try:
            return run_costs(view.con, view.table, cost_query)
        finally:
            view.close()

    with_open, with_open_runs, _ = median_time(cold, repeats)
    view = open_ledger(home)
    try:
        without_open, without_open_runs, result = median_time(
            lambda: run_costs(view.con, view.table, cost_query), repeats
        )
    finally:
        view.close()
    totals = {_key([r[c] for c in (*query.by, "BillingCurrency")]): r["BilledCost"] for r in result.rows}
    timing = {
        "with_open": with_open,
        "without_open": without_open,
        "runs_with_open": with_open_runs,
        "runs_without_open": without_open_runs,
        "currency_totals": {k: str(v) for k, v in result.totals.items()},
    }
    return timing, totals


# all three ------------------------------------------------------------------------------------------


def check_agree(results: dict[str, Totals], expected: dict[str, str]) -> dict[str, str]:
    """Raise MismatchError unless every method returned the same groups and exact totals; return totals."""
    names = list(results)
    reference = results[names[0]]
    for name in names[1:]:
        other = results[name]
        if set(other) != set(reference):
            missing = sorted(map(str, set(reference) ^ set(other)))[:5]
            raise MismatchError(f"{name} and {names[0]} return different groups, e.g. {missing}")
        wrong = [k for k in reference if other[k] != reference[k]]
        if wrong:
            k = wrong[0]
            raise MismatchError(f"{name} says {other[k]} for {k}, {names[0]} says {reference[k]}")
    by_currency: dict[str, Decimal] = {}
    for key, value in reference.items():
        by_currency[key[-1]] = by_currency.get(key[-1], Decimal(0)) + value
    for currency, total in expected.items():
        if by_currency.get(currency, Decimal(0)) != Decimal(total):
            raise MismatchError(
                f"{currency} total is {by_currency.get(currency)}, the generator wrote {total}"
            )
    return {c: str(v) for c, v in sorted(by_currency.items())}


def measure_queries(
    home_dir: str, expected: dict[str, str], repeats: int, pandas: bool = True
) -> dict[str, Any]:
    """Every query of QUERIES, three ways, in this process."""
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    view = open_ledger(Home(Path(home_dir)))
    files = list(view.snapshot.files)
    view.close()
    out: dict[str, Any] = {"snapshot_files": len(files), "queries": {}}
    for query in QUERIES:
        methods: dict[str, Callable[[], tuple[dict[str, Any], Totals]]] = {
            "cloudledger": lambda q=query: measure_cloudledger(home_dir, q, repeats),
            "duckdb": lambda q=query: measure_duckdb(files, q, repeats),
        }
        if pandas:
            methods["pandas"] = lambda q=query: measure_pandas(files, q, repeats)
        timings, totals = {}, {}
        for name, measure in methods.items():
            timings[name], totals[name] = measure()
            gc.collect()
        timings["groups"] = len(totals["cloudledger"])
        timings["totals"] = check_agree(totals, expected)
        timings["agree"] = sorted(totals)
        out["queries"][query.name] = timings
    return out
