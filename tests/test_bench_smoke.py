"""The benchmark's machinery on a small ledger: the three methods agree to the cent, results are complete."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
ROWS = 20_000


def _bench(name: str) -> ModuleType:
    """Import `bench.<name>` from the repository root (bench/ is not an installed package)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import importlib

    return importlib.import_module(f"bench.{name}")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A benchmark run at ROWS rows over 3 billing periods (one timed run of everything, in this process)."""
    run = _bench("run")
    folder = tmp_path_factory.mktemp("bench")
    run.run(
        [ROWS],
        run.Options(out=folder, repeats=1, warmup=0, periods=3, isolate=False, cli_repeats=1, log=False),
    )
    return folder


@pytest.fixture
def results(out: Path) -> dict[str, Any]:
    saved: dict[str, Any] = json.loads((out / "results.json").read_text())
    return saved


def test_three_methods_agree_with_the_generated_totals(results: dict[str, Any]) -> None:
    entry = results["sizes"][str(ROWS)]
    expected = {c: Decimal(v) for c, v in entry["data"]["billed_totals"].items()}
    assert expected and all(expected.values())
    queries = _bench("queries")
    assert set(entry["queries"]["queries"]) == {q.name for q in queries.QUERIES}
    for name, timings in entry["queries"]["queries"].items():
        assert timings["agree"] == ["cloudledger", "duckdb", "pandas", "pandas_all_columns"], name
        assert {c: Decimal(v) for c, v in timings["totals"].items()} == expected, name
        assert timings["groups"] > 1
    assert entry["ingest"]["cloudledger"]["rows"] == ROWS
    assert entry["ingest"]["delta_floor"]["rows"] == ROWS


def test_results_json_has_every_section(results: dict[str, Any], tmp_path: Path) -> None:
    saved = results
    assert set(saved) >= {"machine", "method", "sizes"}
    assert set(saved["machine"]) >= {"cores", "ram_gib", "python", "packages"}
    entry = saved["sizes"][str(ROWS)]
    assert set(entry) >= {"rows", "data", "ingest", "queries", "overhead", "cli", "measured_at"}
    assert set(entry["ingest"]) == {"cloudledger", "delta_floor", "delta_variants", "pandas_read"}
    assert len(entry["ingest"]["delta_variants"]["variants"]) == 5
    assert "run_costs" in entry["overhead"]["steps"]
    assert set(entry["ingest"]["cloudledger"]) >= {"seconds", "rows_per_s", "phases", "peak_rss_mb"}
    for timings in entry["queries"]["queries"].values():
        assert set(timings["cloudledger"]) >= {"with_open", "without_open"}
        assert set(timings["pandas"]) >= {"load_and_group", "group"}
        assert "seconds" in timings["duckdb"]
    assert set(entry["cli"]) >= {"seconds", "help_seconds", "import_seconds"}
    report = _bench("report")
    assert {t.name for t in report.targets(entry)} >= {
        "ingest rate",
        "ServiceName: vs raw DuckDB",
        "ServiceName: vs pandas (needed columns)",
    }
    docs = tmp_path / "benchmarks.md"
    report.write_docs(saved, docs)
    assert f"{ROWS:,} rows" in docs.read_text()


def test_a_wrong_total_is_caught() -> None:
    queries = _bench("queries")
    good = {("EC2", "USD"): Decimal("1.5")}
    queries.check_agree({"a": good, "b": dict(good)}, {"USD": "1.5"})
    with pytest.raises(queries.MismatchError):
        queries.check_agree({"a": good, "b": {("EC2", "USD"): Decimal("1.5000000001")}}, {"USD": "1.5"})
    with pytest.raises(queries.MismatchError):
        queries.check_agree({"a": good}, {"USD": "2"})
