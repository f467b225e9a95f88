"""Forecasts and anomaly detection at scale: `python -m bench --control [--series 2000] [--days 730]`.

Synthetic daily cost series (weekly and yearly season, trend, noise, a few spikes; seeded) are built directly as
`forecast.Series` and `anomalies.DailySeries`: the analyses are measured, not ingest. In one process:
- baseline: the seasonal-naive forecast of every series to the month end (statsforecast, the same frame);
- full run: `backtest` (every model, rolling origins) + `month_end` with the chosen models, with one process
  and with one per core;
- anomalies: `detect` over every day of every series;
- incremental run: every series one day longer, the model choices remembered from the full run (only the
  chosen model fitted per series, no backtest) + the anomalies of the new day.
Results go into `out/results.json` under "control"; `--write-docs` replaces the table of docs/benchmarks.md's
"Forecasts and anomalies at scale" section.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import numpy as np

from bench.run import machine
from cloudledger.analyses import forecast
from cloudledger.analyses.anomalies import DailySeries, detect
from cloudledger.analyses.anomalies_model import Scope
from cloudledger.analyses.forecast import Series, SeriesBacktest, backtest, month_end
from cloudledger.analyses.forecast_choices import Choice, remembered_month_end

T = TypeVar("T")
START = date(2024, 1, 11)
"""730 days from here end on 2026-01-09: the month end is three weeks ahead."""
SEED = 7
TARGETS = {"full": 300.0, "incremental": 30.0}
DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
BEGIN, END = "<!-- control:begin -->", "<!-- control:end -->"


def synthetic_values(count: int, days: int, seed: int = SEED) -> np.ndarray:
    """(count, days) daily costs in cents: level × weekday × yearly season × trend × noise, spikes on 10 %."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    level = np.exp(rng.uniform(np.log(20), np.log(20_000), count))[:, None]
    weekend = np.where((t + START.weekday()) % 7 >= 5, -1.0, 0.4)[None, :]
    weekday = 1 + rng.uniform(0.05, 0.5, count)[:, None] * weekend
    phase = rng.uniform(0, 1, count)[:, None]
    yearly = 1 + rng.uniform(0, 0.25, count)[:, None] * np.sin(2 * np.pi * (t[None, :] / 365.25 + phase))
    trend = 1 + rng.uniform(-0.3, 1.0, count)[:, None] * t[None, :] / days
    noise = np.clip(1 + rng.normal(0, 1, (count, days)) * rng.uniform(0.02, 0.15, count)[:, None], 0.2, None)
    values = level * weekday * yearly * trend * noise
    for i in rng.choice(count, max(1, count // 10), replace=False):
        values[i, rng.integers(days // 2, days)] *= rng.uniform(3, 8)
    return np.round(values, 2)


def as_series(values: np.ndarray) -> tuple[list[Series], list[DailySeries]]:
    """The same costs as forecast series and as anomaly series (exact decimals), one per row."""
    forecasts, daily = [], []
    for i, row in enumerate(values):
        name = f"service-{i:04d}"
        forecasts.append(Series(name, "USD", START, tuple(float(v) for v in row)))
        daily.append(DailySeries(Scope("Synthetic", name, f"account-{i % 50:02d}"), "USD", START, _decimals(row)))
    return forecasts, daily


def _decimals(row: np.ndarray) -> tuple[Decimal, ...]:
    return tuple(Decimal(f"{v:.2f}") for v in row)


def month_to_date(series: list[Series]) -> dict[tuple[str, str], Decimal]:
    """Each series' exact cost from the first of its last day's month."""
    out = {}
    for s in series:
        days = s.end.day
        out[(s.scope, s.currency)] = sum((Decimal(f"{v:.2f}") for v in s.values[-days:]), Decimal(0))
    return out


def _cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _timed(fn: Callable[[], T], cpu: dict[str, float] | None = None, name: str = "") -> tuple[float, T]:
    """Wall seconds of `fn()` and its result; its CPU seconds into `cpu[name]` (the machine may be shared)."""
    started, used = time.perf_counter(), _cpu()
    result = fn()
    if cpu is not None:
        cpu[name] = round(_cpu() - used, 2)
    return round(time.perf_counter() - started, 2), result


def _baseline(series: list[Series], left: int) -> Any:
    from statsforecast import StatsForecast
    from statsforecast.models import SeasonalNaive

    runner = StatsForecast(models=[SeasonalNaive(season_length=forecast.SEASON)], freq="D", n_jobs=1)
    return runner.forecast(df=forecast.series_frame(series), h=left, level=[80])


def _full(series: list[Series], actual: dict[tuple[str, str], Decimal], n_jobs: int) -> list[SeriesBacktest]:
    """Backtest + month end with `n_jobs` processes; the backtests."""
    with mock.patch.object(forecast, "jobs", lambda count: n_jobs):
        scores = backtest(series, n_jobs=n_jobs)
        month_end(series, actual, {f"{b.scope}|{b.currency}": b.chosen for b in scores})
    return scores


def measure(count: int, days: int, seed: int = SEED, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Every measurement on `count` series of `days` days (and one day more for the incremental run)."""
    values = synthetic_values(count, days + 1, seed)
    series, daily = as_series(values[:, :days])
    longer, daily_longer = as_series(values)
    actual, actual_longer = month_to_date(series), month_to_date(longer)
    last = series[0].end
    left = (((last.replace(day=28) + timedelta(days=4)).replace(day=1)) - last).days - 1
    cores = os.cpu_count() or 1
    out: dict[str, Any] = {"series": count, "days": days, "seed": seed, "horizon_days": left, "cores": cores}
    cpu: dict[str, float] = {}
    out["cpu_seconds"] = cpu
    _baseline(series[:2], left)  # imports and warms statsforecast
    out["baseline"], _ = _timed(lambda: _baseline(series, left), cpu, "baseline")
    log(f"baseline (seasonal naive) {out['baseline']} s")
    for n_jobs in sorted({1, cores}):
        out[f"full_jobs{n_jobs}"], scores = _timed(lambda n=n_jobs: _full(series, actual, n), cpu, f"full_jobs{n_jobs}")
        log(f"full run n_jobs={n_jobs}: {out[f'full_jobs{n_jobs}']} s")
    out["chosen"] = {m: sum(1 for b in scores if b.chosen == m) for m in forecast.MODELS}
    out["anomalies_all_days"], found = _timed(lambda: detect(daily), cpu, "anomalies_all_days")
    out["anomalies_found"] = len(found)
    log(f"anomalies, every day: {out['anomalies_all_days']} s ({len(found)} found)")
    remembered = {f"{b.scope}|{b.currency}": Choice(b, last) for b in scores}
    out["incremental_forecast"], _ = _timed(
        lambda: remembered_month_end(longer, actual_longer, remembered), cpu, "incremental_forecast"
    )
    new_day = longer[0].end
    out["incremental_anomalies"], _ = _timed(lambda: detect(daily_longer, since=new_day), cpu, "incremental_anomalies")
    out["incremental"] = round(out["incremental_forecast"] + out["incremental_anomalies"], 2)
    log(f"incremental: forecast {out['incremental_forecast']} s + anomalies {out['incremental_anomalies']} s")
    full = out[f"full_jobs{cores}"] + out["anomalies_all_days"]
    out["full"] = round(full, 2)
    out["ratios"] = {k: round(out[k] / out["baseline"], 1) for k in ("full", "incremental")}
    out["targets"] = {k: {"seconds": out[k], "target": v, "met": out[k] <= v} for k, v in TARGETS.items()}
    return out


def run_control(count: int, days: int, out_dir: Path) -> dict[str, Any]:
    """Measure and merge into `out_dir/results.json` under "control"."""
    path = out_dir / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    measured = measure(count, days)
    measured["machine"] = machine()
    measured["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["control"] = measured
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str))
    return results


def control_markdown(r: dict[str, Any]) -> str:
    """The docs table of one control run."""
    cores = r["cores"]
    rows = [
        ("seasonal-naive forecast of every series (baseline)", r["baseline"], ""),
        ("full run, 1 process: backtest + month end", r["full_jobs1"], ""),
        (f"full run, {cores} processes: backtest + month end", r[f"full_jobs{cores}"], ""),
        ("anomaly detection, every day of every series", r["anomalies_all_days"], ""),
        (f"**full run** ({cores} processes + anomalies)", r["full"], "< 300 s"),
        ("incremental: month end by the remembered models", r["incremental_forecast"], ""),
        ("incremental: anomalies of the new day", r["incremental_anomalies"], ""),
        ("**incremental run** (one more day on every series)", r["incremental"], "< 30 s"),
    ]
    lines = [
        f"{r['series']:,} series × {r['days']} days (seed {r['seed']}), month end {r['horizon_days']} days ahead, "
        f"{cores} cores:",
        "",
        "| measurement | seconds | × baseline | target |",
        "|---|---:|---:|---|",
    ]
    lines += [f"| {name} | {sec:.1f} | {sec / r['baseline']:.1f} | {target} |" for name, sec, target in rows]
    chosen = ", ".join(f"{m} {n:,}" for m, n in r["chosen"].items())
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in r["cpu_seconds"].items())
    lines += ["", f"CPU seconds (this process and its workers; the machine may be shared): {cpu}."]
    lines += ["", f"Models chosen by the backtest: {chosen}; anomalies found: {r['anomalies_found']}."]
    return "\n".join(lines)


def write_control_docs(results: dict[str, Any], docs: Path = DOCS) -> None:
    """Replace the text between the section's markers in `docs` with the table of `results`."""
    text = docs.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{docs} has no {BEGIN} … {END} markers to write between")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    docs.write_text(f"{head}{BEGIN}\n{control_markdown(results['control'])}\n{END}{tail}")
