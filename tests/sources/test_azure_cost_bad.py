"""Azure cost files: how actual/amortized is told, deliveries, and bad input (rejected, ledger unchanged)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from azure_export import (
    ACCOUNT,
    BILLING,
    EA_BILLING_ID,
    MCA_ACCOUNT,
    MCA_PROFILE,
    commitment_scenario,
    ea_row,
    manifest,
    write_cost,
)
from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from ledger_probe import ledger_state
from source_probe import assert_rejected, ledger_rows

D = Decimal
COST = "CostInBillingCurrency"
KEY = ("2024-01", "azure-cost", EA_BILLING_ID)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_cost(tmp_path / "good" / "cost.csv", [ea_row(SubscriptionId="other")])])
    return home


def _totals(home: Home) -> tuple[Decimal, Decimal]:
    state = ledger_state(home)["slices"][KEY]
    return state["BilledCost"], state["EffectiveCost"]


def test_manifests_tell_the_datasets_of_neutrally_named_files(home: Home, tmp_path: Path) -> None:
    actual, amortized = commitment_scenario()
    write_cost(tmp_path / "a" / "run1" / "part_0_0001.csv", actual, manifest=manifest("ActualCost"))
    write_cost(tmp_path / "m" / "run1" / "part_0_0001.csv", amortized, manifest=manifest("AmortizedCost"))
    ingest(home, [tmp_path / "a", tmp_path / "m"])
    assert _totals(home) == (D("367.01"), D("30.01"))


def test_content_tells_the_datasets_when_nothing_else_does(home: Home, tmp_path: Path) -> None:
    actual, amortized = commitment_scenario()
    write_cost(tmp_path / "x" / "one.csv", actual)
    write_cost(tmp_path / "y" / "two.csv", amortized)
    ingest(home, [tmp_path / "x", tmp_path / "y"])
    assert _totals(home) == (D("367.01"), D("30.01"))


def test_a_file_without_commitments_takes_the_other_dataset_of_its_pair(home: Home, tmp_path: Path) -> None:
    on_demand = [ea_row(CostInBillingCurrency="4"), ea_row(CostInBillingCurrency="6", Date="1/9/2024")]
    write_cost(tmp_path / "x" / "cost-actual.csv", on_demand)
    write_cost(tmp_path / "y" / "cost.csv", on_demand[:1])
    ingest(home, [tmp_path / "x", tmp_path / "y"])
    assert _totals(home) == (D(10), D(4))
    assert sorted(r["x_CostDatasets"] for r in ledger_rows(home) if r["SubAccountId"] != "other") == [
        "actual",
        "actual+amortized",
    ]


def test_a_second_delivery_without_manifests_is_an_error(home: Home, tmp_path: Path) -> None:
    rows = commitment_scenario()[0]
    write_cost(tmp_path / "d" / "run1" / "cost-actual.csv", rows)
    write_cost(tmp_path / "d" / "run2" / "cost-actual.csv", rows)
    before = ledger_state(home)
    message = f"actual cost of billing period 2024-01, account {EA_BILLING_ID} is delivered twice"
    with pytest.raises(InputError, match=message):
        ingest(home, [tmp_path / "d"])
    assert ledger_state(home) == before


def test_with_manifests_the_newest_delivery_is_read(home: Home, tmp_path: Path) -> None:
    rows = commitment_scenario()[0]
    older = manifest("ActualCost", "2024-02-01T00:00:00Z", name="daily")
    newer = manifest("ActualCost", "2024-02-03T00:00:00Z", name="monthly")
    write_cost(tmp_path / "d" / "run1" / "part_0.csv", [*rows, ea_row(CostInBillingCurrency="1000")], manifest=older)
    write_cost(tmp_path / "d" / "run2" / "part_0.csv", rows, manifest=newer)
    ingest(home, [tmp_path / "d"])
    assert _totals(home)[0] == D("367.01")


def test_unpaired_accounts_of_one_period_are_an_error(home: Home, tmp_path: Path) -> None:
    actual, amortized = commitment_scenario()
    write_cost(tmp_path / "p" / "cost-actual.csv", actual)
    other = [{**r, "BillingAccountId": "999", "BillingProfileId": "999"} for r in amortized]
    write_cost(tmp_path / "p" / "cost-amortized.csv", other)
    message = (
        f"billing account {EA_BILLING_ID} has actual cost for 2024-01 but the paired amortized cost file(s) "
        f"cover {BILLING}999"
    )
    _rejected_pair(home, tmp_path / "p", message, "BillingAccountId")


def test_a_pair_in_two_currencies_is_an_error(home: Home, tmp_path: Path) -> None:
    actual, amortized = commitment_scenario()
    write_cost(tmp_path / "p" / "cost-actual.csv", actual)
    write_cost(tmp_path / "p" / "cost-amortized.csv", [{**r, "BillingCurrencyCode": "EUR"} for r in amortized])
    _rejected_pair(home, tmp_path / "p", "a pair must share one billing currency", "BillingCurrency")


def test_a_pair_in_two_schemas_is_an_error(home: Home, tmp_path: Path) -> None:
    actual, amortized = commitment_scenario()
    write_cost(tmp_path / "p" / "cost-actual.csv", actual)
    mca = [{**r, "BillingProfileId": "", "BillingAccountId": ACCOUNT} for r in amortized]
    write_cost(tmp_path / "p" / "cost-amortized.csv", mca, shape="mca")
    path = tmp_path / "p" / "cost-amortized.csv"
    text = path.read_text().replace(MCA_PROFILE, ACCOUNT).replace(MCA_ACCOUNT, ACCOUNT)
    path.write_text(text)
    _rejected_pair(home, tmp_path / "p", "in the EA schema but its amortized cost", None)


def _rejected_pair(home: Home, folder: Path, message: str, column: str | None) -> None:
    """Ingesting the pair in `folder` fails naming one of its files, and the ledger stays as it was."""
    before = ledger_state(home)
    with pytest.raises(InputError) as caught:
        ingest(home, [folder])
    assert message in str(caught.value), str(caught.value)
    assert Path(caught.value.file or "").parent == folder.resolve() and caught.value.column == column
    assert ledger_state(home) == before


def _bad(tmp_path: Path, name: str, row: int, column: str, value: str) -> Path:
    rows = [ea_row(Date=f"1/{day}/2024") for day in (3, 4, 5)]
    rows[row - 1][column] = value
    return write_cost(tmp_path / "bad" / name, rows)


def _mixed(tmp_path: Path, extra: str) -> Path:
    path = write_cost(tmp_path / "bad" / "mixed.csv", [ea_row()])
    lines = path.read_text().splitlines()
    path.write_text(f"{lines[0]},{extra}\r\n{lines[1]},x\r\n")
    return path


CASES = {
    "missing key column": (
        lambda d: write_cost(d / "bad" / "nodate.csv", [ea_row()], drop=("Date",)),
        "missing key column(s) Date", None, "Date",
    ),
    "missing account": (
        lambda d: write_cost(d / "bad" / "noacct.csv", [ea_row()], drop=("BillingAccountId", "BillingProfileId")),
        "missing key column(s) BillingAccountId or BillingProfileId", None, "BillingAccountId or BillingProfileId",
    ),
    "non-numeric cost": (lambda d: _bad(d, "cost.csv", 3, COST, "12,50"), "'12,50' is not a number", 3, COST),
    "empty cost": (lambda d: _bad(d, "nocost.csv", 2, COST, ""), f"{COST} is empty", 2, COST),
    "non-numeric quantity": (lambda d: _bad(d, "q.csv", 2, "Quantity", "n/a"), "'n/a' is not a number", 2, "Quantity"),
    "bad date": (lambda d: _bad(d, "date.csv", 2, "Date", "31/01/2024"), "'31/01/2024' is not a date", 2, "Date"),
    "bad tags": (lambda d: _bad(d, "tags.csv", 3, "Tags", "team=web"), "'team=web' is not tags as JSON", 3, "Tags"),
    "mixed schema (two spellings)": (lambda d: _mixed(d, "Cost"), "both mean CostInBillingCurrency", None, "Cost"),
    "mixed schema (case)": (lambda d: _mixed(d, "billingCurrencyCode"), "only in case", None, "billingCurrencyCode"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_rejected_naming_file_row_and_column(home: Home, tmp_path: Path, case: str) -> None:
    make, message, row, column = CASES[case]
    assert_rejected(home, make(tmp_path), message, row, column)


def test_bytes_that_are_not_utf8_are_rejected_with_their_row(home: Home, tmp_path: Path) -> None:
    path = write_cost(tmp_path / "bad" / "latin1.csv", [ea_row() for _ in range(60)])
    lines = path.read_bytes().split(b"\r\n")
    lines[50] = lines[50].replace(b"Web team", b"\xe9quipe web")
    path.write_bytes(b"\r\n".join(lines))
    assert_rejected(home, path, "is not UTF-8 text", 50, "AccountName")


def test_old_ea_export_with_bom_and_mixed_date_forms_still_reads(home: Home, tmp_path: Path) -> None:
    rows = [ea_row(Date="01/05/2024"), ea_row(Date="1/6/2024"), ea_row(Date="2024-01-07")]
    path = write_cost(tmp_path / "ok" / "cost.csv", rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    ingest(home, [path])
    days = sorted(r["ChargePeriodStart"].day for r in ledger_rows(home) if r["SubAccountId"] != "other")
    assert days == [5, 6, 7]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        assert next(csv.reader(handle))[0] == "BillingAccountId"
