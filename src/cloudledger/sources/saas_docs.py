"""The `saas` source's docs page: what a finance user fills in, and how each column maps to FOCUS."""

from __future__ import annotations

from cloudledger.sources import ColumnMapping


def column_map() -> tuple[ColumnMapping, ...]:
    m = ColumnMapping
    return (
        m("BilledCost, EffectiveCost, ListCost, ContractedCost", "`amount`", "all four; no amortization"),
        m("BillingCurrency", "`currency`", "ISO 4217, upper-cased"),
        m("BillingAccountId, BillingAccountName", "`account`, else `vendor`", ""),
        m("BillingPeriodStart, BillingPeriodEnd", "`billing_period` (YYYY-MM)", "that calendar month"),
        m("ChargePeriodStart, ChargePeriodEnd", "`start_date`, `end_date` + 1 day; else the billing month", ""),
        m("ChargeCategory", "`charge_type`: purchase, refund -> Purchase; credit -> Credit; tax -> Tax", ""),
        m("ChargeFrequency", "`frequency`: recurring, one-time", "default Recurring (purchase), else One-Time"),
        m("ChargeDescription", "`description`", ""),
        m("PricingCategory", '"Standard" on Purchase rows', "null on Credit and Tax"),
        m("ProviderName, PublisherName, InvoiceIssuerName", "`vendor`", ""),
        m("InvoiceId", "`invoice_id`", ""),
        m("ServiceName", "`service`, else `vendor`", ""),
        m(
            "ServiceCategory, ServiceSubcategory",
            "`service_category` (FOCUS values), else Other",
            '"Other (<category>)"',
        ),
        m("Tags", "`tags` (JSON object) + `cost_center` as the `cost_center` tag", ""),
        m("PricingQuantity, PricingUnit", "`quantity`, `unit`", 'default 1 and "Units"; null on Tax rows'),
        m("x_cost_center, x_saas_charge_type", "`cost_center`, `charge_type`", ""),
        m("x_<column>", "any other column", "name lower-cased, spaces as _"),
    )


NOTES = """
For spend that no cloud export holds: SaaS subscriptions, observability, data platforms, support
contracts. Keep one CSV (or one per month) with a line per invoice line and ingest it like any export;
re-ingesting the file replaces what it held before for its (billing period, account).
An example is `docs/examples/saas-invoices.csv`.

| column | required | what to write |
|---|---|---|
| `vendor` | yes | who bills you: `Datadog`, `Snowflake` |
| `billing_period` | yes | the invoice month, `YYYY-MM` |
| `amount` | yes | e.g. `1234.50`: a dot for decimals, no currency symbol, no thousands separator |
| `currency` | yes | ISO 4217 code: `USD`, `EUR` |
| `cost_center` | yes (may be empty) | who pays: becomes the `cost_center` tag |
| `description` | yes (may be empty) | what the line is |
| `invoice_id` | no | the vendor's invoice number |
| `account` | no | your account with the vendor (default: the vendor) |
| `service` | no | the product (default: the vendor) |
| `service_category` | no | a FOCUS service category, e.g. `Management and Governance` (default `Other`) |
| `charge_type` | no | `purchase` (default), `refund`, `credit` or `tax` |
| `frequency` | no | `recurring` or `one-time` |
| `start_date`, `end_date` | no | the days the line covers, `YYYY-MM-DD`, end date included |
| `quantity`, `unit` | no | what was bought, e.g. `120` `Seats` (default `1` `Units`) |
| `tags` | no | a JSON object, e.g. `{"team": "data"}` |

- Header names are case-insensitive and may use spaces (`Billing Period`); a UTF-8 BOM (Excel) is fine.
  Other columns are kept as `x_` columns.
- Every line is one FOCUS row with BilledCost = EffectiveCost = ListCost = ContractedCost = amount
  (subscriptions are not amortized). Purchase lines are ChargeCategory Purchase, PricingCategory Standard.
- **Money coming back** must be marked: a negative amount needs `charge_type` `refund` (stays a Purchase,
  as FOCUS says refunds do) or `credit` (a Credit row); a refund or credit with a positive amount is
  refused too, so a sign is never guessed.
- The billing account is `account`, else the vendor; one account has one currency per month.
- **Rejected**: a missing required column, an empty vendor / billing period / amount / currency, an amount
  that is not a number (`1,234.50`, `$12`), a period that is not `YYYY-MM`, an unknown currency code, an
  unmarked negative amount, a bad date or only one of the two dates, tags that are not a JSON object of
  scalar values, a `cost_center` tag that contradicts the `cost_center` column, non-UTF-8 text.
"""
