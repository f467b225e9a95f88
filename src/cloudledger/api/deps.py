"""Request dependencies as `Annotated` aliases: settings, the ledger snapshot, the policy, business metrics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import ibis.expr.types as ir
from fastapi import Depends, Query, Request

from cloudledger.analyses.summary import TableSource
from cloudledger.api.errors import ParameterError
from cloudledger.api.settings import ApiSettings
from cloudledger.config.load import find_config, load_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.errors import ConfigError, LedgerError
from cloudledger.ledger.read import LedgerView, open_ledger
from cloudledger.ledger.table import parse_as_of

EMPTY_HINT = "no data yet: run cloudledger ingest PATH"


def _settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[ApiSettings, Depends(_settings)]


def _ledger(
    settings: SettingsDep,
    as_of: Annotated[
        str | None,
        Query(description="Read the ledger as of a version number, a date (YYYY-MM-DD) or an ISO date-time."),
    ] = None,
) -> Iterator[LedgerView | None]:
    """The ledger snapshot for this request (None when nothing was ingested yet), closed afterwards."""
    home = settings.ledger_home
    if not home.ledger_path.exists():
        yield None
        return
    try:
        moment = parse_as_of(as_of)
    except LedgerError as exc:
        raise ParameterError(exc, "as_of", 422) from exc
    try:
        view = open_ledger(home, moment)
    except LedgerError as exc:
        if as_of:
            raise ParameterError(exc, "as_of", 404) from exc
        raise
    if not settings.rollups:
        view = replace(view, rollups_root=None)
    try:
        yield view
    finally:
        view.close()


LedgerDep = Annotated[LedgerView | None, Depends(_ledger)]


def tables(view: LedgerView) -> TableSource:
    """The snapshot's ledger with its daily and monthly rollups, for analyses that can read them (each table is
    opened when an analysis first reads it)."""
    return view


@dataclass(frozen=True)
class Policy:
    """cloudledger.yaml as loaded (the empty config when there is none)."""

    config: CloudledgerConfig
    path: Path | None


def _policy(request: Request, settings: SettingsDep) -> Policy:
    """The policy, loaded again only when its file changed (cached per path and modification time)."""
    path = find_config(settings.config, settings.ledger_home)
    if path is None:
        return Policy(CloudledgerConfig(), None)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from exc
    cache: dict[Path, tuple[int, Policy]] = request.app.state.policy_cache
    hit = cache.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    policy = Policy(load_config(path), path)
    cache[path] = (stamp, policy)
    return policy


PolicyDep = Annotated[Policy, Depends(_policy)]


def _metrics(settings: SettingsDep) -> ir.Table | None:
    from cloudledger.cli_policy import business_metrics

    return business_metrics(settings.ledger_home)


MetricsDep = Annotated[ir.Table | None, Depends(_metrics)]
