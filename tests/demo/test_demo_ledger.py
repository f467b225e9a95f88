"""`cloudledger demo` end to end: the ledger equals the demo files' own totals, restatement included."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from rich.console import Console

from cloudledger.cli_demo import run_demo
from cloudledger.cli_validate import validate_file
from cloudledger.demo import DemoOutput
from cloudledger.focus.datasets import validate_datasets
from cloudledger.home import Home
from cloudledger.ledger.export import export_focus
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.sources.files import BillingFile
from ledger_probe import METRICS, ledger_state
from reference import ledger_decimal, read_csv_rows

Totals = dict[tuple[str, str], dict[str, Decimal | int]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, DemoOutput, str]:
    home = Home(tmp_path_factory.mktemp("demo-ledger")).ensure()
    console = Console(record=True, width=120)
    output = run_demo(home, rows=15_000, seed=7, quiet=True, console=console)
    return home, output, console.export_text()


def _file_totals(path: Path) -> Totals:
    """Rows and metric sums per (billing period, account), read from the file without cloudledger."""
    out: Totals = {}
    if path.name.endswith(".parquet"):
        rows = pq.read_table(path, columns=["BillingPeriodStart", "BillingAccountId", *METRICS]).to_pylist()
        keyed = [((r["BillingPeriodStart"].strftime("%Y-%m"), r["BillingAccountId"]), r) for r in rows]
    else:
        text = read_csv_rows(path)
        keyed = [
            ((r["BillingPeriodStart"][:7], r["BillingAccountId"]), {m: ledger_decimal(r[m]) for m in METRICS})
            for r in text
        ]
    for key, row in keyed:
        entry = out.setdefault(key, {"rows": 0, **{m: Decimal(0) for m in METRICS}})
        entry["rows"] = int(entry["rows"]) + 1
        for metric in METRICS:
            entry[metric] = Decimal(entry[metric]) + (row[metric] or Decimal(0))
    return out


def test_ledger_equals_the_latest_delivery_of_every_month(built: tuple[Home, DemoOutput, str]) -> None:
    home, output, _ = built
    latest = {(d.provider, d.billing_period): d for d in output.deliveries}
    expected: Totals = {}
    for delivery in latest.values():
        for path in delivery.paths:
            for key, totals in _file_totals(path).items():
                assert key not in expected, f"two deliveries claim {key}"
                expected[key] = totals
    got = {(k[0], k[2]): v for k, v in ledger_state(home)["slices"].items()}
    assert got == expected
    assert len({k[0] for k in got}) == 24


def test_restatement_replaced_its_month(built: tuple[Home, DemoOutput, str]) -> None:
    home, output, text = built
    restated = [d for d in output.deliveries if d.restatement]
    assert len(restated) == 1
    first = next(
        d
        for d in output.deliveries
        if d.billing_period == restated[0].billing_period and d.provider == restated[0].provider
    )
    before = _file_totals(first.paths[0])
    after = _file_totals(restated[0].paths[0])
    assert before != after
    state = ledger_state(home)["slices"]
    for (period, account), totals in after.items():
        assert state[(period, "focus", account)] == totals
    assert f"re-delivered {restated[0].billing_period}" in text


def test_demo_ledger_and_its_export_conform_to_focus(built: tuple[Home, DemoOutput, str], tmp_path: Path) -> None:
    home, _, _ = built
    view = open_ledger(home)
    try:
        reports = validate_datasets(view.con, view.table)
        exports = export_focus(view, tmp_path, "parquet")
    finally:
        view.close()
    assert [name for name, _ in reports] == ["AWS", "Google Cloud", "Microsoft"]
    for name, report in reports:
        assert report.passed, (name, [(r.rule_id, r.failed_rows) for r in report.failures if r.severity == "MUST"])
    for result in exports:
        ((name, exported),) = validate_file(BillingFile(result.data_path, "parquet"))
        assert name == result.dataset
        assert exported.passed, [(r.rule_id, r.failed_rows) for r in exported.failures if r.severity == "MUST"]
        assert exported.rows == dict(reports)[name].rows == result.rows


def test_demo_summary_names_what_the_ledger_holds(built: tuple[Home, DemoOutput, str]) -> None:
    _, output, text = built
    assert "24 billing periods" in text and "Top 10 services" in text
    assert f"{len(output.departments)} departments" in text


def test_ingesting_the_whole_export_folder_keeps_only_the_newest_deliveries(
    built: tuple[Home, DemoOutput, str], tmp_path: Path
) -> None:
    """One ingest of every delivery at once: manifests pick Azure's newest run, AWS's listed files."""
    home, output, _ = built
    exports = home.root / "demo-exports"
    period = next(d for d in output.deliveries if d.provider == "aws")
    leftover = period.paths[0].with_name("northwind-focus-1-2-00099.snappy.parquet")
    shutil.copy(period.paths[0], leftover)
    try:
        other = Home(tmp_path / "at-once").ensure()
        summary = ingest(other, [exports / "aws", exports / "azure", exports / "gcp"])
    finally:
        leftover.unlink()
    restated = next(d for d in output.deliveries if d.restatement)
    first = next(
        d
        for d in output.deliveries
        if (d.provider, d.billing_period) == (restated.provider, restated.billing_period) and not d.restatement
    )
    assert set(summary.files_superseded) == {str(first.paths[0].resolve()), str(leftover.resolve())}
    assert ledger_state(other)["slices"] == ledger_state(home)["slices"]
