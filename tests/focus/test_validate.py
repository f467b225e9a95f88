"""The FOCUS conformance checker: a valid table passes, and every rule fires on a table broken for it.

Each cross-column rule has a table of its own on which exactly that rule fires. Rules of one family
(a per-column family such as DataType, or a cross-column one such as NullWhenTax) share a table in
which each member's column is broken on its own cells, and exactly the family's rules fire.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest

from cloudledger.focus.rules import rules_for
from cloudledger.focus.spec import FocusColumn, load_spec
from cloudledger.focus.validate import ValidationReport, validate

SPEC = load_spec("1.2")
FILE = "base.csv"
Row = dict[str, str | None]

COMMON: Row = {
    "BillingAccountId": "acct-1",
    "BillingAccountName": "Acme",
    "BillingAccountType": "Billing Account",
    "BillingCurrency": "USD",
    "BillingPeriodStart": "2025-01-01T00:00:00Z",
    "BillingPeriodEnd": "2025-02-01T00:00:00Z",
    "ChargeDescription": "compute",
    "InvoiceId": "inv-1",
    "InvoiceIssuerName": "Acme Cloud",
    "ProviderName": "Acme Cloud",
    "PublisherName": "Acme Cloud",
    "PricingCurrency": "USD",
    "SubAccountId": "sub-1",
    "SubAccountName": "web",
    "SubAccountType": "Project",
    "ServiceCategory": "Compute",
    "ServiceSubcategory": "Virtual Machines",
    "ServiceName": "Virtual Machines",
}
HOUR: Row = {
    "ChargeCategory": "Usage",
    "ChargeFrequency": "Usage-Based",
    "ChargePeriodStart": "2025-01-05T00:00:00Z",
    "ChargePeriodEnd": "2025-01-05T01:00:00Z",
    "RegionId": "eu-west-1",
    "RegionName": "Europe (Ireland)",
    "AvailabilityZone": "eu-west-1a",
    "SkuId": "VM",
    "SkuMeter": "Compute Hours",
    "PricingUnit": "Hours",
    "ListUnitPrice": "0.5",
    "ContractedUnitPrice": "0.4",
    "PricingCurrencyListUnitPrice": "0.5",
    "PricingCurrencyContractedUnitPrice": "0.4",
    "Tags": '{"team": "web", "env": "prod"}',
}
COMMITMENT: Row = {
    "CommitmentDiscountId": "ri-1",
    "CommitmentDiscountCategory": "Usage",
    "CommitmentDiscountType": "Reservation",
    "CommitmentDiscountName": "ri-one",
    "CommitmentDiscountUnit": "Hours",
}
BASE_ROWS: list[Row] = [
    {  # 1: on-demand usage on a capacity reservation
        **COMMON,
        **HOUR,
        "ResourceId": "vm-1",
        "ResourceName": "web-1",
        "ResourceType": "Virtual Machine",
        "SkuPriceId": "VM-OD",
        "SkuPriceDetails": '{"CoreCount": 4, "x_Family": "general"}',
        "PricingCategory": "Standard",
        "PricingQuantity": "2",
        "ListCost": "1",
        "ContractedCost": "0.8",
        "BilledCost": "0.8",
        "EffectiveCost": "0.8",
        "PricingCurrencyEffectiveCost": "0.8",
        "ConsumedQuantity": "2",
        "ConsumedUnit": "Hours",
        "CapacityReservationId": "cr-1",
        "CapacityReservationStatus": "Used",
    },
    {  # 2: usage covered by a commitment
        **COMMON,
        **HOUR,
        **COMMITMENT,
        "ResourceId": "vm-2",
        "ResourceName": "web-2",
        "ResourceType": "Virtual Machine",
        "SkuPriceId": "VM-RI",
        "PricingCategory": "Committed",
        "CommitmentDiscountStatus": "Used",
        "CommitmentDiscountQuantity": "2",
        "PricingQuantity": "2",
        "ListCost": "1",
        "ContractedCost": "0.8",
        "BilledCost": "0",
        "EffectiveCost": "0.6",
        "PricingCurrencyEffectiveCost": "0.6",
        "ConsumedQuantity": "2",
        "ConsumedUnit": "Hours",
    },
    {  # 3: the unused part of the commitment
        **COMMON,
        **HOUR,
        **COMMITMENT,
        "ResourceId": "ri-1",
        "ResourceName": "ri-one",
        "ResourceType": "Reservation",
        "SkuPriceId": "VM-RI",
        "PricingCategory": "Committed",
        "CommitmentDiscountStatus": "Unused",
        "CommitmentDiscountQuantity": "1",
        "PricingQuantity": "1",
        "ListCost": "0.5",
        "ContractedCost": "0.4",
        "BilledCost": "0",
        "EffectiveCost": "0.3",
        "PricingCurrencyEffectiveCost": "0.3",
        "Tags": None,
    },
    {  # 4: the monthly purchase of the commitment
        **COMMON,
        **COMMITMENT,
        "ChargeCategory": "Purchase",
        "ChargeFrequency": "Recurring",
        "ChargePeriodStart": "2025-01-01T00:00:00Z",
        "ChargePeriodEnd": "2025-02-01T00:00:00Z",
        "ResourceId": "ri-1",
        "ResourceName": "ri-one",
        "ResourceType": "Reservation",
        "SkuId": "RI",
        "SkuPriceId": "RI-1Y",
        "SkuMeter": "Reservation",
        "PricingCategory": "Standard",
        "CommitmentDiscountQuantity": "744",
        "PricingQuantity": "744",
        "PricingUnit": "Hours",
        "ListUnitPrice": "0.3",
        "ContractedUnitPrice": "0.3",
        "PricingCurrencyListUnitPrice": "0.3",
        "PricingCurrencyContractedUnitPrice": "0.3",
        "ListCost": "223.2",
        "ContractedCost": "223.2",
        "BilledCost": "223.2",
        "EffectiveCost": "0",
        "PricingCurrencyEffectiveCost": "0",
    },
    {  # 5: tax on the month
        **COMMON,
        "ChargeCategory": "Tax",
        "ChargeFrequency": "One-Time",
        "ChargePeriodStart": "2025-01-01T00:00:00Z",
        "ChargePeriodEnd": "2025-02-01T00:00:00Z",
        "ServiceCategory": "Other",
        "ServiceSubcategory": "Other (Other)",
        "ServiceName": "Tax",
        "ListCost": "22.5",
        "ContractedCost": "22.5",
        "BilledCost": "22.5",
        "EffectiveCost": "22.5",
        "PricingCurrencyEffectiveCost": "22.5",
    },
    {  # 6: a refund of December usage, invoiced in January
        **COMMON,
        **HOUR,
        "ChargeClass": "Correction",
        "ChargePeriodStart": "2024-12-10T00:00:00Z",
        "ChargePeriodEnd": "2024-12-10T01:00:00Z",
        "ResourceId": "vm-1",
        "ResourceName": "web-1",
        "ResourceType": "Virtual Machine",
        "SkuPriceId": "VM-OD",
        "PricingCategory": "Standard",
        "PricingQuantity": "-1",
        "ListCost": "-0.5",
        "ContractedCost": "-0.4",
        "BilledCost": "-0.4",
        "EffectiveCost": "-0.4",
        "PricingCurrencyEffectiveCost": "-0.4",
        "ConsumedQuantity": "-1",
        "ConsumedUnit": "Hours",
        "CapacityReservationId": "cr-1",
        "CapacityReservationStatus": "Used",
    },
]
ALL_ROWS = tuple(range(1, len(BASE_ROWS) + 1))


def _typed(column: FocusColumn, text: str | None) -> Any:
    if text is None:
        return None
    if column.data_type == "Decimal":
        return Decimal(text)
    if column.data_type == "Date/Time":
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    if column.name == "Tags":
        return list(json.loads(text).items())
    return text


def make_table(
    rows: Sequence[Row],
    *,
    raw: bool = False,
    drop: Iterable[str] = (),
    binary: Iterable[str] = (),
    columns: Sequence[str] | None = None,
    file: str = FILE,
) -> ir.Table:
    """An Ibis table from text rows: typed as in the ledger, or every FOCUS column as text (`raw`).

    `binary` columns are stored as bytes (a wrong physical type); `columns` sets the column order.
    """
    dropped, as_bytes = set(drop), set(binary)
    arrays: dict[str, pa.Array] = {}
    for col in SPEC.columns:
        if col.name in dropped:
            continue
        texts = [row.get(col.name) for row in rows]
        if col.name in as_bytes:
            arrays[col.name] = pa.array([t.encode() if t is not None else None for t in texts], pa.binary())
        elif raw:
            arrays[col.name] = pa.array(texts, pa.string())
        else:
            arrays[col.name] = pa.array([_typed(col, t) for t in texts], col.arrow_type)
    for row in rows:
        for name in row:
            if name not in arrays and name not in dropped and name not in SPEC.by_name:
                arrays[name] = pa.array([r.get(name) for r in rows], pa.string())
    arrays["x_source_file"] = pa.array([file] * len(rows), pa.string())
    arrays["x_source_row"] = pa.array(range(1, len(rows) + 1), pa.int64())
    table = pa.table(arrays)
    if columns is not None:
        table = table.select(list(columns))
    return ibis.memtable(table)


def base_rows() -> list[Row]:
    return [dict(row) for row in BASE_ROWS]


def failing(report: ValidationReport) -> dict[str, int]:
    return {r.rule_id: r.failed_rows for r in report.failures}


@pytest.mark.parametrize("raw", [False, True], ids=["typed", "text"])
def test_valid_table_passes(raw: bool) -> None:
    report = validate(make_table(BASE_ROWS, raw=raw))
    assert report.rows == len(BASE_ROWS)
    assert failing(report) == {}
    assert report.passed
    checked = {r.rule_id for r in report.results}
    assert "ChargeCategory.AllowedValues" in checked
    assert "CapacityReservationStatus.NotNullForCapacityReservationUsage" in checked


# --- deliberately broken tables ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Rows edited from the valid base and the rules they must break, with the rows that break them."""

    name: str
    edits: dict[int, Row] = field(default_factory=dict)
    """1-based row -> new values."""
    expect: dict[str, tuple[int, ...]] = field(default_factory=dict)
    raw: bool = False
    drop: tuple[str, ...] = ()
    binary: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    extra: Row = field(default_factory=dict)
    """Extra columns, the same value on every row."""

    def rows(self) -> list[Row]:
        rows = base_rows()
        for number, values in self.edits.items():
            rows[number - 1].update(values)
        for row in rows:
            row.update(self.extra)
        return rows

    def table(self) -> ir.Table:
        return make_table(self.rows(), raw=self.raw, drop=self.drop, binary=self.binary, columns=self.columns)


def _edits(cells: Iterable[tuple[int, str, str | None]]) -> dict[int, Row]:
    edits: dict[int, Row] = {}
    for number, name, value in cells:
        edits.setdefault(number, {})[name] = value
    return edits


def _first_row(name: str, accept: Callable[[str], bool] = lambda _: True) -> int:
    return next(i for i, row in enumerate(BASE_ROWS, 1) if row.get(name) is not None and accept(row[name]))


def _generated_cases() -> list[Case]:
    """One table per rule family derived from column metadata; each column broken once."""
    cols = SPEC.columns
    shown = [c.name for c in cols if c.feature_level in ("Mandatory", "Recommended")]
    parsed = [c for c in cols if c.data_type != "String"]
    bad_text = {"Decimal": "12,5", "Date/Time": "yesterday", "JSON": "{oops"}
    strings = [c.name for c in cols if c.data_type == "String"]
    not_null = [c.name for c in cols if not c.nullable]
    # rows where an unknown value breaks nothing else: Tax has no prices, row 2 is a used commitment
    allowed_at = {
        "ChargeCategory": 5,
        "ServiceCategory": 5,
        "CommitmentDiscountStatus": 2,
        "CommitmentDiscountCategory": 2,
    }
    allowed = [c.name for c in cols if c.allowed_values]
    dates = [c.name for c in cols if c.data_type == "Date/Time"]
    numbers = [c.name for c in cols if c.data_type == "Decimal"]
    positive = {n: _first_row(n, lambda v: not v.startswith("-")) for n in numbers}
    return [
        Case("presence", drop=tuple(shown), expect={f"{n}.Presence": ALL_ROWS for n in shown}),
        Case(
            "recommended column all null",
            edits={i: {"ServiceSubcategory": None} for i in ALL_ROWS},
            expect={"ServiceSubcategory.Presence": ALL_ROWS},
        ),
        Case(
            "unparsable text",
            raw=True,
            edits=_edits((_first_row(c.name), c.name, bad_text[c.data_type]) for c in parsed),
            expect={f"{c.name}.DataType": (_first_row(c.name),) for c in parsed},
        ),
        Case("bytes for strings", binary=tuple(strings), expect={f"{n}.DataType": ALL_ROWS for n in strings}),
        Case(
            "nulls",
            edits=_edits((1, n, None) for n in not_null),
            expect={f"{n}.NotNull": (1,) for n in not_null},
        ),
        Case(
            "unknown values",
            edits=_edits((allowed_at.get(n, 1), n, "Bogus") for n in allowed),
            expect={f"{n}.AllowedValues": (allowed_at.get(n, 1),) for n in allowed},
        ),
        Case(
            "dates without T and Z",
            raw=True,
            edits=_edits((1, n, str(BASE_ROWS[0][n]).replace("T", " ").rstrip("Z")) for n in dates),
            expect={f"{n}.DateTimeFormat": (1,) for n in dates},
        ),
        Case(
            "numbers with a plus sign",
            raw=True,
            edits=_edits((positive[n], n, "+" + str(BASE_ROWS[positive[n] - 1][n])) for n in numbers),
            expect={f"{n}.NumericFormat": (positive[n],) for n in numbers},
        ),
    ]


PRICED = ("ContractedUnitPrice", "ListUnitPrice", "PricingCategory", "PricingCurrencyContractedUnitPrice")
PRICED += ("PricingCurrencyListUnitPrice", "PricingQuantity", "SkuId", "SkuPriceId")


def _family_cases() -> list[Case]:
    """Cross-column families, one table each: every member broken on its own cells."""
    taxed: Row = {n: "22.5" for n in PRICED} | {"PricingQuantity": "1", "PricingUnit": "Unit"}
    taxed |= {"PricingCategory": "Standard", "SkuId": "TAX", "SkuPriceId": "TAX-1"}
    unpriced: Row = {n: None for n in (*PRICED, "PricingUnit", "SkuMeter", "SkuPriceDetails")}
    orphans = _edits(
        [
            (1, "CommitmentDiscountCategory", "Usage"),
            (1, "CommitmentDiscountType", "Reservation"),
            (1, "CommitmentDiscountName", "ri-one"),
            (1, "CommitmentDiscountStatus", "Used"),
            (1, "CommitmentDiscountUnit", "Hours"),
            (2, "CapacityReservationStatus", "Used"),
            (3, "ConsumedUnit", "Hours"),
            (5, "PricingUnit", "Unit"),
            (5, "RegionName", "Europe (Ireland)"),
            (5, "ResourceName", "web-1"),
            (5, "ResourceType", "Virtual Machine"),
            (5, "SkuMeter", "Compute Hours"),
            (5, "SkuPriceDetails", '{"CoreCount": 4}'),
            (5, "SubAccountId", None),
        ]
    )
    orphan_rules = {
        "CommitmentDiscountCategory.NullWhenCommitmentDiscountIdNull": (1,),
        "CommitmentDiscountType.NullWhenCommitmentDiscountIdNull": (1,),
        "CommitmentDiscountName.NullWhenCommitmentDiscountIdNull": (1,),
        "CommitmentDiscountStatus.NullWhenCommitmentDiscountIdNull": (1,),
        "CommitmentDiscountUnit.NullWhenCommitmentDiscountQuantityNull": (1,),
        "CapacityReservationStatus.NullWhenCapacityReservationIdNull": (2,),
        "ConsumedUnit.NullWhenConsumedQuantityNull": (3,),
        "PricingUnit.NullWhenPricingQuantityNull": (5,),
        "RegionName.NullWhenRegionIdNull": (5,),
        "ResourceName.NullWhenResourceIdNull": (5,),
        "ResourceType.NullWhenResourceIdNull": (5,),
        "SkuMeter.NullWhenSkuIdNull": (5,),
        "SkuPriceDetails.NullWhenSkuPriceIdNull": (5,),
        "SubAccountName.NullWhenSubAccountIdNull": (5,),
        "SubAccountType.NullWhenSubAccountIdNull": (5,),
    }
    widowed = {
        "CommitmentDiscountCategory": ("CommitmentDiscountId", 2),
        "CommitmentDiscountType": ("CommitmentDiscountId", 2),
        "CommitmentDiscountUnit": ("CommitmentDiscountQuantity", 2),
        "ConsumedUnit": ("ConsumedQuantity", 1),
        "PricingUnit": ("PricingQuantity", 1),
        "RegionName": ("RegionId", 1),
        "ResourceType": ("ResourceId", 1),
        "SubAccountName": ("SubAccountId", 1),
        "SubAccountType": ("SubAccountId", 1),
    }
    negative: Row = {"ListUnitPrice": "-0.5", "ListCost": "-1", "ContractedUnitPrice": "-0.4"}
    negative |= {"ContractedCost": "-0.8", "PricingCurrencyListUnitPrice": "-1"}
    negative |= {"PricingCurrencyContractedUnitPrice": "-1"}
    non_negative = ("ListUnitPrice", "ContractedUnitPrice", "PricingCurrencyListUnitPrice")
    non_negative += ("PricingCurrencyContractedUnitPrice",)
    return [
        Case("priced tax", edits={5: taxed}, expect={f"{n}.NullWhenTax": (5,) for n in PRICED}),
        Case(
            "unpriced usage",
            edits={1: unpriced},
            expect={f"{n}.NotNullForUsageOrPurchase": (1,) for n in PRICED},
        ),
        Case("values without their id", edits=orphans, expect=orphan_rules),
        Case(
            "ids without their values",
            edits=_edits((row, child, None) for child, (_, row) in widowed.items()),
            expect={f"{c}.NotNullWhen{p}NotNull": (row,) for c, (p, row) in widowed.items()},
        ),
        Case(
            "negative unit prices",
            edits={1: negative},
            expect={f"{n}.NonNegative": (1,) for n in non_negative},
        ),
    ]


def _single(rule_id: str, edits: dict[int, Row], rows: tuple[int, ...], **kwargs: Any) -> Case:
    return Case(rule_id, edits=edits, expect={rule_id: rows}, **kwargs)


SPEC_COLUMNS = tuple(c.name for c in SPEC.columns)
SINGLE_CASES = [
    _single("CommitmentDiscountStatus.NotNullForCommitmentUsage", {2: {"CommitmentDiscountStatus": None}}, (2,)),
    _single(
        "CommitmentDiscountQuantity.NotNullForCommitmentCharges",
        {4: {"CommitmentDiscountQuantity": None, "CommitmentDiscountUnit": None}},
        (4,),
    ),
    _single(
        "CommitmentDiscountQuantity.NullForOtherCharges",
        {1: {"CommitmentDiscountQuantity": "1", "CommitmentDiscountUnit": "Hours"}},
        (1,),
    ),
    _single("ConsumedQuantity.NullWhenNotUsage", {4: {"ConsumedQuantity": "744", "ConsumedUnit": "Hours"}}, (4,)),
    _single(
        "ConsumedQuantity.NullWhenCommitmentUnused",
        {3: {"ConsumedQuantity": "1", "ConsumedUnit": "Hours"}},
        (3,),
    ),
    _single("ConsumedQuantity.NotNullForUsage", {1: {"ConsumedQuantity": None, "ConsumedUnit": None}}, (1,)),
    _single("PricingCategory.CommittedRequiresCommitmentDiscountId", {1: {"PricingCategory": "Committed"}}, (1,)),
    _single("PricingCategory.CommittedForCommitmentUsage", {2: {"PricingCategory": "Standard"}}, (2,)),
    _single("PricingCategory.NotCommittedForCommitmentPurchase", {4: {"PricingCategory": "Committed"}}, (4,)),
    _single("EffectiveCost.ZeroForCommitmentPurchase", {4: {"EffectiveCost": "223.2"}}, (4,)),
    _single(
        "CommitmentDiscountUnit.ConsistentPerCommitmentDiscountId",
        {4: {"CommitmentDiscountUnit": "USD"}},
        (2, 3, 4),
    ),
    _single("ChargeFrequency.NotUsageBasedForPurchase", {4: {"ChargeFrequency": "Usage-Based"}}, (4,)),
    _single(
        "CapacityReservationStatus.NotNullForCapacityReservationUsage",
        {1: {"CapacityReservationStatus": None}},
        (1,),
    ),
    _single("ListCost.MatchesUnitPriceTimesQuantity", {1: {"ListCost": "1.5"}}, (1,)),
    _single("ContractedCost.MatchesUnitPriceTimesQuantity", {1: {"ContractedCost": "0.9"}}, (1,)),
    _single(
        "BillingCurrency.CurrencyFormat",
        {1: {"BillingCurrency": "usd"}, 2: {"BillingCurrency": "XAU"}},
        (1, 2),
    ),
    _single("ChargeDescription.NotNull", {1: {"ChargeDescription": None}}, (1,)),
    _single(
        "ChargePeriodStart.BeforeChargePeriodEnd",
        {1: {"ChargePeriodEnd": BASE_ROWS[0]["ChargePeriodStart"]}},
        (1,),
    ),
    _single(
        "BillingPeriodStart.BeforeBillingPeriodEnd",
        {5: {"BillingPeriodEnd": BASE_ROWS[4]["BillingPeriodStart"]}},
        (5,),
    ),
    _single(
        "ChargePeriodStart.WithinBillingPeriod",
        {1: {"ChargePeriodStart": "2025-02-01T00:00:00Z", "ChargePeriodEnd": "2025-02-01T01:00:00Z"}},
        (1,),
    ),
    _single("ServiceName.SingleServiceCategory", {5: {"ServiceName": "Virtual Machines"}}, ALL_ROWS),
    _single("ServiceSubcategory.ParentCategory", {1: {"ServiceSubcategory": "Relational Databases"}}, (1,)),
    _single("SkuPriceId.SingleSkuId", {6: {"SkuId": "VM2"}}, (1, 6)),
    _single(
        "Tags.KeyValueFormat",
        {1: {"Tags": '["web"]'}, 2: {"Tags": '{"team": {"name": "web"}}'}},
        (1, 2),
        raw=True,
    ),
    _single("SkuPriceDetails.KeyValueFormat", {1: {"SkuPriceDetails": '{"CoreCount": [4]}'}}, (1,), raw=True),
    _single("Tags.NonEmptyKeys", {1: {"Tags": '{"": "web"}'}, 6: {"Tags": '{" ": "x"}'}}, (1, 6)),
    _single("SkuPriceDetails.CustomKeyPrefix", {1: {"SkuPriceDetails": '{"Cores": 4}'}}, (1,)),
    _single("ColumnHandling.CustomColumnPrefix", {}, ALL_ROWS, extra={"Id": "1"}),
    _single(
        "ColumnHandling.CustomColumnsLast",
        {},
        ALL_ROWS,
        columns=("x_source_file", *SPEC_COLUMNS, "x_source_row"),
    ),
    _single("NullHandling.EmptyString", {1: {"ChargeDescription": ""}}, (1,)),
    _single("StringHandling.BlankValue", {1: {"InvoiceIssuerName": "  "}}, (1,)),
]
CASES = [*_generated_cases(), *_family_cases(), *SINGLE_CASES]


def test_every_rule_has_a_case() -> None:
    covered = {rule_id for case in CASES for rule_id in case.expect}
    assert covered == {r.id for r in rules_for(SPEC)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_table_fires_exactly_its_rules(case: Case) -> None:
    report = validate(case.table())
    assert failing(report) == {rule_id: len(rows) for rule_id, rows in case.expect.items()}
    for result in report.failures:
        expected = case.expect[result.rule_id]
        assert result.examples == [(FILE, row) for row in expected[:5]], result.rule_id


# --- the report ----------------------------------------------------------------------------------


def test_examples_need_source_columns_and_respect_sample_size() -> None:
    rows = base_rows()
    for row in rows[:3]:
        row["ChargeFrequency"] = "Monthly"
    table = make_table(rows).drop("x_source_file", "x_source_row")
    report = validate(table, sample_size=2)
    assert [(r.rule_id, r.failed_rows, r.examples) for r in report.failures] == [
        ("ChargeFrequency.AllowedValues", 3, [(None, None), (None, None)])
    ]
    result = report.failures[0]
    assert (result.section, result.severity) == ("columns/chargefrequency.md", "MUST")
    assert not report.passed


def test_absent_optional_columns_skip_their_rules() -> None:
    commitment = [n for n in SPEC.names if n.startswith("CommitmentDiscount")]
    rows = [BASE_ROWS[0], BASE_ROWS[4], BASE_ROWS[5]]  # no commitment rows
    report = validate(make_table(rows, drop=commitment))
    assert failing(report) == {}
    assert report.passed
    assert "CommitmentDiscountStatus.NotNullForCommitmentUsage" in report.skipped
    assert "PricingCategory.CommittedRequiresCommitmentDiscountId" in report.skipped
    assert "ConsumedQuantity.NotNullForUsage" not in report.skipped  # it reads the status only if present
    assert not {r.rule_id for r in report.results} & set(report.skipped)


def test_older_versions_are_checked_with_their_own_rules() -> None:
    ids = {v: {r.id for r in rules_for(load_spec(v))} for v in ("1.0", "1.1")}
    assert "PricingCategory.NotCommittedForCommitmentPurchase" not in ids["1.0"]  # 1.0 said the opposite
    assert "PricingCategory.NotCommittedForCommitmentPurchase" in ids["1.1"]
    assert "PricingUnit.NullWhenPricingQuantityNull" not in ids["1.1"]  # tied to PricingQuantity in 1.2
    assert "ServiceSubcategory.ParentCategory" in ids["1.1"] and "ServiceSubcategory.Presence" not in ids["1.0"]
    new_in_1_2 = set(SPEC.names) - set(load_spec("1.1").names)
    report = validate(make_table(BASE_ROWS, drop=new_in_1_2), load_spec("1.1"))
    assert report.focus_version == "1.1"
    assert failing(report) == {}
