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
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.timing import timed

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


def _pandas_group(frame: Any, query: Query) -> Any:
    """Derive the keys and `groupby().sum()`, as a dashboard script does."""
    keys = [k if k != "x_billing_period" else "BillingPeriodStart" for k in query.by]
    if "tag:team" in keys:
        frame = frame.assign(**{"tag:team": [None if t is None else dict(t).get("team") for t in frame["Tags"]]})
    grouped = frame.groupby([*keys, "BillingCurrency"], dropna=False)["BilledCost"].sum()
    if "BillingPeriodStart" in keys:  # format the period after grouping: far cheaper than before
        grouped.index = grouped.index.set_levels(
            grouped.index.levels[keys.index("BillingPeriodStart")].strftime("%Y-%m"),
            level="BillingPeriodStart",
        )
    return grouped


def _pandas_run(files: Sequence[str], query: Query) -> tuple[float, float, Any]:
    """Read only the columns the query needs, then group; (load seconds, group seconds, result)."""
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_parquet(list(files), columns=[*query.pandas_columns, "BillingCurrency", "BilledCost"])
    loaded = time.perf_counter()
    grouped = _pandas_group(frame, query)
    return loaded - started, time.perf_counter() - loaded, grouped


def measure_pandas_all_columns(
    files: Sequence[str], repeats: int, warmup: int = 1
) -> tuple[dict[str, Any], dict[str, Totals]]:
    """The script as usually written: `pd.read_parquet(files)` (every column) once, then each group-by."""
    import pandas as pd

    loads: list[float] = []
    groups: dict[str, list[float]] = {q.name: [] for q in QUERIES}
    totals: dict[str, Totals] = {}
    for round_ in range(warmup + repeats):
        started = time.perf_counter()
        frame = pd.read_parquet(list(files))
        loaded = time.perf_counter() - started
        for query in QUERIES:
            started = time.perf_counter()
            grouped = _pandas_group(frame, query)
            seconds = time.perf_counter() - started
            totals[query.name] = _pandas_totals(grouped)
            if round_ >= warmup:
                groups[query.name].append(seconds)
        if round_ >= warmup:
            loads.append(loaded)
        del frame
        gc.collect()
    timing = {
        name: {
            "load": statistics.median(loads),
            "group": statistics.median(times),
            "load_and_group": statistics.median([a + b for a, b in zip(loads, times, strict=True)]),
        }
        for name, times in groups.items()
    }
    return timing, totals


def _pandas_totals(grouped: Any) -> Totals:
    return {_key(k if isinstance(k, tuple) else (k,)): Decimal(v) for k, v in grouped.items()}


# raw DuckDB -----------------------------------------------------------------------------------------


def _duckdb_sql(query: Query) -> str:
    keys = ", ".join(query.sql_keys)
    return (
        f"SELECT {keys}, BillingCurrency, sum(BilledCost) "  # noqa: S608 - keys are constants above
        "FROM read_parquet($files, hive_partitioning = true, hive_types_autocast = false) GROUP BY ALL"
    )


# measuring ------------------------------------------------------------------------------------------


class _Runs:
    """Wall times per method, taken in rotation so that load from other jobs hits every method alike."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float:
        return statistics.median(self.times[name])


def measure_query(
    home_dir: str, files: Sequence[str], query: Query, repeats: int, warmup: int = 1
) -> tuple[dict[str, Any], dict[str, Totals]]:
    """`warmup` rounds, then `repeats` timed rounds of cloudledger (with, without open), DuckDB, pandas."""
    import duckdb

    from cloudledger.analyses.explorer import CostQuery, run_costs
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    home = Home(Path(home_dir))
    cost_query = CostQuery(group_by=query.by, metric="BilledCost")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    sql = _duckdb_sql(query)
    view = open_ledger(home)
    runs = _Runs()
    results: dict[str, Any] = {}

    def cloudledger_with_open() -> Any:
        opened = open_ledger(home)
        try:
            return run_costs(opened.con, opened.table, cost_query)
        finally:
            opened.close()

    try:
        for round_ in range(warmup + repeats):
            measured = round_ >= warmup
            for name, fn in (
                ("cloudledger_with_open", cloudledger_with_open),
                ("cloudledger", lambda: run_costs(view.con, view.table, cost_query)),
                ("duckdb", lambda: con.execute(sql, {"files": list(files)}).fetchall()),
            ):
                seconds, results[name] = timed(fn)
                if measured:
                    runs.add(name, seconds)
            load, group, results["pandas"] = _pandas_run(files, query)
            if measured:
                runs.add("pandas_load_and_group", load + group)
                runs.add("pandas_group", group)
            gc.collect()
    finally:
        view.close()
        con.close()
    table = results["cloudledger"]
    totals: dict[str, Totals] = {
        "cloudledger": {_key([r[c] for c in (*query.by, "BillingCurrency")]): r["BilledCost"] for r in table.rows},
        "duckdb": {_key(r[:-1]): r[-1] for r in results["duckdb"]},
    }
    timing: dict[str, Any] = {
        "cloudledger": {
            "with_open": runs.median("cloudledger_with_open"),
            "without_open": runs.median("cloudledger"),
            "runs_with_open": runs.times["cloudledger_with_open"],
            "runs_without_open": runs.times["cloudledger"],
        },
        "duckdb": {"seconds": runs.median("duckdb"), "runs": runs.times["duckdb"]},
    }
    totals["pandas"] = _pandas_totals(results["pandas"])
    timing["pandas"] = {
        "load_and_group": runs.median("pandas_load_and_group"),
        "group": runs.median("pandas_group"),
        "runs": runs.times["pandas_load_and_group"],
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
            raise MismatchError(f"{currency} total is {by_currency.get(currency)}, the generator wrote {total}")
    return {c: str(v) for c, v in sorted(by_currency.items())}


def measure_queries(
    home_dir: str,
    expected: dict[str, str],
    repeats: int,
    warmup: int = 1,
    pandas_all_columns: bool = True,
) -> dict[str, Any]:
    """Every query of QUERIES, three ways, in this process; raises MismatchError on any difference.

    With `pandas_all_columns`, pandas is also measured loading every column first (the usual script).
    """
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    view = open_ledger(Home(Path(home_dir)))
    files = list(view.snapshot.files)
    view.close()
    out: dict[str, Any] = {"snapshot_files": len(files), "queries": {}}
    everything: tuple[dict[str, Any], dict[str, Totals]] = ({}, {})
    if pandas_all_columns:
        everything = measure_pandas_all_columns(files, repeats, warmup)
    for query in QUERIES:
        timing, totals = measure_query(home_dir, files, query, repeats, warmup)
        if query.name in everything[0]:
            timing["pandas_all_columns"] = everything[0][query.name]
            totals["pandas_all_columns"] = everything[1][query.name]
        timing["groups"] = len(totals["cloudledger"])
        timing["totals"] = check_agree(totals, expected)
        timing["agree"] = sorted(totals)
        out["queries"][query.name] = timing
        gc.collect()
    return out
