"""Source `aws-cur2`: AWS CUR 2.0, the "Standard data export" of AWS Data Exports (Parquet, CSV, CSV.gz)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from cloudledger.sources import Source, register
from cloudledger.sources.aws_columns import Column, CurTable
from cloudledger.sources.aws_cur import CUR2_MARKERS, SNAKE_SIGNATURE
from cloudledger.sources.aws_docs import charge_table, column_map
from cloudledger.sources.aws_mapping import Flavour, coalesce
from cloudledger.sources.aws_read import read_cur
from cloudledger.sources.aws_tags import json_maps, tags_from_map
from cloudledger.sources.files import BillingFile
from cloudledger.sources.native import SourceRows

NAME = "aws-cur2"


def detect(header: Sequence[str]) -> bool:
    names = set(header)
    return names >= SNAKE_SIGNATURE and bool(names & CUR2_MARKERS)


def _product_name(cur: CurTable) -> pa.ChunkedArray:
    """`product['product_name']` of the `product` map column (a Parquet map, or JSON text in CSV)."""
    values = cur.raw("product")
    if values is None:
        return cur.text("product_product_name")
    maps = values if pa.types.is_map(values.type) else json_maps(cur, "product")
    name = pc.map_lookup(maps, "product_name", "first")
    return coalesce(name, cur.text("product_product_name"))


def _extras(cur: CurTable) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for name, key in (("x_CostCategories", "cost_category"), ("x_Discounts", "discount")):
        values = cur.raw(key)
        if values is not None:
            out[name] = values if pa.types.is_map(values.type) else cur.text(key)
    return out


CUR2 = Flavour(product_name=_product_name, tags=lambda cur: tags_from_map(cur, "resource_tags"), extras=_extras)


def read(file: BillingFile) -> Iterator[SourceRows]:
    """Ledger rows of one CUR 2.0 file, with its invoice (and amortized) totals, in batches."""
    return read_cur(file, CUR2, NAME)


NOTES = f"""
Reads CUR 2.0, the "Standard data export" of AWS Data Exports, as Parquet or CSV / CSV.gz. Its columns are
snake_case (`line_item_unblended_cost`); product attributes, resource tags, cost categories and discounts
are map columns (`product`, `resource_tags`, `cost_category`, `discount`), written as JSON text in CSV.
A file is told apart from the legacy CUR's Athena Parquet (also snake_case, see `aws-cur`) by those map
columns or CUR 2.0's account name columns.

- **What to point at**: the export's S3 folder as delivered (`<prefix>/<export>/data/BILLING_PERIOD=YYYY-MM/`
  with `metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json`): only the data files the manifest lists are
  read, the others are reported as superseded. Single files are read on their own.
- **Charges and costs** map exactly as for the legacy CUR (`aws-cur`): BilledCost = `line_item_unblended_cost`
  on every row, so the ledger adds up to the invoice; savings plan covered usage and its negation are both
  kept (billed pair = 0, EffectiveCost and ListCost only on the covered line); unused reservation and savings
  plan commitment becomes an *Unused* row with that amount as EffectiveCost; the recorded native totals are
  Σ `line_item_unblended_cost` (BilledCost) and the amortized cost computed from the native columns
  (EffectiveCost).
- **Tags**: `resource_tags` keys `user_team` → `team`, `aws_created_by` → `aws:created_by`.
  `cost_category` and `discount` are kept as JSON text in `x_CostCategories` and `x_Discounts`.
- **Account names**: BillingAccountName = `bill_payer_account_name`, SubAccountName =
  `line_item_usage_account_name` (the account id when it is empty).
- **Rejected**: as for `aws-cur`, plus a CSV whose `resource_tags` (or `product`) value is not a JSON object.

How each line item type maps:

{charge_table()}
"""

SOURCE = register(
    Source(
        name=NAME,
        description="AWS CUR 2.0 (Data Exports standard export: Parquet, CSV, CSV.gz).",
        detect=detect,
        read=read,
        column_map=column_map(legacy=False),
        notes=NOTES,
    )
)
