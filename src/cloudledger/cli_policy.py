"""What the policy commands share: the ledger snapshot, cloudledger.yaml and the business metrics, opened once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cloudledger.config.load import find_config, load_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import QueryError
from cloudledger.home import Home

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from cloudledger.ledger.read import LedgerView


@dataclass(frozen=True)
class PolicyContext:
    """A ledger snapshot with the policy to apply to it."""

    view: LedgerView
    config: CloudledgerConfig
    config_path: Path | None
    metrics: ir.Table | None
    """Business metrics (metric, dimension, date, grain, value), when any were loaded."""

    @property
    def table(self) -> ir.Table:
        return self.view.table


@contextmanager
def policy_context(home: Home, config: Path | None, as_of: str | None) -> Iterator[PolicyContext]:
    """Open the ledger (as of a version or date), load the config and the business metrics."""
    from cloudledger.ledger.read import open_ledger
    from cloudledger.ledger.table import parse_as_of

    path = find_config(config, home)
    loaded = load_config(path)
    if not home.ledger_path.exists():
        raise QueryError(f"the ledger in {home.root} is empty; run `cloudledger ingest PATH` first")
    view = open_ledger(home, parse_as_of(as_of))
    try:
        yield PolicyContext(view, loaded, path, business_metrics(home))
    finally:
        view.close()


def business_metrics(home: Home) -> ir.Table | None:
    """The business metrics stored beside the ledger, as an Ibis table (None when none were loaded)."""
    if not home.state_db_path.exists():
        return None
    import ibis

    from cloudledger.analyses.metrics_csv import metrics_arrow
    from cloudledger.ledger.metrics_store import open_metrics

    store = open_metrics(home)
    try:
        points = store.points()
    finally:
        store.dispose()
    return ibis.memtable(metrics_arrow(points)) if points else None


def period_range(start: str, end: str | None) -> list[str]:
    """Every month from `start` to `end` (YYYY-MM, inclusive)."""
    from cloudledger.config.budgets import check_month

    for value in (start, end):
        try:
            check_month(value)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
    last = end or start
    if last < start:
        raise QueryError(f"--to {last} is before --period {start}")
    months, year, month = [], int(start[:4]), int(start[5:])
    while f"{year}-{month:02d}" <= last:
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
