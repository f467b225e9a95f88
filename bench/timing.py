"""Timing helpers: medians of warm runs, and running a measurement alone in a fresh process."""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


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


def _with_peak(fn: Callable[..., dict[str, Any]], stderr: str | None, *args: Any) -> dict[str, Any]:
    if stderr:  # DuckDB draws progress bars on stderr during long queries; keep them out of the report
        with open(stderr, "w") as sink:
            os.dup2(sink.fileno(), 2)
    result = fn(*args)
    return {**result, "peak_rss_mb": round(peak_rss_mb(), 1)}


def isolated(
    fn: Callable[..., dict[str, Any]], *args: Any, isolate: bool = True, stderr: Path | None = None
) -> dict[str, Any]:
    """Call `fn(*args)` in a fresh interpreter, so that its peak memory is its own, and add `peak_rss_mb`.

    Without `isolate` the call runs here (faster; the peak memory then includes everything before it).
    The fresh interpreter writes its stderr to `stderr` when given.
    """
    if not isolate:
        return _with_peak(fn, None, *args)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_with_peak, fn, str(stderr) if stderr else None, *args).result()
