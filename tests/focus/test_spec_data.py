"""The FOCUS column data extracted from the specification, spot-checked against its text."""

from __future__ import annotations

import json
from importlib import resources

import pyarrow as pa
import pytest

from cloudledger.focus.rules import iso4217_codes
from cloudledger.focus.spec import LEDGER_FOCUS_VERSION, load_spec

MANDATORY_1_2 = {
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ServiceCategory",
    "ServiceName",
    "ProviderName",
    "PublisherName",
}


@pytest.mark.parametrize(("version", "count"), [("1.0", 43), ("1.1", 50), ("1.2", 57)])
def test_each_version_loads(version: str, count: int) -> None:
    spec = load_spec(version)
    assert spec.version == version
    assert spec.source == f"FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, tag v{version}"
    assert len(spec.columns) == len(set(spec.names)) == count
    for col in spec.columns:
        assert col.column_type in ("Dimension", "Metric")
        assert col.data_type in ("String", "Decimal", "Date/Time", "JSON")
        assert col.feature_level in ("Mandatory", "Recommended", "Conditional")
        assert col.section == f"columns/{col.section.split('/')[1]}" and col.section.endswith(".md")


def test_ledger_version_is_1_2_with_the_documented_mandatory_set() -> None:
    spec = load_spec()
    assert spec.version == LEDGER_FOCUS_VERSION == "1.2"
    assert {c.name for c in spec.mandatory()} == MANDATORY_1_2
    recommended = {c.name for c in spec.columns if c.feature_level == "Recommended"}
    assert recommended == {"AvailabilityZone", "ChargeFrequency", "InvoiceId", "ServiceSubcategory"}


def test_allowed_values_match_the_spec_text() -> None:
    cols = load_spec("1.2").by_name
    assert cols["ChargeCategory"].allowed_values == ("Usage", "Purchase", "Tax", "Credit", "Adjustment")
    assert cols["ChargeClass"].allowed_values == ("Correction",)
    assert cols["ChargeFrequency"].allowed_values == ("One-Time", "Recurring", "Usage-Based")
    assert cols["PricingCategory"].allowed_values == ("Standard", "Dynamic", "Committed", "Other")
    assert cols["CommitmentDiscountStatus"].allowed_values == ("Used", "Unused")
    assert cols["CommitmentDiscountCategory"].allowed_values == ("Spend", "Usage")
    assert cols["CapacityReservationStatus"].allowed_values == ("Used", "Unused")
    categories = cols["ServiceCategory"].allowed_values or ()
    assert len(categories) == 19
    assert categories[0] == "AI and Machine Learning" and categories[-1] == "Other"
    assert "Multicloud" in categories and "Management and Governance" in categories
    for free_text in ("BillingAccountType", "SubAccountType", "CommitmentDiscountType", "ServiceName"):
        assert cols[free_text].allowed_values is None


def test_service_subcategories_name_their_parent_category() -> None:
    raw = json.loads((resources.files("cloudledger.focus") / "data" / "focus-1.2.json").read_text())
    entry = next(c for c in raw["columns"] if c["name"] == "ServiceSubcategory")
    parents = entry["allowed_value_parents"]
    assert len(entry["allowed_values"]) == len(parents) == 82
    assert set(parents) == set(entry["allowed_values"])
    assert set(parents.values()) == set(load_spec("1.2").by_name["ServiceCategory"].allowed_values or ())
    assert parents["Generative AI"] == "AI and Machine Learning"
    assert parents["Other (Other)"] == "Other"


def test_constraints_and_versions() -> None:
    v10, v11, v12 = (load_spec(v).by_name for v in ("1.0", "1.1", "1.2"))
    assert v12["BillingAccountType"].feature_level == "Conditional"
    assert v12["BillingAccountType"].introduced == "1.2"
    assert v12["InvoiceId"].feature_level == "Recommended"
    assert v12["ChargeFrequency"].feature_level == "Recommended" and not v12["ChargeFrequency"].nullable
    assert v12["ChargeClass"].nullable and v12["ChargeClass"].feature_level == "Mandatory"
    # The constraints tables say "Allows nulls: True"; the normative text says MUST NOT be null.
    assert not v12["PricingCurrency"].nullable
    assert not v12["PricingCurrencyEffectiveCost"].nullable
    assert v12["SkuPriceDetails"].data_type == v12["Tags"].data_type == "JSON"
    assert "ServiceSubcategory" in v11 and "ServiceSubcategory" not in v10
    assert v10["ConsumedUnit"].column_type == "Metric"  # as 1.0 wrote it; 1.1 made it a Dimension
    assert v11["ConsumedUnit"].column_type == "Dimension"


def test_arrow_schema_of_the_ledger() -> None:
    schema = load_spec().arrow_schema()
    assert schema.field("BilledCost").type == pa.decimal128(38, 10)
    assert schema.field("ChargePeriodStart").type == pa.timestamp("us", tz="UTC")
    assert schema.field("Tags").type == pa.map_(pa.string(), pa.string())
    assert schema.field("SkuPriceDetails").type == pa.string()


def test_iso4217_codes_are_national_currencies() -> None:
    codes = iso4217_codes()
    assert {"USD", "EUR", "JPY", "GBP", "INR", "CHF", "XOF"} <= set(codes)
    assert not {"XAU", "XDR", "XTS", "XXX"} & set(codes)
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in codes)
