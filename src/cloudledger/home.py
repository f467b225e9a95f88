"""Where cloudledger keeps its data: one home folder with the ledger, the state DB and cloudledger.yaml."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "CLOUDLEDGER_HOME"
DEFAULT_HOME = Path("~/.cloudledger")


@dataclass(frozen=True)
class Home:
    """The paths inside a home folder."""

    root: Path

    @property
    def ledger_path(self) -> Path:
        return self.root / "ledger"

    @property
    def rollups_path(self) -> Path:
        """Daily rollups of the ledger's slices (`ledger.rollups`), outside the Delta table's folder."""
        return self.root / "rollups"

    @property
    def state_db_path(self) -> Path:
        return self.root / "state.db"

    @property
    def state_db_url(self) -> str:
        return f"sqlite:///{self.state_db_path}"

    @property
    def config_path(self) -> Path:
        return self.root / "cloudledger.yaml"

    @property
    def staging_path(self) -> Path:
        return self.root / "staging"

    @property
    def lock_path(self) -> Path:
        return self.root / "ingest.lock"

    def ensure(self) -> Home:
        self.root.mkdir(parents=True, exist_ok=True)
        return self


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """`--home DIR`, else $CLOUDLEDGER_HOME, else ~/.cloudledger."""
    if explicit:
        return Home(Path(explicit).expanduser().resolve())
    env = os.environ.get(HOME_ENV)
    if env:
        return Home(Path(env).expanduser().resolve())
    return Home(DEFAULT_HOME.expanduser().resolve())
