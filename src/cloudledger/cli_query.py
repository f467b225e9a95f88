"""`cloudledger costs | columns | history`: read commands over one ledger snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from cloudledger.analyses.explorer import CostQuery, groupable_columns, uses_tags
from cloudledger.analyses.explorer import run_costs as run_cost_query
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.errors import QueryError
from cloudledger.home import Home
from cloudledger.ledger.read import LedgerView, open_ledger
from cloudledger.ledger.table import Ledger, parse_as_of
from cloudledger.render import OutputFormat, money, render_rows


def run_costs(
    home: Home,
    *,
    by: Sequence[str],
    metric: str,
    grain: str | None,
    start: date | None,
    end: date | None,
    filters: Sequence[tuple[str, str]],
    tags: Sequence[tuple[str, str]],
    limit: int | None,
    as_of: str | None,
    fmt: OutputFormat,
    console: Console,
    kubernetes: bool = False,
    config: Path | None = None,
) -> None:
    view = open_ledger(home, parse_as_of(as_of))
    try:
        query = CostQuery(
            group_by=tuple(by),
            metric=metric,
            grain=grain,  # type: ignore[arg-type]
            start=start,
            end=end,
            filters=tuple(filters),
            tags=tuple(tags),
            limit=limit,
            kubernetes=kubernetes,
        )
        reader = _tag_reader(view, home, config) if uses_tags(query) else None
        result = run_cost_query(view.con, view.table, query, reader)
    finally:
        view.close()
    footer = None
    if len(result.totals) == 1:
        footer = {result.metric: money(next(iter(result.totals.values())))}
    render_rows(
        console,
        result.columns,
        result.rows,
        fmt,
        money_columns=(result.metric,),
        title=f"{result.metric}{' of Kubernetes allocations' if kubernetes else ''} "
        f"(ledger version {view.snapshot.version})",
        footer=footer,
    )


def _tag_reader(view: LedgerView, home: Home, config: Path | None) -> TagResolver:
    """Tags read through the tag policy of cloudledger.yaml (the default policy when there is none)."""
    from cloudledger.config.load import find_config, load_config

    policy = load_config(find_config(config, home)).tag_policy
    return TagResolver.of(view.table, policy)


def run_columns(home: Home, *, as_of: str | None, console: Console) -> None:
    view = open_ledger(home, parse_as_of(as_of))
    try:
        names = groupable_columns(view.table)
    finally:
        view.close()
    for name in names:
        console.print(name, highlight=False)
    console.print("tag:KEY  (any tag key, e.g. tag:team)", highlight=False)


def run_history(home: Home, *, fmt: OutputFormat, limit: int, console: Console) -> None:
    if not home.state_db_path.exists():
        raise QueryError(f"no ingests yet in {home.root}; run `cloudledger ingest PATH` first")
    from cloudledger.ledger.state import StateDB

    state = StateDB(home.state_db_url)
    try:
        records = state.ingests(limit)
    finally:
        state.dispose()
    commits = {int(e["version"]): e for e in Ledger(home.ledger_path).history()}
    rows: list[dict[str, Any]] = [
        {
            "Started": r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            "Ingest": r.id[:8],
            "Status": r.status,
            "Version": r.delta_version,
            "Files": r.files,
            "Rows": r.rows,
            "Operation": commits.get(r.delta_version, {}).get("operation") if r.delta_version is not None else None,
            "Message": r.message,
        }
        for r in records
    ]
    render_rows(console, list(rows[0]) if rows else ["Started"], rows, fmt, title="Ingests")
