"""`export --format focus`: what the ledger holds as a FOCUS 1.2 dataset with its metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cloudledger.cli_validate import validate_file
from cloudledger.focus.datasets import validate_datasets
from cloudledger.focus.rules import rules_for
from cloudledger.focus.spec import load_spec
from cloudledger.focus.validate import ValidationReport
from cloudledger.home import Home
from cloudledger.ledger.export import export_focus
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.sources.files import BillingFile
from ledger_probe import ledger_state

FORMAT_RULES = {
    "BillingPeriodStart.DateTimeFormat",
    "BillingPeriodEnd.DateTimeFormat",
    "ChargePeriodStart.DateTimeFormat",
    "ChargePeriodEnd.DateTimeFormat",
    "ColumnHandling.CustomColumnPrefix",
    "ColumnHandling.CustomColumnsLast",
}
"""Rules about how a file is written (not what it says): an export must never break them."""


@pytest.fixture(scope="module")
def sample_home(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("export")).ensure()
    ingest(home, [samples_dir / "focus-other" / "focus_sample.csv"])
    return home


def _export(home: Home, out: Path, file_format: str) -> list[Path]:
    view = open_ledger(home)
    try:
        return [result.data_path for result in export_focus(view, out, file_format)]
    finally:
        view.close()


def _failed(reports: list[tuple[str | None, ValidationReport]]) -> dict[tuple[str | None, str], int]:
    return {(name, r.rule_id): r.failed_rows for name, report in reports for r in report.failures}


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_export_writes_one_dataset_per_provider_with_metadata(
    sample_home: Home, tmp_path: Path, file_format: str
) -> None:
    files = _export(sample_home, tmp_path, file_format)
    assert sorted(p.parent.name for p in files) == ["aws", "microsoft", "oracle"]
    rows = 0
    for data in files:
        metadata = json.loads((data.parent / "focus-metadata.json").read_text())
        assert metadata["FocusVersion"] == "1.2" and metadata["DataGenerator"] == "cloudledger"
        assert {"SchemaId", "CreationDate", "ColumnDefinition"} <= set(metadata)
        names = [d["ColumnName"] for d in metadata["ColumnDefinition"]]
        if file_format == "parquet":
            header = pq.read_schema(data).names
            rows += pq.read_metadata(data).num_rows
        else:
            lines = data.read_text().splitlines()
            header, rows = lines[0].split(","), rows + len(lines) - 1
        assert names == header
        assert names[:57] == load_spec().names and all(n.startswith("x_") for n in names[57:])
        assert "x_Id" in names and "x_source_file" not in names
    assert rows == 1000


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_export_fixes_every_format_rule_and_keeps_every_content_finding(
    sample_home: Home, samples_dir: Path, tmp_path: Path, file_format: str
) -> None:
    """The sample breaks FOCUS in how it is written and in what it says. The export must repair the
    first (format) and must neither hide nor add any of the second: a checker that made provider data
    look conformant would be lying. Findings are per provider dataset."""
    raw = _failed(validate_file(BillingFile(samples_dir / "focus-other" / "focus_sample.csv", "csv")))
    exported: dict[tuple[str | None, str], int] = {}
    for data in _export(sample_home, tmp_path, file_format):
        exported.update(_failed(validate_file(BillingFile(data, file_format))))  # type: ignore[arg-type]
    view = open_ledger(sample_home)
    try:
        in_ledger = _failed(validate_datasets(view.con, view.table))
    finally:
        view.close()
    assert {rule for _, rule in raw} >= FORMAT_RULES
    assert not FORMAT_RULES & {rule for _, rule in exported}
    for (dataset, rule), rows in raw.items():
        if rule not in FORMAT_RULES:
            assert exported.get((dataset, rule)) == rows, (dataset, rule)
    one_zero_rules = {r.id for r in rules_for(load_spec("1.0"))}
    added = {rule for (dataset, rule) in exported if (dataset, rule) not in raw}
    assert not added & one_zero_rules, "the export broke a rule the raw file kept"
    assert exported == in_ledger


def test_exported_csv_ingests_back_to_the_same_totals(sample_home: Home, tmp_path: Path) -> None:
    files = _export(sample_home, tmp_path / "out", "csv")
    again = Home(tmp_path / "again").ensure()
    ingest(again, files)
    assert ledger_state(again)["slices"] == ledger_state(sample_home)["slices"]
