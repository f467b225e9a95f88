"""Source `gcp-billing`: unit prices from the `price` record, pricing currency, SkuPriceId, service subcategory.

FOCUS requires ContractedCost = ContractedUnitPrice x PricingQuantity and ListCost = ListUnitPrice x
PricingQuantity on Usage rows: the SKU price is used where it gives the row's cost, else the row's own
price (cost / quantity). The real sample (a 2020 standard export without a `price` record) conforms; the
one MUST rule it cannot meet from its data is listed with the reason.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cloudledger.focus.datasets import validate_datasets
from cloudledger.focus.rules import _column_extra
from cloudledger.focus.spec import load_spec
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.sources import detect_source, read_rows
from cloudledger.sources.files import BillingFile, file_kind
from cloudledger.sources.gcp_services import SERVICES
from gcp_export import ACCOUNT, SHAPES, export_path, gcp_row, write_export
from source_probe import ledger_rows, must_failures

SAMPLE = Path("gcp-billing") / "evidence-2019-06-03.csv"
NOT_FROM_SAMPLE_DATA = {
    "SkuPriceId.NotNullForUsageOrPurchase": "the export has no `price` record, so no price tier names a SKU price",
}
"""MUST rules the sample cannot meet from its data: the column stays empty, so `validate` skips the rule."""
PRICE = {"effective_price": 0.029, "tier_start_amount": 0.0, "unit": "hour", "pricing_unit_quantity": 1.0,
         "list_price": 0.0348, "effective_price_default": 0.029, "list_price_consumption_model": 0.0348}  # fmt: skip
USAGE = {"amount": 72000.0, "unit": "seconds", "amount_in_pricing_units": 20.0, "pricing_unit": "hour"}


def _read(path: Path) -> list[dict[str, Any]]:
    kind = file_kind(path)
    assert kind is not None
    file = BillingFile(path, kind)
    return sorted(read_rows(detect_source(file), file).table.to_pylist(), key=lambda r: r["x_source_row"])


def _priced_rows() -> list[dict[str, Any]]:
    per_thousand = {**PRICE, "effective_price": 29.0, "list_price": 34.8, "pricing_unit_quantity": 1000.0}
    return [
        gcp_row(cost=0.58, cost_at_list=0.696, usage=USAGE, price=PRICE),
        gcp_row(cost=0.58, cost_at_list=0.696, usage=USAGE, price=per_thousand),
        gcp_row(cost=0.5, cost_at_list=0.6, usage=USAGE, price=PRICE),  # part of the quantity in a free tier
        gcp_row(cost=0.0, cost_at_list=0.0, usage={**USAGE, "amount_in_pricing_units": 0.0}, price=PRICE),
        gcp_row(cost_type="tax", cost=0.029, cost_at_list=0.0348, price=PRICE),
    ]


@pytest.mark.parametrize("shape", SHAPES)
def test_unit_prices_come_from_the_price_record_where_it_gives_the_cost(shape: str, tmp_path: Path) -> None:
    path = write_export(export_path(tmp_path, shape), _priced_rows(), shape=shape)
    quoted, per_thousand, tiered, free, tax = _read(path)
    for row in (quoted, per_thousand):
        assert (row["ContractedUnitPrice"], row["ListUnitPrice"]) == (Decimal("0.029"), Decimal("0.0348"))
        assert row["SkuPriceId"] == f"Billing Account ID:{ACCOUNT}, SKU ID: 2E27-4F75-95CD, Price Tier Start Amount: 0"
    assert (tiered["ContractedUnitPrice"], tiered["ListUnitPrice"]) == (Decimal("0.025"), Decimal("0.03"))
    assert (free["ContractedUnitPrice"], free["ListUnitPrice"]) == (Decimal("0.029"), Decimal("0.0348"))
    assert tax["ContractedUnitPrice"] is tax["ListUnitPrice"] is tax["SkuPriceId"] is None
    for row in (quoted, tiered, tax):
        assert row["PricingCurrency"] == row["BillingCurrency"] == "USD"
        assert row["PricingCurrencyContractedUnitPrice"] == row["ContractedUnitPrice"]
        assert row["PricingCurrencyListUnitPrice"] == row["ListUnitPrice"]
        assert row["PricingCurrencyEffectiveCost"] == row["EffectiveCost"]


@pytest.mark.parametrize("shape", SHAPES)
def test_without_a_price_record_the_unit_price_is_the_rows_own(shape: str, tmp_path: Path) -> None:
    rows = [{k: v for k, v in gcp_row(cost=0.58, cost_at_list=0.696, usage=USAGE).items() if k != "price"}]
    (row,) = _read(write_export(export_path(tmp_path, shape), rows, shape=shape))
    assert (row["ContractedUnitPrice"], row["ListUnitPrice"]) == (Decimal("0.029"), Decimal("0.0348"))
    assert row["SkuPriceId"] is None


def test_priced_rows_conform_to_focus(tmp_path: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_export(tmp_path / "p.parquet", _priced_rows(), shape="parquet")])
    assert must_failures(home) == {"Google Cloud": []}


def test_every_service_has_a_focus_subcategory_of_its_category(tmp_path: Path) -> None:
    parents = _column_extra(load_spec(), "ServiceSubcategory", "allowed_value_parents")
    assert {name: pair for name, pair in SERVICES.items() if parents.get(pair[1]) != pair[0]} == {}
    rows = [gcp_row(service={"id": "X", "description": name}) for name in ("BigQuery", "Pub/Sub", "Quantum Foo")]
    path = write_export(tmp_path / "s.jsonl", rows, shape="jsonl")
    got = [(r["ServiceCategory"], r["ServiceSubcategory"]) for r in _read(path)]
    assert got == [("Databases", "Data Warehouses"), ("Integration", "Messaging"), ("Other", "Other (Other)")]


def test_sample_conforms_and_names_what_its_data_cannot_give(tmp_path: Path, samples_dir: Path) -> None:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [samples_dir / SAMPLE])
    view = open_ledger(home)
    try:
        ((_, report),) = validate_datasets(view.con, view.table)
    finally:
        view.close()
    assert [r.rule_id for r in report.failures if r.severity == "MUST"] == []
    unmet = {rule for rule in report.skipped if rule.endswith("NotNullForUsageOrPurchase")}
    assert unmet == set(NOT_FROM_SAMPLE_DATA)
    rows = ledger_rows(home)
    for row in rows:
        assert abs(row["ContractedUnitPrice"] * row["PricingQuantity"] - row["ContractedCost"]) < Decimal("1E-9")
        assert row["ListUnitPrice"] == row["ContractedUnitPrice"]  # no cost_at_list: ListCost is cost
    assert {(r["ServiceName"], r["ServiceSubcategory"]) for r in rows} == {
        ("Security Command Center", "Security Posture Management"),
        ("Stackdriver Logging", "Observability"),
        ("BigQuery", "Data Warehouses"),
    }
