"""Dashboard API calls on the demo company, each measured three ways in one process over one home:

- ledger: the route with rollups and remembered answers turned off, so the analysis reads the ledger (the
  baseline: the same query on the raw ledger); one run each (they are the slow ones);
- rollups: rollups on, remembered answers off: what the first request after an ingest or a policy change costs;
  median and p95 of `repeats` runs;
- served: both on, as `cloudledger serve` runs: the first call (`cold`, it fills the memory) and the p95 of
  `warm_calls` calls after it.
Every call goes through the FastAPI app in process (httpx over ASGI), so routing, validation and JSON encoding
are counted. Each call's JSON must be the same in the three modes, or MismatchError is raised. The time to build
every rollup of the ledger from its data files is measured first (what a ledger written before rollups existed
pays once; an ingest pays it for the slices it writes).
"""

from __future__ import annotations

import io
import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.queries import MismatchError
from bench.run import Options, machine

WARM_CALLS = 20


def calls(period: str, year: str) -> list[tuple[str, str]]:
    """(name, URL) of the dashboard calls measured."""
    return [
        ("kpis", "/api/v1/kpis"),
        ("kpis, one provider", "/api/v1/kpis?provider=AWS"),
        ("kpis, one environment", "/api/v1/kpis?environment=production"),
        ("kpis, one department", "/api/v1/kpis?department=Engineering"),
        ("cloud and AI/ML mix, 12 months", "/api/v1/cloud"),
        ("chargeback of a month, by team", f"/api/v1/chargeback?period={period}&level=team"),
        ("budgets of a month", f"/api/v1/budgets?start={period}&end={period}"),
        ("explorer: services by month", "/api/v1/costs?group_by=ServiceName&grain=month&metric=EffectiveCost"),
        (
            "explorer: tag team by month, a year",
            f"/api/v1/costs?group_by=tag:team&grain=month&start={year}-01-01&end={int(year) + 1}-01-01",
        ),
        (
            "explorer: tag application, one month",
            f"/api/v1/costs?group_by=tag:application&start={period}-01&end={_next(period)}-01",
        ),
        ("explorer: regions by day, a month", f"/api/v1/costs?group_by=RegionId&grain=day&start={period}-01"),
        ("executive page (HTML)", "/"),
    ]


def _next(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def demo_home(rows: int, out: Path, given: Path | None) -> Path:
    """The demo company's home with `rows` rows (built once under `out`), or `given`."""
    if given is not None:
        return given
    from cloudledger.cli_demo import run_demo
    from cloudledger.home import Home

    home = out / "work" / f"demo-{rows}" / "home"
    if not (home / "ledger").exists():
        run_demo(Home(home), rows=rows, seed=7, quiet=True, console=Console(file=io.StringIO()))
    return home


def _client(home: Path, rollups: bool, remember: bool) -> Any:
    from fastapi.testclient import TestClient

    from cloudledger.api.app import create_app
    from cloudledger.api.settings import ApiSettings, settings_from

    base = settings_from(home, home / "cloudledger.yaml")
    settings = ApiSettings(base.home, base.config, rollups=rollups, remember=remember)
    return TestClient(create_app(settings))


def _timed(client: Any, url: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise MismatchError(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
    return seconds, response.text


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _rebuild_rollups(home: Path) -> float:
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    shutil.rmtree(Home(home).rollups_path, ignore_errors=True)
    view = open_ledger(Home(home))
    try:
        started = time.perf_counter()
        _ = view.daily, view.monthly
        return time.perf_counter() - started
    finally:
        view.close()


def _sizes(home: Path) -> dict[str, int]:
    from cloudledger.home import Home
    from cloudledger.ledger.read import open_ledger

    view = open_ledger(Home(home))
    try:
        return {
            "ledger": int(view.table.count().to_pyarrow().as_py()),
            "daily": int(view.daily.count().to_pyarrow().as_py()),
            "monthly": int(view.monthly.count().to_pyarrow().as_py()),
        }
    finally:
        view.close()


def run_dashboard(rows: int, options: Options, home: Path | None = None, repeats: int = 3) -> dict[str, Any]:
    """Measure the dashboard calls on the demo company; results merged into results.json under "dashboard"."""
    path = demo_home(rows, options.out, home)
    build = _rebuild_rollups(path)
    sizes = _sizes(path)
    latest = json.loads(_client(path, True, True).get("/api/v1/kpis").text)["month"]
    period = latest
    entry: dict[str, Any] = {"home": str(path), "rows": sizes, "rollup_build_seconds": build, "calls": []}
    ledger_client = _client(path, False, False)
    rollup_client = _client(path, True, False)
    served = _client(path, True, True)
    for name, url in calls(period, latest[:4]):
        ledger_seconds, expected = _timed(ledger_client, url)
        runs = []
        for _ in range(repeats):
            seconds, body = _timed(rollup_client, url)
            runs.append(seconds)
            if body != expected:
                raise MismatchError(f"{name}: the rollups' answer differs from the ledger's")
        cold, body = _timed(served, url)
        if body != expected:
            raise MismatchError(f"{name}: the served answer differs from the ledger's")
        warm = [_timed(served, url)[0] for _ in range(WARM_CALLS)]
        entry["calls"].append(
            {
                "name": name,
                "url": url,
                "ledger": ledger_seconds,
                "rollups_median": statistics.median(runs),
                "rollups_p95": _p95(runs),
                "served_cold": cold,
                "served_p95": _p95(warm),
                "speedup": ledger_seconds / statistics.median(runs),
            }
        )
        print(f"{name:42s} ledger {ledger_seconds:7.2f} s  rollups {statistics.median(runs):6.3f} s  "
              f"served cold {cold:6.3f} s  warm p95 {_p95(warm) * 1000:6.1f} ms", flush=True)  # fmt: skip
    results_path = options.out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results.setdefault("dashboard", {})[str(sizes["ledger"])] = {**entry, "machine": machine()}
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2, default=str))
    return results


def dashboard_markdown(entry: dict[str, Any]) -> str:
    """One size's measurements as a Markdown table."""
    lines = [
        "| call | ledger | rollups, median | rollups ÷ ledger | served, first call | served, p95 of 20 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for call in entry["calls"]:
        lines.append(
            f"| {call['name']} | {call['ledger']:.2f} s | {call['rollups_median']:.3f} s | "
            f"{call['rollups_median'] / call['ledger']:.3f} | {call['served_cold']:.3f} s | "
            f"{call['served_p95'] * 1000:.1f} ms |"
        )
    return "\n".join(lines)
