"""The prose of docs/config.md: its introduction, notes on some models, and descriptions of the keys whose
model gives none."""

from __future__ import annotations

from pydantic import BaseModel

from cloudledger.config.allocation import DimensionRule
from cloudledger.config.csv_mappings import CsvMapping
from cloudledger.config.organization import AssignFrom
from cloudledger.config.selectors import Condition

INTRO = """
# cloudledger.yaml reference

`cloudledger.yaml` holds what a FinOps team decides: the organization (departments, teams, cost centers and
the rules that give cost an owner), the tag policy, virtual tags and shared-cost splits, the chargeback, budgets,
unit costs and the layouts of other cost CSVs. Every section is optional; an empty file is a valid config.

- **Which file**: `--config PATH`, else `./cloudledger.yaml`, else `cloudledger.yaml` in the home folder.
  Relative paths written in the file are read from the file's own folder.
- **Checking it**: `cloudledger check` validates the file and, with a ledger in the home folder, warns about
  ownership rules that match nothing and shared pools that are empty. Every error names the line and the
  column, what was found and what was expected; unknown keys are errors.
- **Editors**: `cloudledger config schema --output cloudledger.schema.json` writes the JSON Schema; YAML
  language servers read it (`# yaml-language-server: $schema=cloudledger.schema.json` on the first line).
- **Names**: departments, teams and cost centers are matched ignoring case, by name or alias; a rule, split,
  budget or unit cost that names an unknown one is an error that lists the known names.

This page is generated from the configuration models (`python -m cloudledger.docgen` refreshes it).
"""

NOTES: dict[type[BaseModel], str] = {
    Condition: (
        "Selectors (`match:`) are `column: condition` pairs that must all hold. The column is a FOCUS column "
        "(`ServiceName`), an `x_` column, or `tag:KEY` (the tag's value under every spelling of its key, "
        "normalised by the tag policy). Shorthands: `column: value` means `{equals: value}` and "
        "`column: [a, b]` means `{in: [a, b]}`."
    ),
    AssignFrom: (
        "Instead of a fixed name, a rule may read the owner's name from the row: `team: {from: tag:team}`. "
        "The value is matched ignoring case against the names and aliases at the rule's level (then against "
        "`values:`); a row whose value names no known owner falls through to the next rule."
    ),
    DimensionRule: "A rule with `from:` that finds no value on a row falls through to the next rule.",
}

DESCRIPTIONS: dict[str, str] = {
    "Organization.cost_centers": "The cost centers cost is booked to.",
    "Organization.departments": "The departments and their teams.",
    "Department.name": "The department's name, shown on reports.",
    "Department.teams": "The department's teams.",
    "Team.name": "The team's name (unique in the whole organization, ignoring case).",
    "OwnershipRule.department": "The department that owns matching rows: a name, or `{from: ...}`.",
    "OwnershipRule.team": "The team that owns matching rows (its department and cost center follow).",
    "OwnershipRule.cost_center": "The cost center that owns matching rows: a code, or `{from: ...}`.",
    "Allocation.dimensions": "Virtual tags, queried as dim:NAME.",
    "Dimension.description": "What the dimension means, shown in listings.",
    "Dimension.rules": "Ordered; the first rule that matches (and, copying a column, finds a value) wins.",
    "SharedCostBase.name": "The pool's name, shown as the rule of its shares.",
    "SharedCostBase.description": "What the pool holds and why it is split this way.",
    "EvenSplit.split": "`even`: every receiver gets the same share.",
    "ProportionalSplit.split": "`proportional`: shares follow each receiver's own direct cost in the period.",
    "FixedSplit.split": "`fixed`: shares are the percentages under `weights`.",
    "MetricSplit.split": "`metric`: shares follow a business metric whose dimension names the receivers.",
    "Budget.name": "The budget's name (unique), shown on reports and alerts.",
    "Budget.scope": "What the budget covers.",
    "Budget.currency": "The currency of the amounts (cost in other currencies is not compared).",
    "BudgetScope.department": "A department: its cost as allocated.",
    "BudgetScope.team": "A team: its cost as allocated.",
    "BudgetScope.cost_center": "A cost center: the cost allocated to it.",
    "BudgetFile.period_column": "Column holding the month (YYYY-MM, or as `date_format` says).",
    "BudgetFile.amount_column": "Column holding the amount.",
    "BudgetFile.currency": "The currency of the amounts, unless `currency_column` is given.",
    "BudgetFile.currency_column": "Column holding each row's currency.",
    "BudgetFile.metric": "Cost column compared with the budgets.",
    "UnitCost.name": "The unit cost's name (unique), shown on reports.",
    "UnitCost.description": "What the unit cost measures.",
    "UnitCost.grain": "Quote the unit cost per day or per month.",
}


def csv_value_description(model: type[BaseModel], name: str) -> str | None:
    """`csv_mappings` value keys: the FOCUS column each one fills."""
    if model is not CsvMapping:
        return None
    from cloudledger.sources.csv_mapping import FALLBACKS, TEXT_FIELDS

    focus = dict(TEXT_FIELDS).get(name)
    if focus is None:
        return None
    copied = FALLBACKS.get(focus)
    return f"Fills FOCUS {focus}" + (f" (default: as {copied})." if copied else ".")
