"""The custom (`x_`) columns `gcp-billing` keeps: export fields FOCUS has no column for.

Mapped fields that FOCUS lacks keep Google's meaning under Google's FOCUS-view names (`x_Credits`,
`x_CostType`, `x_ExportTime`...); export fields the mapping does not use at all (`price`,
`consumption_model`, `cost_at_effective_price_default`...) are kept whole as `x_<field>` (nested
records become JSON text, dots become `_`).
"""

from __future__ import annotations

import pyarrow as pa

from cloudledger.sources.gcp_json import json_lists
from cloudledger.sources.gcp_nested import field, records, text

MAPPED_RECORDS = (
    "service", "sku", "project", "location", "usage", "invoice", "adjustment_info", "resource", "subscription",
)  # fmt: skip
"""Nested records whose members are mapped (an unmapped record is kept whole as an `x_` column)."""
MAPPED_FIELDS = (
    "billing_account_id", "cost", "currency", "currency_conversion_rate", "usage_start_time", "usage_end_time",
    "export_time", "cost_type", "credits", "labels", "system_labels", "tags", "cost_at_list",
    "transaction_type", "seller_name",
)  # fmt: skip
CUSTOM_FIELDS = {
    "x_ServiceId": "service.id",
    "x_Location": "location.location",
    "x_Country": "location.country",
    "x_ProjectNumber": "project.number",
    "x_ProjectAncestryNumbers": "project.ancestry_numbers",
    "x_CostType": "cost_type",
    "x_InvoiceMonth": "invoice.month",
    "x_InvoicePublisherType": "invoice.publisher_type",
    "x_AdjustmentId": "adjustment_info.id",
    "x_AdjustmentDescription": "adjustment_info.description",
    "x_AdjustmentType": "adjustment_info.type",
    "x_AdjustmentMode": "adjustment_info.mode",
    "x_TransactionType": "transaction_type",
    "x_SellerName": "seller_name",
    "x_SubscriptionInstanceId": "subscription.instance_id",
    "x_CurrencyConversionRate": "currency_conversion_rate",
    "x_ExportTime": "export_time",
}
"""Custom columns kept from mapped fields (text as written)."""
ANCESTOR_FIELDS = ("resource_name", "display_name")


def custom_columns(
    raw: pa.Table, path: str, credits: pa.ChunkedArray, by_type: dict[str, pa.Array]
) -> dict[str, pa.Array | pa.ChunkedArray]:
    """The `x_` columns of one export file (the credits list and per-type sums come from the caller)."""
    count = raw.num_rows
    kept: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name, source in CUSTOM_FIELDS.items():
        values = field(raw, source)
        kept[name] = text(values, count) if values is None or not pa.types.is_nested(values.type) else values
    ancestors = field(raw, "project.ancestors")
    if ancestors is not None:
        listed = records(ancestors, ANCESTOR_FIELDS, count, file=path, column="project.ancestors")
        kept["x_ProjectAncestors"] = json_lists(listed)
    kept["x_Credits"] = credits
    kept.update(by_type)
    for name in raw.column_names:
        if name in MAPPED_FIELDS or name.split(".", 1)[0] in MAPPED_RECORDS:
            continue
        kept["x_" + name.replace(".", "_")] = raw[name]
    return kept
