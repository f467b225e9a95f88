"""Column values that come from the account, the month, the service or the SKU, and single rows as dicts."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pyarrow as pa

from cloudledger.demo.columns import ALL_X, focus_names, kind
from cloudledger.demo.company import (
    DEPARTMENT_BY_NAME,
    PROVIDER_BY_KEY,
    SUB_ACCOUNTS,
    SubAccount,
)
from cloudledger.demo.months import Month
from cloudledger.demo.services import SERVICE_BY_NAME, TEMPLATES, Template

Row = dict[str, Any]
CURRENCY = "USD"


def _number(text: str, digits: int) -> str:
    return str(int(hashlib.sha256(text.encode()).hexdigest(), 16) % 10**digits).rjust(digits, "1")


def account_fields(sub: SubAccount) -> Row:
    """Columns fixed by the sub account (and its provider's billing account)."""
    p = PROVIDER_BY_KEY[sub.provider]
    dept = DEPARTMENT_BY_NAME[sub.department]
    row: Row = {
        "BillingAccountId": p.billing_account_id,
        "BillingAccountName": p.billing_account_name,
        "BillingAccountType": p.billing_account_type,
        "BillingCurrency": CURRENCY,
        "InvoiceIssuerName": p.invoice_issuer,
        "ProviderName": p.provider_name,
        "PublisherName": p.publisher_name,
        "PricingCurrency": CURRENCY,
        "SubAccountId": sub.id,
        "SubAccountName": sub.name,
        "SubAccountType": p.sub_account_type,
    }
    if sub.provider == "gcp":
        row["x_ProjectNumber"] = sub.number
    if sub.provider == "azure":
        section = _number(dept.name, 4)
        row.update(
            x_BillingProfileId=p.billing_account_id.rsplit("/", 1)[1],
            x_BillingProfileName=p.billing_account_name,
            x_CostCenter=dept.cost_center,
            x_InvoiceSectionId=f"{section[:2]}QX-{section[2:]}Z-PJA-{dept.slug[:3].upper()}",
            x_InvoiceSectionName=f"{dept.name}",
            x_PricingCurrency=CURRENCY,
        )
    return row


def month_fields(provider: str, month: Month) -> Row:
    """Columns fixed by the billing period: its bounds and the invoice it is billed on."""
    invoice = _number(f"{provider}:{month.label}", 10)
    row: Row = {"BillingPeriodStart": month.start_epoch, "BillingPeriodEnd": month.end_epoch}
    if provider == "azure":
        row["x_InvoiceId"] = "G0" + invoice[:8]
    else:
        row["InvoiceId"] = invoice
    if provider == "gcp":
        row["x_ExportTime"] = export_time(month, 2)
        row["x_CostType"] = "regular"
    return row


def export_time(month: Month, days_after: int) -> str:
    """A delivery time derived from the billing period, never from the clock."""
    end = datetime(month.end.year, month.end.month, month.end.day, 6, 14, 27, tzinfo=UTC)
    return (end + timedelta(days=days_after)).strftime("%Y-%m-%dT%H:%M:%SZ")


def service_fields(provider: str, name: str) -> Row:
    """ServiceName with its category, subcategory and provider service code."""
    s = SERVICE_BY_NAME[(provider, name)]
    row: Row = {"ServiceName": s.name, "ServiceCategory": s.category, "ServiceSubcategory": s.subcategory}
    row[{"aws": "x_ServiceCode", "gcp": "x_ServiceId", "azure": "x_SkuMeterCategory"}[provider]] = s.code
    return row


def template_fields(t: Template) -> Row:
    """Columns fixed by the SKU template of a usage row."""
    row = service_fields(t.provider, t.service)
    row.update(
        ChargeDescription=t.description,
        ChargeCategory="Usage",
        ChargeFrequency="Recurring" if t.model == "monthly" else "Usage-Based",
        SkuId=t.sku_id,
        SkuPriceId=t.sku_price_id,
        SkuMeter=t.meter,
        SkuPriceDetails=json.dumps(dict(t.details), separators=(",", ":")) if t.details else None,
        PricingUnit=t.unit,
        ConsumedUnit=t.unit,
    )
    row.update({k: v for k, v in t.extra if k != "x_UsageType" and v})
    if t.provider == "azure":
        row["x_SkuDescription"] = t.description
    return row


@cache
def account_table() -> pa.Table:
    """account_fields of every sub account, one row each in SUB_ACCOUNTS order."""
    return _table([account_fields(s) for s in SUB_ACCOUNTS])


@cache
def template_table() -> pa.Table:
    """template_fields of every template, one row each in TEMPLATES order."""
    return _table([template_fields(t) for t in TEMPLATES])


def _table(rows: list[Row]) -> pa.Table:
    names = sorted({k for r in rows for k in r})
    return pa.table({n: pa.array([r.get(n) for r in rows], pa.string()) for n in names})


def new_row(sub: SubAccount, month: Month) -> Row:
    """A row with the account and billing-period columns filled in."""
    return {**account_fields(sub), **month_fields(sub.provider, month)}


NEUTRAL_COLUMNS: tuple[str, ...] = (*focus_names("1.2"), *ALL_X)
ARROW_KIND = {"money": pa.int64(), "time": pa.int64(), "tags": pa.int32(), "text": pa.string()}


def to_columns(rows: list[Row]) -> dict[str, pa.Array]:
    """Neutral columns of a few rows built one by one (purchases, taxes, credits ...)."""
    return {n: pa.array([r.get(n) for r in rows], ARROW_KIND[kind(n)]) for n in NEUTRAL_COLUMNS}
