"""Month-level rows besides usage: taxes, support fees, promotional credits, refunds and SLA credits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from cloudledger.demo.company import SUB_ACCOUNT_BY_KEY, SUB_ACCOUNTS
from cloudledger.demo.months import Month
from cloudledger.demo.records import Row, new_row, service_fields
from cloudledger.demo.services import TEMPLATE_BY_KEY, TEMPLATES, sku_id
from cloudledger.demo.usage import UsageRows

UNIT = 10**10
TAX_BASIS_POINTS = {"aws": 600, "gcp": 500}
"""Sales tax on Usage and Purchase charges; Azure's cost exports carry no tax rows."""
T_SERVICE = [t.service for t in TEMPLATES]
ACCOUNT_OF_ID = {(s.provider, s.id): i for i, s in enumerate(SUB_ACCOUNTS)}
MONEY = ("BilledCost", "ListCost", "ContractedCost", "EffectiveCost")


@dataclass(frozen=True)
class MonthTotals:
    """Sums of the month's Usage and Purchase rows per (sub account, service), in 1e-10."""

    sums: dict[tuple[int, str], tuple[int, int, int, int]]

    def service(self, name: str) -> dict[int, int]:
        """BilledCost of one service per sub account."""
        return {a: v[0] for (a, s), v in self.sums.items() if s == name}


def month_totals(rows: UsageRows, accounts: np.ndarray, extra: list[Row], provider: str) -> MonthTotals:
    """Group usage rows (vectorised) and extra rows (few) by sub account and service."""
    key = accounts[rows.stream].astype(np.int64) * 1000 + rows.template
    uniq, inverse = np.unique(key, return_inverse=True)
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for m, values in enumerate((rows.billed, rows.list_cost, rows.contracted_cost, rows.effective)):
        acc = np.zeros(len(uniq), dtype=np.int64)
        np.add.at(acc, inverse, values)
        for k, total in zip(uniq.tolist(), acc.tolist(), strict=True):
            sums[(k // 1000, T_SERVICE[k % 1000])][m] += total
    for r in extra:
        if r["ChargeCategory"] in ("Usage", "Purchase"):
            entry = sums[(ACCOUNT_OF_ID[(provider, r["SubAccountId"])], r["ServiceName"])]
            for m, name in enumerate(MONEY):
                entry[m] += int(r[name])
    return MonthTotals({k: (v[0], v[1], v[2], v[3]) for k, v in sums.items()})


def _month_row(provider: str, account: int, service: str, month: Month) -> Row:
    row = new_row(SUB_ACCOUNTS[account], month)
    row.update(service_fields(provider, service))
    row.update(ChargePeriodStart=month.start_epoch, ChargePeriodEnd=month.end_epoch)
    return row


def _amount(row: Row, value: int) -> None:
    row.update(
        BilledCost=value,
        ListCost=value,
        ContractedCost=value,
        EffectiveCost=value,
        PricingCurrencyEffectiveCost=value,
    )


def tax_rows(provider: str, month: Month, totals: MonthTotals) -> list[Row]:
    """One Tax row per (sub account, service): each cost metric taxed from the same metric of its charges.

    Google's tax row has one amount, the tax on what is invoiced (its ContractedCost and EffectiveCost are
    its cost), besides the tax on list prices (`cost_at_list`). AWS taxes the invoiced amount: its tax row
    has that one amount in all four cost columns, as AWS's own FOCUS export writes it.
    """
    bp = TAX_BASIS_POINTS.get(provider)
    if bp is None:
        return []
    out = []
    for (account, service), sums in sorted(totals.sums.items()):
        billed, listed, contracted, effective = (v * bp // 10_000 for v in sums)
        if provider == "gcp":
            contracted = effective = billed
        elif provider == "aws":
            listed = contracted = effective = billed
        if not (billed or listed or effective):
            continue
        row = _month_row(provider, account, service, month)
        row.update(
            ChargeCategory="Tax",
            ChargeFrequency="Recurring",
            BilledCost=billed,
            ListCost=listed,
            ContractedCost=contracted,
            EffectiveCost=effective,
            PricingCurrencyEffectiveCost=effective,
            ChargeDescription=f"{bp / 100:g}% sales tax on {service}",
        )
        row.update({"aws": {"x_UsageType": "Tax"}, "gcp": {"x_CostType": "tax"}}[provider])
        out.append(row)
    return out


def support_rows(month: Month, totals: MonthTotals) -> list[Row]:
    """AWS Business Support: a monthly fee tiered on the month's AWS charges, billed to the payer."""
    spend = sum(v[2] for v in totals.sums.values())
    fee = 0
    for low, high, pct in ((0, 10_000, 10), (10_000, 80_000, 7), (80_000, 250_000, 5), (250_000, 10**12, 3)):
        fee += max(0, min(spend, high * UNIT) - low * UNIT) * pct // 100
    fee = max(fee, 100 * UNIT)
    account = ACCOUNT_OF_ID[("aws", SUB_ACCOUNT_BY_KEY["northwind-management"].id)]
    row = _month_row("aws", account, "AWS Support (Business)", month)
    _amount(row, fee)
    label = "AWS Support (Business)"
    row.update(
        ChargeCategory="Purchase",
        ChargeFrequency="Recurring",
        PricingCategory="Standard",
        ChargeDescription="AWS Support (Business) monthly fee",
        PricingQuantity=UNIT,
        PricingUnit="Units",
        ListUnitPrice=fee,
        ContractedUnitPrice=fee,
        PricingCurrencyListUnitPrice=fee,
        PricingCurrencyContractedUnitPrice=fee,
        SkuId=sku_id("aws", label),
        SkuPriceId=sku_id("aws", label) + ".MONTHLY",
        SkuMeter="Support Fee",
        x_UsageType="Dollar",
    )
    return [row]


def credit_rows(provider: str, month: Month, months: int, totals: MonthTotals) -> list[Row]:
    """Promotional credits for generative AI pilots: AWS Bedrock early in the window, Vertex AI later."""
    plans = {
        "aws": (
            "Amazon Bedrock",
            months // 3,
            6,
            50,
            3_000,
            "AWS Promotional Credit - Generative AI Accelerator",
        ),
        "gcp": ("Vertex AI", months // 2, 4, 25, 2_500, "Google Cloud promotional credit - Vertex AI trial"),
    }
    if provider not in plans:
        return []
    service, first, count, pct, cap, text = plans[provider]
    if not first <= month.index < first + count:
        return []
    out = []
    for account, billed in sorted(totals.service(service).items()):
        value = -min(billed * pct // 100, cap * UNIT)
        if value == 0:
            continue
        row = _month_row(provider, account, service, month)
        _amount(row, value)
        row.update(ChargeCategory="Credit", ChargeFrequency="One-Time", ChargeDescription=text)
        row.update({"aws": {"x_UsageType": "Credit"}, "gcp": {"x_CostType": "adjustment"}}[provider])
        out.append(row)
    return out


def refund_rows(month: Month, previous: Month, s3_billed: dict[int, int]) -> list[Row]:
    """A refund of an S3 overcharge in the previous, already invoiced month: an Adjustment, ChargeClass Correction.

    AWS bills it as a `Refund` line item, which does not name the refunded charge's category; AWS's FOCUS
    export books it as an Adjustment and marks it a correction of the earlier period.
    """
    if not s3_billed:
        return []
    account, billed = max(s3_billed.items(), key=lambda kv: (kv[1], -kv[0]))
    value = -(billed * 8 // 100)
    if value == 0:
        return []
    t = TEMPLATE_BY_KEY["aws-s3-standard"]
    row = _month_row("aws", account, t.service, month)
    _amount(row, value)
    row.update(
        ChargeCategory="Adjustment",
        ChargeClass="Correction",
        ChargeFrequency="One-Time",
        PricingCategory="Other",
        ChargePeriodStart=previous.start_epoch,
        ChargePeriodEnd=previous.end_epoch,
        ChargeDescription=f"Refund: S3 Standard storage overcharge in {previous.label}",
        SkuId=t.sku_id,
        SkuPriceId=t.sku_price_id,
        SkuMeter=t.meter,
        x_UsageType="Refund",
    )
    return [row]


def sla_credit_rows(month: Month, totals: MonthTotals) -> list[Row]:
    """An Azure OpenAI service-level credit that arrives with a re-delivered month: no resource, billed by
    the Cognitive Services namespace, so Microsoft's service mapping names it as it names the usage."""
    openai = TEMPLATE_BY_KEY["az-openai-in"]
    billed = totals.service(openai.service)
    if not billed:
        return []
    account, amount = max(billed.items(), key=lambda kv: (kv[1], -kv[0]))
    value = -(amount * 10 // 100)
    row = _month_row("azure", account, openai.service, month)
    _amount(row, value)
    row.update(
        ChargeCategory="Credit",
        ChargeFrequency="One-Time",
        ChargeDescription="Service level agreement credit: Azure OpenAI availability below 99.9%",
        x_SkuDescription="SLA credit",
        x_ResourceType=dict(openai.extra)["x_ResourceType"],
    )
    return [row]
