"""Ownership rules and virtual tags as Ibis case expressions over the grouped ledger."""

from __future__ import annotations

from functools import cached_property

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from cloudledger.analyses.selection import ColumnReader, predicate
from cloudledger.config.allocation import Dimension
from cloudledger.config.organization import AssignFrom, Organization, Owner
from cloudledger.errors import QueryError

LEVELS = ("department", "team", "cost_center")


class Aggregated:
    """Reads rule columns from the grouped ledger, where each one is a column named c0, c1..."""

    def __init__(self, table: ir.Table, names: dict[str, str]) -> None:
        self.table = table
        self.names = names

    def value(self, name: str) -> ir.StringValue:
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


def ownership(reader: ColumnReader, org: Organization, owners: Owners) -> tuple[ir.StringValue, ir.StringValue]:
    """The owner key and the rule label of each group: the first rule that matches (and, reading its owner
    from a column, finds a known name there) wins; null when none does."""
    branches: list[tuple[ir.BooleanValue, ir.StringValue, str]] = []
    for index, rule in enumerate(org.rules):
        selected = predicate(reader, rule.match)
        target = rule.target
        if isinstance(target, str):
            key: ir.StringValue = ibis.literal(owners.key(rule.level, target))
            branches.append((selected, key, rule.label(index)))
        else:
            key = _looked_up(reader, rule.level, target, owners)
            branches.append((selected & key.notnull(), key, rule.label(index)))
    if not branches:
        return ibis.null(str), ibis.null(str)
    owner = ibis.cases(*((when, key) for when, key, _ in branches), else_=ibis.null(str))
    label = ibis.cases(*((when, ibis.literal(text)) for when, _, text in branches), else_=ibis.null(str))
    return owner, label


def _looked_up(reader: ColumnReader, level: str, target: AssignFrom, owners: Owners) -> ir.StringValue:
    """The owner key named by a column's value (names and aliases ignoring case, then the rule's `values:`)."""
    mapping = {name: owner_key(level, owner) for name, owner in owners.org.owners(level).items()}
    mapping.update({raw.casefold(): owners.key(level, name) for raw, name in target.values.items()})
    folded = reader.value(target.from_).strip().lower()
    return ibis.cases(*((folded == raw, ibis.literal(key)) for raw, key in mapping.items()), else_=ibis.null(str))


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
