"""Keeps the server's remembered answers warm: when the ledger gets a new version, or cloudledger.yaml or the
state DB changes, the main pages and routes are requested once, in the background, over the server's own
address, so the first person to open them after an ingest or a policy edit is answered from memory.

The requests are ordinary ones (the same routes, the same answers); a failed one is skipped and tried again on
the next change."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

from cloudledger.home import Home
from cloudledger.ledger.table import Ledger

PATHS = (
    "/",
    "/api/v1/kpis",
    "/cloud",
    "/api/v1/cloud",
    "/explorer",
    "/tags",
    "/chargeback",
    "/budgets",
    "/forecast",
    "/anomalies",
    "/units",
)
"""The pages and routes warmed, as a visitor opens them first (default parameters)."""
INTERVAL = 10.0
"""Seconds between two looks at the ledger's version and the files' modification times."""
TIMEOUT = 600.0
RETRY = 0.5
"""Seconds before trying again when the server did not answer (it is starting)."""


def _mtime(path: Path | None) -> int | None:
    try:
        return None if path is None else path.stat().st_mtime_ns
    except OSError:
        return None


def data_stamp(home: Home, config: Path | None) -> Hashable:
    """What the answers depend on: the ledger's version, cloudledger.yaml's and the state DB's modification."""
    wal = home.state_db_path.with_name(home.state_db_path.name + "-wal")
    return (Ledger(home.ledger_path).version(), _mtime(config), _mtime(home.state_db_path), _mtime(wal))


def fetch(url: str) -> bool:
    """GET `url` and read the answer; False when the server could not be reached (not started yet). An error
    status is an answer too: the page says what is wrong, there is nothing to warm."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False
    return True


class Warmer(threading.Thread):
    """A daemon thread that requests `paths` from `base` whenever `stamp()` changes."""

    def __init__(
        self,
        base: str,
        stamp: Callable[[], Hashable],
        paths: Sequence[str] = PATHS,
        interval: float = INTERVAL,
        get: Callable[[str], bool] = fetch,
    ) -> None:
        super().__init__(name="cloudledger-warmer", daemon=True)
        self.base = base.rstrip("/")
        self.stamp = stamp
        self.paths = paths
        self.interval = interval
        self.get = get
        self.rounds = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        last: Hashable = object()
        while not self.stopped.is_set():
            try:
                now = self.stamp()
            except Exception:
                now = last
            wait = self.interval
            if now != last:
                if self._round():
                    last = now
                    self.rounds += 1
                else:  # the server is not listening yet: try again soon
                    wait = min(self.interval, RETRY)
            self.stopped.wait(wait)

    def _round(self) -> bool:
        """Request every path; False as soon as one cannot reach the server."""
        return all(not self.stopped.is_set() and self.get(self.base + path) for path in self.paths)

    def stop(self) -> None:
        self.stopped.set()
