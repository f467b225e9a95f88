"""FOCUS 1.2 rows of the demo's Azure month -> Azure cost details columns (EA names), the inverse of `azure-cost`.

One FOCUS row becomes one cost details row; which dataset holds it and with what cost:

| FOCUS row | ChargeType / PricingModel | actual cost | amortized cost |
|---|---|---|---|
| on-demand / spot usage | Usage / OnDemand, Spot | BilledCost | EffectiveCost (the same) |
| usage covered by a reservation / savings plan | Usage / Reservation, SavingsPlan | BilledCost (0) | EffectiveCost |
| unused commitment | UnusedReservation, UnusedSavingsPlan | (not in actual) | EffectiveCost |
| commitment purchase | Purchase / Reservation, SavingsPlan | BilledCost | (not in amortized) |
| refund of a commitment (Purchase correction) | Refund | BilledCost | (not in amortized) |
| tax, credit, adjustment | Tax, Credit, Adjustment / OnDemand | BilledCost | EffectiveCost |
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.demo.company import COMPANY, EMAIL_DOMAIN
from cloudledger.demo.formats import csv_field, money_strings

BILLING_ACCOUNTS = "/providers/Microsoft.Billing/billingAccounts/"
UNIT_OF_MEASURE = {"Hours": "1 Hour", "GB/Month": "1 GB/Month", "GiB/Month": "1 GiB/Month", "GB": "1 GB", "Units": "1"}
"""FOCUS PricingUnit -> Azure UnitOfMeasure (others are written as the unit itself, which maps back unchanged)."""
FREQUENCY = {"Usage-Based": "UsageBased", "Recurring": "Recurring", "One-Time": "OneTime"}
NAMESPACES = {
    "microsoft.cognitiveservices": "Microsoft.CognitiveServices",
    "microsoft.compute": "Microsoft.Compute",
    "microsoft.containerservice": "Microsoft.ContainerService",
    "microsoft.databricks": "Microsoft.Databricks",
    "microsoft.keyvault": "Microsoft.KeyVault",
    "microsoft.machinelearningservices": "Microsoft.MachineLearningServices",
    "microsoft.network": "Microsoft.Network",
    "microsoft.operationalinsights": "Microsoft.OperationalInsights",
    "microsoft.security": "Microsoft.Security",
    "microsoft.sql": "Microsoft.Sql",
    "microsoft.storage": "Microsoft.Storage",
    "microsoft.web": "Microsoft.Web",
    "microsoft.capacity": "Microsoft.Capacity",
    "microsoft.billingbenefits": "Microsoft.BillingBenefits",
}
SERVICE_FAMILY = {"AI and Machine Learning": "AI + Machine Learning", "Management and Governance": "Management"}
_NULL = pa.scalar(None, pa.string())


@dataclass(frozen=True)
class NativeRows:
    """One chunk as cost details text columns (EA canonical names, costs apart) and the dataset masks."""

    columns: dict[str, pa.Array]
    billed: pa.Array
    effective: pa.Array
    list_cost: pa.Array
    quantity: pa.Array
    in_actual: pa.Array
    in_amortized: pa.Array


def units(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """decimal128(38, 10) as int64 counts of 1e-10 (the demo's amounts all fit), nulls kept."""
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    arr = pa.concat_arrays([arr]) if arr.offset else arr
    words = np.frombuffer(arr.buffers()[1], dtype=np.int64, count=2 * len(arr))
    low, high = words[0::2], words[1::2]
    if not np.array_equal(high, low >> 63):
        raise OverflowError("an amount does not fit in int64 counts of 1e-10")
    return pa.array(low, pa.int64(), mask=pc.is_null(arr).to_numpy(zero_copy_only=False))


def amount_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Plain decimal text (no exponent, no trailing zeros) of a decimal column."""
    return money_strings(units(values))


def quoted(values: pa.Array) -> pa.Array:
    """CSV fields of a text column: quoted where a value holds a comma, quote or line break (RFC 4180)."""
    data = values.buffers()[2] if pa.types.is_string(values.type) else None
    raw = data.to_pybytes() if data is not None else b""
    if not any(ch in raw for ch in (b",", b'"', b"\n", b"\r")):
        return values
    return csv_field(values)


def _per_value(values: pa.Array, func: object) -> pa.Array:
    """`func` once per distinct text value, spread back over the rows (nulls stay null)."""
    encoded = pc.dictionary_encode(values)
    mapped = pa.array([func(v) for v in encoded.dictionary.to_pylist()], pa.string())  # type: ignore[operator]
    return mapped.take(encoded.indices)


def _date(stamps: pa.Array, days: int = 0) -> pa.Array:
    """MM/DD/YYYY of UTC timestamps (shifted by `days`), as the cost details exports write dates."""
    naive = stamps.cast(pa.timestamp("us"))
    if days:
        naive = pc.add(naive, pa.scalar(np.timedelta64(days * 86_400_000_000, "us"), pa.duration("us")))
    encoded = pc.dictionary_encode(naive)
    return pc.strftime(encoded.dictionary, format="%m/%d/%Y").take(encoded.indices)


def tags_text(tags: pa.Array, braces: bool) -> pa.Array:
    """A map of tags as EA (`"k": "v","k2": "v2"`) or MCA (`{"k": "v"}`) text; no tags -> null."""
    maps = pa.concat_arrays([tags]) if tags.offset else tags
    keys, items = (
        pc.replace_substring(pc.replace_substring(a, "\\", "\\\\"), '"', '\\"') for a in (maps.keys, maps.items)
    )
    pairs = pc.binary_join_element_wise('"', keys, '": "', items, '"', "")
    lists = pa.ListArray.from_arrays(maps.offsets, pairs, mask=pc.is_null(maps))
    joined = pc.binary_join(lists, ",")
    if braces:
        joined = pc.binary_join_element_wise("{", joined, "}", "")
    empty = pc.equal(pc.list_value_length(lists), 0)
    return pc.if_else(pc.fill_null(empty, True), _NULL, joined)


def _namespace(resource_type: str | None) -> str | None:
    if not resource_type:
        return None
    space = resource_type.split("/", 1)[0].lower()
    return NAMESPACES.get(space, space.title())


def _last_segment(values: pa.Array, marker: str) -> pa.Array:
    """The path segment after `marker` (e.g. the reservation order id), else null."""
    return _per_value(
        values, lambda v: v.lower().split(marker, 1)[1].split("/", 1)[0] if v and marker in v.lower() else None
    )


def _billing_ids(focus_id: str | None) -> tuple[str | None, str | None]:
    """(billing account, billing profile) of a FOCUS BillingAccountId (a billing resource id)."""
    if not focus_id:
        return None, None
    rest = focus_id.split(BILLING_ACCOUNTS, 1)[-1]
    account, _, profile = rest.partition("/billingProfiles/")
    return account, profile or account


def _charge_kinds(col: dict[str, pa.Array]) -> dict[str, pa.Array]:
    """ChargeType, PricingModel and Frequency of each row, and the dataset masks."""
    category = col["ChargeCategory"]
    committed = pc.is_valid(col["CommitmentDiscountId"])
    unused = pc.fill_null(pc.equal(col["CommitmentDiscountStatus"], "Unused"), False)
    spend = pc.fill_null(pc.equal(col["CommitmentDiscountCategory"], "Spend"), False)
    correction = pc.fill_null(pc.equal(col["ChargeClass"], "Correction"), False)
    purchase = pc.equal(category, "Purchase")
    known = pc.is_in(category, value_set=pa.array(["Usage", "Purchase", "Tax", "Credit"]))
    charge_type = pc.if_else(known, category, "Adjustment")
    charge_type = pc.if_else(pc.and_(purchase, correction), "Refund", charge_type)
    charge_type = pc.if_else(unused, pc.if_else(spend, "UnusedSavingsPlan", "UnusedReservation"), charge_type)
    spot = pc.fill_null(pc.equal(col["PricingCategory"], "Dynamic"), False)
    model = pc.if_else(committed, pc.if_else(spend, "SavingsPlan", "Reservation"), pc.if_else(spot, "Spot", "OnDemand"))
    return {
        "ChargeType": charge_type,
        "PricingModel": model,
        "Frequency": _per_value(col["ChargeFrequency"], FREQUENCY.get),
        "in_actual": pc.invert(unused),
        "in_amortized": pc.invert(pc.and_(purchase, committed)),
        "reservation": pc.and_(committed, pc.invert(spend)),
    }


def _commitment_columns(col: dict[str, pa.Array], reservation: pa.Array) -> dict[str, pa.Array]:
    cd_id, cd_name = col["CommitmentDiscountId"], col["CommitmentDiscountName"]
    order = pc.coalesce(_last_segment(cd_id, "/reservationorders/"), _last_segment(cd_id, "/savingsplanorders/"))
    return {
        "ReservationId": pc.if_else(reservation, _last_segment(cd_id, "/reservations/"), _NULL),
        "ReservationName": pc.if_else(reservation, cd_name, _NULL),
        "ProductOrderId": order,
        "ProductOrderName": pc.if_else(pc.is_valid(order), cd_name, _NULL),
        "benefitId": cd_id,
        "benefitName": cd_name,
    }


def _account_columns(col: dict[str, pa.Array], n: int) -> dict[str, pa.Array]:
    ids = pc.dictionary_encode(col["BillingAccountId"])
    pairs = [_billing_ids(v) for v in ids.dictionary.to_pylist()]
    return {
        "BillingAccountId": pa.array([a for a, _ in pairs], pa.string()).take(ids.indices),
        "BillingProfileId": pa.array([p for _, p in pairs], pa.string()).take(ids.indices),
        "BillingAccountName": pa.repeat(COMPANY, n),
        "BillingProfileName": col["BillingAccountName"],
        "InvoiceSectionId": col["x_InvoiceSectionId"],
        "InvoiceSectionName": col["x_InvoiceSectionName"],
        "AccountName": col["x_InvoiceSectionName"],
        "AccountOwnerId": pa.repeat(f"finops@{EMAIL_DOMAIN}", n),
        "CostCenter": col["x_CostCenter"],
        "InvoiceId": col["x_InvoiceId"],
    }


def _meter_ids(sku: pa.Array, price: pa.Array) -> pa.Array:
    """MeterId: SkuPriceId after its `{SkuId}_` prefix (azure-cost joins them back); null where the price id
    is not of that form (a commitment purchase or unused row names no meter)."""

    def meter(pair: str) -> str | None:
        sku_id, _, price_id = pair.partition("\x1f")
        return price_id[len(sku_id) + 1 :] if sku_id and price_id.startswith(sku_id + "_") else None

    pairs = pc.binary_join_element_wise(sku, price, "\x1f", null_handling="replace", null_replacement="")
    return _per_value(pairs, meter)


def _charge_columns(col: dict[str, pa.Array], n: int) -> dict[str, pa.Array]:
    purchase = pc.equal(col["ChargeCategory"], "Purchase")
    return {
        "SubscriptionId": pc.replace_substring_regex(col["SubAccountId"], "^/subscriptions/", ""),
        "SubscriptionName": col["SubAccountName"],
        "ResourceGroup": col["x_ResourceGroupName"],
        "ResourceLocation": col["RegionId"],
        "Date": _date(col["ChargePeriodStart"]),
        "ServicePeriodStartDate": _date(col["ChargePeriodStart"]),
        "ServicePeriodEndDate": _date(col["ChargePeriodEnd"], -1),
        "BillingPeriodStartDate": _date(col["BillingPeriodStart"]),
        "BillingPeriodEndDate": _date(col["BillingPeriodEnd"], -1),
        "ExchangeRateDate": _date(col["BillingPeriodStart"]),
        "ProductName": col["ChargeDescription"],
        "MeterCategory": col["x_SkuMeterCategory"],
        "MeterSubCategory": col["x_SkuMeterSubcategory"],
        "MeterId": _meter_ids(col["SkuId"], col["SkuPriceId"]),
        "MeterName": col["SkuMeter"],
        "MeterRegion": col["x_SkuRegion"],
        "PartNumber": col["SkuId"],
        "UnitOfMeasure": _per_value(col["PricingUnit"], lambda u: u and UNIT_OF_MEASURE.get(u, u)),
        "Quantity": amount_text(col["PricingQuantity"]),
        "UnitPrice": amount_text(col["ContractedUnitPrice"]),
        "PayGPrice": amount_text(col["PayGPrice"]),
        "ConsumedService": _per_value(col["x_ResourceType"], _namespace),
        "ResourceId": col["ResourceId"],
        "ResourceName": col["ResourceName"],
        "Term": col["x_SkuTerm"],
        "PublisherType": pa.repeat("Azure", n),
        "PublisherName": col["PublisherName"],
        "AvailabilityZone": col["AvailabilityZone"],
        "BillingCurrencyCode": col["BillingCurrency"],
        "PricingCurrency": col["PricingCurrency"],
        "ExchangeRatePricingToBilling": pa.repeat("1", n),
        "IsAzureCreditEligible": pc.if_else(purchase, "False", "True"),
        "ServiceFamily": _per_value(col["ServiceCategory"], lambda c: c and SERVICE_FAMILY.get(c, c)),
        "OfferId": pa.repeat("MS-AZR-0017P", n),
    }


def native_rows(table: pa.Table) -> NativeRows:
    """The cost details view of one chunk of FOCUS 1.2 rows."""
    col = {name: table[name].combine_chunks() for name in table.column_names}
    col["PayGPrice"] = col["ListUnitPrice"]
    n = table.num_rows
    kinds = _charge_kinds(col)
    columns = {k: kinds[k] for k in ("ChargeType", "PricingModel", "Frequency")}
    columns |= _charge_columns(col, n) | _account_columns(col, n) | _commitment_columns(col, kinds["reservation"])
    columns = {name: quoted(values) for name, values in columns.items()}
    columns["Tags"] = col["Tags"]
    return NativeRows(
        columns,
        col["BilledCost"],
        col["EffectiveCost"],
        col["ListCost"],
        col["PricingQuantity"],
        kinds["in_actual"],
        kinds["in_amortized"],
    )
