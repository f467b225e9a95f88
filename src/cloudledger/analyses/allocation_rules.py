"""Ownership rules and virtual tags as Ibis case expressions over the grouped ledger."""

from __future__ import annotations

import functools
import itertools
import math
import operator
from functools import cached_property

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cloudledger.analyses.selection import ColumnReader, predicate
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.allocation import Dimension
from cloudledger.config.organization import AssignFrom, Organization, Owner, OwnershipRule
from cloudledger.config.selectors import TAG_PREFIX
from cloudledger.errors import QueryError

LEVELS = ("department", "team", "cost_center")


class Aggregated:
    """Reads rule columns from the grouped ledger, where each one is a column named c0, c1... and each tag
    is the raw values of its spellings (t0_0, t0_1...), normalised here, once per distinct combination."""

    def __init__(
        self,
        table: ir.Table,
        names: dict[str, str],
        tag_columns: dict[str, list[str]] | None = None,
        tags: TagResolver | None = None,
    ) -> None:
        self.table = table
        self.names = names
        self.tag_columns = tag_columns or {}
        self.tags = tags

    def value(self, name: str) -> ir.StringValue:
        spellings = self.tag_columns.get(name)
        if spellings is not None and self.tags is not None:
            return self.tags.normalised([self.table[a] for a in spellings], name[len(TAG_PREFIX) :])
        alias = self.names.get(name)
        if alias is None:
            raise QueryError(f"column {name!r} was not grouped for allocation")
        column: ir.StringValue = self.table[alias]
        return column


def owner_key(level: str, owner: Owner) -> str:
    """A stable key for an owner: team:platform, department:Engineering or cost_center:CC-1100."""
    name = {"team": owner.team, "department": owner.department, "cost_center": owner.cost_center}[level]
    return f"{level}:{name}"


class Owners:
    """Every owner the organization defines, by key, with its department, team, cost center and GL account."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.by_key: dict[str, Owner] = {}
        for level in LEVELS:
            for owner in org.owners(level).values():
                self.by_key[owner_key(level, owner)] = owner

    def key(self, level: str, name: str) -> str:
        return owner_key(level, self.org.resolve(level, name))

    def keys_by_name(self, level: str) -> dict[str, str]:
        """Every name and alias at `level` (case-folded) → the owner's key."""
        return {name: owner_key(level, owner) for name, owner in self.org.owners(level).items()}

    def keys_at(self, level: str) -> list[str]:
        return sorted(k for k in self.by_key if k.startswith(level + ":"))

    @cached_property
    def _table(self) -> ir.Table:
        rows = [
            {
                "owner_key": key,
                "department": o.department,
                "team": o.team,
                "cost_center": o.cost_center,
                "gl_account": o.gl_account,
            }
            for key, o in sorted(self.by_key.items())
        ]
        schema = pa.schema([(n, pa.string()) for n in ("owner_key", "department", "team", "cost_center", "gl_account")])
        return ibis.memtable(pa.Table.from_pylist(rows, schema=schema))

    def table(self) -> ir.Table:
        return self._table


def rule_index(reader: ColumnReader, org: Organization, owners: Owners) -> ir.IntegerValue:
    """The index of the ownership rule that owns each group: the first that matches (and, reading its owner
    from a column, finds a known name there); null when none does.

    Consecutive rules that only list values of one column (account → department tables, often hundreds of
    rules) are tested with one map lookup instead of one comparison each; the first rule listing a value
    keeps it, so the order of the rules is still what decides."""
    branches: list[tuple[ir.BooleanValue, ir.IntegerValue]] = []
    run: _Run | None = None
    for index, rule in enumerate(org.rules):
        listed = _listed_values(rule)
        if listed is not None and run is not None and run.column == listed[0]:
            run.add(index, listed[1])
            continue
        if run is not None:
            branches.append(run.branch(reader))
            run = None
        if listed is not None:
            run = _Run(listed[0])
            run.add(index, listed[1])
            continue
        selected = predicate(reader, rule.match)
        target = rule.target
        if not isinstance(target, str):
            selected = selected & _looked_up(reader, rule.level, target, owners).notnull()
        branches.append((selected, ibis.literal(index, type="int32")))
    if run is not None:
        branches.append(run.branch(reader))
    if not branches:
        return ibis.null("int32")
    return ibis.cases(*branches, else_=ibis.null("int32"))


SEPARATOR = "\x1f"
"""Joins the values of several columns into one lookup key (a control character no id contains)."""
LARGEST_LIST = 10_000


def _listed_values(rule: OwnershipRule) -> tuple[tuple[str, ...], list[str]] | None:
    """(columns, keys) when the rule gives a fixed owner to rows whose columns hold one of some listed values
    each (equals / in); the keys are the combinations of those values, joined by SEPARATOR."""
    if not isinstance(rule.target, str) or not rule.match:
        return None
    columns = tuple(sorted(rule.match))
    choices: list[list[str]] = []
    for column in columns:
        condition = rule.match[column]
        if condition.ignore_case:
            return None
        values = [condition.equals] if condition.equals is not None else condition.in_
        if values is None:
            return None
        choices.append(list(values))
    if math.prod(len(c) for c in choices) > LARGEST_LIST:
        return None
    return columns, [SEPARATOR.join(combination) for combination in itertools.product(*choices)]


class _Run:
    """Consecutive value-list rules on the same columns, as one key → rule index map."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.column = columns
        self.first: dict[str, int] = {}

    def add(self, index: int, keys: list[str]) -> None:
        for key in keys:
            self.first.setdefault(key, index)

    def branch(self, reader: ColumnReader) -> tuple[ir.BooleanValue, ir.IntegerValue]:
        values = [reader.value(c) for c in self.column]
        key = values[0]
        if len(values) > 1:  # a missing value matches no listed combination
            missing = functools.reduce(operator.or_, [v.isnull() for v in values])
            key = ibis.ifelse(missing, ibis.null(str), ibis.literal(SEPARATOR).join(values))
        mapping: ir.MapValue = ibis.literal(self.first, type="map<string, int32>")
        found: ir.IntegerValue = mapping.get(key)
        return found.notnull(), found


def owner_of(index: ir.IntegerValue, reader: ColumnReader, org: Organization, owners: Owners) -> ir.StringValue:
    """The owner key the rule at `index` gives the group (null where no rule owns it)."""
    fixed = {i: owners.key(r.level, r.target) for i, r in enumerate(org.rules) if isinstance(r.target, str)}
    looked = [(i, r) for i, r in enumerate(org.rules) if not isinstance(r.target, str)]
    by_name: ir.StringValue = ibis.literal(fixed or {-1: ""}, type="map<int32, string>").get(index)
    if not looked:
        return by_name
    return ibis.cases(
        *((index == i, _looked_up(reader, r.level, r.target, owners)) for i, r in looked),  # type: ignore[arg-type]
        else_=by_name,
    )


def rule_label(index: ir.IntegerValue, org: Organization) -> ir.StringValue:
    """The name of the rule at `index` (its position when it has none)."""
    labels = {i: rule.label(i) for i, rule in enumerate(org.rules)} or {-1: ""}
    mapping: ir.MapValue = ibis.literal(labels, type="map<int32, string>")
    return mapping.get(index)


def _looked_up(reader: ColumnReader, level: str, target: AssignFrom, owners: Owners) -> ir.StringValue:
    """The owner key named by a column's value (names and aliases ignoring case, then the rule's `values:`):
    one lookup in a map literal, however many names there are."""
    mapping = owners.keys_by_name(level)
    mapping.update({raw.casefold(): owners.key(level, name) for raw, name in target.values.items()})
    folded = reader.value(target.from_).strip().lower()
    table: ir.MapValue = ibis.literal(mapping, type="map<string, string>")
    return table.get(folded)


def dimension_value(reader: ColumnReader, dimension: Dimension) -> ir.StringValue:
    """A virtual tag's value: the first rule that matches (and, copying a column, finds a value there)."""
    branches: list[tuple[ir.BooleanValue, ir.StringValue]] = []
    for rule in dimension.rules:
        selected = predicate(reader, rule.match)
        if rule.value is not None:
            branches.append((selected, ibis.literal(rule.value)))
            continue
        source = reader.value(rule.from_ or "")
        if rule.values:
            source = ibis.cases(*((source == raw, ibis.literal(v)) for raw, v in rule.values.items()), else_=source)
        branches.append((selected & source.notnull(), source))
    default = ibis.literal(dimension.default) if dimension.default is not None else ibis.null(str)
    return ibis.cases(*branches, else_=default) if branches else default
