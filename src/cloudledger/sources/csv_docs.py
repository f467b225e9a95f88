"""`docs/sources/csv.md`: the CSV mapping reference, generated from the config models and the mapping table."""

from __future__ import annotations

import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cloudledger.config.csv_mappings import (
    BillingPeriod,
    ChargePeriod,
    Costs,
    CsvMapping,
    Keep,
    Match,
    Tag,
    ValueSpec,
)
from cloudledger.sources.csv_mapping import COLUMN_MAP, FALLBACKS, TEXT_FIELDS

EXAMPLE = Path("docs") / "examples" / "cloudledger.yaml"
SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("A mapping (each item of `csv_mappings`)", CsvMapping),
    ("`match`", Match),
    ("`charge_period`", ChargePeriod),
    ("`billing_period`", BillingPeriod),
    ("`costs`", Costs),
    ("A value (`currency`, `account`, `provider`, `service`, ...)", ValueSpec),
    ("An item of `tags` (or just the column name)", Tag),
    ("An item of `keep` (or just the column name)", Keep),
)
FOCUS_OF = dict(TEXT_FIELDS)

INTRO = """
# CSV mappings (sources `csv:<name>`)

Any other cost CSV (a homegrown export, a spreadsheet, a reseller's file) is read through a mapping
written in `cloudledger.yaml`, under `csv_mappings:`. Each mapping becomes a source named
`csv:<name>`: its rows land in the ledger as FOCUS rows like those of any built-in source, in slices
of (billing period, `csv:<name>`, billing account) that a later ingest of the same file replaces.

- **Which config**: `cloudledger ingest --config PATH`, else `./cloudledger.yaml`, else
  `cloudledger.yaml` in the home folder; no file means no mappings. An error in the file names the
  line and the column, what was found and what was expected.
- **Which files**: a file is read through the first mapping whose `match.columns` are all in its header
  (and whose `match.file` glob, if any, matches its name). Mappings are tried before the built-in sources.
- **Changed mapping**: files that did not change since their ingest are skipped; after editing a
  mapping, ingest them again with `--force`.
- **Rows**: every row of the file becomes one ledger row; nothing is dropped. Unmapped columns are not
  kept unless listed under `keep`.
- **Rejected files** (the error names the file, the 1-based data row and the column; nothing of the ingest
  lands): a column the mapping reads is missing (the error also names the mapping's line in the YAML),
  an amount that is empty or not a plain decimal (`1234.56`, `-0.5`, `1.5E-05`; no currency symbols or
  thousands separators), an empty or unparseable date, dates whose format cannot be inferred, an empty
  value where one is required (account, currency, provider, service), a currency that is not an ISO
  4217 code, a ChargeCategory / ServiceCategory / ChargeFrequency outside FOCUS's allowed values.
"""

RULES = """
## Dates

`charge_period` takes one `date:` column (the row covers that day, or that month with `grain: month`)
or `start:` and `end:` columns (the end is exclusive, as in FOCUS). Values without a time zone are UTC.
With `format:` (a strftime format such as `%m/%d/%Y`, `%d.%m.%Y`, `%Y-%m-%d %H:%M`) every value must
follow it. Without it the format is inferred from the column: ISO 8601 dates and date-times
(`2024-01-31`, `2024-01-31T10:00:00Z`), `YYYY-MM` months (then the grain is a month), and slashed
dates, where M/D/YYYY and D/M/YYYY are told apart by a number above 12. When no value tells which
(`3/1/2024` in every row of a monthly file), the ingest stops and asks for `format:`.

The billing period (the invoice month) is the calendar month of the charge period start, unless
`billing_period` names a column (parsed like a date, its month is used).

## Values: a column or a fixed value

Every field below that is a *value* is written `{column: NAME}` (the file's column, trimmed; empty is
null) or `{value: TEXT}` (the same for every row). With `column:`, `values:` translates the file's
values (`{EC2: Compute}`) and `default:` fills empty cells and values that `values:` does not list;
values that `values:` does not list are otherwise kept as written. Where FOCUS has a closed list
(ChargeCategory, ServiceCategory, ChargeFrequency) or a standard (ISO 4217 currencies), fixed values
and translations are checked when the config is loaded and column values when the file is read.

## Costs

`costs.billed` is required; `effective`, `list` and `contracted` default to the billed amount (a file
without discounts or commitments). Amounts keep up to 10 decimals (rounded half away from zero). The
native total recorded for `cloudledger reconcile` is the billed column (and the effective column when
mapped) summed as written.
"""


def _kind(annotation: object) -> str:
    """A field's kind in a user's words: text, value, list, mapping, or its allowed literals."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is list:
        return "list"
    if origin is dict:
        return "mapping of text to text"
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if args and origin is not None:  # Optional[...] and Annotated[...]
        return _kind(args[0])
    if annotation is str:
        return "text"
    if annotation is ValueSpec:
        return "value"
    return "mapping"


def _describe(name: str, field: FieldInfo) -> str:
    text = field.description or ""
    if name in FOCUS_OF and name != "unit":
        focus = FOCUS_OF[name]
        copied = FALLBACKS.get(focus)
        text = f"{focus}" + (f" (default: as {copied})" if copied else "")
    return text


def _table(title: str, model: type[BaseModel]) -> list[str]:
    lines = [f"### {title}\n", "| key | kind | required | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        required = "yes" if field.is_required() else ""
        lines.append(f"| `{name}` | {_kind(field.annotation)} | {required} | {_describe(name, field)} |")
    return [*lines, ""]


def csv_page(root: Path) -> str:
    """The whole page; the worked example is `docs/examples/cloudledger.yaml` under `root`."""
    example = (root / EXAMPLE).read_text(encoding="utf-8").rstrip()
    lines = [INTRO.strip(), "", "## Worked example", ""]
    lines += [
        f"`{EXAMPLE.as_posix()}` maps the monthly cost file of a public FinOps dashboard (columns Date,",
        "Cloud Provider, Service, Department, Project, Region, Environment, Cost, Usage, Unit, Cost Center, ...;",
        "amounts in US dollars, no currency column):",
        "",
        f"```yaml\n{example}\n```",
        "",
        "```",
        f"cloudledger ingest --config {EXAMPLE.as_posix()} finops_cloud_costs.csv",
        "cloudledger costs --by tag:Department --grain month",
        "```",
        "",
        "Each department's and each month's total in the ledger equals the file's own (3,812,936.30 USD in all).",
        "",
        RULES.strip(),
        "",
        "## Mapping reference",
        "",
    ]
    for title, model in SECTIONS:
        lines += _table(title, model)
    lines += ["## FOCUS columns", "", "| FOCUS column | from | note |", "|---|---|---|"]
    lines += [f"| {m.focus_column} | {m.source_expression} | {m.note} |" for m in COLUMN_MAP]
    lines += ["", "Every other FOCUS column is null."]
    return "\n".join(lines) + "\n"
