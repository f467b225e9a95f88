"""Which table answers an analysis: a rollup of the ledger when it keeps every column the analysis reads, else
the ledger itself.

An Ibis expression that names a column its table lacks fails as it is built, before anything runs: the
analysis is then run again on the ledger, so a rollup can only make an answer faster, never different (an
analysis that fails on the ledger too raises the ledger's error). Analyses handed a rollup must not count
rows: a rollup row stands for many charges (`x_rollup_rows` says how many)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import ibis.expr.types as ir
from ibis.common.exceptions import IbisTypeError

from cloudledger.analyses.selection import MissingColumn

T = TypeVar("T")
MISSING_COLUMN = (AttributeError, IbisTypeError, MissingColumn)


class TableSource(Protocol):
    """Where an analysis that can read rollups finds the ledger and each rollup (`ledger.read.LedgerView` is
    one: its tables open on first use)."""

    @property
    def ledger(self) -> ir.Table: ...

    @property
    def daily(self) -> ir.Table: ...

    @property
    def monthly(self) -> ir.Table: ...


@dataclass(frozen=True)
class Tables:
    """The ledger and its rollups (each rollup is the ledger itself when there is none)."""

    ledger: ir.Table
    daily: ir.Table
    """Per day and FOCUS dimension, without tags (`ledger.rollups`)."""
    monthly: ir.Table
    """Per charge month, FOCUS dimension and tags, without ChargePeriodStart (`ledger.rollups`)."""

    @classmethod
    def of(cls, ledger: ir.Table) -> Tables:
        """No rollups: the ledger answers everything."""
        return cls(ledger, ledger, ledger)


def on_rollup(run: Callable[[ir.Table], T], rollup: ir.Table, ledger: ir.Table) -> T:
    """`run(rollup)`, or `run(ledger)` when the rollup lacks a column `run` reads."""
    if rollup is ledger:
        return run(ledger)
    try:
        return run(rollup)
    except MISSING_COLUMN:
        return run(ledger)
