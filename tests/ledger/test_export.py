"""`export --format focus`: what the ledger holds as a FOCUS 1.2 dataset with its metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cloudledger.cli_validate import validate_file
from cloudledger.focus.rules import rules_for
from cloudledger.focus.spec import load_spec
from cloudledger.focus.validate import ValidationReport, validate
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


def _export(home: Home, out: Path, file_format: str) -> Path:
    view = open_ledger(home)
    try:
        return export_focus(view, out, file_format).data_path
    finally:
        view.close()


def _failed(report: ValidationReport) -> dict[str, int]:
    return {r.rule_id: r.failed_rows for r in report.failures}


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_export_writes_focus_columns_and_metadata(
    sample_home: Home, tmp_path: Path, file_format: str
) -> None:
    data = _export(sample_home, tmp_path, file_format)
    metadata = json.loads((tmp_path / "focus-metadata.json").read_text())
    assert metadata["FocusVersion"] == "1.2" and metadata["DataGenerator"] == "cloudledger"
    assert {"SchemaId", "CreationDate", "ColumnDefinition"} <= set(metadata)
    names = [d["ColumnName"] for d in metadata["ColumnDefinition"]]
    header = (
        pq.read_schema(data).names
        if file_format == "parquet"
        else data.read_text().splitlines()[0].split(",")
    )
    assert names == header
    assert names[:57] == load_spec().names and all(n.startswith("x_") for n in names[57:])
    assert "x_Id" in names and "x_source_file" not in names


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_export_fixes_every_format_rule_and_keeps_every_content_finding(
    sample_home: Home, samples_dir: Path, tmp_path: Path, file_format: str
) -> None:
    """The sample breaks FOCUS in how it is written and in what it says. The export must repair the
    first (format) and must neither hide nor add any of the second: a checker that made provider data
    look conformant would be lying."""
    raw = _failed(validate_file(BillingFile(samples_dir / "focus-other" / "focus_sample.csv", "csv")))
    data = _export(sample_home, tmp_path, file_format)
    exported = _failed(validate_file(BillingFile(data, file_format)))  # type: ignore[arg-type]
    view = open_ledger(sample_home)
    try:
        in_ledger = _failed(validate(view.table))
    finally:
        view.close()
    assert set(raw) >= FORMAT_RULES and not FORMAT_RULES & set(exported)
    for rule, rows in raw.items():
        if rule not in FORMAT_RULES:
            assert exported.get(rule) == rows, rule
    only_1_2 = set(exported) - set(raw)
    one_zero_rules = {r.id for r in rules_for(load_spec("1.0"))}
    assert not only_1_2 & one_zero_rules, "the export broke a rule the raw file kept"
    assert exported == in_ledger


def test_exported_csv_ingests_back_to_the_same_totals(sample_home: Home, tmp_path: Path) -> None:
    data = _export(sample_home, tmp_path / "out", "csv")
    again = Home(tmp_path / "again").ensure()
    ingest(again, [data])
    assert ledger_state(again)["slices"] == ledger_state(sample_home)["slices"]
