"""Timing helpers: medians of warm runs, and running a measurement alone in a watched fresh process."""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
MiB = 1024 * 1024


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Wall seconds of one call, and its result."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_time(fn: Callable[[], T], repeats: int, warmup: int = 1) -> tuple[float, list[float], T]:
    """Median wall seconds of `repeats` calls after `warmup` untimed calls; all times; the last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeats):
        seconds, result = timed(fn)
        times.append(seconds)
    return statistics.median(times), times, result  # type: ignore[return-value]


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemoryLimitError(RuntimeError):
    """The measured process grew past the memory limit and was stopped."""

    def __init__(self, limit_mb: float, seconds: float) -> None:
        super().__init__(f"stopped at {limit_mb / 1024:.1f} GiB resident after {seconds:.0f} s")
        self.limit_mb = limit_mb
        self.seconds = seconds


def _child(fn: Callable[..., dict[str, Any]], args: tuple[Any, ...], log: str | None, conn: Connection) -> None:
    if log:  # DuckDB draws progress bars on stdout during long queries: keep them out of the report
        with open(log, "w") as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
    try:
        result = fn(*args)
        conn.send(("ok", {**result, "peak_rss_mb": round(peak_rss_mb(), 1)}))
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def isolated(
    fn: Callable[..., dict[str, Any]],
    *args: Any,
    isolate: bool = True,
    log: Path | None = None,
    max_rss_mb: float | None = None,
) -> dict[str, Any]:
    """Call `fn(*args)` in a fresh interpreter, so that its peak memory is its own; add `peak_rss_mb`.

    The process is stopped (MemoryLimitError) if it grows past `max_rss_mb`: the machine is shared.
    Its stdout and stderr go to `log`. Without `isolate` the call runs here, unwatched.
    """
    if not isolate:
        return {**fn(*args), "peak_rss_mb": round(peak_rss_mb(), 1)}
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(fn, args, str(log) if log else None, send), daemon=True)
    started = time.perf_counter()
    process.start()
    send.close()
    try:
        while not receive.poll(0.2):
            if not process.is_alive():
                raise RuntimeError(f"the measuring process died (exit code {process.exitcode}); see {log}")
            if max_rss_mb and process.pid and _rss_mb(process.pid) > max_rss_mb:
                process.kill()
                raise MemoryLimitError(max_rss_mb, time.perf_counter() - started)
        status, payload = receive.recv()
    finally:
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
    if status != "ok":
        raise RuntimeError(f"the measurement failed: {payload}")
    result: dict[str, Any] = payload
    return result
