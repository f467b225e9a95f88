"""Selectors as Ibis predicates: the rows a rule applies to, columns checked against an allow-list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import ibis
import ibis.expr.types as ir

from cloudledger.analyses.explorer import groupable_columns
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.selectors import TAG_PREFIX, Condition
from cloudledger.errors import QueryError


class ColumnReader(Protocol):
    """Anything that reads a rule's column by name as a text expression."""

    def value(self, name: str) -> ir.StringValue: ...


class MissingColumn(QueryError):
    """A rule reads a column this table does not have (on a rollup: one it does not keep)."""


class Columns:
    """Reads a column or `tag:KEY` of the ledger, refusing columns outside the allow-list."""

    def __init__(self, table: ir.Table, tags: TagResolver) -> None:
        self.table = table
        self.tags = tags
        self.allowed = frozenset(groupable_columns(table))

    def value(self, name: str) -> ir.StringValue:
        """The column's value as text (a tag's normalised value; null when absent)."""
        if name.startswith(TAG_PREFIX):
            return self.tags.value(self.table, name[len(TAG_PREFIX) :])
        if name not in self.allowed:
            valid = ", ".join(sorted(self.allowed))
            message = f"unknown column {name!r} in a rule; valid columns: {valid}, or tag:KEY for a tag"
            raise (MissingColumn if name not in self.table.columns else QueryError)(message)
        column: ir.StringValue = self.table[name]
        return column


def predicate(columns: ColumnReader, selector: Mapping[str, Condition]) -> ir.BooleanValue:
    """True where every condition of `selector` holds (an empty selector selects every row)."""
    tests = [condition_test(columns.value(name), condition) for name, condition in selector.items()]
    if not tests:
        return ibis.literal(True)
    result = tests[0]
    for test in tests[1:]:
        result = result & test
    return result


def condition_test(value: ir.StringValue, condition: Condition) -> ir.BooleanValue:
    """One condition on a text value; null values fail every test but `not_in` and `exists: false`."""
    if condition.exists is not None:
        present = value.notnull() & (value.strip() != "")
        return present if condition.exists else ~present.fill_null(False)
    folded = value.lower() if condition.ignore_case else value

    def fold(text: str) -> str:
        return text.lower() if condition.ignore_case else text

    if condition.equals is not None:
        return (folded == fold(condition.equals)).fill_null(False)
    if condition.in_ is not None:
        return _listed([fold(v) for v in condition.in_]).contains(folded).fill_null(False)
    if condition.not_in is not None:
        return (~_listed([fold(v) for v in condition.not_in]).contains(folded)).fill_null(True)
    if condition.prefix is not None:
        return folded.startswith(fold(condition.prefix)).fill_null(False)
    pattern = condition.matches or ""
    regex = f"(?i){pattern}" if condition.ignore_case else pattern
    return value.re_search(regex).fill_null(False)


def _listed(values: list[str]) -> ir.ArrayValue:
    """A list literal: `contains` on it is one expression (an SQL IN list of five or more values becomes a
    join in the query engine, and hundreds of those make a query slow to plan and run)."""
    listed: ir.ArrayValue = ibis.literal(values, type="array<string>")
    return listed
