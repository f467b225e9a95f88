"""`csv_mappings:` in cloudledger.yaml: how to read a cost CSV of any layout as FOCUS rows."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from cloudledger.config.base import StrictModel
from cloudledger.focus.rules import iso4217_codes
from cloudledger.focus.spec import load_spec

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


class ValueSpec(StrictModel):
    """A value taken from a column of the file (optionally translated) or fixed for every row."""

    column: str | None = Field(default=None, min_length=1, description="Take the value from this column.")
    value: str | None = Field(default=None, min_length=1, description="The same value for every row.")
    values: dict[str, str] | None = Field(
        default=None, description="Translate the column's values (file value: value to store)."
    )
    default: str | None = Field(
        default=None, min_length=1, description="Used where the column is empty (or its value is not in `values`)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> ValueSpec:
        if (self.column is None) == (self.value is None):
            found = ", ".join(sorted(self.model_fields_set)) or "neither"
            raise ValueError(
                f"give exactly one of `column:` (a column of the file) or `value:` (a fixed value); found: {found}"
            )
        if self.value is not None and (self.values is not None or self.default is not None):
            raise ValueError("`values:` and `default:` only apply with `column:`")
        return self

    def outputs(self) -> list[str]:
        """Every value this spec can produce by itself (fixed value, translations, default)."""
        return [v for v in (self.value, self.default, *(self.values or {}).values()) if v is not None]


def _one_of(focus_column: str) -> AfterValidator:
    allowed = load_spec().by_name[focus_column].allowed_values or ()

    def check(spec: ValueSpec) -> ValueSpec:
        wrong = [v for v in spec.outputs() if v not in allowed]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not a FOCUS {focus_column}; expected one of: {', '.join(allowed)}")
        return spec

    return AfterValidator(check)


def _currency(spec: ValueSpec) -> ValueSpec:
    codes = set(iso4217_codes())
    wrong = [v for v in spec.outputs() if v not in codes]
    if wrong:
        raise ValueError(f"{wrong[0]!r} is not an ISO 4217 currency code; expected three capitals such as USD or EUR")
    return spec


def _as_column(value: object) -> object:
    """`- Department` is short for `- {column: Department}`."""
    return {"column": value} if isinstance(value, str) else value


Currency = Annotated[ValueSpec, AfterValidator(_currency)]
ChargeCategory = Annotated[ValueSpec, _one_of("ChargeCategory")]
ChargeFrequency = Annotated[ValueSpec, _one_of("ChargeFrequency")]
ServiceCategory = Annotated[ValueSpec, _one_of("ServiceCategory")]


class Match(StrictModel):
    """How a file is recognised as one this mapping reads."""

    columns: list[str] = Field(min_length=1, description="Header columns the file must have (others may exist).")
    file: str | None = Field(
        default=None,
        min_length=1,
        description="Glob the file name must match, e.g. `reseller-*.csv` (the full path when it has a `/`).",
    )


class ChargePeriod(StrictModel):
    """When a charge was incurred: one date column, or start and end columns."""

    date: str | None = Field(default=None, min_length=1, description="Column holding each row's date.")
    start: str | None = Field(default=None, min_length=1, description="Column holding the period's start.")
    end: str | None = Field(default=None, min_length=1, description="Column holding the period's (exclusive) end.")
    format: str | None = Field(
        default=None,
        description="strftime format such as `%m/%d/%Y`; omitted: inferred (ISO, M/D/YYYY, D/M/YYYY, YYYY-MM).",
    )
    grain: Literal["day", "month"] | None = Field(
        default=None, description="With `date:`, the period one row covers (default day; month for YYYY-MM)."
    )

    @model_validator(mode="after")
    def _date_or_range(self) -> ChargePeriod:
        if self.date is not None and (self.start is not None or self.end is not None):
            raise ValueError("give either `date:` or `start:` and `end:`, not both")
        if self.date is None and (self.start is None or self.end is None):
            raise ValueError("give `date:` (one column) or both `start:` and `end:`")
        if self.grain is not None and self.date is None:
            raise ValueError("`grain:` only applies with `date:`")
        _check_format(self.format)
        return self


class BillingPeriod(StrictModel):
    """A column naming the invoice month of each row (default: the month of the charge period start)."""

    column: str = Field(min_length=1, description="Column holding the invoice month (any date in it).")
    format: str | None = Field(default=None, description="strftime format; omitted: inferred.")

    @model_validator(mode="after")
    def _format(self) -> BillingPeriod:
        _check_format(self.format)
        return self


def _check_format(fmt: str | None) -> None:
    if fmt is not None and not re.search(r"%[YyGmdbBj]", fmt):
        raise ValueError(f"format {fmt!r} has no date directive; expected a strftime format such as %Y-%m-%d")


class Costs(StrictModel):
    """The cost columns (amounts in the billing currency)."""

    billed: str = Field(min_length=1, description="BilledCost: what is invoiced.")
    effective: str | None = Field(default=None, min_length=1, description="EffectiveCost (default: billed).")
    list: str | None = Field(default=None, min_length=1, description="ListCost (default: billed).")
    contracted: str | None = Field(default=None, min_length=1, description="ContractedCost (default: billed).")


class Tag(StrictModel):
    """A column whose value becomes a tag (empty values add no tag)."""

    column: str = Field(min_length=1, description="Column whose value becomes the tag's value.")
    key: str | None = Field(default=None, min_length=1, description="Tag key (default: the column name).")

    @property
    def tag_key(self) -> str:
        return self.key or self.column


class Keep(StrictModel):
    """A column kept in the ledger as an `x_` text column."""

    column: str = Field(min_length=1, description="Column to keep.")
    name: str | None = Field(
        default=None,
        pattern=r"^x_\w+$",
        description="Ledger column name (default: x_ + the name, non-word chars as _).",
    )

    @property
    def ledger_name(self) -> str:
        return self.name or "x_" + re.sub(r"\W+", "_", self.column).strip("_")


class CsvMapping(StrictModel):
    """One CSV layout and how its columns become FOCUS columns (source `csv:<name>`)."""

    name: str = Field(pattern=NAME_PATTERN, description="Lower-case letters, digits, - and _.")
    description: str = Field(default="", description="Shown in listings of sources.")
    match: Match = Field(description="How a file is recognised (below).")
    charge_period: ChargePeriod = Field(description="When each row's charge was incurred (below).")
    billing_period: BillingPeriod | None = Field(
        default=None, description="Invoice month column (default: the month of the charge period start)."
    )
    costs: Costs = Field(description="The cost columns (below).")
    currency: Currency
    account: ValueSpec
    account_name: ValueSpec | None = None
    provider: ValueSpec
    publisher: ValueSpec | None = None
    invoice_issuer: ValueSpec | None = None
    service: ValueSpec
    service_category: ServiceCategory | None = None
    sub_account: ValueSpec | None = None
    sub_account_name: ValueSpec | None = None
    region: ValueSpec | None = None
    region_name: ValueSpec | None = None
    availability_zone: ValueSpec | None = None
    resource: ValueSpec | None = None
    resource_name: ValueSpec | None = None
    resource_type: ValueSpec | None = None
    sku: ValueSpec | None = None
    charge_category: ChargeCategory | None = None
    charge_frequency: ChargeFrequency | None = None
    charge_description: ValueSpec | None = None
    invoice_id: ValueSpec | None = None
    quantity: ValueSpec | None = Field(
        default=None, description="PricingQuantity (null on Tax rows) and ConsumedQuantity (Usage rows only)."
    )
    unit: ValueSpec | None = Field(default=None, description="PricingUnit and ConsumedUnit, like `quantity`.")
    tags: list[Annotated[Tag, BeforeValidator(_as_column)]] = Field(
        default_factory=list, description="Columns that become tags (Tags): names, or `{column, key}`."
    )
    keep: list[Annotated[Keep, BeforeValidator(_as_column)]] = Field(
        default_factory=list, description="Other columns kept as `x_` text columns: names, or `{column, name}`."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> CsvMapping:
        keys = [t.tag_key for t in self.tags]
        if len(set(keys)) != len(keys):
            raise ValueError(f"tag key {next(k for k in keys if keys.count(k) > 1)!r} is given twice")
        names = [k.ledger_name for k in self.keep]
        if len(set(names)) != len(names):
            raise ValueError(f"kept column {next(n for n in names if names.count(n) > 1)!r} is given twice")
        return self
