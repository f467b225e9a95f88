"""One Azure cost details file (canonical column names) -> FOCUS-named Arrow columns.

BilledCost and EffectiveCost are left out: which of them a row's cost feeds depends on the dataset
(actual or amortized) and on its pair, decided in `azure_pairing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.errors import InputError
from cloudledger.focus.spec import MONEY_TYPE
from cloudledger.sources import azure_reference as ref
from cloudledger.sources.azure_charges import CD_CATEGORY, charges
from cloudledger.sources.azure_values import combined, dates, midnight, money, month_start, multiply, tags

DROPPED = frozenset({"SubscriptionName", "ResourceId", "AvailabilityZone", "InvoiceId", "PricingCurrency", "Tags"})
"""Provider columns copied unchanged into a FOCUS column; every other one is kept as `x_<canonical name>`."""
_ONE = pa.scalar(Decimal(1), MONEY_TYPE)
BILLING_ACCOUNTS = "/providers/Microsoft.Billing/billingAccounts/"


@dataclass(frozen=True)
class Mapped:
    """A file's rows in FOCUS terms, plus what pairing needs."""

    table: pa.Table
    """FOCUS columns (no BilledCost/EffectiveCost yet) and `x_` provider columns."""
    cost: pa.Array
    """The file's cost in billing currency, decimal(38,10)."""
    commitment_purchase: pa.Array
    commitment_usage: pa.Array
    unused: pa.Array
    match_key: pa.Array
    """What identifies a charge in both the actual and the amortized dataset (costs excluded)."""


class _Cols:
    """Text columns of a unified table by canonical name (all-null when the file lacks one)."""

    def __init__(self, table: pa.Table, file: str, written: Mapping[str, str]) -> None:
        self.table, self.file, self.count, self.written = table, file, table.num_rows, written
        self._seen: dict[str, pa.Array] = {}

    def name(self, canonical: str) -> str:
        """The column's name as the file writes it (for errors)."""
        return self.written.get(canonical, canonical)

    def __call__(self, name: str) -> pa.Array:
        if name not in self._seen:
            if name not in self.table.column_names:
                return pa.nulls(self.count, pa.string())
            values = combined(self.table[name]).cast(pa.string())
            self._seen[name] = values if not _has_blank(values) else _blank_as_null(values)
        return self._seen[name]

    def money(self, name: str) -> pa.Array:
        return money(self(name), file=self.file, column=self.name(name))

    def required(self, values: pa.Array, name: str) -> pa.Array:
        if values.null_count:
            row = pc.index(pc.is_null(values), True).as_py() + 1
            column = self.name(name)
            raise InputError(f"{column} is empty; every cost row needs it", file=self.file, row=row, column=column)
        return values


def _has_blank(values: pa.Array) -> bool:
    """Whether any value is empty or only spaces (the CSV reader already reads empty fields as null)."""
    return bool(pc.any(pc.utf8_is_space(values)).as_py()) if len(values) else False


def _blank_as_null(values: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _when(condition: pa.Array, values: pa.Array) -> pa.Array:
    """`values` where `condition` holds, else null."""
    return pc.if_else(condition, values, pa.scalar(None, values.type))


_TEXT = pa.string()


def _map(values: pa.Array, func: object, type: pa.DataType = _TEXT) -> pa.Array:
    return ref.map_unique(values, func, type)  # type: ignore[arg-type]


def _periods(c: _Cols) -> dict[str, pa.Array]:
    day = c.required(dates(c("Date"), file=c.file, column=c.name("Date")), "Date")
    start = dates(c("BillingPeriodStartDate"), file=c.file, column=c.name("BillingPeriodStartDate"))
    end = dates(c("BillingPeriodEndDate"), file=c.file, column=c.name("BillingPeriodEndDate"))
    period_start = pc.coalesce(midnight(start), month_start(day))
    return {
        "BillingPeriodStart": period_start,
        "BillingPeriodEnd": pc.coalesce(midnight(end, 1), month_start(pc.coalesce(start, day), 1)),
        "ChargePeriodStart": midnight(day),
        "ChargePeriodEnd": midnight(day, 1),
    }


def _account(c: _Cols) -> dict[str, pa.Array]:
    profile, account = c("BillingProfileId"), c("BillingAccountId")
    use_profile = pc.is_valid(profile)
    distinct = pc.and_(use_profile, pc.fill_null(pc.not_equal(profile, account), True))
    return {
        "BillingAccountId": c.required(billing_account_id(account, profile), "BillingAccountId"),
        "BillingAccountName": pc.if_else(
            use_profile, pc.coalesce(c("BillingProfileName"), profile), pc.coalesce(c("BillingAccountName"), account)
        ),
        "BillingAccountType": pc.if_else(distinct, "Billing Profile", "Billing Account"),
    }


def billing_account_id(account: pa.Array, profile: pa.Array) -> pa.Array:
    """The billing resource id Microsoft's FOCUS export writes as BillingAccountId: the billing profile's
    (`.../billingAccounts/{account}/billingProfiles/{profile}`) for MCA, the enrollment's
    (`.../billingAccounts/{enrollment}`, whose profile id is the same number) for EA. An id that already
    is a billing resource id is kept; a profile without a billing account stays as written."""
    own = pc.coalesce(account, profile)
    resource = pc.fill_null(pc.starts_with(own, "/providers/"), False)
    mca = pc.and_(pc.fill_null(pc.not_equal(profile, account), False), pc.invert(resource))
    ea = pc.if_else(resource, own, pc.binary_join_element_wise(BILLING_ACCOUNTS, own, ""))
    mca_id = pc.binary_join_element_wise(BILLING_ACCOUNTS, account, "/billingProfiles/", profile, "")
    return pc.if_else(mca, mca_id, pc.if_else(pc.is_valid(account), ea, profile))


def _resource_and_service(c: _Cols) -> dict[str, pa.Array]:
    resource = c("ResourceId")
    arm = _map(resource, ref.resource_type)
    last = _map(resource, lambda r: r.rstrip("/").rsplit("/", 1)[-1])
    key = pc.binary_join_element_wise(
        c("ConsumedService"), arm, c("MeterCategory"), "|", null_handling="replace", null_replacement=""
    )
    services = _map(key, _service, pa.struct([("n", pa.string()), ("c", pa.string()), ("s", pa.string())]))
    location = c("ResourceLocation")
    return {
        "ResourceId": resource,
        "ResourceName": _when(pc.is_valid(resource), pc.coalesce(c("ResourceName"), last)),
        "ResourceType": _map(arm, ref.resource_type_name),
        "ServiceName": pc.struct_field(services, "n"),
        "ServiceCategory": pc.struct_field(services, "c"),
        "ServiceSubcategory": pc.struct_field(services, "s"),
        "RegionId": _map(location, lambda v: (r := ref.region(v)) and r.id),
        "RegionName": _map(location, lambda v: (r := ref.region(v)) and r.name),
    }


def _service(key: str) -> dict[str, str | None]:
    consumed, arm, meter_category = key.split("|")
    by_resource = ref.service(consumed, arm) if arm else None
    found = by_resource or ref.service_named(meter_category) or ref.service(consumed, arm)
    if found is None:
        return {"n": meter_category or consumed or "Azure", "c": "Other", "s": "Other (Other)"}
    return {"n": found.name, "c": found.category, "s": found.subcategory}


def _units(c: _Cols, quantity: pa.Array, consumed: pa.Array) -> dict[str, pa.Array]:
    uom = c("UnitOfMeasure")
    block = _map(uom, lambda u: (x := ref.unit(u)) and Decimal(x.block_size), MONEY_TYPE)
    distinct = pc.fill_null(_map(uom, lambda u: (x := ref.unit(u)) and x.distinct), "Units")
    label = pc.fill_null(_map(uom, _unit_label), "Units")
    consumed_quantity = _when(consumed, multiply(pc.fill_null(block, _ONE), quantity))
    return {
        "PricingQuantity": quantity,
        "PricingUnit": _when(pc.is_valid(quantity), label),
        "ConsumedQuantity": consumed_quantity,
        "ConsumedUnit": _when(pc.is_valid(consumed_quantity), distinct),
        "x_PricingBlockSize": pc.cast(pc.cast(block, pa.int64()), pa.string()),
    }


def _unit_label(uom: str) -> str | None:
    found = ref.unit(uom)
    if found is None:
        return None
    return found.distinct if found.block_size == 1 else f"{found.block_size} {found.distinct}"


def _prices(c: _Cols, quantity: pa.Array, cost: pa.Array) -> dict[str, pa.Array]:
    rate = pc.fill_null(c.money("ExchangeRatePricingToBilling"), _ONE)
    list_price = multiply(c.money("PayGPrice"), rate)
    contracted_price = multiply(c.money("UnitPrice"), rate)
    return {
        "ListUnitPrice": list_price,
        "ContractedUnitPrice": contracted_price,
        "ListCost": pc.coalesce(c.money("PaygCostInBillingCurrency"), multiply(list_price, quantity), cost),
        "ContractedCost": pc.coalesce(multiply(contracted_price, quantity), cost),
    }


def _commitment(c: _Cols, kinds: dict[str, pa.Array], commitment_id: pa.Array) -> dict[str, pa.Array]:
    applies = pc.is_valid(kinds["commitment"])
    return {
        "ChargeCategory": kinds["category"],
        "ChargeClass": kinds["charge_class"],
        "ChargeFrequency": kinds["frequency"],
        "PricingCategory": kinds["pricing"],
        "CommitmentDiscountId": _when(applies, commitment_id),
        "CommitmentDiscountName": _when(applies, pc.coalesce(c("BenefitName"), c("ReservationName"))),
        "CommitmentDiscountType": kinds["commitment"],
        "CommitmentDiscountCategory": _map(kinds["commitment"], CD_CATEGORY.get),
        "CommitmentDiscountStatus": kinds["status"],
    }


def _descriptive(c: _Cols) -> dict[str, pa.Array]:
    subscription, product = c("SubscriptionId"), pc.coalesce(c("ProductId"), c("PartNumber"))
    sku = pc.coalesce(product, c("MeterId"))
    currency = c.required(c("BillingCurrency"), "BillingCurrency")
    return {
        "BillingCurrency": currency,
        "PricingCurrency": pc.coalesce(c("PricingCurrency"), currency),
        "ChargeDescription": pc.coalesce(c("ProductName"), c("MeterName")),
        "ProviderName": pa.repeat("Microsoft", c.count),
        "PublisherName": pc.coalesce(c("PublisherName"), pa.scalar("Microsoft")),
        "InvoiceIssuerName": pc.coalesce(c("PartnerName"), pa.scalar("Microsoft")),
        "InvoiceId": c("InvoiceId"),
        "AvailabilityZone": c("AvailabilityZone"),
        "SkuId": sku,
        "SkuPriceId": pc.coalesce(pc.binary_join_element_wise(product, c("MeterId"), "_"), sku),
        "SkuMeter": _when(pc.is_valid(sku), c("MeterName")),
        "SubAccountId": _subscription_id(subscription),
        "SubAccountName": pc.coalesce(c("SubscriptionName"), subscription),
        "SubAccountType": _when(pc.is_valid(subscription), pa.repeat("Subscription", c.count)),
        "Tags": tags(c("Tags"), file=c.file, column=c.name("Tags")),
    }


def _subscription_id(subscription: pa.Array) -> pa.Array:
    """`/subscriptions/{id}`, the SubAccountId Microsoft's FOCUS export writes (cost details hold the bare id)."""
    resource = pc.fill_null(pc.starts_with(subscription, "/"), False)
    return pc.if_else(resource, subscription, pc.binary_join_element_wise("/subscriptions/", subscription, ""))


def _without_tax_prices(columns: dict[str, pa.Array], tax: pa.Array) -> None:
    """FOCUS: taxes carry no unit prices or pricing quantity."""
    priced = ("ListUnitPrice", "ContractedUnitPrice", "PricingQuantity", "PricingUnit", "SkuId", "SkuPriceId")
    for name in (*priced, "SkuMeter"):
        columns[name] = pc.if_else(tax, pa.scalar(None, columns[name].type), columns[name])


def map_file(unified: pa.Table, file: str, written: Mapping[str, str]) -> Mapped:
    """FOCUS columns and pairing inputs for one unified cost details table (`written`: canonical name ->
    the name in the file's header)."""
    c = _Cols(unified, file, written)
    cost = c.required(c.money("CostInBillingCurrency"), "CostInBillingCurrency")
    quantity = c.money("Quantity")
    commitment_id = pc.coalesce(c("BenefitId"), c("ReservationId"))
    kinds = charges(unified, commitment_id)
    columns = {**_periods(c), **_account(c), **_descriptive(c), **_commitment(c, kinds, commitment_id)}
    columns |= _resource_and_service(c) | _units(c, quantity, kinds["consumed"]) | _prices(c, quantity, cost)
    _without_tax_prices(columns, pc.equal(kinds["category"], "Tax"))
    for name in unified.column_names:
        if name not in DROPPED:
            columns.setdefault(f"x_{name}", unified[name])
    table = pa.table({k: combined(v) if isinstance(v, pa.ChunkedArray) else v for k, v in columns.items()})
    return Mapped(
        table,
        cost,
        kinds["commitment_purchase"],
        kinds["commitment_usage"],
        kinds["unused"],
        _match_key(c, table, quantity),
    )


def _match_key(c: _Cols, table: pa.Table, quantity: pa.Array) -> pa.Array:
    parts = [
        table["BillingAccountId"],
        pc.utf8_lower(c("ChargeType")),
        pc.utf8_lower(c("PricingModel")),
        pc.cast(pc.cast(table["ChargePeriodStart"], pa.int64()), pa.string()),
        c("SubscriptionId"),
        pc.utf8_lower(c("ResourceId")),
        c("MeterId"),
        pc.utf8_lower(pc.coalesce(c("BenefitId"), c("ReservationId"))),
        c("ProductOrderId"),
        pc.cast(quantity, pa.string()),
    ]
    return combined(pc.binary_join_element_wise(*parts, "\x1f", null_handling="replace", null_replacement=""))
