"""`cloudledger demo` end to end: the ledger equals the demo files' own totals, restatement included."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from rich.console import Console

from cloudledger.analyses.reconcile import reconcile_home
from cloudledger.cli_demo import run_demo
from cloudledger.cli_validate import validate_file
from cloudledger.demo import DemoOutput, generate_demo
from cloudledger.focus.datasets import validate_datasets
from cloudledger.home import Home
from cloudledger.ledger.export import export_focus
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.sources.files import BillingFile
from ledger_probe import METRICS, ledger_state
from reference import ledger_decimal, read_csv_rows

Totals = dict[tuple[str, str], dict[str, Decimal]]


ROWS = 15_000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, DemoOutput, str]:
    home = Home(tmp_path_factory.mktemp("demo-ledger")).ensure()
    console = Console(record=True, width=120)
    output = run_demo(home, rows=ROWS, seed=7, quiet=True, console=console)
    return home, output, console.export_text()


@pytest.fixture(scope="module")
def focus_only(tmp_path_factory: pytest.TempPathFactory) -> DemoOutput:
    """The same company delivered as FOCUS exports only: the reference totals."""
    return generate_demo(tmp_path_factory.mktemp("focus-only"), rows=ROWS, seed=7, months=24)


def _file_totals(path: Path) -> Totals:
    """Rows and metric sums per (billing period, provider), read from a FOCUS file without cloudledger."""
    out: Totals = {}
    if path.name.endswith(".parquet"):
        rows = pq.read_table(path, columns=["BillingPeriodStart", "ProviderName", *METRICS]).to_pylist()
        keyed = [((r["BillingPeriodStart"].strftime("%Y-%m"), r["ProviderName"]), r) for r in rows]
    else:
        text = read_csv_rows(path)
        keyed = [
            ((r["BillingPeriodStart"][:7], r["ProviderName"]), {m: ledger_decimal(r[m]) for m in METRICS}) for r in text
        ]
    for key, row in keyed:
        entry = out.setdefault(key, {m: Decimal(0) for m in METRICS})
        for metric in METRICS:
            entry[metric] = Decimal(entry[metric]) + (row[metric] or Decimal(0))
    return out


def _counted_totals(home: Home) -> Totals:
    """What the cost analyses count, per (billing period, provider)."""
    view = open_ledger(home)
    try:
        t = view.table
        grouped = t.group_by(["x_billing_period", "ProviderName"]).aggregate(**{m: t[m].sum() for m in METRICS})
        rows = view.con.to_pyarrow(grouped).to_pylist()
    finally:
        view.close()
    return {(r["x_billing_period"], r["ProviderName"]): {m: r[m] for m in METRICS} for r in rows}


def test_every_format_gives_the_same_company_as_the_focus_exports(
    built: tuple[Home, DemoOutput, str], focus_only: DemoOutput
) -> None:
    home, output, _ = built
    assert {d.format for d in output.deliveries} == {"focus", "cur", "cur2", "ea", "mca", "bq-jsonl", "bq-parquet"}
    latest = {(d.provider, d.billing_period): d for d in focus_only.deliveries}
    expected: Totals = {}
    for delivery in latest.values():
        for path in delivery.paths:
            for key, totals in _file_totals(path).items():
                assert key not in expected, f"two deliveries claim {key}"
                expected[key] = totals
    got = _counted_totals(home)
    assert got.keys() == expected.keys()
    assert len({k[0] for k in got}) == 24
    for key in sorted(expected):
        assert got[key] == expected[key], key


def test_restatement_replaced_its_month(built: tuple[Home, DemoOutput, str], focus_only: DemoOutput) -> None:
    home, output, text = built
    restated = [d for d in output.deliveries if d.restatement]
    assert {d.format for d in restated} >= {"mca"}
    period = restated[0].billing_period
    first, again = (d for d in focus_only.deliveries if (d.provider, d.billing_period) == ("azure", period))
    before, after = _file_totals(first.paths[0]), _file_totals(again.paths[0])
    assert before != after
    assert _counted_totals(home)[(period, "Microsoft")] == after[(period, "Microsoft")]
    assert f"re-delivered {period}" in text


def test_the_demo_reconciles(built: tuple[Home, DemoOutput, str]) -> None:
    home, _, text = built
    report = reconcile_home(home)
    assert report.ok, [(c.kind, c.billing_period, c.source, c.metric, c.difference) for c in report.differences]
    assert not report.unverified
    kinds = {c.kind for c in report.checks}
    assert kinds == {"native", "ingest", "formats"}
    assert "Reconciled:" in text


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


def test_ingesting_the_whole_export_folder_gives_the_same_ledger(
    built: tuple[Home, DemoOutput, str], tmp_path: Path
) -> None:
    """One ingest of every delivery at once: manifests and run folders pick the newest deliveries."""
    home, output, _ = built
    exports = home.root / "demo-exports"
    period = next(d for d in output.deliveries if d.provider == "aws" and d.format == "focus")
    leftover = period.paths[0].with_name("northwind-focus-1-2-00099.snappy.parquet")
    shutil.copy(period.paths[0], leftover)
    try:
        other = Home(tmp_path / "at-once").ensure()
        summary = ingest(other, sorted(p for p in exports.iterdir() if p.is_dir()))
    finally:
        leftover.unlink()
    restated = {p.parent for d in output.deliveries if d.restatement for p in d.paths}
    superseded = {Path(p).parent for p in summary.files_superseded}
    assert str(leftover.resolve()) in summary.files_superseded
    assert len(superseded - {leftover.parent.resolve()}) == len(restated)
    assert ledger_state(other)["slices"] == ledger_state(home)["slices"]
