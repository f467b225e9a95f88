"""Source `saas`: the documented invoice-line CSV lands as FOCUS Purchase rows; bad lines are refused."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from reference import ledger_decimal
from source_probe import assert_rejected, billed_by_slice, ledger_rows, must_failures, native_decimal, native_totals

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "saas-invoices.csv"
HEAD = "vendor,billing_period,amount,currency,cost_center,description"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


def _write(path: Path, *lines: str, head: str = HEAD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([head, *lines]) + "\n", encoding="utf-8")
    return path


def test_example_file_lands_exactly(home: Home) -> None:
    with EXAMPLE.open(newline="") as handle:
        raw = list(csv.DictReader(handle))
    expected: dict[tuple[str, str, str], Decimal] = {}
    native: dict[tuple[str, str, str, str], Decimal] = {}
    for row in raw:
        account = row["account"] or row["vendor"]
        key = (row["billing_period"], "saas", account)
        expected[key] = expected.get(key, Decimal(0)) + (ledger_decimal(row["amount"]) or Decimal(0))
        nkey = (row["billing_period"], account, row["currency"], "BilledCost")
        native[nkey] = native.get(nkey, Decimal(0)) + native_decimal(row["amount"])
    summary = ingest(home, [EXAMPLE])
    assert billed_by_slice(home) == expected
    assert native_totals(home, summary) == native
    by_currency = {c: sum(v for k, v in native.items() if k[2] == c) for c in ("USD", "EUR")}
    assert by_currency == {"USD": Decimal("35619.95"), "EUR": Decimal("18000")}
    assert {name: rules for name, rules in must_failures(home).items() if rules} == {}


def test_example_rows_map_to_focus(home: Home) -> None:
    ingest(home, [EXAMPLE])
    rows = ledger_rows(home)
    monitoring, credit, _, seats, tax, annual, _, _, refund = rows
    assert (monitoring["ChargeCategory"], monitoring["ChargeFrequency"], monitoring["PricingCategory"]) == (
        "Purchase",
        "Recurring",
        "Standard",
    )
    assert monitoring["ProviderName"] == monitoring["PublisherName"] == monitoring["InvoiceIssuerName"] == "Datadog"
    assert (monitoring["BillingAccountId"], monitoring["InvoiceId"], monitoring["ServiceName"]) == (
        "acme-prod",
        "DD-2025-0117",
        "Datadog Infrastructure",
    )
    assert (monitoring["ServiceCategory"], monitoring["ServiceSubcategory"]) == (
        "Management and Governance",
        "Other (Management and Governance)",
    )
    assert dict(monitoring["Tags"]) == {"team": "platform", "cost_center": "CC-100 Platform"}
    assert monitoring["x_cost_center"] == "CC-100 Platform"
    amount = Decimal("4210.00")
    assert monitoring["BilledCost"] == monitoring["EffectiveCost"] == monitoring["ListCost"] == amount
    assert monitoring["ContractedCost"] == amount and monitoring["PricingQuantity"] == 1
    assert monitoring["ChargePeriodStart"].isoformat()[:10] == "2025-01-01"
    assert monitoring["ChargePeriodEnd"].isoformat()[:10] == "2025-02-01"
    assert (credit["ChargeCategory"], credit["ChargeFrequency"], credit["PricingCategory"]) == (
        "Credit",
        "One-Time",
        None,
    )
    assert credit["BilledCost"] == Decimal("-210")
    assert seats["ChargeClass"] is None and seats["CommitmentDiscountId"] is None
    assert (tax["ChargeCategory"], tax["PricingQuantity"], tax["PricingUnit"], tax["PricingCategory"]) == (
        "Tax",
        None,
        None,
        None,
    )
    assert (annual["BillingCurrency"], annual["ChargeFrequency"]) == ("EUR", "One-Time")
    assert annual["ChargePeriodEnd"].isoformat()[:10] == "2026-01-01"
    assert annual["BillingPeriodEnd"].isoformat()[:10] == "2025-02-01"
    assert (refund["ChargeCategory"], refund["BilledCost"], refund["x_billing_period"]) == (
        "Purchase",
        Decimal(-500),
        "2025-02",
    )


def test_header_names_are_case_insensitive_and_extra_columns_kept(home: Home, tmp_path: Path) -> None:
    head = "\ufeffVendor,Billing Period,AMOUNT,Currency,Cost-Center,Description,PO Number,Quantity,Unit,Frequency"
    path = _write(tmp_path / "s.csv", "Slack,2025-04,800,usd,,Pro plan,PO-7,100,Seats,One Time", head=head)
    ingest(home, [path])
    (row,) = ledger_rows(home)
    assert (row["BillingAccountId"], row["BillingCurrency"], row["x_po_number"]) == ("Slack", "USD", "PO-7")
    assert (row["PricingQuantity"], row["PricingUnit"], row["ChargeFrequency"]) == (100, "Seats", "One-Time")
    assert row["Tags"] == [] and row["x_cost_center"] is None
    assert (row["ServiceCategory"], row["ServiceSubcategory"]) == ("Other", "Other (Other)")


CASES: dict[str, tuple[Callable[[Path], Path], str, int | None, str | None]] = {
    "missing cost_center column": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,x", head="vendor,billing_period,amount,currency,description"),
        "missing column(s) cost_center",
        None,
        None,
    ),
    "non-numeric amount": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,,x", 'B,2025-01,"1,234.50",USD,,x'),
        "'1,234.50' is not a number",
        2,
        "amount",
    ),
    "bad period": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,,x", "A,2025-13,1,USD,,x"),
        "'2025-13' is not a month",
        2,
        "billing_period",
    ),
    "period as a date": (lambda d: _write(d / "x.csv", "A,01/2025,1,USD,,x"), "is not a month", 1, "billing_period"),
    "unknown currency": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,,x", "A,2025-01,1,USX,,x"),
        "unknown currency code 'USX'",
        2,
        "currency",
    ),
    "empty vendor": (lambda d: _write(d / "x.csv", ",2025-01,1,USD,,x"), "empty value", 1, "vendor"),
    "negative without credit marker": (
        lambda d: _write(d / "x.csv", "A,2025-01,10,USD,,x", "A,2025-01,-10,USD,,refund?"),
        "negative amount on a line that is not marked as a credit",
        2,
        "amount",
    ),
    "positive credit": (
        lambda d: _write(d / "x.csv", "A,2025-01,10,USD,,x,credit", head=HEAD + ",charge_type"),
        "needs a negative amount",
        1,
        "amount",
    ),
    "unknown charge type": (
        lambda d: _write(d / "x.csv", "A,2025-01,10,USD,,x,rebate", head=HEAD + ",charge_type"),
        "'rebate' is not one of credit, purchase, refund, tax",
        1,
        "charge_type",
    ),
    "bad date": (
        lambda d: _write(d / "x.csv", "A,2025-01,10,USD,,x,2025-01-01,31/01/2025", head=HEAD + ",start_date,end_date"),
        "'31/01/2025' is not a date such as 2025-01-31",
        1,
        "end_date",
    ),
    "one date only": (
        lambda d: _write(d / "x.csv", "A,2025-01,10,USD,,x,2025-01-01,", head=HEAD + ",start_date,end_date"),
        "give both start_date and end_date",
        1,
        "start_date",
    ),
    "end before start": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,,x,2025-01-09,2025-01-02", head=HEAD + ",start_date,end_date"),
        "end_date is before start_date",
        1,
        "end_date",
    ),
    "tags not JSON": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,,x,team=web", head=HEAD + ",tags"),
        "is not a JSON object of tags",
        1,
        "tags",
    ),
    "conflicting cost center": (
        lambda d: _write(d / "x.csv", 'A,2025-01,1,USD,CC1,x,"{""cost_center"": ""CC2""}"', head=HEAD + ",tags"),
        "tags say cost_center 'CC2'",
        1,
        "tags",
    ),
    "unknown service category": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,,x,Observability", head=HEAD + ",service_category"),
        "'observability' is not one of",
        1,
        "service_category",
    ),
    "mixed currencies in one account": (
        lambda d: _write(d / "x.csv", "A,2025-01,1,USD,,x", "A,2025-01,1,EUR,,x"),
        "several currencies",
        2,
        "BillingCurrency",
    ),
}


def _non_utf8(d: Path) -> Path:
    path = d / "x.csv"
    path.write_bytes((HEAD + "\n").encode() + b"Caf\xe9,2025-01,1,USD,,x\n")
    return path


CASES["non-UTF-8"] = (_non_utf8, "is not UTF-8 text", 1, "vendor")


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_lines_are_rejected_and_ledger_unchanged(case: str, home: Home, tmp_path: Path) -> None:
    ingest(home, [_write(tmp_path / "good" / "s.csv", "Zoom,2025-01,99,USD,CC9,Meetings")])
    bad = tmp_path / "bad"
    bad.mkdir()
    make, message, row, column = CASES[case]
    assert_rejected(home, make(bad), message, row, column)
