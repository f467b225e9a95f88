"""AWS CUR: bad files are rejected naming file, row and column, and the ledger stays as it was;
delivery folders: only the files the period manifest lists are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aws_export import LEGACY_COLUMNS, PAYER, cur_row, every_type, usage, write_cur2_csv, write_legacy_csv
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from ledger_probe import ledger_state
from source_probe import assert_rejected


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_legacy_csv(tmp_path / "good" / "report.csv", every_type()[:3])])
    return home


def _rows() -> list[dict[str, str]]:
    return [cur_row("Usage", str(i + 1), **usage()) for i in range(4)]


def _missing_column(d: Path) -> Path:
    return write_legacy_csv(d / "cur.csv", _rows(), [c for c in LEGACY_COLUMNS if c != "lineItem/CurrencyCode"])


def _bad_cost(d: Path) -> Path:
    rows = _rows()
    rows[2]["lineItem/UnblendedCost"] = "12,50"
    return write_legacy_csv(d / "cur.csv", rows)


def _bad_date(d: Path) -> Path:
    rows = _rows()
    rows[1]["lineItem/UsageStartDate"] = "31/01/2025"
    return write_legacy_csv(d / "cur.csv", rows)


def _not_utf8(d: Path) -> Path:
    rows = [cur_row("Usage", "1", **usage()) for _ in range(150)]
    rows[120] = cur_row("Usage", "3", **usage(**{"lineItem/ResourceId": "CAFE_"}))
    path = write_legacy_csv(d / "cur.csv", rows)
    path.write_bytes(path.read_bytes().replace(b"CAFE_", b"caf\xe9"))  # beyond the header's read-ahead
    return path


def _negative_usage(d: Path) -> Path:
    rows = _rows()
    rows[3]["lineItem/UsageAmount"] = "-5"
    return write_legacy_csv(d / "cur.csv", rows)


def _bad_tags(d: Path) -> Path:
    rows = _rows()
    return write_cur2_csv(d / "export.csv", rows, tags=['{"user_team": "web"}', "{}", "team=web", "{}"])


CASES = {
    "missing key column": (_missing_column, "missing column(s) lineItem/CurrencyCode", None, "lineItem/CurrencyCode"),
    "non-numeric cost": (_bad_cost, "'12,50' is not a number", 3, "lineItem/UnblendedCost"),
    "bad date": (_bad_date, "'31/01/2025' is not a date-time", 2, "lineItem/UsageStartDate"),
    "non-UTF-8 bytes": (_not_utf8, "is not UTF-8 text", 121, "lineItem/ResourceId"),
    "negative usage with positive cost": (_negative_usage, "negative usage quantity", 4, "lineItem/UsageAmount"),
    "CUR 2.0 resource_tags not JSON": (_bad_tags, "'team=web' is not a JSON object", 3, "resource_tags"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_rejected(home: Home, tmp_path: Path, case: str) -> None:
    make, message, row, column = CASES[case]
    assert_rejected(home, make(tmp_path / "bad"), message, row, column)


# --- delivery layout ------------------------------------------------------------------------------------

PERIOD = "20250101-20250201"


def _delivery(root: Path, assemblies: dict[str, list[dict[str, str]]], current: str, account: str = PAYER) -> Path:
    report = root / "cur" / "acme" / PERIOD
    for assembly, rows in assemblies.items():
        write_legacy_csv(report / assembly / "acme-00001.csv.gz", rows)
    manifest = {
        "assemblyId": current,
        "account": account,
        "reportName": "acme",
        "billingPeriod": {"start": "20250101T000000.000Z", "end": "20250201T000000.000Z"},
        "reportKeys": [f"cur/acme/{PERIOD}/{current}/acme-00001.csv.gz"],
        "columns": [{"category": c.split("/")[0], "name": c.split("/")[1]} for c in LEGACY_COLUMNS],
    }
    (report / "acme-Manifest.json").write_text(json.dumps(manifest))
    return root


def test_only_the_manifest_assembly_is_read(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    old = [cur_row("Usage", "7", **usage())]
    new = [cur_row("Usage", "1", **usage()), cur_row("Tax", "0.5")]
    root = _delivery(tmp_path / "s3", {"aaaa-old": old, "bbbb-new": new}, current="bbbb-new")
    summary = ingest(home, [root])
    assert [Path(p).parent.name for p in summary.files_superseded] == ["aaaa-old"]
    assert [Path(r.path).parent.name for r in summary.files_read] == ["bbbb-new"]
    state = ledger_state(home)
    assert state["slices"][("2025-01", "aws-cur", PAYER)]["BilledCost"] == pytest.approx(1.5)


def test_a_cur_without_its_manifest_is_rejected(home: Home, tmp_path: Path) -> None:
    root = _delivery(tmp_path / "s3", {"bbbb": _rows()}, current="bbbb")
    (root / "cur" / "acme" / PERIOD / "acme-Manifest.json").unlink()
    data = root / "cur" / "acme" / PERIOD / "bbbb" / "acme-00001.csv.gz"
    assert_rejected(home, data, "manifest", None, None)


def test_a_file_of_another_account_is_rejected(home: Home, tmp_path: Path) -> None:
    root = _delivery(tmp_path / "s3", {"bbbb": _rows()}, current="bbbb", account="999988887777")
    data = root / "cur" / "acme" / PERIOD / "bbbb" / "acme-00001.csv.gz"
    assert_rejected(home, data, "not the account '999988887777'", 1, "bill/PayerAccountId")
