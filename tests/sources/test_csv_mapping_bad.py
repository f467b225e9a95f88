"""Bad mappings name their line and column in cloudledger.yaml; bad rows name file, row and column and land nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudledger.cli import app
from cloudledger.config import find_config, load_config, parse_config
from cloudledger.errors import ConfigError, InputError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.sources import Source
from cloudledger.sources.csv_mapping import mapping_sources
from ledger_probe import ledger_state

CONFIG = """\
csv_mappings:
  - name: reseller
    match:
      columns: [Day, Amount]
    charge_period:
      date: Day
    costs:
      billed: Amount
      effective: Net
    currency: {column: Curr}
    account: {column: Customer}
    provider: {value: Acme}
    service: {column: Product}
    charge_category:
      column: Kind
      values: {usage: Usage, refund: Credit}
"""
HEADER = "Day,Customer,Product,Kind,Amount,Net,Curr\n"
GOOD_ROWS = [
    "2025-03-01,C-1,VM,usage,10.50,9.00,EUR\n",
    "2025-03-02,C-1,VM,usage,2.25,2.25,EUR\n",
    "2025-03-03,C-1,VM,refund,-1.10,-1.10,EUR\n",
]


@pytest.fixture
def sources(tmp_path: Path) -> list[Source]:
    return mapping_sources(parse_config(CONFIG, tmp_path / "cloudledger.yaml"))


@pytest.fixture
def home(tmp_path: Path, sources: list[Source]) -> Iterator[Home]:
    home = Home(tmp_path / "home")
    good = tmp_path / "good" / "reseller.csv"
    good.parent.mkdir()
    good.write_text(HEADER + "".join(GOOD_ROWS))
    ingest(home, [good], sources=sources)
    yield home


def _with_row(row: int, text: str) -> str:
    rows = list(GOOD_ROWS)
    rows[row - 1] = text
    return HEADER + "".join(rows)


ROW_CASES: dict[str, tuple[str, int | None, str | None, str]] = {
    "non-numeric cost": (
        _with_row(2, "2025-03-02,C-1,VM,usage,$2.25,2.25,EUR\n"),
        2,
        "Amount",
        "'$2.25' is not a number",
    ),
    "empty cost": (_with_row(3, "2025-03-03,C-1,VM,usage,,1,EUR\n"), 3, "Amount", "the amount is empty"),
    "unparseable date": (
        _with_row(2, "2025-02-30,C-1,VM,usage,1,1,EUR\n"),
        2,
        "Day",
        "'2025-02-30' is not a valid date",
    ),
    "date of another format": (_with_row(3, "03/03/2025,C-1,VM,usage,1,1,EUR\n"), 3, "Day", "not written like"),
    "empty date": (_with_row(2, ",C-1,VM,usage,1,1,EUR\n"), 2, "Day", "the date is empty"),
    "bad currency": (_with_row(2, "2025-03-02,C-1,VM,usage,1,1,EURO\n"), 2, "Curr", "'EURO' is not a valid currency"),
    "empty account": (_with_row(3, "2025-03-03,,VM,usage,1,1,EUR\n"), 3, "Customer", "needs a value in every row"),
    "untranslated category": (_with_row(1, "2025-03-01,C-1,VM,rebate,1,1,EUR\n"), 1, "Kind", "'rebate' is not a valid"),
    "mapped column missing": (
        "Day,Customer,Product,Kind,Amount,Curr\n2025-03-01,C-1,VM,usage,1,EUR\n",
        None,
        "Net",
        "reads column 'Net' (",
    ),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_bad_rows_are_rejected_and_the_ledger_is_unchanged(
    case: str, home: Home, sources: list[Source], tmp_path: Path
) -> None:
    text, row, column, message = ROW_CASES[case]
    bad = tmp_path / "bad" / "reseller.csv"
    bad.parent.mkdir()
    bad.write_text(text)
    before = ledger_state(home)
    with pytest.raises(InputError) as caught:
        ingest(home, [bad], sources=sources)
    error = caught.value
    assert error.file == str(bad.resolve())
    assert (error.row, error.column) == (row, column)
    assert message in str(error)
    assert ledger_state(home) == before


def test_missing_column_names_the_mapping_line(home: Home, sources: list[Source], tmp_path: Path) -> None:
    bad = tmp_path / "reseller.csv"
    bad.write_text("Day,Customer,Product,Kind,Amount,Curr\n2025-03-01,C-1,VM,usage,1,EUR\n")
    with pytest.raises(InputError, match=r"cloudledger\.yaml line 9, column 18\), but the file has no such column"):
        ingest(home, [bad], sources=sources)


def test_non_utf8_bytes_are_rejected(home: Home, sources: list[Source], tmp_path: Path) -> None:
    bad = tmp_path / "reseller.csv"
    bad.write_bytes((HEADER + GOOD_ROWS[0]).encode() + "2025-03-02,Caf\xe9,VM,usage,1,1,EUR\n".encode("latin-1"))
    before = ledger_state(home)
    with pytest.raises(InputError, match=r"b'Caf\\xe9' is not UTF-8 text") as caught:
        ingest(home, [bad], sources=sources)
    assert caught.value.file in (str(bad), str(bad.resolve()))
    assert (caught.value.row, caught.value.column) == (2, "Customer")
    assert ledger_state(home) == before


CONFIG_CASES: dict[str, tuple[str, str, str]] = {
    "unknown key": (
        "      billed: Amount\n",
        "      billed: Amount\n      biled: Amount\n",
        "line 9, column 7: unknown key 'biled'",
    ),
    "wrong type": (
        "      columns: [Day, Amount]\n",
        "      columns: Day\n",
        "line 4, column 16: csv_mappings[0].match.columns: found 'Day'",
    ),
    "invalid currency": (
        "{column: Curr}",
        "{value: USX}",
        "line 10, column 15: csv_mappings[0].currency: 'USX' is not an ISO 4217",
    ),
    "column and value": (
        "{value: Acme}",
        "{value: Acme, column: P}",
        "line 12, column 15: csv_mappings[0].provider: give exactly one",
    ),
    "bad category": (
        "refund: Credit",
        "refund: Refund",
        "line 15, column 7: csv_mappings[0].charge_category: 'Refund' is not a FOCUS",
    ),
    "missing key": (
        "      billed: Amount\n      effective: Net\n",
        "      effective: Net\n",
        "line 8, column 7: csv_mappings[0].costs lacks the required key 'billed'",
    ),
    "bad name": ("name: reseller", "name: Reseller 1", "line 2, column 11: csv_mappings[0].name: found 'Reseller 1'"),
    "bad grain": (
        "      date: Day\n",
        "      date: Day\n      grain: week\n",
        "line 7, column 14: csv_mappings[0].charge_period.grain",
    ),
    "duplicate key": (
        "    provider: {value: Acme}\n",
        "    provider: {value: Acme}\n    provider: {value: B}\n",
        "line 13, column 5: the key 'provider' is written twice",
    ),
    "not yaml": ("      columns: [Day, Amount]\n", "      columns: [Day, Amount\n", "not valid YAML"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_bad_mapping_names_file_line_and_column(case: str, tmp_path: Path) -> None:
    old, new, message = CONFIG_CASES[case]
    assert old in CONFIG
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG.replace(old, new, 1), tmp_path / "cloudledger.yaml")
    assert str(caught.value).startswith(str(tmp_path / "cloudledger.yaml"))
    assert message in str(caught.value)


def test_duplicate_mapping_names_are_rejected(tmp_path: Path) -> None:
    twice = CONFIG + CONFIG.split("csv_mappings:\n", 1)[1]
    with pytest.raises(ConfigError, match="two CSV mappings are named 'reseller'"):
        parse_config(twice, tmp_path / "cloudledger.yaml")


def test_config_is_found_on_the_command_line_then_here_then_in_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Home(tmp_path / "home").ensure()
    monkeypatch.chdir(tmp_path)
    assert find_config(None, home) is None and load_config(None).csv_mappings == []
    home.config_path.write_text("")
    assert find_config(None, home) == home.config_path and load_config(home.config_path).csv_mappings == []
    (tmp_path / "cloudledger.yaml").write_text(CONFIG)
    assert find_config(None, home) == tmp_path / "cloudledger.yaml"
    explicit = tmp_path / "other.yaml"
    explicit.write_text(CONFIG)
    assert find_config(explicit, home) == explicit
    with pytest.raises(ConfigError, match="not found"):
        find_config(tmp_path / "missing.yaml", home)


def test_cli_ingest_reports_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "cloudledger.yaml"
    config.write_text(CONFIG.replace("{column: Curr}", "{value: usd}"))
    data = tmp_path / "reseller.csv"
    data.write_text(HEADER + GOOD_ROWS[0])
    result = CliRunner().invoke(app, ["ingest", str(data), "--config", str(config), "--home", str(tmp_path / "h")])
    assert result.exit_code != 0 and isinstance(result.exception, ConfigError)
    assert f"{config} line 10, column 15" in str(result.exception)
    assert not (tmp_path / "h" / "ledger").exists() or os.listdir(tmp_path / "h" / "ledger") == []
