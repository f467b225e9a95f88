"""`cloudledger validate`: FOCUS conformance of files or of the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from rich.console import Console

from cloudledger.focus import upgrade
from cloudledger.focus.datasets import validate_datasets
from cloudledger.focus.spec import load_spec
from cloudledger.focus.validate import ValidationReport
from cloudledger.home import Home
from cloudledger.ledger.read import connect, open_ledger
from cloudledger.ledger.table import parse_as_of
from cloudledger.render import OutputFormat, render_rows
from cloudledger.sources import detect_source, read_rows
from cloudledger.sources.files import BillingFile, expand_paths, read_raw, row_numbers
from cloudledger.sources.focus import NAME as FOCUS_SOURCE
from cloudledger.sources.normalize import SOURCE_FILE, SOURCE_ROW


def raw_rows(file: BillingFile) -> pa.Table:
    """A file's rows exactly as written (CSV as text), with their file and 1-based row number."""
    table = read_raw(file)
    table = table.append_column(SOURCE_FILE, pa.array([str(file.path)] * table.num_rows, pa.string()))
    return table.append_column(SOURCE_ROW, row_numbers(table.num_rows))


def validate_file(file: BillingFile) -> list[tuple[str | None, ValidationReport]]:
    """Check one file, dataset by dataset (provider by provider): a FOCUS file against the FOCUS version of
    its columns, a native export as the FOCUS rows its source maps it to."""
    source = detect_source(file)
    if source.name == FOCUS_SOURCE:
        table = raw_rows(file)
        spec = load_spec(upgrade.detect_version([n for n in table.column_names if n not in (SOURCE_FILE, SOURCE_ROW)]))
    else:
        table, spec = read_rows(source, file).table, load_spec()
    con = connect()
    try:
        return validate_datasets(con, con.create_table("focus_file", table, temp=True), spec)
    finally:
        con.disconnect()


def _label(target: str, dataset: str | None) -> str:
    return f"{target} [{dataset or 'no ProviderName'}]"


def _where(examples: Sequence[tuple[str | None, int | None]]) -> str:
    """'a.csv rows 1, 2; b.csv row 7' from (file, row) examples."""
    by_file: dict[str, list[str]] = {}
    for file, row in examples:
        if row is not None:
            by_file.setdefault(Path(file).name if file else "?", []).append(str(row))
    return "; ".join(f"{name} row{'s' if len(r) > 1 else ''} {', '.join(r)}" for name, r in by_file.items())


def run_validate(home: Home, paths: Sequence[Path], *, as_of: str | None, fmt: OutputFormat, console: Console) -> bool:
    reports: list[tuple[str, ValidationReport]] = []
    if paths:
        for file in expand_paths(paths):
            reports += [(_label(str(file.path), name), report) for name, report in validate_file(file)]
    else:
        view = open_ledger(home, parse_as_of(as_of))
        try:
            reports += [
                (_label(f"ledger version {view.snapshot.version}", name), report)
                for name, report in validate_datasets(view.con, view.all_rows)
            ]
        finally:
            view.close()
    rows: list[dict[str, Any]] = []
    for target, report in reports:
        for result in report.failures:
            examples = "; ".join(f"{Path(f).name if f else '?'} row {r}" for f, r in result.examples if r is not None)
            rows.append(
                {
                    "Target": target,
                    "Rule": result.rule_id,
                    "Severity": result.severity,
                    "Section": result.section,
                    "FailedRows": result.failed_rows,
                    "Examples": examples,
                    "Description": result.description,
                }
            )
    ok = all(report.passed for _, report in reports)
    if fmt != "table":
        render_rows(console, list(rows[0]) if rows else ["Target", "Rule"], rows, fmt)
        return ok
    for target, report in reports:
        musts = [r for r in report.failures if r.severity == "MUST"]
        shoulds = [r for r in report.failures if r.severity != "MUST"]
        version = f"FOCUS {report.focus_version}"
        verdict = (
            f"[green]conforms to {version}[/]"
            if report.passed
            else f"[red]breaks {len(musts)} MUST rule(s) of {version}[/]"
        )
        console.print(
            f"[bold]{target}[/]: {verdict} "
            f"({len(report.results)} rules checked on {report.rows:,} rows, "
            f"{len(shoulds)} SHOULD warning(s))",
            highlight=False,
        )
        for result in musts + shoulds:
            mark = "[red]✗[/]" if result.severity == "MUST" else "[yellow]![/]"
            where = _where(result.examples)
            console.print(
                f"  {mark} {result.rule_id} ({result.severity}, {result.section}): "
                f"{result.failed_rows:,} row(s). {result.description}" + (f"\n      e.g. {where}" if where else ""),
                highlight=False,
            )
    return ok
