"""The columns of a Cost and Usage Report that cloudledger reads, and reading only those, in batches.

A report has 100 to 300 columns; the mapping needs about 50 of them (plus the tag and cost category
columns). Parquet files are read column by column, so the others are never decoded; in CSV they are
parsed past but not converted.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from cloudledger.sources.aws_columns import snake
from cloudledger.sources.files import BillingFile, iter_csv_as_text, iter_parquet

USED = frozenset(
    {
        "bill_payer_account_id", "bill_payer_account_name", "bill_billing_period_start_date",
        "bill_billing_period_end_date", "bill_invoice_id", "bill_invoicing_entity", "bill_bill_type",
        "bill_billing_entity", "identity_line_item_id", "line_item_line_item_type", "line_item_unblended_cost",
        "line_item_currency_code", "line_item_usage_amount", "line_item_usage_start_date",
        "line_item_usage_end_date", "line_item_usage_account_id", "line_item_usage_account_name",
        "line_item_line_item_description", "line_item_legal_entity", "line_item_product_code",
        "line_item_usage_type", "line_item_operation", "line_item_availability_zone", "line_item_resource_id",
        "line_item_unblended_rate", "line_item_blended_cost", "line_item_net_unblended_cost",
        "line_item_tax_type", "product_product_name", "product_product_family", "product_instance_type",
        "product_region_code", "product_region", "product_location", "product_sku", "pricing_unit",
        "pricing_term", "pricing_rate_code", "pricing_rate_id", "pricing_public_on_demand_cost",
        "pricing_public_on_demand_rate", "reservation_reservation_a_r_n", "reservation_effective_cost",
        "reservation_total_reserved_units", "reservation_unused_amortized_upfront_fee_for_billing_period",
        "reservation_unused_recurring_fee", "reservation_unused_quantity", "savings_plan_savings_plan_a_r_n",
        "savings_plan_savings_plan_effective_cost", "savings_plan_total_commitment_to_date",
        "savings_plan_used_commitment", "product", "resource_tags", "cost_category", "discount",
    }
)  # fmt: skip
"""snake_case names of the columns the FOCUS mapping, the native totals and the kept `x_` columns read."""
USED_PREFIXES = ("resourceTags/", "resource_tags_", "cost_category_")
"""Legacy one-column-per-tag and per-cost-category columns (all of them are read)."""
BATCH_ROWS = 250_000
"""Rows per batch of a Parquet report."""
CSV_BLOCK_BYTES = 16 << 20
"""Bytes of CSV text per batch (about 16,000 rows of a legacy report)."""


def is_used(name: str) -> bool:
    """Whether the column `name` (as the file writes it) is read."""
    return name.startswith(USED_PREFIXES) or snake(name) in USED or snake(name).startswith(USED_PREFIXES)


def iter_cur_file(file: BillingFile) -> Iterator[pa.Table]:
    """A report's used columns as written (CSV as text, Parquet with its types), in batches."""
    columns = [name for name in file.header if is_used(name)]
    if file.kind == "parquet":
        yield from iter_parquet(file, batch_rows=BATCH_ROWS, columns=columns)
    else:
        yield from iter_csv_as_text(file, file.header, block_bytes=CSV_BLOCK_BYTES, columns=columns)
