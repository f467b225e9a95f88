"""Which columns each provider's export has, and how the generator holds them before writing.

Before a file is written, rows are kept in a provider-neutral form: money and quantities as int64 counts of
1e-10, date-times as int64 epoch seconds, Tags as the int32 index of the resource whose tags apply (null when
the row has none), everything else as text. Writers turn that into Parquet types or CSV text.
"""

from __future__ import annotations

from functools import cache

from cloudledger.focus import load_spec

X_COLUMNS: dict[str, tuple[str, ...]] = {
    "aws": ("x_Discounts", "x_Operation", "x_ServiceCode", "x_UsageType"),
    "gcp": ("x_CostType", "x_ExportTime", "x_Location", "x_ProjectNumber", "x_ServiceId", "x_SkuDescription"),
    "azure": (
        "x_BillingProfileId",
        "x_BillingProfileName",
        "x_CostCenter",
        "x_InvoiceId",
        "x_InvoiceSectionId",
        "x_InvoiceSectionName",
        "x_PricingCurrency",
        "x_ResourceGroupName",
        "x_ResourceType",
        "x_SkuDescription",
        "x_SkuMeterCategory",
        "x_SkuMeterName",
        "x_SkuMeterSubcategory",
        "x_SkuRegion",
        "x_SkuTerm",
    ),
}
"""Provider-specific columns, after the FOCUS ones (all text)."""


@cache
def focus_names(version: str) -> tuple[str, ...]:
    """FOCUS column names of a version, in specification order."""
    return tuple(load_spec(version).names)


@cache
def kind(name: str) -> str:
    """money, time, tags or text: how a neutral column is held."""
    col = load_spec("1.2").by_name.get(name)
    if col is None:
        return "text"
    if name == "Tags":
        return "tags"
    return {"Decimal": "money", "Date/Time": "time"}.get(col.data_type, "text")


def provider_columns(provider: str, version: str) -> tuple[str, ...]:
    """The header of a provider's export: FOCUS columns of its version, then its x_ columns."""
    return (*focus_names(version), *X_COLUMNS[provider])


ALL_X = tuple(sorted({c for cols in X_COLUMNS.values() for c in cols}))
