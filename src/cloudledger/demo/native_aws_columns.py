"""The Cost and Usage Report columns the demo writes, their kinds, and typed tables of line items.

Line items are held under the legacy CUR names (`lineItem/UnblendedCost`) with Arrow types: money and
quantities decimal128(38,10), dates timestamp[us, UTC], the rest text; `Tags` (the FOCUS map) rides along
until a writer spells it as `resourceTags/user:*` columns (legacy) or the `resource_tags` map (CUR 2.0).
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa

from cloudledger.demo.formats import MONEY_TYPE, TIME_TYPE
from cloudledger.focus.spec import TAGS_TYPE
from cloudledger.sources.aws_columns import snake

MONEY = "money"
TIME = "time"
TEXT = "text"
# fmt: off
LEGACY: tuple[tuple[str, str], ...] = (
    ("identity/LineItemId", TEXT), ("identity/TimeInterval", TEXT),
    ("bill/InvoiceId", TEXT), ("bill/InvoicingEntity", TEXT), ("bill/BillingEntity", TEXT), ("bill/BillType", TEXT),
    ("bill/PayerAccountId", TEXT), ("bill/BillingPeriodStartDate", TIME), ("bill/BillingPeriodEndDate", TIME),
    ("lineItem/UsageAccountId", TEXT), ("lineItem/LineItemType", TEXT), ("lineItem/UsageStartDate", TIME),
    ("lineItem/UsageEndDate", TIME), ("lineItem/ProductCode", TEXT), ("lineItem/UsageType", TEXT),
    ("lineItem/Operation", TEXT), ("lineItem/AvailabilityZone", TEXT), ("lineItem/ResourceId", TEXT),
    ("lineItem/UsageAmount", MONEY), ("lineItem/CurrencyCode", TEXT), ("lineItem/UnblendedRate", MONEY),
    ("lineItem/UnblendedCost", MONEY), ("lineItem/BlendedRate", MONEY), ("lineItem/BlendedCost", MONEY),
    ("lineItem/LineItemDescription", TEXT), ("lineItem/TaxType", TEXT), ("lineItem/LegalEntity", TEXT),
    ("product/ProductName", TEXT), ("product/location", TEXT), ("product/regionCode", TEXT),
    ("product/servicecode", TEXT), ("product/sku", TEXT), ("product/usagetype", TEXT), ("product/operation", TEXT),
    ("pricing/RateCode", TEXT), ("pricing/publicOnDemandCost", MONEY), ("pricing/publicOnDemandRate", MONEY),
    ("pricing/term", TEXT), ("pricing/unit", TEXT),
    ("reservation/AmortizedUpfrontCostForUsage", MONEY), ("reservation/AmortizedUpfrontFeeForBillingPeriod", MONEY),
    ("reservation/EffectiveCost", MONEY), ("reservation/ReservationARN", TEXT),
    ("reservation/TotalReservedUnits", MONEY), ("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", MONEY),
    ("reservation/UnusedQuantity", MONEY), ("reservation/UnusedRecurringFee", MONEY),
    ("savingsPlan/SavingsPlanARN", TEXT), ("savingsPlan/SavingsPlanEffectiveCost", MONEY),
    ("savingsPlan/TotalCommitmentToDate", MONEY), ("savingsPlan/UsedCommitment", MONEY),
    ("bill/PayerAccountName", TEXT), ("lineItem/UsageAccountName", TEXT),
)
# fmt: on
"""Every column the demo writes under its legacy name, in the order AWS groups them (tags follow)."""
CUR2_ONLY = frozenset({"bill/PayerAccountName", "lineItem/UsageAccountName"})
"""Account names: CUR 2.0 has them, the legacy report does not."""
KIND = dict(LEGACY)
ARROW = {MONEY: MONEY_TYPE, TIME: TIME_TYPE, TEXT: pa.string()}
TAGS = "Tags"
DISCOUNTS = "x_Discounts"
"""Carried beside the CUR columns: the FOCUS Tags map and the negotiated discount (JSON text)."""
CUR2_PRODUCT = {"product/ProductName": "product_name", "product/location": "location"}
"""Product attributes CUR 2.0 keeps in its `product` map (the others are top-level `product_*` columns)."""


@cache
def schema() -> pa.Schema:
    """Typed line items: the legacy columns plus Tags and the discount text."""
    fields = [pa.field(name, ARROW[kind]) for name, kind in LEGACY]
    return pa.schema([*fields, pa.field(TAGS, TAGS_TYPE), pa.field(DISCOUNTS, pa.string())])


def typed_table(columns: dict[str, pa.Array], rows: int) -> pa.Table:
    """A line-item table of `schema()`: given columns cast to their type, the others null."""
    arrays = []
    for field in schema():
        value = columns.get(field.name)
        arrays.append(pa.nulls(rows, field.type) if value is None else value.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema())


def cur2_name(legacy: str) -> str:
    """`lineItem/UnblendedCost` -> `line_item_unblended_cost`, as CUR 2.0 (and Athena) name the column."""
    return snake(legacy)


def manifest_type(kind: str) -> str:
    """The type a legacy CUR manifest gives a column of this kind."""
    return {MONEY: "OptionalBigDecimal", TIME: "DateTime", TEXT: "OptionalString"}[kind]
