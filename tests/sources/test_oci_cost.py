"""Source `oci-cost`: OCI's proprietary cost reports land exactly; OCI FOCUS reports are not claimed."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.sources import detect_source
from cloudledger.sources.files import BillingFile
from reference import ledger_decimal
from source_probe import assert_rejected, billed_by_slice, ledger_rows, must_failures, native_decimal, native_totals

SAMPLE = "oci-cost/reports_cost-csv_0000000030000269.csv"
SUB = "ocid1.organizationssubscription.oc1.us-sanjose-1.amaaaaaa33abj3qa7lv6zso4gq45je75qdvql5fmgrmzlic6nbtm33hlbt5q"
HEAD = [
    "lineItem/referenceNo",
    "lineItem/tenantId",
    "lineItem/intervalUsageStart",
    "lineItem/intervalUsageEnd",
    "product/service",
    "product/region",
    "product/resourceId",
    "usage/billedQuantity",
    "cost/subscriptionId",
    "cost/productSku",
    "product/Description",
    "cost/unitPrice",
    "cost/myCost",
    "cost/currencyCode",
    "cost/skuUnitDescription",
    "cost/overageFlag",
    "lineItem/isCorrection",
    "lineItem/backreferenceNo",
    "tags/Oracle-Tags.CreatedBy",
    "tags/team",
]


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _line(**values: str) -> dict[str, str]:
    row = {
        "lineItem/referenceNo": "r1",
        "lineItem/tenantId": "ocid1.tenancy.oc1..t1",
        "lineItem/intervalUsageStart": "2024-05-31T23:00Z",
        "lineItem/intervalUsageEnd": "2024-06-01T00:00:00Z",
        "product/service": "BLOCK_STORAGE",
        "product/region": "eu-frankfurt-1",
        "product/resourceId": "ocid1.volume.oc1..v1",
        "usage/billedQuantity": "10",
        "cost/subscriptionId": "sub-1",
        "cost/productSku": "B91961",
        "product/Description": "Block Volume - Storage",
        "cost/unitPrice": "0.0255",
        "cost/myCost": "0.255",
        "cost/currencyCode": "EUR",
        "cost/skuUnitDescription": "GB Months",
        "cost/overageFlag": "false",
        "lineItem/isCorrection": "false",
        "lineItem/backreferenceNo": "",
        "tags/Oracle-Tags.CreatedBy": "alice",
        "tags/team": "",
    }
    return row | values


def _write(path: Path, rows: list[dict[str, str]], drop: tuple[str, ...] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(
            handle, [h for h in HEAD if h not in drop], extrasaction="ignore", lineterminator="\r\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_sample_lands_exactly(home: Home, samples_dir: Path) -> None:
    sample = samples_dir / SAMPLE
    with sample.open(newline="") as handle:
        raw = list(csv.DictReader(handle))
    stored = sum((ledger_decimal(r["cost/myCost"]) or Decimal(0) for r in raw), Decimal(0))
    exact = sum((Decimal(r["cost/myCost"]) for r in raw), Decimal(0))
    native = sum((native_decimal(r["cost/myCost"]) for r in raw), Decimal(0))
    facts = json.loads((samples_dir / "facts.json").read_text())[SAMPLE]["facts"]
    summary = ingest(home, [sample])
    assert exact == Decimal(facts["costs"]["cost/myCost"]["sum"]) == Decimal("2.523589325400648027")
    assert billed_by_slice(home) == {("2023-11", "oci-cost", SUB): stored}
    assert abs(stored - exact) < Decimal("1E-10") * len(raw)
    assert native_totals(home, summary) == {("2023-11", SUB, "USD", "BilledCost"): native}
    assert summary.rows == facts["rows"] == 506
    assert must_failures(home) == {"Oracle": []}


def test_sample_columns_map(home: Home, samples_dir: Path) -> None:
    ingest(home, [samples_dir / SAMPLE])
    rows = ledger_rows(home)
    first = rows[0]
    assert first["ChargePeriodStart"].isoformat() == "2023-11-13T10:00:00+00:00"
    assert first["ChargePeriodEnd"].isoformat() == "2023-11-13T11:00:00+00:00"
    assert (first["ServiceName"], first["ServiceCategory"], first["ServiceSubcategory"]) == (
        "DATABASE",
        "Databases",
        "Relational Databases",
    )
    assert (first["SkuId"], first["PricingUnit"], first["PricingQuantity"]) == (
        "B92911",
        "Hours",
        Decimal("0.0833333333"),
    )
    assert first["ContractedUnitPrice"] == Decimal("0.14717133") and first["ListUnitPrice"] is None
    assert dict(first["Tags"])["OracleInternalReserved.CostCenter"] == "607825"
    tagged = [r for r in rows if any(k.startswith("DevRel") for k, _ in r["Tags"])]
    assert len(tagged) == 6 and dict(tagged[0]["Tags"])["DevRel\\redbull-analytics-hol-4cb4.release"] == "1.0"
    assert {r["BillingPeriodStart"].isoformat() for r in rows} == {"2023-11-01T00:00:00+00:00"}
    assert rows[1]["BilledCost"] == Decimal("0.0000000023")


def test_synthetic_lines_map(home: Home, tmp_path: Path) -> None:
    rows = [
        _line(),
        _line(**{"lineItem/intervalUsageStart": "2024-06-01T00:00Z", "lineItem/intervalUsageEnd": "2024-06-01T01:00Z"}),
        _line(**{"lineItem/isCorrection": "true", "lineItem/backreferenceNo": "r1", "cost/myCost": "-0.1"}),
        _line(**{"cost/subscriptionId": "", "product/service": "SOMETHING_NEW", "tags/team": "db"}),
    ]
    ingest(home, [_write(tmp_path / "r.csv", rows)])
    may, june, correction, other = ledger_rows(home)
    assert billed_by_slice(home) == {
        ("2024-05", "oci-cost", "sub-1"): Decimal("0.155"),
        ("2024-05", "oci-cost", "ocid1.tenancy.oc1..t1"): Decimal("0.255"),
        ("2024-06", "oci-cost", "sub-1"): Decimal("0.255"),
    }
    assert (may["ChargeCategory"], may["ChargeClass"], may["ChargeFrequency"], may["PricingCategory"]) == (
        "Usage",
        None,
        "Usage-Based",
        "Standard",
    )
    assert may["BilledCost"] == may["EffectiveCost"] == may["ListCost"] == may["ContractedCost"] == Decimal("0.255")
    assert (may["SubAccountId"], may["RegionId"], may["ResourceId"]) == (
        "ocid1.tenancy.oc1..t1",
        "eu-frankfurt-1",
        "ocid1.volume.oc1..v1",
    )
    assert (may["ServiceCategory"], may["ServiceSubcategory"], may["BillingCurrency"]) == (
        "Storage",
        "Block Storage",
        "EUR",
    )
    assert may["CommitmentDiscountId"] is None and may["Tags"] == [("Oracle-Tags.CreatedBy", "alice")]
    assert june["x_billing_period"] == "2024-06"
    assert (correction["ChargeClass"], correction["x_oci_backreference_no"]) == ("Correction", "r1")
    assert (other["ServiceCategory"], other["ServiceSubcategory"]) == ("Other", "Other (Other)")
    assert dict(other["Tags"]) == {"Oracle-Tags.CreatedBy": "alice", "team": "db"}


def test_oci_focus_reports_are_left_to_the_focus_source(tmp_path: Path) -> None:
    header = ["BilledCost", "BillingAccountId", "ChargePeriodStart", "ChargePeriodEnd", *HEAD]
    path = tmp_path / "focus.csv"
    path.write_text(",".join(header) + "\n")
    assert detect_source(BillingFile(path, "csv")).name == "focus"


def _drop(column: str) -> Callable[[Path], Path]:
    return lambda d: _write(d / "x.csv", [_line()], drop=(column,))


def _bad(**values: str) -> Callable[[Path], Path]:
    return lambda d: _write(d / "x.csv", [_line(), _line(**values)])


def _non_utf8(d: Path) -> Path:
    path = _write(d / "x.csv", [_line(**{"product/Description": "Caf?"})])
    path.write_bytes(path.read_bytes().replace(b"Caf?", b"Caf\xe9"))
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str, int | None, str | None]] = {
    "missing cost column": (_drop("cost/myCost"), "no known source recognises", None, None),
    "missing currency column": (_drop("cost/currencyCode"), "missing column(s) cost/currencyCode", None, None),
    "non-numeric cost": (_bad(**{"cost/myCost": "0,25"}), "'0,25' is not a number", 2, "cost/myCost"),
    "non-numeric quantity": (
        _bad(**{"usage/billedQuantity": "ten"}),
        "'ten' is not a number",
        2,
        "usage/billedQuantity",
    ),
    "bad date": (
        _bad(**{"lineItem/intervalUsageStart": "13/11/2023 05:00"}),
        "'13/11/2023 05:00' is not an ISO 8601",
        2,
        "lineItem/intervalUsageStart",
    ),
    "empty cost": (_bad(**{"cost/myCost": ""}), "empty value", 2, "cost/myCost"),
    "empty tenancy": (_bad(**{"lineItem/tenantId": ""}), "empty value", 2, "lineItem/tenantId"),
    "non-UTF-8": (_non_utf8, "is not UTF-8 text", 1, "product/Description"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_reports_are_rejected_and_ledger_unchanged(case: str, home: Home, tmp_path: Path) -> None:
    ingest(home, [_write(tmp_path / "good" / "r.csv", [_line()])])
    bad = tmp_path / "bad"
    bad.mkdir()
    make, message, row, column = CASES[case]
    assert_rejected(home, make(bad), message, row, column)


@pytest.mark.slow
def test_maps_a_large_report_fast(tmp_path: Path) -> None:
    from cloudledger.sources.files import read_csv_as_text
    from cloudledger.sources.oci_cost import _focus_table, read

    rows = [_line(**{"lineItem/referenceNo": str(i), "cost/myCost": f"0.{i:06d}"}) for i in range(200_000)]
    file = BillingFile(_write(tmp_path / "big.csv", rows), "csv")
    read(BillingFile(_write(tmp_path / "warm.csv", rows[:10]), "csv"))
    text = read_csv_as_text(file, file.header)
    started = time.perf_counter()
    mapped = _focus_table(text, str(file.path))
    mapping = mapped.num_rows / (time.perf_counter() - started)
    started = time.perf_counter()
    whole = read(file).table.num_rows / (time.perf_counter() - started)
    print(f"oci-cost: mapping {mapping:,.0f} rows/s, whole read (CSV + mapping + normalize) {whole:,.0f} rows/s")
    assert mapping > 100_000, f"{mapping:,.0f} rows/s"
    assert whole > 25_000, f"{whole:,.0f} rows/s"
