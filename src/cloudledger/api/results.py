"""Answers remembered per ledger version and policy: a dashboard asked twice about the same data computes once.

The key of an answer is what it was computed from: the ledger snapshot's version, the config file's
modification time, the state DB's (business metrics live there), the analysis and its arguments. An ingest
makes a new version and an edit of cloudledger.yaml a new modification time, so a stale answer is never
served; old answers fall out of a small LRU."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from cloudledger.api.deps import LedgerDep, PolicyDep, SettingsDep

T = TypeVar("T")
CAPACITY = 256


class ResultCache:
    """A thread-safe LRU of computed answers."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.choices: dict[Hashable, Any] = {}
        """Forecast model choices by analysis and arguments, kept across ledger versions: a series is backtested
        again once a week, not after every ingest (see `analyses.forecast_choices`)."""

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                found: T = self._items[key]
                return found
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


class Results:
    """The cache bound to one request's ledger snapshot and policy."""

    def __init__(self, cache: ResultCache, stamp: Hashable, latest: bool = True) -> None:
        self.cache = cache
        self.stamp = stamp
        self.latest = latest
        """Whether the request reads the ledger's newest version (not `as_of` a past one)."""

    def choices(self, args: Hashable) -> Any:
        """The forecast model choices remembered for `args` (none when reading a past version: they were made
        on newer data)."""
        return self.cache.choices.get(args, {}) if self.latest else {}

    def remember_choices(self, args: Hashable, choices: Any) -> None:
        """Keep the choices a forecast of the newest version made, for the next version's forecast."""
        if self.latest:
            self.cache.choices[args] = choices

    def get(self, name: str, args: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`'s answer for analysis `name` with `args` on this data, computed once."""
        return self.cache.get_or_compute((self.stamp, name, args), compute)


def _mtime(path: Any) -> int | None:
    try:
        return int(path.stat().st_mtime_ns)
    except (OSError, AttributeError):
        return None


def _results(request: Request, ledger: LedgerDep, policy: PolicyDep, settings: SettingsDep) -> Results:
    cache: ResultCache = request.app.state.results
    home = settings.ledger_home
    version = None if ledger is None else ledger.snapshot.version
    state = (_mtime(home.state_db_path), _mtime(home.state_db_path.with_name(home.state_db_path.name + "-wal")))
    stamp = (str(home.root), version, str(policy.path), _mtime(policy.path), state)
    return Results(cache, stamp, latest=request.query_params.get("as_of") is None)


ResultsDep = Annotated[Results, Depends(_results)]
