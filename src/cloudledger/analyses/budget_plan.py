"""Budgets as monthly amounts: `budgets:` written in cloudledger.yaml and `budget_files:` kept in CSVs.

An annual amount is phased over its fiscal year's 12 months (the year key is the calendar year the fiscal
year starts in) by the budget's weights, even by default, and rounded to cents so that the months add up to
the annual amount exactly (largest remainder; ties go to the earlier month).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cloudledger.analyses.metrics_csv import NUMBER_HINT, parse_number
from cloudledger.analyses.rounding import round_to_total
from cloudledger.config.budgets import MONTH, SCOPE_KINDS, Budget, BudgetFile, check_month
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.organization import Organization
from cloudledger.errors import InputError, QueryError

CONFIG = "config"
OWNER_KINDS = ("department", "team", "cost_center")


@dataclass(frozen=True)
class BudgetMonth:
    """One budget's amount for one month."""

    name: str
    scope_kind: str
    """total, provider, department, team, cost_center, service or tag."""
    scope_value: str
    """The provider, owner (its name as the organization writes it), service or KEY=VALUE; 'all' for total."""
    period: str
    """YYYY-MM, compared with the ledger's billing period."""
    amount: Decimal
    currency: str
    metric: str
    source: str
    """'config' for a budget written in cloudledger.yaml, else the CSV's path."""

    @property
    def scope(self) -> str:
        return "total" if self.scope_kind == "total" else f"{self.scope_kind}:{self.scope_value}"


def month_after(period: str, months: int = 1) -> str:
    index = int(period[:4]) * 12 + int(period[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> Iterator[str]:
    period = first
    while period <= last:
        yield period
        period = month_after(period)


def budget_months(
    config: CloudledgerConfig, start: str | None = None, end: str | None = None, *, open_end: str | None = None
) -> list[BudgetMonth]:
    """Every budget's months from `start` to `end` (YYYY-MM, inclusive), config budgets first, in the order
    written. A monthly budget without `end:` runs to `end`, else to `open_end`, else to the current month."""
    for option, value in (("start", start), ("end", end), ("open end", open_end)):
        _check(option, value)
    last_open = end or open_end or dt.date.today().strftime("%Y-%m")
    months = [m for budget in config.budgets for m in _config_months(budget, config.organization, last_open)]
    for budget_file in config.budget_files:
        months.extend(read_budget_file(budget_file, config))
    return [m for m in months if (start is None or m.period >= start) and (end is None or m.period <= end)]


def _check(option: str, value: str | None) -> None:
    try:
        check_month(value)
    except ValueError as exc:
        raise QueryError(f"{option}: {exc}") from None


def _config_months(budget: Budget, org: Organization, last_open: str) -> Iterator[BudgetMonth]:
    kind = budget.scope.kind
    value = _owner_name(org, kind, budget.scope.value) if kind in OWNER_KINDS else budget.scope.value

    def month(period: str, amount: Decimal) -> BudgetMonth:
        return BudgetMonth(budget.name, kind, value, period, amount, budget.currency, budget.metric, CONFIG)

    if budget.monthly is not None and budget.start is not None:
        for period in month_range(budget.start, budget.end or last_open):
            yield month(period, budget.monthly)
    for year, amount in sorted((budget.annual or {}).items()):
        first = f"{year:04d}-{budget.fiscal_year_start:02d}"
        for period, share in phase(amount, budget.phasing, first).items():
            if (budget.start is None or period >= budget.start) and (budget.end is None or period <= budget.end):
                yield month(period, share)


def phase(amount: Decimal, weights: list[Decimal] | None, first: str) -> dict[str, Decimal]:
    """`amount` over the 12 months from `first` by `weights` (even by default), in cents adding up to it."""
    weights = weights or [Decimal(1)] * 12
    total = sum(weights, Decimal(0))
    exact = {month_after(first, i): amount * weight / total for i, weight in enumerate(weights)}
    return round_to_total(exact)


def _owner_name(org: Organization, kind: str, name: str) -> str:
    owner = org.resolve(kind, name)
    return {"department": owner.department, "team": owner.team, "cost_center": owner.cost_center}[kind] or name


def read_budget_file(budget_file: BudgetFile, config: CloudledgerConfig) -> list[BudgetMonth]:
    """The months of a budget CSV, by scope (in the order first met) then month; errors name row and column."""
    path = config.folder / budget_file.path
    reader = _Reader(budget_file, config.organization, str(path), budget_file.name or Path(budget_file.path).stem)
    rows = _read_rows(path)
    reader.locate(rows[0])
    months: list[BudgetMonth] = []
    seen: dict[tuple[str, str], int] = {}
    for number, values in enumerate(rows[1:], start=1):
        if not any(v.strip() for v in values):
            continue
        month = reader.month(values, number)
        earlier = seen.setdefault((month.scope, month.period), number)
        if earlier != number:
            raise InputError(
                f"{month.scope} has two budgets for {month.period}, in rows {earlier} and {number}; keep one",
                file=str(path),
                row=number,
                column=budget_file.period_column,
            )
        months.append(month)
    order = {scope: index for index, scope in enumerate(dict.fromkeys(m.scope for m in months))}
    return sorted(months, key=lambda m: (order[m.scope], m.period))


def _read_rows(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise InputError(
            "the budget file is not there; check budget_files.path in cloudledger.yaml (it is "
            "read relative to the config file's folder)",
            file=str(path),
        ) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the budget file as UTF-8 CSV: {exc}", file=str(path)) from None
    if not rows:
        raise InputError("the budget file is empty; expected a header such as period,scope,amount", file=str(path))
    return rows


class _Reader:
    """Reads one budget CSV's rows into BudgetMonths."""

    def __init__(self, spec: BudgetFile, org: Organization, file: str, name: str) -> None:
        self.spec, self.org, self.file, self.name = spec, org, file, name
        self.index: dict[str, int] = {}
        self.columns: dict[str, str] = {}

    def locate(self, header: list[str]) -> None:
        """Find the configured columns in `header` (exact, else ignoring case and surrounding spaces)."""
        names = [h.strip() for h in header]
        scope = self.spec.scope_column
        if self.spec.scope and "scope_column" not in self.spec.model_fields_set and _find(names, scope) is None:
            scope = self.spec.scope.replace("_", " ")  # a `Department` (or `Cost Center`) column holds the values
        wanted = {"period": self.spec.period_column, "amount": self.spec.amount_column, "scope": scope}
        if self.spec.currency_column:
            wanted["currency"] = self.spec.currency_column
        found = {role: _find(names, column) for role, column in wanted.items()}
        missing = [wanted[role] for role, position in found.items() if position is None]
        if missing:
            listed = ", ".join(repr(n) for n in names) or "none"
            expected = ", ".join(repr(c) for c in wanted.values())
            raise InputError(
                f"missing column(s) {', '.join(repr(m) for m in missing)}; found {listed}; expected {expected} "
                "(set period_column, scope_column, amount_column in budget_files to use other names)",
                file=self.file,
                column=missing[0],
            )
        self.index = {role: position for role, position in found.items() if position is not None}
        self.columns = wanted

    def cell(self, values: list[str], role: str) -> str:
        position = self.index[role]
        return values[position].strip() if position < len(values) else ""

    def fail(self, message: str, row: int, role: str) -> InputError:
        return InputError(message, file=self.file, row=row, column=self.columns[role])

    def month(self, values: list[str], row: int) -> BudgetMonth:
        period = self.period(self.cell(values, "period"), row)
        try:
            amount = parse_number(self.cell(values, "amount"))
        except ValueError:
            raise self.fail(f"{self.cell(values, 'amount')!r} is not {NUMBER_HINT}", row, "amount") from None
        kind, value = self.scope(self.cell(values, "scope"), row)
        currency = self.cell(values, "currency") if "currency" in self.index else self.spec.currency
        if not currency:
            raise self.fail("the currency is empty; write a code such as USD", row, "currency")
        return BudgetMonth(self.name, kind, value, period, amount, currency.upper(), self.spec.metric, self.file)

    def period(self, text: str, row: int) -> str:
        form = self.spec.date_format
        try:
            if form:
                return dt.datetime.strptime(text, form).strftime("%Y-%m")
            if MONTH.fullmatch(text):
                return text
            return dt.date.fromisoformat(text).strftime("%Y-%m")
        except ValueError:
            expected = f"a date written as {form!r}" if form else "a month written YYYY-MM (or a date YYYY-MM-DD)"
            raise self.fail(f"{text!r} is not {expected}", row, "period") from None

    def scope(self, text: str, row: int) -> tuple[str, str]:
        kind, value = (self.spec.scope, text) if self.spec.scope else _split_scope(text)
        if kind not in SCOPE_KINDS:
            raise self.fail(
                f"{text!r} does not name a scope kind; write KIND:VALUE with KIND one of {', '.join(SCOPE_KINDS)} "
                "(e.g. team:platform), or set scope: KIND in budget_files when the column holds values only",
                row,
                "scope",
            )
        if kind == "total":
            return kind, "all"
        if not value or (kind == "tag" and "=" not in value):
            example = "KEY=VALUE (e.g. env=prod)" if kind == "tag" else "a name"
            raise self.fail(f"the {kind} scope {text!r} needs {example}", row, "scope")
        if kind in OWNER_KINDS:
            try:
                return kind, _owner_name(self.org, kind, value)
            except ValueError as exc:
                raise self.fail(
                    f"{exc}; add it to organization: in cloudledger.yaml or fix the name", row, "scope"
                ) from None
        return kind, value


def _split_scope(text: str) -> tuple[str, str]:
    kind, _, value = text.partition(":")
    return kind.strip().lower().replace(" ", "_").replace("-", "_"), value.strip()


def _find(names: list[str], column: str) -> int | None:
    if column in names:
        return names.index(column)
    folded = [n.casefold() for n in names]
    return folded.index(column.strip().casefold()) if column.strip().casefold() in folded else None
