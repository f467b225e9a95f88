"""`GET /ledger/history` (the ingests) and `GET /ledger/versions` (the Delta versions)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from cloudledger.api.deps import EMPTY_HINT, SettingsDep
from cloudledger.api.models import HistoryResponse, Ingest, Version, VersionsResponse
from cloudledger.home import Home
from cloudledger.ledger.table import INGEST_ID_KEY, Ledger

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get("/history", response_model=HistoryResponse)
def history(settings: SettingsDep, limit: Annotated[int, Query(ge=1, le=10_000)] = 50) -> HistoryResponse:
    """The latest ingests, newest first, with the ledger version each committed."""
    home = settings.ledger_home
    if not home.state_db_path.exists():
        return HistoryResponse(ingests=[], hint=EMPTY_HINT)
    return HistoryResponse(ingests=_ingests(home, limit))


def _ingests(home: Home, limit: int) -> list[Ingest]:
    from cloudledger.ledger.state import StateDB

    state = StateDB(home.state_db_url)
    try:
        records = state.ingests(limit)
    finally:
        state.dispose()
    operations = {int(e["version"]): e.get("operation") for e in Ledger(home.ledger_path).history()}
    return [
        Ingest(
            id=r.id,
            started_at=r.started_at,
            ended_at=r.ended_at,
            status=r.status,
            version=r.delta_version,
            files=r.files,
            rows=r.rows,
            operation=operations.get(r.delta_version) if r.delta_version is not None else None,
            message=r.message,
        )
        for r in records
    ]


@router.get("/versions", response_model=VersionsResponse)
def versions(settings: SettingsDep) -> VersionsResponse:
    """Every version of the ledger (what `as_of` can travel to), newest first."""
    entries = Ledger(settings.ledger_home.ledger_path).history()
    if not entries:
        return VersionsResponse(versions=[], hint=EMPTY_HINT)
    return VersionsResponse(versions=[_version(e) for e in entries])


def _version(entry: dict[str, Any]) -> Version:
    stamp = entry.get("timestamp")
    return Version(
        version=int(entry["version"]),
        timestamp=datetime.fromtimestamp(int(stamp) / 1000, UTC) if stamp is not None else None,
        operation=entry.get("operation"),
        ingest_id=entry.get(INGEST_ID_KEY),
    )
