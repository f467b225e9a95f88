"""FOCUS datasets inside a table: the rows one data generator (one provider) produced.

Conformance is defined per dataset: a column a provider does not supply is absent from its dataset,
even when another provider's rows in the same ledger fill it. So a ledger (or a file mixing providers)
is validated and exported one provider at a time.
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.types as ir

from cloudledger.focus.spec import FocusSpec
from cloudledger.focus.validate import ValidationReport, validate

DATASET_COLUMN = "ProviderName"


def dataset_names(con: ibis.BaseBackend, table: ir.Table) -> list[str | None]:
    """The providers whose rows `table` holds, in name order (None for rows without one)."""
    if DATASET_COLUMN not in table.columns:
        return [None]
    names = con.to_pyarrow(table.select(DATASET_COLUMN).distinct())[DATASET_COLUMN].to_pylist()
    return sorted(names, key=lambda n: (n is None, n or ""))


def dataset_rows(table: ir.Table, name: str | None) -> ir.Table:
    """The rows of one provider's dataset."""
    if DATASET_COLUMN not in table.columns:
        return table
    column = table[DATASET_COLUMN]
    return table.filter(column.isnull() if name is None else column == name)


def dataset_slug(name: str | None) -> str:
    """A file-name-safe name for a dataset: 'Google Cloud' -> 'google-cloud'."""
    return re.sub(r"[^a-z0-9]+", "-", (name or "unknown").lower()).strip("-") or "unknown"


def validate_datasets(
    con: ibis.BaseBackend, table: ir.Table, spec: FocusSpec | None = None
) -> list[tuple[str | None, ValidationReport]]:
    """One conformance report per provider dataset in `table`."""
    return [(name, validate(dataset_rows(table, name), spec)) for name in dataset_names(con, table)]
