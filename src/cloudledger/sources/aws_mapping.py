"""AWS Cost and Usage Report rows (legacy CUR or CUR 2.0, under snake_case names) to FOCUS 1.2 columns.

Every line item becomes one ledger row with BilledCost = lineItem/UnblendedCost, so the ledger adds up to
the invoice. A reservation or savings plan fee row with unused commitment adds a second row (same source
row) that carries the unused amount as EffectiveCost, as FOCUS models unused commitments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE, TAGS_TYPE
from cloudledger.sources.aws_charges import COMMITMENT_CATEGORIES, COMMITMENT_TYPES, rule_for
from cloudledger.sources.aws_columns import Column, CurTable, first_row
from cloudledger.sources.aws_services import DEFAULT_SERVICE, REGION_NAMES, SERVICES

PAYER, TYPE, UNBLENDED = "bill_payer_account_id", "line_item_line_item_type", "line_item_unblended_cost"
CURRENCY, USAGE = "line_item_currency_code", "line_item_usage_amount"
PERIOD_START, PERIOD_END = "bill_billing_period_start_date", "bill_billing_period_end_date"
USAGE_START, USAGE_END = "line_item_usage_start_date", "line_item_usage_end_date"
REQUIRED = (PAYER, TYPE, UNBLENDED, CURRENCY, PERIOD_START, PERIOD_END, USAGE_START, USAGE_END)
SP_ARN, RI_ARN = "savings_plan_savings_plan_a_r_n", "reservation_reservation_a_r_n"
DEFAULT_ISSUER = "Amazon Web Services, Inc."
_WIDE = pa.decimal128(37, 10)
EXTRAS = {
    "x_ServiceCode": "line_item_product_code",
    "x_UsageType": "line_item_usage_type",
    "x_Operation": "line_item_operation",
    "x_LineItemType": TYPE,
    "x_LineItemId": "identity_line_item_id",
    "x_BillType": "bill_bill_type",
    "x_BillingEntity": "bill_billing_entity",
    "x_TaxType": "line_item_tax_type",
    "x_UnblendedRate": "line_item_unblended_rate",
    "x_BlendedCost": "line_item_blended_cost",
    "x_NetUnblendedCost": "line_item_net_unblended_cost",
    "x_ProductFamily": "product_product_family",
    "x_InstanceType": "product_instance_type",
    "x_PricingTerm": "pricing_term",
}
"""Provider columns kept beside the FOCUS ones (as text), named like AWS's own FOCUS export names them."""


@dataclass(frozen=True)
class Flavour:
    """What differs between legacy CUR and CUR 2.0: where product names, tags and extra columns are."""

    product_name: Callable[[CurTable], pa.ChunkedArray]
    tags: Callable[[CurTable], pa.Array]
    extras: Callable[[CurTable], dict[str, Column]]


def const_text(value: str | None, count: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), count)


def const_money(value: str, count: int) -> pa.Array:
    return pa.repeat(pa.scalar(Decimal(value), MONEY_TYPE), count)


def coalesce(*values: Column) -> pa.ChunkedArray:
    return pc.coalesce(*values)


def add(a: Column, b: Column, sign: int = 1) -> pa.ChunkedArray:
    """Exact decimal a + b (or a - b), nulls as 0."""
    zero = pa.scalar(Decimal(0), _WIDE)
    left, right = pc.fill_null(pc.cast(a, _WIDE), zero), pc.fill_null(pc.cast(b, _WIDE), zero)
    total = pc.add(left, right) if sign > 0 else pc.subtract(left, right)
    return pc.cast(total, MONEY_TYPE)


class Rows:
    """The parsed native columns of one file and the per-row charge rules."""

    def __init__(self, cur: CurTable) -> None:
        cur.require(REQUIRED)
        cur.not_empty([PAYER, TYPE, CURRENCY], "a value (every line item has one)")
        self.cur = cur
        self.count = cur.rows
        self.types = cur.text(TYPE).combine_chunks().dictionary_encode()
        self.rules = [rule_for(t) for t in self.types.dictionary.to_pylist()]
        self.billed = cur.money(UNBLENDED)
        cur.not_empty([UNBLENDED], "an amount (lineItem/UnblendedCost is what AWS invoices)")
        self.usage = cur.money(USAGE)
        self.zero = const_money("0", self.count)

    def attr(self, name: str) -> pa.Array:
        """One attribute of each row's ChargeRule, as an array."""
        values = pa.array([getattr(rule, name) for rule in self.rules], pa.string())
        return pc.take(values, self.types.indices)

    def flag(self, name: str) -> pa.Array:
        values = pa.array([bool(getattr(rule, name)) for rule in self.rules], pa.bool_())
        return pc.take(values, self.types.indices)

    def pick(self, kinds: pa.Array, sources: Mapping[str, Column | None]) -> pa.ChunkedArray:
        """Per row, the source its kind names (null for kinds not in `sources`)."""
        out: pa.ChunkedArray = pa.chunked_array([pa.nulls(self.count, MONEY_TYPE)])
        for kind, values in sources.items():
            if values is not None:
                out = pc.if_else(pc.equal(kinds, kind), values, out)
        return out

    def is_type(self, *names: str) -> pa.ChunkedArray:
        return pc.is_in(self.cur.text(TYPE), pa.array(names, pa.string()))


def check_usage_quantities(rows: Rows) -> None:
    """A Usage line with a negative quantity but a positive cost is inconsistent: reject it."""
    bad = pc.and_(rows.is_type("Usage"), pc.and_(pc.less(rows.usage, 0), pc.greater(rows.billed, 0)))
    row = first_row(bad)
    if row is not None:
        raise InputError(
            "a Usage line item with a negative usage quantity but a positive cost; AWS charges negative "
            "quantities only as credits or refunds. Ask AWS Support to restate the report before ingesting it",
            file=rows.cur.file,
            row=row,
            column=rows.cur.name(USAGE),
        )


def costs(rows: Rows) -> dict[str, Column]:
    cur, billed, zero = rows.cur, rows.billed, rows.zero
    public = coalesce(cur.money("pricing_public_on_demand_cost"), billed)
    ri_arn = cur.text(RI_ARN)
    fee = pc.if_else(pc.is_valid(ri_arn), zero, billed)
    effective = rows.pick(
        rows.attr("effective"),
        {
            "billed": billed,
            "zero": zero,
            "fee": fee,
            "reservation": coalesce(cur.money("reservation_effective_cost"), billed),
            "savings_plan": coalesce(cur.money("savings_plan_savings_plan_effective_cost"), billed),
        },
    )
    sources = {"billed": billed, "public": public, "zero": zero}
    return {
        "BilledCost": billed,
        "EffectiveCost": effective,
        "ListCost": rows.pick(rows.attr("list_cost"), sources),
        "ContractedCost": rows.pick(rows.attr("contracted"), sources),
    }


def quantities(rows: Rows) -> dict[str, Column]:
    cur = rows.cur
    quantity = rows.pick(rows.attr("quantity"), {"usage": rows.usage, "zero": rows.zero})
    unit = cur.text("pricing_unit")
    usage_category = pc.equal(rows.attr("category"), "Usage")
    consumed = pc.if_else(usage_category, quantity, pa.scalar(None, MONEY_TYPE))
    prices = rows.attr("unit_prices")
    priced = pc.and_(pc.is_valid(prices), pc.is_valid(quantity))
    public_rate = cur.money("pricing_public_on_demand_rate")
    contracted_rate = pc.if_else(pc.equal(prices, "public"), public_rate, cur.money("line_item_unblended_rate"))
    return {
        "ConsumedQuantity": consumed,
        "ConsumedUnit": pc.if_else(pc.is_valid(consumed), unit, pa.scalar(None, pa.string())),
        "PricingQuantity": quantity,
        "PricingUnit": pc.if_else(pc.is_valid(quantity), unit, pa.scalar(None, pa.string())),
        "ListUnitPrice": pc.if_else(priced, public_rate, pa.scalar(None, MONEY_TYPE)),
        "ContractedUnitPrice": pc.if_else(priced, contracted_rate, pa.scalar(None, MONEY_TYPE)),
    }


def charges(rows: Rows) -> dict[str, Column]:
    cur = rows.cur
    pricing = rows.attr("pricing")
    spot = pc.or_(
        pc.match_substring(pc.fill_null(cur.text("line_item_usage_type"), ""), "SpotUsage"),
        pc.equal(pc.fill_null(cur.text("pricing_term"), ""), "Spot"),
    )
    dynamic = pc.and_(pc.equal(pricing, "Standard"), pc.and_(rows.is_type("Usage"), spot))
    # A refund of usage before the billing period corrects an already invoiced period.
    earlier = pc.fill_null(pc.less(cur.timestamp(USAGE_START), cur.timestamp(PERIOD_START)), False)
    corrects = pc.and_(rows.is_type("Refund"), earlier)
    return {
        "ChargeCategory": rows.attr("category"),
        "ChargeClass": pc.if_else(corrects, "Correction", pa.scalar(None, pa.string())),
        "ChargeDescription": cur.text("line_item_line_item_description"),
        "ChargeFrequency": rows.attr("frequency"),
        "ChargePeriodStart": cur.timestamp(USAGE_START),
        "ChargePeriodEnd": cur.timestamp(USAGE_END),
        "PricingCategory": pc.if_else(dynamic, "Dynamic", pricing),
    }


def commitments(rows: Rows) -> dict[str, Column]:
    cur, kind = rows.cur, rows.attr("commitment")
    sp, ri = pc.equal(kind, "sp"), pc.equal(kind, "ri")
    none = pa.scalar(None, pa.string())
    ident = pc.if_else(sp, cur.text(SP_ARN), pc.if_else(ri, cur.text(RI_ARN), none))
    given = pc.is_valid(ident)
    label = pc.if_else(given, kind, none)
    amounts = {
        "covered": coalesce(pc.if_else(sp, cur.money("savings_plan_savings_plan_effective_cost"), rows.usage)),
        "zero": rows.zero,
        "billed": rows.billed,
        "commitment": coalesce(cur.money("savings_plan_total_commitment_to_date"), rows.billed),
        "reserved": coalesce(cur.money("reservation_total_reserved_units"), rows.usage),
    }
    quantity = rows.pick(rows.attr("commitment_quantity"), amounts)
    unit = pc.if_else(sp, cur.text(CURRENCY), pc.if_else(ri, "Hours", none))
    return {
        "CommitmentDiscountId": ident,
        "CommitmentDiscountCategory": _lookup(label, COMMITMENT_CATEGORIES),
        "CommitmentDiscountType": _lookup(label, COMMITMENT_TYPES),
        "CommitmentDiscountName": const_text(None, rows.count),
        "CommitmentDiscountStatus": pc.if_else(given, rows.attr("status"), none),
        "CommitmentDiscountQuantity": pc.if_else(given, quantity, pa.scalar(None, MONEY_TYPE)),
        "CommitmentDiscountUnit": pc.if_else(pc.and_(given, pc.is_valid(quantity)), unit, none),
    }


def _lookup(values: Column, table: Mapping[str, str]) -> pa.ChunkedArray:
    keys = pa.array(list(table), pa.string())
    found = pc.index_in(values, value_set=keys)
    return pc.take(pa.array(list(table.values()), pa.string()), found)


def accounts(rows: Rows) -> dict[str, Column]:
    cur, count = rows.cur, rows.count
    sub = cur.text("line_item_usage_account_id")
    issuer = coalesce(
        cur.text("bill_invoicing_entity"), cur.text("line_item_legal_entity"), const_text(DEFAULT_ISSUER, count)
    )
    return {
        "BillingAccountId": cur.text(PAYER),
        "BillingAccountName": cur.text("bill_payer_account_name"),
        "BillingAccountType": const_text("Payer Account", count),
        "BillingCurrency": cur.text(CURRENCY),
        "BillingPeriodStart": cur.timestamp(PERIOD_START),
        "BillingPeriodEnd": cur.timestamp(PERIOD_END),
        "InvoiceId": cur.text("bill_invoice_id"),
        "InvoiceIssuerName": issuer,
        "ProviderName": const_text("AWS", count),
        "PublisherName": coalesce(cur.text("line_item_legal_entity"), issuer),
        "SubAccountId": sub,
        "SubAccountName": coalesce(cur.text("line_item_usage_account_name"), sub),
        "SubAccountType": pc.if_else(pc.is_valid(sub), "Linked Account", pa.scalar(None, pa.string())),
    }


def services(rows: Rows, product_name: pa.ChunkedArray) -> dict[str, Column]:
    cur, count = rows.cur, rows.count
    code = cur.text("line_item_product_code")
    name = coalesce(product_name, code, const_text("AWS", count))
    known = {c: v[0] for c, v in SERVICES.items()}
    category = coalesce(_lookup(code, known), const_text(DEFAULT_SERVICE[0], count))
    sub = coalesce(_lookup(code, {c: v[1] for c, v in SERVICES.items()}), const_text(DEFAULT_SERVICE[1], count))
    region = coalesce(cur.text("product_region_code"), cur.text("product_region"))
    sku = cur.text("product_sku")
    resource = cur.text("line_item_resource_id")
    return {
        "ServiceName": name,
        "ServiceCategory": category,
        "ServiceSubcategory": sub,
        "RegionId": region,
        "RegionName": coalesce(_lookup(region, REGION_NAMES), cur.text("product_location"), region),
        "AvailabilityZone": cur.text("line_item_availability_zone"),
        "ResourceId": resource,
        "ResourceType": _resource_type(resource, coalesce(cur.text("product_product_family"), name)),
        "SkuId": sku,
        "SkuPriceId": coalesce(cur.text("pricing_rate_code"), cur.text("pricing_rate_id")),
        "SkuMeter": pc.if_else(pc.is_valid(sku), cur.text("line_item_usage_type"), pa.scalar(None, pa.string())),
    }


def _resource_type(resource: pa.ChunkedArray, fallback: pa.ChunkedArray) -> pa.ChunkedArray:
    """The type an ARN names (`arn:aws:ec2:...:instance/i-1` -> `instance`), else the product family."""
    parts = pc.extract_regex(pc.fill_null(resource, ""), r"^arn:[^:]*:[^:]*:[^:]*:[^:]*:(?P<t>[^:/]+)[:/]")
    from_arn = pc.struct_field(parts, "t")
    typed = pc.if_else(pc.is_valid(parts), from_arn, fallback)
    return pc.if_else(pc.is_valid(resource), typed, pa.scalar(None, pa.string()))


def pricing_currency(columns: dict[str, Column]) -> dict[str, Column]:
    """A CUR states every amount in the line item's currency: the pricing-currency columns repeat them."""
    return {
        "PricingCurrency": columns["BillingCurrency"],
        "PricingCurrencyEffectiveCost": columns["EffectiveCost"],
        "PricingCurrencyListUnitPrice": columns["ListUnitPrice"],
        "PricingCurrencyContractedUnitPrice": columns["ContractedUnitPrice"],
    }


def focus_table(cur: CurTable, flavour: Flavour) -> tuple[pa.Table, np.ndarray]:
    """FOCUS-named columns for every line item (plus unused-commitment rows) and each row's source row."""
    rows = Rows(cur)
    check_usage_quantities(rows)
    columns: dict[str, Column] = {}
    for part in (accounts(rows), charges(rows), costs(rows), quantities(rows), commitments(rows)):
        columns.update(part)
    columns.update(services(rows, flavour.product_name(cur)))
    columns.update(pricing_currency(columns))
    tags = flavour.tags(cur)
    columns["Tags"] = tags if tags.type == TAGS_TYPE else tags.cast(TAGS_TYPE)
    columns.update({name: cur.text(key) for name, key in EXTRAS.items() if cur.has(key)})
    columns.update(flavour.extras(cur))
    table = pa.table(columns)
    from cloudledger.sources.aws_unused import unused_rows

    extra, sources = unused_rows(rows, table)
    numbers = np.concatenate([np.arange(1, table.num_rows + 1, dtype=np.int64), sources.astype(np.int64)])
    return pa.concat_tables([table, extra]), numbers
