"""The data stack is pinned as a set; newer duckdb / sqlglot break parts of Ibis 12 (see pyproject)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

PINNED = ("deltalake", "duckdb", "ibis-framework", "sqlglot", "pyarrow")


def _pins() -> dict[str, str]:
    data = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    pins = {}
    for requirement in data["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([0-9.]+)", requirement)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


@pytest.mark.parametrize("package", PINNED)
def test_installed_versions_are_the_pinned_ones(package: str) -> None:
    assert version(package) == _pins()[package]


def test_known_broken_combinations_are_not_pinned() -> None:
    pins = _pins()
    duckdb_major = int(pins["duckdb"].split(".")[0])
    sqlglot = tuple(int(p) for p in pins["sqlglot"].split("."))
    assert duckdb_major < 2, "ibis 12 calls DuckDBPyConnection.fetch_arrow_table, gone in duckdb 2"
    assert sqlglot < (30, 18), "sqlglot >= 30.18 drops table names from ibis 12's DROP statements"


def test_ibis_duckdb_calls_that_break_on_bad_combinations_work() -> None:
    """The calls that fail with duckdb 2 or sqlglot >= 30.18: sql(), create/drop table, cache, batches."""
    con = ibis.duckdb.connect()
    con.create_table("pins", pa.table({"a": [1, 2, 3]}))
    assert con.sql("SELECT sum(a) AS s FROM pins").to_pyarrow()["s"][0].as_py() == 6
    cached = con.table("pins").filter(lambda t: t.a > 1).cache()
    assert cached.count().execute() == 2
    assert sum(batch.num_rows for batch in con.to_pyarrow_batches(con.table("pins"))) == 3
    con.drop_table("pins")
    assert "pins" not in con.list_tables()
