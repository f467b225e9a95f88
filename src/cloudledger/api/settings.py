"""What the API server needs to know: the home folder, the config file, where to listen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cloudledger.home import Home, resolve_home

LOOPBACK_NAMES = frozenset({"localhost"})


@dataclass(frozen=True)
class ApiSettings:
    """The settings of one API app (built by `settings_from`, never read from module globals)."""

    home: Path
    config: Path | None = None
    """cloudledger.yaml to use; None: ./cloudledger.yaml, else the home's."""
    host: str = "127.0.0.1"
    port: int = 8000
    rollups: bool = True
    """Let analyses read the ledger's rollups (off: every answer reads the ledger; for measurements)."""
    remember: bool = True
    """Remember answers per ledger version and policy (off: every request computes; for measurements)."""

    @property
    def ledger_home(self) -> Home:
        return Home(self.home)


def settings_from(
    home: Path | str | None = None,
    config: Path | str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> ApiSettings:
    """Settings for `home` (default: $CLOUDLEDGER_HOME, else ~/.cloudledger) and an optional config file."""
    return ApiSettings(
        home=resolve_home(home).root,
        config=Path(config).expanduser() if config is not None else None,
        host=host,
        port=port,
    )
