"""Check a table against the FOCUS conformance rules on the table's own engine.

Rules are counted in one aggregate query (plus one for the few that need window functions); one more
query fetches up to `sample_size` offending rows per failed rule, named by `x_source_file` and
`x_source_row` (1-based data row) when the table has them. A non-mandatory column that is entirely
null counts as not provided and rules about it are skipped: readers fill the columns an export lacks
with nulls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias, TypeGuard

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from cloudledger.focus.rules import Columns, Rule, Severity, rules_for
from cloudledger.focus.spec import FocusSpec, load_spec

SOURCE_FILE = "x_source_file"
SOURCE_ROW = "x_source_row"
Example = tuple[str | None, int | None]
Found: TypeAlias = "ir.BooleanValue | str | bool"


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule: how many rows break it and where the first ones are."""

    rule_id: str
    section: str
    description: str
    severity: Severity
    failed_rows: int
    examples: list[Example]


@dataclass(frozen=True)
class ValidationReport:
    """Every rule checked against one table."""

    focus_version: str
    rows: int
    results: list[RuleResult]
    skipped: list[str]
    """Rules that could not apply: a column they read is absent or, if optional, entirely null."""

    @property
    def failures(self) -> list[RuleResult]:
        """Rules broken by at least one row, MUST and SHOULD alike."""
        return [r for r in self.results if r.failed_rows > 0]

    @property
    def passed(self) -> bool:
        """No MUST rule is broken (SHOULD rules only warn)."""
        return not any(r.severity == "MUST" for r in self.failures)


def validate(table: ir.Table, spec: FocusSpec | None = None, *, sample_size: int = 5) -> ValidationReport:
    """Check `table` (typed as in the ledger, or every column as text) against FOCUS `spec`."""
    spec = spec or load_spec()
    cols = Columns(table, spec)
    findings: dict[int, tuple[Rule, Found]] = {}
    skipped: list[str] = []
    for i, rule in enumerate(rules_for(spec)):
        finding = rule.check(cols) if cols.has(*rule.columns) else None
        if finding is None:
            skipped.append(rule.id)
        else:
            findings[i] = (rule, finding)

    totals = _totals(cols, {i: f for i, (_, f) in findings.items()})
    rows = int(totals["_n"])
    counted: dict[int, int] = {}
    for i, (rule, finding) in findings.items():
        if rule.columns and not _provided(cols, rule.columns[0], totals):
            skipped.append(rule.id)
        else:
            counted[i] = _failed_rows(finding, totals.get(f"_f{i}"), rows)

    failed = {i: findings[i][1] for i, n in counted.items() if n > 0}
    examples = _examples(cols.table, failed, sample_size)
    results = [
        RuleResult(
            rule.id,
            rule.section,
            f"{rule.description} ({finding})" if isinstance(finding, str) else rule.description,
            rule.severity,
            counted[i],
            examples.get(i, [(None, None)] * min(counted[i], sample_size)),
        )
        for i, (rule, finding) in findings.items()
        if i in counted
    ]
    order = {r.id: n for n, r in enumerate(rules_for(spec))}
    return ValidationReport(spec.version, rows, results, sorted(skipped, key=order.__getitem__))


def _is_rows(finding: Found) -> TypeGuard[ir.BooleanColumn]:
    """A predicate over rows (not a message, a constant or a condition on the whole table)."""
    return not isinstance(finding, str | bool | ir.Scalar)


def _failed_rows(finding: Found, counted: int | bool | None, rows: int) -> int:
    if isinstance(finding, str):
        return rows
    if isinstance(finding, bool):
        return rows if finding else 0
    if isinstance(finding, ir.Scalar):
        return rows if counted else 0
    return int(counted or 0)


def _totals(cols: Columns, findings: dict[int, Found]) -> dict[str, Any]:
    """Row count, offending rows per predicate, truth of table conditions and non-null counts.

    One aggregate over the table; predicates with window functions (which an aggregate cannot
    hold) are summed in a second query over a projection of them.
    """
    table = cols.table
    preds = {f"_f{i}": f for i, f in findings.items() if _is_rows(f)}
    windowed = {k: f for k, f in preds.items() if f.op().find(ops.WindowFunction)}
    aggs: dict[str, ir.Scalar] = {"_n": table.count()}
    aggs.update({k: f.sum() for k, f in preds.items() if k not in windowed})
    aggs.update({f"_f{i}": f for i, f in findings.items() if isinstance(f, ir.Scalar)})
    optional = [n for n in cols.present if cols.spec.by_name[n].feature_level != "Mandatory"]
    aggs.update({f"_c_{name}": cols.raw(name).count() for name in optional})
    result: dict[str, Any] = table.aggregate(**aggs).to_pyarrow().to_pylist()[0]
    if windowed:
        flags = table.select(**windowed)
        sums = flags.aggregate(**{k: flags[k].sum() for k in windowed})
        result.update(sums.to_pyarrow().to_pylist()[0])
    return result


def _provided(cols: Columns, name: str, totals: dict[str, Any]) -> bool:
    """Mandatory columns count as given when present; optional ones when they hold a value."""
    return cols.spec.by_name[name].feature_level == "Mandatory" or bool(totals[f"_c_{name}"])


def _examples(table: ir.Table, findings: dict[int, Found], sample_size: int) -> dict[int, list[Example]]:
    """Up to `sample_size` (file, row) per failed finding, by finding index, in one query."""
    names = table.columns
    if not findings or sample_size <= 0 or (SOURCE_FILE not in names and SOURCE_ROW not in names):
        return {}
    flags = {f"_f{i}": f.fill_null(False) for i, f in findings.items() if _is_rows(f)}
    slim = table.select(**_where(table), **flags)
    order = [slim["_file"], slim["_row"]]
    parts = []
    for i, finding in findings.items():
        rows = slim.filter(slim[f"_f{i}"]) if _is_rows(finding) else slim
        part = rows.order_by(order).limit(sample_size)
        parts.append(part.select(_i=ibis.literal(i, "int64"), _file=part["_file"], _row=part["_row"]))
    found: dict[int, list[Example]] = {i: [] for i in findings}
    for rec in sorted(ibis.union(*parts).to_pyarrow().to_pylist(), key=_sort_key):
        found[rec["_i"]].append((rec["_file"], rec["_row"]))
    return found


def _where(table: ir.Table) -> dict[str, ir.Value]:
    names = table.columns
    file = table[SOURCE_FILE].cast("string") if SOURCE_FILE in names else ibis.null("string")
    row = table[SOURCE_ROW].cast("int64") if SOURCE_ROW in names else ibis.null("int64")
    return {"_file": file, "_row": row}


def _sort_key(rec: dict[str, Any]) -> tuple[int, str, int]:
    return (rec["_i"], rec["_file"] or "", rec["_row"] or 0)
