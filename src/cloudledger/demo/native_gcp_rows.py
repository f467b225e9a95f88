"""FOCUS rows of the Google Cloud demo back into rows of the detailed usage cost export (nested, typed).

The inverse of the `gcp-billing` source's mapping, column-wise with Arrow compute:

- Usage: a `regular` row with `cost` = ContractedCost and `cost_at_list` = ListCost; usage covered by a
  committed use discount (BilledCost = EffectiveCost = 0) carries a `COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE`
  (Spend) or `COMMITTED_USAGE_DISCOUNT` (Usage) credit of BilledCost - ContractedCost, so cost + credits = 0.
- The commitment fee (a recurring Usage row on the "Commitment v1: ..." SKU, no commitment columns): a
  `regular` row on that SKU, its cost the fee and its usage the hours of the month.
- Tax: a `tax` row; Credit: an `adjustment` row of type GOODWILL with a negative cost.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.company import EMAIL_DOMAIN

STR = pa.string()
F64 = pa.float64()
TIME = pa.timestamp("us", tz="UTC")
LABEL = pa.struct([("key", STR), ("value", STR)])
CREDIT = pa.struct([("name", STR), ("amount", F64), ("full_name", STR), ("id", STR), ("type", STR)])
ANCESTOR = pa.struct([("resource_name", STR), ("display_name", STR)])
TAG = pa.struct([("key", STR), ("value", STR), ("inherited", pa.bool_()), ("namespace", STR)])
PROJECT = pa.struct(
    [
        ("id", STR),
        ("number", STR),
        ("name", STR),
        ("labels", pa.list_(LABEL)),
        ("ancestry_numbers", STR),
        ("ancestors", pa.list_(ANCESTOR)),
    ]
)
ORGANIZATION = "518204937165"
"""The demo company's Google Cloud organization number (every project sits directly under it)."""
COUNTRIES = {"us-central1": "US", "us-east4": "US", "europe-west4": "NL"}
CUD_CREDITS = {"Spend": "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE", "Usage": "COMMITTED_USAGE_DISCOUNT"}
CUD_CREDIT_NAMES = {"Spend": "Committed use discount: dollar based", "Usage": "Committed use discount"}
PRICE_FIELDS = (
    "effective_price", "tier_start_amount", "unit", "pricing_unit_quantity",
    "list_price", "effective_price_default", "list_price_consumption_model",
)  # fmt: skip
"""The `price` record's members, in the export's order."""

SCHEMA = pa.schema(
    [
        ("billing_account_id", STR),
        ("service", pa.struct([("id", STR), ("description", STR)])),
        ("sku", pa.struct([("id", STR), ("description", STR)])),
        ("usage_start_time", TIME),
        ("usage_end_time", TIME),
        ("project", PROJECT),
        ("labels", pa.list_(LABEL)),
        ("system_labels", pa.list_(LABEL)),
        ("location", pa.struct([("location", STR), ("country", STR), ("region", STR), ("zone", STR)])),
        ("tags", pa.list_(TAG)),
        ("transaction_type", STR),
        ("seller_name", STR),
        ("export_time", TIME),
        ("cost", F64),
        ("currency", STR),
        ("currency_conversion_rate", F64),
        (
            "usage",
            pa.struct([("amount", F64), ("unit", STR), ("amount_in_pricing_units", F64), ("pricing_unit", STR)]),
        ),
        ("credits", pa.list_(CREDIT)),
        ("invoice", pa.struct([("month", STR), ("publisher_type", STR)])),
        ("cost_type", STR),
        ("adjustment_info", pa.struct([("id", STR), ("description", STR), ("mode", STR), ("type", STR)])),
        ("cost_at_list", F64),
        ("price", pa.struct([(name, STR if name == "unit" else F64) for name in PRICE_FIELDS])),
        ("subscription", pa.struct([("instance_id", STR)])),
        ("resource", pa.struct([("name", STR), ("global_name", STR)])),
    ]
)
"""The detailed export's columns as BigQuery extracts them (FLOAT64 money, TIMESTAMP, nested records)."""


def export_rows(focus: pa.Table, adjustment_prefix: str) -> pa.Table:
    """The export rows of one chunk of FOCUS rows, one for one."""
    col = {name: focus[name].combine_chunks() for name in focus.column_names}
    n = focus.num_rows
    columns = {
        "billing_account_id": col["BillingAccountId"],
        "service": _struct(id=col["x_ServiceId"], description=col["ServiceName"]),
        "sku": _struct(id=col["SkuId"], description=pc.coalesce(col["x_SkuDescription"], col["ChargeDescription"])),
        "usage_start_time": col["ChargePeriodStart"],
        "usage_end_time": col["ChargePeriodEnd"],
        "project": _projects(col["SubAccountId"], col["x_ProjectNumber"], col["SubAccountName"]),
        "labels": _labels(col["Tags"]),
        "system_labels": _empty_lists(n, LABEL),
        "location": _location(col),
        "tags": _empty_lists(n, TAG),
        "transaction_type": _const("GOOGLE", n),
        "seller_name": pa.nulls(n, STR),
        "export_time": pc.cast(col["x_ExportTime"], TIME),
        "currency": col["BillingCurrency"],
        "currency_conversion_rate": pa.array([1.0] * n, F64),
        "invoice": _struct(
            month=pc.strftime(col["BillingPeriodStart"], format="%Y%m"), publisher_type=_const("Google", n)
        ),
        "cost_type": col["x_CostType"],
        "adjustment_info": _adjustments(col, pc.equal(col["ChargeCategory"], "Credit"), adjustment_prefix),
        "subscription": _struct(instance_id=col["CommitmentDiscountId"]),
        "resource": _struct(name=col["ResourceName"], global_name=col["ResourceId"]),
        **_costs(col),
    }
    return pa.Table.from_arrays([columns[f.name] for f in SCHEMA], schema=SCHEMA)


def _costs(col: dict[str, pa.Array]) -> dict[str, pa.Array]:
    """cost (ContractedCost on usage, else BilledCost), credits, cost_at_list, usage and price."""
    usage = pc.equal(col["ChargeCategory"], "Usage")
    cost = pc.if_else(usage, col["ContractedCost"], col["BilledCost"])
    return {
        "cost": money(cost),
        "credits": _credits(col, usage, cost),
        "cost_at_list": money(col["ListCost"]),
        "usage": _struct(
            amount=_double(pc.coalesce(col["ConsumedQuantity"], col["PricingQuantity"])),
            unit=pc.coalesce(col["ConsumedUnit"], col["PricingUnit"]),
            amount_in_pricing_units=_double(col["PricingQuantity"]),
            pricing_unit=col["PricingUnit"],
        ),
        "price": _price(col),
    }


def money(values: pa.Array) -> pa.Array:
    """Exact decimals as FLOAT64, through their text (the nearest double, whose shortest form is the decimal)."""
    return pc.cast(pc.cast(values, STR), F64)


def _double(values: pa.Array) -> pa.Array:
    return money(values) if pa.types.is_decimal(values.type) else pc.cast(values, F64)


def _const(value: str, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, STR), n)


def _struct(**members: pa.Array) -> pa.StructArray:
    return pa.StructArray.from_arrays(list(members.values()), names=list(members))


def _empty_lists(n: int, kind: pa.DataType) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array([0] * (n + 1), pa.int32()), pa.array([], kind))


def _lists(lengths: pa.Array, items: pa.Array) -> pa.ListArray:
    offsets = pc.cumulative_sum(pc.fill_null(lengths, 0).cast(pa.int32()))
    return pa.ListArray.from_arrays(pa.concat_arrays([pa.array([0], pa.int32()), offsets]), items)


def _labels(tags: pa.Array) -> pa.ListArray:
    """FOCUS Tags (a map, null when untagged) as the resource's `labels` (an empty list when untagged)."""
    listed = tags.cast(pa.list_(LABEL))
    return _lists(pc.list_value_length(listed), pc.list_flatten(listed))


def _projects(ids: pa.Array, numbers: pa.Array, names: pa.Array) -> pa.Array:
    """The `project` record of each row, built once per project."""
    encoded = pc.dictionary_encode(ids)
    first = [pc.index(ids, value).as_py() for value in encoded.dictionary.to_pylist()]
    records = [
        {
            "id": ids[i].as_py(),
            "number": numbers[i].as_py(),
            "name": names[i].as_py(),
            "labels": [],
            "ancestry_numbers": f"/{ORGANIZATION}/",
            "ancestors": [
                {"resource_name": f"projects/{numbers[i].as_py()}", "display_name": names[i].as_py()},
                {"resource_name": f"organizations/{ORGANIZATION}", "display_name": EMAIL_DOMAIN},
            ],
        }
        for i in first
    ]
    return pa.array(records, PROJECT).take(encoded.indices)


def _location(col: dict[str, pa.Array]) -> pa.StructArray:
    region = col["RegionId"]
    country = pa.array(list(COUNTRIES.values()), STR).take(pc.index_in(region, pa.array(list(COUNTRIES), STR)))
    return _struct(location=col["x_Location"], country=country, region=region, zone=col["AvailabilityZone"])


def _credits(col: dict[str, pa.Array], usage: pa.Array, cost: pa.Array) -> pa.ListArray:
    """One committed use discount credit on covered usage (BilledCost - cost), none elsewhere."""
    category = col["CommitmentDiscountCategory"]
    covered = pc.fill_null(pc.and_(usage, pc.is_valid(col["CommitmentDiscountId"])), False)
    rows = pc.indices_nonzero(covered)
    kind = pc.take(category, rows)
    narrow = pa.decimal128(37, 10)
    amount = pc.subtract(pc.take(col["BilledCost"], rows).cast(narrow), pc.take(cost, rows).cast(narrow))
    items = _struct(
        name=_pick(kind, CUD_CREDIT_NAMES),
        amount=money(amount),
        full_name=pc.take(col["CommitmentDiscountName"], rows),
        id=pc.take(col["CommitmentDiscountId"], rows),
        type=_pick(kind, CUD_CREDITS),
    )
    return _lists(pc.cast(covered, pa.int32()), items)


def _pick(keys: pa.Array, table: dict[str, str]) -> pa.Array:
    return pa.array(list(table.values()), STR).take(pc.index_in(keys, pa.array(list(table), STR)))


def _adjustments(col: dict[str, pa.Array], credit: pa.Array, prefix: str) -> pa.StructArray:
    """Credits the FOCUS export shows as their own rows: goodwill adjustments (null members elsewhere)."""
    none = pa.scalar(None, STR)
    ident = pc.binary_join_element_wise(prefix, col["SubAccountId"], col["x_ServiceId"], "/")
    return _struct(
        id=pc.if_else(credit, ident, none),
        description=pc.if_else(credit, col["ChargeDescription"], none),
        mode=pc.if_else(credit, "MANUAL_ADJUSTMENT", none),
        type=pc.if_else(credit, "GOODWILL", none),
    )


def _price(col: dict[str, pa.Array]) -> pa.StructArray:
    """The SKU's price per pricing unit (one tier from 0): contracted as charged (`effective_price`), and list.

    The commitment fee is priced per hour at the fee rate; there is no consumption model other than the
    default, so the `_default` and `_consumption_model` prices equal the charged and list prices.
    """
    priced = pc.is_valid(col["ContractedUnitPrice"])
    contracted, listed = money(col["ContractedUnitPrice"]), money(col["ListUnitPrice"])
    return _struct(
        effective_price=contracted,
        tier_start_amount=pc.if_else(priced, pa.scalar(0.0), pa.scalar(None, F64)),
        unit=pc.if_else(priced, col["PricingUnit"], pa.scalar(None, STR)),
        pricing_unit_quantity=pc.if_else(priced, pa.scalar(1.0), pa.scalar(None, F64)),
        list_price=listed,
        effective_price_default=contracted,
        list_price_consumption_model=listed,
    )
