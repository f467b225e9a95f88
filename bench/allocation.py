"""Allocation and chargeback with ~200 rules, against the same allocation without rules, over one open ledger.

Measured in one process over one `open_ledger`, each the median of warm runs after a warm-up:
- plain: `allocate()` with an empty config (every cost unallocated), summed to period × owner;
- costs: `run_costs` by x_billing_period and ServiceName (the explorer's query, for reference);
- rules: `allocate()` with the benchmark's 200-rule config, summed to period × owner;
- chargeback of the last month, and `chargebacks()` of every month from one allocation, at team level (it has no
  warm-up of its own: the one-month chargeback before it runs the same code);
- the tag-key discovery (`ledger_tag_keys`), a scan of its own that allocate and chargeback run when they
  are not handed a `TagResolver` (the measurements above are handed one).
Per billing period and currency, the allocated amounts must equal the ledger's EffectiveCost exactly, and each
chargeback's lines must add up to the period's rounded total; anything else raises MismatchError.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from bench import data
from bench.policy_rules import policy_for_bench, rule_count
from bench.queries import MismatchError
from bench.run import Options, machine
from bench.timing import isolated

T = TypeVar("T")
METRIC = "EffectiveCost"
PERIOD_OWNER = ("period", "currency", "department", "team")
MAX_SECONDS = 600.0
"""Timed runs of one measurement stop before their sum passes this (at least one run is always taken)."""
Totals = dict[tuple[str, str], Decimal]
COLD = ("chargeback_all",)
"""Measurements taken without a warm-up of their own (the one before runs the same code)."""


def _measure(fn: Callable[[], T], repeats: int, warmup: int, budget: float) -> tuple[dict[str, Any], T]:
    """Median of up to `repeats` timed runs after `warmup` runs; the timed runs stop once another one would
    take their sum past `budget` seconds (at least one is always taken)."""
    result: Any = None
    warm: list[float] = []
    for _ in range(warmup):
        started = time.perf_counter()
        result = fn()
        warm.append(time.perf_counter() - started)
    times: list[float] = []
    while len(times) < max(1, repeats) and (not times or sum(times) + times[-1] <= budget):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        gc.collect()
    return {"seconds": statistics.median(times), "runs": times, "warmup": warm}, result


def _period_owner(allocated: Any) -> Any:
    """The allocation summed per billing period, currency and owner (department, team)."""
    return allocated.group_by(PERIOD_OWNER).aggregate(amount=allocated.amount.sum())


def _totals(rows: list[dict[str, Any]], period: str = "period", currency: str = "currency") -> Totals:
    out: Totals = defaultdict(Decimal)
    for row in rows:
        out[(row[period], row[currency])] += row["amount"]
    return dict(out)


def check_totals(name: str, found: Totals, expected: Totals) -> None:
    """Raise MismatchError unless `found` has exactly the expected amount per period and currency."""
    for key in sorted(set(found) | set(expected)):
        if found.get(key) != expected.get(key):
            raise MismatchError(f"{name}: {key} adds up to {found.get(key)}, the ledger says {expected.get(key)}")


def check_chargeback(report: Any, expected: Totals) -> None:
    """The report's lines add up, per currency, to the period's ledger total rounded to cents."""
    from cloudledger.analyses.rounding import round_half_up

    for (period, currency), total in expected.items():
        if period != report.period:
            continue
        lines = sum((line.total for line in report.lines if line.currency == currency), Decimal(0))
        if not lines == report.ledger_total.get(currency) == round_half_up(total):
            raise MismatchError(f"chargeback {period} {currency}: lines {lines}, ledger {round_half_up(total)}")


def ledger_totals(table: Any) -> Totals:
    """Σ EffectiveCost of the bill's rows per billing period and currency, straight from the ledger."""
    from cloudledger.analyses.explorer import bill_rows

    rows = bill_rows(table)
    sums = rows.group_by("x_billing_period", "BillingCurrency").aggregate(amount=rows[METRIC].sum())
    return _totals(sums.to_pyarrow().to_pylist(), "x_billing_period", "BillingCurrency")


STAGES = ("groups", "combinations", "rules", "labels", "owned")
"""The tables allocate() materialises, in order: the ledger grouped by the columns rules read, their
distinct combinations (tags normalised), the winning rule and pool of each, owner and label, and the groups
summed per owner, rule and pool."""


def _profile(table: Any, config: Any, tags: Any) -> dict[str, Any]:
    """Where allocate()'s time goes: each table it materialises, timed as it is built (one run)."""
    from cloudledger.analyses import allocation

    stages: list[dict[str, Any]] = []
    original = allocation._cache

    def timed(expr: Any, caches: list[Any]) -> Any:
        started = time.perf_counter()
        cached = original(expr, caches)
        stages.append({"seconds": time.perf_counter() - started, "rows": int(cached.count().to_pyarrow().as_py())})
        return cached

    allocation._cache = timed  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        allocation.allocate(table, config, allocation.AllocationQuery(metric=METRIC, keep=()), tags=tags)
        total = time.perf_counter() - started
    finally:
        allocation._cache = original  # type: ignore[assignment]
    out: dict[str, Any] = dict(zip(STAGES, stages, strict=False))
    out["rest"] = {"seconds": total - sum(stage["seconds"] for stage in stages)}
    return out


def _steps(view: Any, config: Any, tags: Any, periods: list[str]) -> dict[str, Callable[[], Any]]:
    """The measured calls, by name, in the order they are measured."""
    from cloudledger.analyses.allocation import AllocationQuery, allocate
    from cloudledger.analyses.chargeback import chargeback, chargebacks, previous_period
    from cloudledger.analyses.explorer import CostQuery, run_costs
    from cloudledger.config.model import CloudledgerConfig

    table, empty, last = view.table, CloudledgerConfig(), periods[-1]
    everything = AllocationQuery(metric=METRIC, keep=())
    month = AllocationQuery(metric=METRIC, start=previous_period(last), end=last, keep=())

    def allocated(cfg: CloudledgerConfig, query: AllocationQuery) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = _period_owner(allocate(table, cfg, query, tags=tags)).to_pyarrow().to_pylist()
        return rows

    def charged(months: list[str]) -> list[Any]:
        return [chargeback(table, config, m, level="team", metric=METRIC, tags=tags) for m in months]

    return {
        "plain": lambda: allocated(empty, everything),
        "plain_two_months": lambda: allocated(empty, month),
        "costs": lambda: run_costs(view.con, table, CostQuery(("x_billing_period", "ServiceName"), METRIC)),
        "rules": lambda: allocated(config, everything),
        "chargeback_month": lambda: charged([last]),
        "chargeback_all": lambda: chargebacks(table, config, periods, level="team", metric=METRIC, tags=tags),
    }


def measure_allocation(
    home_dir: str, repeats: int, warmup: int = 1, n_rules: int = 200, budget: float = MAX_SECONDS
) -> dict[str, Any]:
    """Every measurement of this module over the ledger in `home_dir` (see the module's docstring)."""
    from cloudledger.analyses.tag_values import TagResolver, ledger_tag_keys
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    config = policy_for_bench(n_rules)
    view = open_ledger(Home(Path(home_dir)))
    results: dict[str, Any] = {}
    found: dict[str, Any] = {}
    try:
        expected = ledger_totals(view.table)
        periods = sorted({p for p, _ in expected})
        results["tag_keys"], keys = _measure(lambda: ledger_tag_keys(view.table), repeats, warmup, budget)
        tags = TagResolver(config.tag_policy, keys)
        for name, step in _steps(view, config, tags, periods).items():
            results[name], found[name] = _measure(step, repeats, 0 if name in COLD else warmup, budget)
        profile = _profile(view.table, config, tags)
        rows = int(view.table.count().to_pyarrow().as_py())
    finally:
        view.close()
    checks = _check_all(found, expected, periods[-1])
    return _summary(rows, rule_count(config), results, profile, checks, found, len(periods))


def _check_all(found: dict[str, Any], expected: Totals, last: str) -> dict[str, Any]:
    """Every exactness check of the run; returns what was checked."""
    check_totals("plain allocate", _totals(found["plain"]), expected)
    check_totals("allocate with rules", _totals(found["rules"]), expected)
    from cloudledger.analyses.chargeback import previous_period

    months = {k: v for k, v in expected.items() if k[0] in (previous_period(last), last)}
    check_totals("plain allocate, two months", _totals(found["plain_two_months"]), months)
    for report in [*found["chargeback_month"], *found["chargeback_all"]]:
        check_chargeback(report, expected)
    costs = found["costs"]
    by_period: Totals = defaultdict(Decimal)
    for row in costs.rows:
        by_period[(row["x_billing_period"], row["BillingCurrency"])] += row[METRIC]
    check_totals("run_costs", dict(by_period), expected)
    return {"periods_and_currencies": len(expected), "exact": True, "chargebacks": 1 + len(found["chargeback_all"])}


def _allocated_share(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Per currency, the share of cost that reached an owner (directly or through a split)."""
    owned: dict[str, Decimal] = defaultdict(Decimal)
    total: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        total[row["currency"]] += row["amount"]
        if row["department"] is not None:
            owned[row["currency"]] += row["amount"]
    return {c: f"{100 * owned[c] / total[c]:.1f}%" for c in sorted(total) if total[c]}


def _summary(
    rows: int,
    rules: dict[str, int],
    results: dict[str, Any],
    profile: dict[str, Any],
    checks: dict[str, Any],
    found: dict[str, Any],
    months: int,
) -> dict[str, Any]:
    plain = results["plain"]["seconds"]
    owners = {(r["department"], r["team"]) for r in found["rules"] if r["department"] is not None}
    return {
        "rows": rows,
        "months": months,
        "rules": rules,
        "measurements": results,
        "ratios": {
            "rules_vs_plain": results["rules"]["seconds"] / plain,
            "chargeback_month_vs_plain": results["chargeback_month"]["seconds"] / plain,
            "chargeback_month_vs_plain_two_months": results["chargeback_month"]["seconds"]
            / results["plain_two_months"]["seconds"],
            "chargeback_all_vs_plain": results["chargeback_all"]["seconds"] / plain,
        },
        "owners": len(owners),
        "allocated_share": _allocated_share(found["rules"]),
        "profile": profile,
        "checks": checks,
    }


def ensure_home(rows: int, options: Options) -> Path:
    """The ledger home of `rows` generated rows, generated and ingested (one file at a time) when missing."""
    from bench.ingest_rate import cloudledger_ingest

    home = options.out / "work" / f"rows-{rows}" / "home"
    if (home / "ledger" / "_delta_log").is_dir():
        return home
    dataset = data.dataset(rows, options.out, periods=options.periods)
    files = [str(f) for f in dataset.files]
    home.parent.mkdir(parents=True, exist_ok=True)
    iso: dict[str, Any] = {"isolate": options.isolate, "max_rss_mb": options.max_rss_gib * 1024}
    isolated(cloudledger_ingest, files, str(home), len(files) > 1, log=home.parent / "ingest-allocation.log", **iso)
    return home


def run_allocation(sizes: list[int], options: Options, n_rules: int = 200) -> dict[str, Any]:
    """Measure each size in a fresh process; merge into `out/results.json` under `allocation`."""
    path = options.out / "results.json"
    options.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {"sizes": {}}
    results.setdefault("machine", machine())
    section = results.setdefault("allocation", {})
    for rows in sizes:
        if options.log:
            print(f"[allocation, {rows:,} rows] {n_rules} rules against none", flush=True)
        home = ensure_home(rows, options)
        load = os.getloadavg()
        iso: dict[str, Any] = {"isolate": options.isolate, "max_rss_mb": options.max_rss_gib * 1024}
        log = home.parent / "allocation.log"
        entry = isolated(measure_allocation, str(home), options.repeats, options.warmup, n_rules, log=log, **iso)
        entry["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        entry["load_average"] = [round(load[0], 2), round(os.getloadavg()[0], 2)]
        entry["repeats_asked"] = options.repeats
        section[str(rows)] = entry
        results["allocation"] = dict(sorted(section.items(), key=lambda kv: int(kv[0])))
        path.write_text(json.dumps(results, indent=2, default=str))
    return results
