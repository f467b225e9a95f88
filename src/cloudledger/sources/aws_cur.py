"""Source `aws-cur`: legacy AWS Cost and Usage Reports (CSV, CSV.gz, or Parquet as delivered for Athena)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cloudledger.sources import Source, register
from cloudledger.sources.aws_columns import Column, CurTable
from cloudledger.sources.aws_docs import charge_table, column_map
from cloudledger.sources.aws_mapping import Flavour
from cloudledger.sources.aws_read import read_cur
from cloudledger.sources.aws_tags import tags_from_columns
from cloudledger.sources.files import BillingFile
from cloudledger.sources.native import SourceRows

NAME = "aws-cur"
CSV_SIGNATURE = frozenset({"bill/PayerAccountId", "lineItem/UnblendedCost", "lineItem/LineItemType"})
SNAKE_SIGNATURE = frozenset({"bill_payer_account_id", "line_item_unblended_cost", "line_item_line_item_type"})
CUR2_MARKERS = frozenset(
    {"product", "resource_tags", "cost_category", "discount", "bill_payer_account_name", "line_item_usage_account_name"}
)
"""Columns only CUR 2.0 has (its map columns and account names): a snake_case file without them is legacy CUR."""


def detect(header: Sequence[str]) -> bool:
    names = set(header)
    return names >= CSV_SIGNATURE or (names >= SNAKE_SIGNATURE and not names & CUR2_MARKERS)


def _cost_categories(cur: CurTable) -> dict[str, Column]:
    return {f"x_{name}": cur.text(name) for name in cur.table.column_names if name.startswith("cost_category_")}


LEGACY = Flavour(
    product_name=lambda cur: cur.text("product_product_name"),
    tags=tags_from_columns,
    extras=_cost_categories,
)


def read(file: BillingFile) -> Iterator[SourceRows]:
    """Ledger rows of one legacy CUR file, with its invoice (and amortized) totals, in batches."""
    return read_cur(file, LEGACY, NAME)


NOTES = f"""
Reads the legacy AWS Cost and Usage Report (CUR): the CSV / CSV.gz files AWS delivers to S3 (columns such as
`lineItem/UnblendedCost`), and the Parquet files of its Athena integration (the same columns in snake_case,
`line_item_unblended_cost`, one `resource_tags_user_*` column per tag). For CUR 2.0 (AWS Data Exports) see
`aws-cur2`.

- **What to point at**: the report's S3 folder copied as it is (`<report>/<YYYYMMDD-YYYYMMDD>/<assemblyId>/
  <report>-<n>.csv.gz` with `<report>/<YYYYMMDD-YYYYMMDD>/<report>-Manifest.json`), or single files. In the
  delivery layout only the files the billing period's manifest lists (`reportKeys`) are read; files of older
  assemblies are reported as superseded and not read. A file outside that layout (a downloaded or exported
  report) is read on its own.
- **Invoice totals**: every line item is one ledger row with BilledCost = `lineItem/UnblendedCost`, so
  BilledCost per payer account and billing period equals the invoice (the recorded native total is
  Σ `lineItem/UnblendedCost`). Savings plans: the `SavingsPlanCoveredUsage` line keeps its on-demand cost
  as BilledCost and the `SavingsPlanNegation` line cancels it on the invoice, so the pair adds up to 0 billed;
  the plan is invoiced by its `SavingsPlanRecurringFee` / `SavingsPlanUpfrontFee` lines. For EffectiveCost
  the covered line carries `savingsPlan/SavingsPlanEffectiveCost` and the negation 0, for ListCost the
  covered line carries the public on-demand cost and the negation 0: nothing is counted twice. (AWS's own
  FOCUS export folds each pair into one row with BilledCost 0 and drops the negation; the ledger keeps both
  lines so that every CUR line is traceable and the invoice total holds even when a delivery splits a pair
  across files.)
- **Amortized cost** (EffectiveCost): reservations and savings plans are spread over the usage they cover;
  a reservation's or savings plan's recurring fee line becomes a Purchase row with EffectiveCost 0 plus an
  *Unused* Usage row (same source row, BilledCost 0) whose EffectiveCost is the unused commitment
  (`reservation/UnusedAmortizedUpfrontFeeForBillingPeriod` + `reservation/UnusedRecurringFee`, or
  `savingsPlan/TotalCommitmentToDate` − `savingsPlan/UsedCommitment`). Upfront fees have EffectiveCost 0.
  The recorded native EffectiveCost total is this amortized cost, computed from the native columns.
- **Tags**: user-defined tags lose the `user:` prefix (`resourceTags/user:team` → `team`), AWS tags keep
  `aws:` (`resourceTags/aws:createdBy`). The Athena Parquet spells keys in snake_case
  (`resource_tags_user_cost_center` → `cost_center`, `resource_tags_aws_created_by` → `aws:created_by`).
  Cost categories are kept as `x_cost_category_*` columns.
- **Account names**: legacy CUR has none: SubAccountName repeats the account id, BillingAccountName is null.
- **Rejected**: a file without `bill/PayerAccountId`, `lineItem/LineItemType`, `lineItem/UnblendedCost`,
  `lineItem/CurrencyCode`, the billing period or usage dates; a cost or quantity that is not a number; a date
  that is not ISO 8601; text that is not UTF-8; a file in the delivery layout whose period manifest is
  missing; a file whose `bill/PayerAccountId` is not the manifest's `account`; a `Usage` line with a
  negative `lineItem/UsageAmount` but a positive cost (AWS books negative quantities only as credits or
  refunds; such a line is a broken report, not a charge to book). Errors name the file, the row and the column.

How each line item type maps:

{charge_table()}
"""

SOURCE = register(
    Source(
        name=NAME,
        description="AWS Cost and Usage Reports, legacy CUR (CSV, CSV.gz, Athena Parquet).",
        detect=detect,
        read=read,
        column_map=column_map(legacy=True),
        notes=NOTES,
    )
)
