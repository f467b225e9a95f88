"""FOCUS conformance rules: each cites the spec section it enforces and yields an Ibis predicate.

A rule's check receives the table seen through `Columns` (parsed and raw values of each FOCUS column)
and returns a `Finding`. Rules for one FOCUS version are built from its column metadata (presence,
type, nullability, allowed values, text formats) plus the cross-column requirements below, written
with FOCUS 1.2 names; a rule naming a column the version lacks, or newer than it, is left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from typing import Any, Literal, TypeAlias

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from cloudledger.focus.spec import FocusColumn, FocusSpec

Severity = Literal["MUST", "SHOULD"]
Finding: TypeAlias = "ir.BooleanValue | str | bool | None"
"""What a check found: a predicate true on offending rows (a column), or a condition on the whole
table (a scalar reduction, every row offends when true); a message when the table as such offends;
False when the rule holds whatever the rows hold; None when the rule does not apply."""
RAW_PREFIX = "_raw_"
MAP_PREFIX = "_map_"
CUSTOM_PREFIX = "x_"
NUMERIC_RE = r"^-?(\d+(\.\d+)?|\.\d+)([eE]-?\d+)?$"
DATETIME_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$"
_PAIR = " / "
"""Joins a ServiceCategory and a ServiceSubcategory into one comparable value."""
COST_TOLERANCE = 1e-6
"""Allowed |unit price x quantity - cost|, absolute plus relative to the cost (rounding in exports)."""

_PARSED_TYPES: dict[str, dt.DataType] = {
    "Decimal": dt.Decimal(38, 10),
    "Date/Time": dt.Timestamp(timezone="UTC"),
    "JSON": dt.JSON(),
    "String": dt.String(),
}


@dataclass(frozen=True)
class Rule:
    """One conformance requirement."""

    id: str
    section: str
    description: str
    severity: Severity
    columns: tuple[str, ...]
    """FOCUS columns the check reads (it is skipped when one is absent); the first is its subject."""
    check: Callable[[Columns], Finding]
    since: str = "1.0"
    """The first FOCUS version with this requirement (earlier versions said otherwise or nothing)."""


class Columns:
    """A table under validation: parsed values of its FOCUS columns, raw ones kept where text was parsed."""

    def __init__(self, table: ir.Table, spec: FocusSpec) -> None:
        self.spec = spec
        self.schema = table.schema()
        self.names: list[str] = list(self.schema.names)
        self.present = {c.name for c in spec.columns if c.name in self.schema}
        self.parsed_text: set[str] = set()
        self.type_errors: dict[str, str] = {}
        extra: dict[str, ir.Value] = {}
        for col in spec.columns:
            if col.name in self.present:
                extra.update(self._prepare(col, table[col.name]))
        self.table = table.mutate(**extra) if extra else table

    def _prepare(self, col: FocusColumn, raw: ir.Value) -> dict[str, ir.Value]:
        target = _PARSED_TYPES[col.data_type]
        dtype = raw.type()
        out: dict[str, ir.Value] = {}
        if dtype.is_null():
            out[col.name] = raw.cast(target)
        elif dtype.is_string() and col.data_type != "String":
            self.parsed_text.add(col.name)
            out[RAW_PREFIX + col.name] = raw
            out[col.name] = raw.try_cast(target)
        elif not _type_ok(col.data_type, dtype):
            self.type_errors[col.name] = f"{col.name} is {dtype}, not {col.data_type}"
            out[RAW_PREFIX + col.name] = raw
            out[col.name] = raw.cast(target) if target.is_string() else ibis.null(target)
        elif col.data_type == "Date/Time" and dtype != target:
            out[col.name] = raw.cast(target)
        if col.data_type == "JSON" and not dtype.is_map():
            value = out.get(col.name, raw)
            out[MAP_PREFIX + col.name] = value.map if isinstance(value, ir.JSONValue) else ibis.null()
        return out

    def has(self, *names: str) -> bool:
        return all(n in self.present for n in names)

    def v(self, name: str) -> ir.Value:
        """The parsed value (typed as the spec says); null where text did not parse."""
        return self.table[name]

    def opt(self, name: str) -> ir.Value:
        """The parsed value, or a typed null when the column is absent."""
        if name in self.present:
            return self.v(name)
        return ibis.null(_PARSED_TYPES[self.spec.by_name[name].data_type])

    def raw(self, name: str) -> ir.Value:
        """The value as the input had it (text for parsed columns)."""
        return self.table[RAW_PREFIX + name] if RAW_PREFIX + name in self.table.columns else self.v(name)

    def null(self, name: str) -> ir.BooleanValue:
        """The input has no value (malformed values are not null: the type rule reports them)."""
        return self.raw(name).isnull() if name in self.present else ibis.literal(True)

    def given(self, name: str) -> ir.BooleanValue:
        return ~self.null(name)

    def kv_map(self, name: str) -> ir.MapValue:
        """A key-value column as a map (null where the JSON text is not an object)."""
        key = MAP_PREFIX + name
        return self.table[key] if key in self.table.columns else self.table[name]


def _type_ok(data_type: str, dtype: dt.DataType) -> bool:
    if data_type == "Decimal":
        return bool(dtype.is_numeric() and not dtype.is_boolean())
    if data_type == "Date/Time":
        return bool(dtype.is_timestamp())
    if data_type == "JSON":
        return bool(dtype.is_json() or dtype.is_string() or dtype.is_map())
    return bool(dtype.is_string())


@cache
def _data(name: str) -> dict[str, Any]:
    raw = (resources.files("cloudledger.focus") / "data" / name).read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(raw)
    return result


def iso4217_codes() -> tuple[str, ...]:
    """ISO 4217 codes of national currencies (shipped as `focus/data/iso4217.json`)."""
    return tuple(_data("iso4217.json")["codes"])


def _column_extra(spec: FocusSpec, column: str, key: str) -> Any:
    """Per-column data of the spec JSON that `FocusColumn` does not carry (parents, defined keys)."""
    for raw in _data(f"focus-{spec.version}.json")["columns"]:
        if raw["name"] == column:
            return raw.get(key)
    return None


# --- small predicate helpers -------------------------------------------------------------------


def _ok() -> bool:
    """No row offends: the rule applies and holds whatever the rows hold."""
    return False


def _is_not(value: ir.Value, literal: str) -> ir.BooleanValue:
    """True when `value` is null or differs from `literal` ("ChargeClass is not Correction")."""
    return value.isnull() | (value != ibis.literal(literal))


def _one_of(value: ir.Value, values: Sequence[str]) -> ir.BooleanValue:
    """`value` is in `values`; one array literal, cheaper to compile than an IN list of many literals."""
    return ibis.literal(list(values), type="array<string>").contains(value)


def _category(c: Columns, *values: str) -> ir.BooleanValue:
    return c.v("ChargeCategory").isin(list(values))


def _not_correction(c: Columns) -> ir.BooleanValue:
    return _is_not(c.v("ChargeClass"), "Correction")


def _varies(value: ir.Value, *keys: ir.Value) -> ir.BooleanValue:
    """True on rows whose group (by `keys`) holds more than one distinct non-null `value`."""
    return value.min().over(group_by=list(keys)) != value.max().over(group_by=list(keys))


def _provider(c: Columns) -> ir.Value:
    return c.opt("ProviderName")


# --- rules generated from each column's metadata --------------------------------------------------


def _col_rule(
    col: FocusColumn,
    suffix: str,
    description: str,
    check: Callable[[Columns], Finding],
    *,
    severity: Severity = "MUST",
    section: str | None = None,
    reads: bool = True,
) -> Rule:
    columns = (col.name,) if reads else ()
    return Rule(f"{col.name}.{suffix}", section or col.section, description, severity, columns, check)


def _presence(col: FocusColumn) -> Rule:
    def check(c: Columns) -> Finding:
        if col.name not in c.present:
            return f"{col.name} is missing"
        if col.feature_level == "Mandatory":
            return _ok()
        return c.raw(col.name).count() == 0

    severity: Severity = "MUST" if col.feature_level == "Mandatory" else "SHOULD"
    verb = "must" if severity == "MUST" else "should"
    return _col_rule(col, "Presence", f"{col.name} {verb} be present", check, severity=severity, reads=False)


def _data_type(col: FocusColumn) -> Rule:
    def check(c: Columns) -> Finding:
        if col.name in c.type_errors:
            return c.type_errors[col.name]
        if col.name in c.parsed_text:
            return c.given(col.name) & c.v(col.name).isnull()
        return _ok()

    return _col_rule(col, "DataType", f"{col.name} must be of type {col.data_type}", check)


def _not_null(col: FocusColumn) -> Rule:
    return _col_rule(col, "NotNull", f"{col.name} must not be null", lambda c: c.null(col.name))


def _allowed_values(col: FocusColumn) -> Rule:
    allowed = list(col.allowed_values or ())
    return _col_rule(
        col,
        "AllowedValues",
        f"{col.name} must be one of its allowed values",
        lambda c: c.given(col.name) & ~_one_of(c.v(col.name), allowed),
    )


def _text_format(col: FocusColumn, suffix: str, pattern: str, section: str, what: str) -> Rule:
    def check(c: Columns) -> Finding:
        if col.name not in c.parsed_text:
            return None
        return c.v(col.name).notnull() & ~c.raw(col.name).re_search(pattern)

    return _col_rule(col, suffix, f"{col.name} text must be {what}", check, section=section)


def column_rules(col: FocusColumn) -> list[Rule]:
    """The rules that follow from one column's metadata alone."""
    rules: list[Rule] = []
    if col.feature_level in ("Mandatory", "Recommended"):
        rules.append(_presence(col))
    rules.append(_data_type(col))
    if not col.nullable:
        rules.append(_not_null(col))
    if col.allowed_values:
        rules.append(_allowed_values(col))
    if col.data_type == "Date/Time":
        what = "ISO 8601 in UTC, 'YYYY-MM-DDTHH:mm:ssZ'"
        rules.append(_text_format(col, "DateTimeFormat", DATETIME_RE, "attributes/datetime_format.md", what))
    if col.data_type == "Decimal":
        what = "a plain or E-notation number (no sign on positives, no symbols or commas)"
        rules.append(_text_format(col, "NumericFormat", NUMERIC_RE, "attributes/numeric_format.md", what))
    return rules


# --- cross-column requirements (FOCUS 1.2 names) --------------------------------------------------

PRICED_COLUMNS = (
    "ContractedUnitPrice",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyListUnitPrice",
    "PricingQuantity",
    "SkuId",
    "SkuPriceId",
)
"""Null when ChargeCategory is Tax; not null for Usage and Purchase rows that are not corrections."""

NULL_WITH_PARENT = (
    ("BillingAccountType", "BillingAccountId", True, "1.2"),
    ("CapacityReservationStatus", "CapacityReservationId", False, "1.1"),
    ("CommitmentDiscountCategory", "CommitmentDiscountId", True, "1.0"),
    ("CommitmentDiscountName", "CommitmentDiscountId", False, "1.0"),
    ("CommitmentDiscountStatus", "CommitmentDiscountId", False, "1.0"),
    ("CommitmentDiscountType", "CommitmentDiscountId", True, "1.0"),
    ("CommitmentDiscountUnit", "CommitmentDiscountQuantity", True, "1.2"),
    ("ConsumedUnit", "ConsumedQuantity", True, "1.2"),
    ("PricingUnit", "PricingQuantity", True, "1.2"),
    ("RegionName", "RegionId", True, "1.2"),
    ("ResourceName", "ResourceId", False, "1.2"),
    ("ResourceType", "ResourceId", True, "1.0"),
    ("SkuMeter", "SkuId", False, "1.2"),
    ("SkuPriceDetails", "SkuPriceId", False, "1.2"),
    ("SubAccountName", "SubAccountId", True, "1.2"),
    ("SubAccountType", "SubAccountId", True, "1.2"),
)
"""(column, parent, both, since): the column is null when its parent is; if `both`, not null when the
parent is not; from FOCUS `since` on (1.2 tied several units and names to their quantity or id)."""

NON_NEGATIVE = (
    "ContractedUnitPrice",
    "ListUnitPrice",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyListUnitPrice",
)


def _rule(
    rule_id: str,
    section: str,
    description: str,
    columns: Sequence[str],
    check: Callable[[Columns], Finding],
    severity: Severity = "MUST",
    since: str = "1.0",
) -> Rule:
    return Rule(rule_id, section, description, severity, tuple(columns), check, since)


def _null_when_tax(c: Columns, name: str) -> Finding:
    return _category(c, "Tax") & c.given(name)


def _not_null_when_priced(c: Columns, name: str) -> Finding:
    return _category(c, "Usage", "Purchase") & _not_correction(c) & c.null(name)


def _null_when_parent_null(c: Columns, name: str, parent: str) -> Finding:
    return c.null(parent) & c.given(name)


def _not_null_when_parent_given(c: Columns, name: str, parent: str) -> Finding:
    return c.given(parent) & c.null(name)


def _negative(c: Columns, name: str) -> Finding:
    return c.v(name) < 0


def _priced_rules(spec: FocusSpec) -> Iterable[Rule]:
    for name in (n for n in PRICED_COLUMNS if n in spec.by_name):
        sec = spec.by_name[name].section
        yield _rule(
            f"{name}.NullWhenTax",
            sec,
            f"{name} must be null when ChargeCategory is Tax",
            (name, "ChargeCategory"),
            partial(_null_when_tax, name=name),
        )
        yield _rule(
            f"{name}.NotNullForUsageOrPurchase",
            sec,
            f"{name} must not be null on Usage and Purchase rows that are not corrections",
            (name, "ChargeCategory", "ChargeClass"),
            partial(_not_null_when_priced, name=name),
        )


def _parent_rules(spec: FocusSpec) -> Iterable[Rule]:
    cols = spec.by_name
    for child, parent, both, since in NULL_WITH_PARENT:
        if child not in cols or parent not in cols:
            continue
        sec = cols[child].section
        if cols[parent].nullable:
            yield _rule(
                f"{child}.NullWhen{parent}Null",
                sec,
                f"{child} must be null when {parent} is null",
                (child, parent),
                partial(_null_when_parent_null, name=child, parent=parent),
                since=since,
            )
        if both and cols[child].nullable:
            yield _rule(
                f"{child}.NotNullWhen{parent}NotNull",
                sec,
                f"{child} must not be null when {parent} is not null",
                (child, parent),
                partial(_not_null_when_parent_given, name=child, parent=parent),
                since=since,
            )


def _non_negative_rules(spec: FocusSpec) -> Iterable[Rule]:
    for name in (n for n in NON_NEGATIVE if n in spec.by_name):
        yield _rule(
            f"{name}.NonNegative",
            spec.by_name[name].section,
            f"{name} must not be negative",
            (name,),
            partial(_negative, name=name),
        )


def _cost_matches(c: Columns, cost: str, unit_price: str) -> ir.BooleanValue:
    price = c.v(unit_price).cast("float64")
    quantity = c.v("PricingQuantity").cast("float64")
    total = c.v(cost).cast("float64")
    gap = (price * quantity - total).abs()
    return _not_correction(c) & (gap > COST_TOLERANCE * (1 + total.abs()))


def _commitment_rules() -> Iterable[Rule]:
    cd = "CommitmentDiscountId"
    yield _rule(
        "CommitmentDiscountStatus.NotNullForCommitmentUsage",
        "columns/commitmentdiscountstatus.md",
        "CommitmentDiscountStatus must not be null on Usage rows with a CommitmentDiscountId",
        ("CommitmentDiscountStatus", cd, "ChargeCategory"),
        lambda c: c.given(cd) & _category(c, "Usage") & c.null("CommitmentDiscountStatus"),
    )
    yield _rule(
        "CommitmentDiscountQuantity.NotNullForCommitmentCharges",
        "columns/commitmentdiscountquantity.md",
        "CommitmentDiscountQuantity must not be null on Usage and Purchase rows with a "
        "CommitmentDiscountId that are not corrections",
        ("CommitmentDiscountQuantity", cd, "ChargeCategory", "ChargeClass"),
        lambda c: (
            _category(c, "Usage", "Purchase") & c.given(cd) & _not_correction(c) & c.null("CommitmentDiscountQuantity")
        ),
    )
    yield _rule(
        "CommitmentDiscountQuantity.NullForOtherCharges",
        "columns/commitmentdiscountquantity.md",
        "CommitmentDiscountQuantity must be null except on Usage and Purchase rows with a CommitmentDiscountId",
        ("CommitmentDiscountQuantity", cd, "ChargeCategory"),
        lambda c: c.given("CommitmentDiscountQuantity") & ~(_category(c, "Usage", "Purchase") & c.given(cd)),
    )
    yield _rule(
        "ConsumedQuantity.NullWhenNotUsage",
        "columns/consumedquantity.md",
        "ConsumedQuantity must be null when ChargeCategory is not Usage",
        ("ConsumedQuantity", "ChargeCategory"),
        lambda c: c.given("ConsumedQuantity") & (c.v("ChargeCategory") != "Usage"),
    )
    yield _rule(
        "ConsumedQuantity.NullWhenCommitmentUnused",
        "columns/consumedquantity.md",
        "ConsumedQuantity must be null on Usage rows whose CommitmentDiscountStatus is Unused",
        ("ConsumedQuantity", "ChargeCategory", "CommitmentDiscountStatus"),
        lambda c: c.given("ConsumedQuantity") & _category(c, "Usage") & (c.v("CommitmentDiscountStatus") == "Unused"),
        since="1.1",
    )
    yield _rule(
        "ConsumedQuantity.NotNullForUsage",
        "columns/consumedquantity.md",
        "ConsumedQuantity must not be null on Usage rows that are neither corrections nor unused commitment",
        ("ConsumedQuantity", "ChargeCategory", "ChargeClass"),
        lambda c: (
            _category(c, "Usage")
            & _is_not(c.opt("CommitmentDiscountStatus"), "Unused")
            & _not_correction(c)
            & c.null("ConsumedQuantity")
        ),
    )
    yield _rule(
        "PricingCategory.CommittedRequiresCommitmentDiscountId",
        "columns/pricingcategory.md",
        'PricingCategory "Committed" must come with the CommitmentDiscountId that priced the charge',
        ("PricingCategory", cd),
        lambda c: (c.v("PricingCategory") == "Committed") & c.null(cd),
    )
    yield _rule(
        "PricingCategory.CommittedForCommitmentUsage",
        "columns/pricingcategory.md",
        'PricingCategory must be "Committed" on Usage rows with a CommitmentDiscountId (not corrections)',
        ("PricingCategory", cd, "ChargeCategory", "ChargeClass"),
        lambda c: _category(c, "Usage") & c.given(cd) & _not_correction(c) & (c.v("PricingCategory") != "Committed"),
    )
    yield _rule(
        "PricingCategory.NotCommittedForCommitmentPurchase",
        "columns/pricingcategory.md",
        'PricingCategory must not be "Committed" on the purchase of a commitment discount',
        ("PricingCategory", cd, "ChargeCategory"),
        lambda c: _category(c, "Purchase") & c.given(cd) & (c.v("PricingCategory") == "Committed"),
        since="1.1",
    )
    yield _rule(
        "EffectiveCost.ZeroForCommitmentPurchase",
        "columns/effectivecost.md",
        "EffectiveCost must be 0 on the purchase of a commitment discount (it covers future charges)",
        ("EffectiveCost", cd, "ChargeCategory", "ChargeClass"),
        lambda c: _category(c, "Purchase") & c.given(cd) & _not_correction(c) & (c.v("EffectiveCost") != 0),
    )
    yield _rule(
        "CommitmentDiscountUnit.ConsistentPerCommitmentDiscountId",
        "columns/commitmentdiscountunit.md",
        "CommitmentDiscountUnit must stay the same for a given CommitmentDiscountId",
        ("CommitmentDiscountUnit", cd),
        lambda c: c.given(cd) & _varies(c.v("CommitmentDiscountUnit"), _provider(c), c.v(cd)),
    )


def _charge_rules() -> Iterable[Rule]:
    yield _rule(
        "ChargeFrequency.NotUsageBasedForPurchase",
        "columns/chargefrequency.md",
        'ChargeFrequency must not be "Usage-Based" when ChargeCategory is Purchase',
        ("ChargeFrequency", "ChargeCategory"),
        lambda c: _category(c, "Purchase") & (c.v("ChargeFrequency") == "Usage-Based"),
    )
    yield _rule(
        "CapacityReservationStatus.NotNullForCapacityReservationUsage",
        "columns/capacityreservationstatus.md",
        "CapacityReservationStatus must not be null on Usage rows with a CapacityReservationId",
        ("CapacityReservationStatus", "CapacityReservationId", "ChargeCategory"),
        lambda c: c.given("CapacityReservationId") & _category(c, "Usage") & c.null("CapacityReservationStatus"),
    )
    yield _rule(
        "ListCost.MatchesUnitPriceTimesQuantity",
        "columns/listcost.md",
        "ListCost must equal ListUnitPrice x PricingQuantity when both are given (not corrections)",
        ("ListCost", "ListUnitPrice", "PricingQuantity", "ChargeClass"),
        lambda c: _cost_matches(c, "ListCost", "ListUnitPrice"),
    )
    yield _rule(
        "ContractedCost.MatchesUnitPriceTimesQuantity",
        "columns/contractedcost.md",
        "ContractedCost must equal ContractedUnitPrice x PricingQuantity when both are given (not corrections)",
        ("ContractedCost", "ContractedUnitPrice", "PricingQuantity", "ChargeClass"),
        lambda c: _cost_matches(c, "ContractedCost", "ContractedUnitPrice"),
    )
    yield _rule(
        "BillingCurrency.CurrencyFormat",
        "columns/billingcurrency.md",
        "BillingCurrency must be an ISO 4217 code of a national currency",
        ("BillingCurrency",),
        lambda c: c.given("BillingCurrency") & ~_one_of(c.v("BillingCurrency"), iso4217_codes()),
    )
    yield _rule(
        "ChargeDescription.NotNull",
        "columns/chargedescription.md",
        "ChargeDescription should not be null",
        ("ChargeDescription",),
        lambda c: c.null("ChargeDescription"),
        "SHOULD",
    )


def _period_rules() -> Iterable[Rule]:
    yield _rule(
        "ChargePeriodStart.BeforeChargePeriodEnd",
        "columns/chargeperiodstart.md",
        "ChargePeriodStart (inclusive) must be before ChargePeriodEnd (exclusive)",
        ("ChargePeriodStart", "ChargePeriodEnd"),
        lambda c: c.v("ChargePeriodStart") >= c.v("ChargePeriodEnd"),
    )
    yield _rule(
        "BillingPeriodStart.BeforeBillingPeriodEnd",
        "columns/billingperiodstart.md",
        "BillingPeriodStart (inclusive) must be before BillingPeriodEnd (exclusive)",
        ("BillingPeriodStart", "BillingPeriodEnd"),
        lambda c: c.v("BillingPeriodStart") >= c.v("BillingPeriodEnd"),
    )
    yield _rule(
        "ChargePeriodStart.WithinBillingPeriod",
        "columns/chargeclass.md",
        "A Usage row that is not a correction should lie within its billing period (the spec has no "
        "such MUST: a charge for an earlier, invoiced period is a correction)",
        ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd", "ChargeCategory"),
        lambda c: (
            _category(c, "Usage")
            & _not_correction(c)
            & (
                (c.v("ChargePeriodStart") < c.v("BillingPeriodStart"))
                | (c.v("ChargePeriodEnd") > c.v("BillingPeriodEnd"))
            )
        ),
        "SHOULD",
    )


def _service_rules(spec: FocusSpec) -> Iterable[Rule]:
    yield _rule(
        "ServiceName.SingleServiceCategory",
        "columns/servicename.md",
        "A ServiceName (of one provider) must map to one and only one ServiceCategory",
        ("ServiceName", "ServiceCategory"),
        lambda c: _varies(c.v("ServiceCategory"), _provider(c), c.v("ServiceName")),
        since="1.2",
    )
    parents: dict[str, str] = _column_extra(spec, "ServiceSubcategory", "allowed_value_parents") or {}
    categories = list(spec.by_name["ServiceCategory"].allowed_values or ())
    pairs = [f"{parent}{_PAIR}{child}" for child, parent in parents.items()]

    def wrong_parent(c: Columns) -> Finding:
        category, sub = c.v("ServiceCategory"), c.v("ServiceSubcategory")
        known = _one_of(category, categories) & _one_of(sub, list(parents))
        return known & ~_one_of(category.concat(_PAIR, sub), pairs)

    yield _rule(
        "ServiceSubcategory.ParentCategory",
        "columns/servicesubcategory.md",
        "ServiceSubcategory must belong to the row's ServiceCategory",
        ("ServiceSubcategory", "ServiceCategory"),
        wrong_parent,
    )
    yield _rule(
        "SkuPriceId.SingleSkuId",
        "columns/skupriceid.md",
        "A SkuPriceId must have one and only one parent SkuId",
        ("SkuPriceId", "SkuId"),
        lambda c: c.given("SkuPriceId") & _varies(c.v("SkuId"), _provider(c), c.v("SkuPriceId")),
        since="1.2",
    )


def _kv_format(c: Columns, name: str) -> ir.BooleanValue:
    kv = c.kv_map(name)
    not_object = c.v(name).notnull() & kv.isnull()
    if c.schema[name].is_map():
        return not_object
    nested = kv.values().filter(lambda v: v.map.notnull() | v.array.notnull()).length() > 0
    return not_object | nested


def _key_value_rules(spec: FocusSpec) -> Iterable[Rule]:
    for name in ("Tags", "SkuPriceDetails"):
        yield _rule(
            f"{name}.KeyValueFormat",
            "attributes/key_value_format.md",
            f"{name} must be a JSON object whose values are strings, numbers, booleans or null",
            (name,),
            partial(_kv_format, name=name),
        )
    yield _rule(
        "Tags.NonEmptyKeys",
        "columns/tags.md",
        "Tag keys should not be empty or blank",
        ("Tags",),
        lambda c: c.kv_map("Tags").keys().filter(lambda k: k.strip() == "").length() > 0,
        "SHOULD",
    )
    defined = list(_column_extra(spec, "SkuPriceDetails", "defined_keys") or ())
    yield _rule(
        "SkuPriceDetails.CustomKeyPrefix",
        "columns/skupricedetails.md",
        'SkuPriceDetails keys must be FOCUS-defined properties or start with "x_"',
        ("SkuPriceDetails",),
        lambda c: (
            c.kv_map("SkuPriceDetails")
            .keys()
            .filter(lambda k: ~(k.isin(defined) | k.startswith(CUSTOM_PREFIX)))
            .length()
            > 0
        ),
        since="1.2",
    )


def _string_columns(c: Columns) -> list[str]:
    """FOCUS String and JSON columns that hold text."""
    kinds = ("String", "JSON")
    return [n for n in c.present if c.spec.by_name[n].data_type in kinds and c.raw(n).type().is_string()]


def _any_of(preds: list[ir.BooleanValue]) -> ir.BooleanValue:
    result: ir.BooleanValue = ibis.literal(False)
    for pred in preds:
        result = result | pred.fill_null(False)
    return result


def _table_rules() -> Iterable[Rule]:
    def custom_prefix(c: Columns) -> Finding:
        bad = [n for n in c.names if n not in c.spec.by_name and not n.startswith(CUSTOM_PREFIX)]
        return f"not x_-prefixed: {', '.join(bad)}" if bad else _ok()

    def custom_last(c: Columns) -> Finding:
        custom = [i for i, n in enumerate(c.names) if n not in c.spec.by_name]
        late = [n for i, n in enumerate(c.names) if n in c.spec.by_name and custom and i > custom[0]]
        return f"after custom columns: {', '.join(late)}" if late else _ok()

    yield _rule(
        "ColumnHandling.CustomColumnPrefix",
        "attributes/column_handling.md",
        'Columns FOCUS does not define must start with "x_"',
        (),
        custom_prefix,
    )
    yield _rule(
        "ColumnHandling.CustomColumnsLast",
        "attributes/column_handling.md",
        "Custom columns should come after all FOCUS columns",
        (),
        custom_last,
        "SHOULD",
    )
    yield _rule(
        "NullHandling.EmptyString",
        "attributes/null_handling.md",
        "String columns must not hold empty strings (null stands for no value)",
        (),
        lambda c: _any_of([c.raw(n) == "" for n in _string_columns(c)]),
    )

    def blank(c: Columns) -> Finding:
        names = [n for n in _string_columns(c) if not c.spec.by_name[n].nullable]
        return _any_of([(c.raw(n) != "") & (c.raw(n).strip() == "") for n in names])

    yield _rule(
        "StringHandling.BlankValue",
        "attributes/string_handling.md",
        "Non-nullable string columns should not hold strings of spaces only",
        (),
        blank,
        "SHOULD",
    )


def cross_column_rules(spec: FocusSpec) -> list[Rule]:
    """The requirements that relate columns, rows or the table as a whole."""
    rules = [
        *_priced_rules(spec),
        *_parent_rules(spec),
        *_non_negative_rules(spec),
        *_commitment_rules(),
        *_charge_rules(),
        *_period_rules(),
        *_service_rules(spec),
        *_key_value_rules(spec),
        *_table_rules(),
    ]
    return [r for r in rules if all(n in spec.by_name for n in r.columns) and _applies(r, spec)]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-")[0].split("."))


def _applies(rule: Rule, spec: FocusSpec) -> bool:
    return _version_key(rule.since) <= _version_key(spec.version)


@cache
def rules_for(spec: FocusSpec) -> tuple[Rule, ...]:
    """Every rule of a FOCUS version, column rules first in spec order."""
    per_column = [rule for col in spec.columns for rule in column_rules(col)]
    rules = (*per_column, *cross_column_rules(spec))
    ids = [r.id for r in rules]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise AssertionError(f"duplicate rule ids: {sorted(duplicates)}")
    return rules
