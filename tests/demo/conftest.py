"""One small demo dataset shared by the demo tests (generated once per session)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cloudledger.demo import DemoOutput, generate_demo

ARGS: dict[str, Any] = {"rows": 20_000, "months": 24, "end_month": "2026-10"}


@dataclass(frozen=True)
class _Run:
    output: DemoOutput
    out_dir: Path
    progress: list[int]


@pytest.fixture(scope="session")
def _demo_run(tmp_path_factory: pytest.TempPathFactory) -> _Run:
    out = tmp_path_factory.mktemp("demo")
    seen: list[int] = []
    return _Run(generate_demo(out, **ARGS, progress=seen.append), out, seen)


@pytest.fixture(scope="session")
def demo(_demo_run: _Run) -> DemoOutput:
    """What generate_demo returned for the shared dataset."""
    return _demo_run.output


@pytest.fixture(scope="session")
def demo_dir(_demo_run: _Run) -> Path:
    """Where the shared dataset was written."""
    return _demo_run.out_dir


@pytest.fixture(scope="session")
def demo_progress(_demo_run: _Run) -> list[int]:
    """Every value the progress callback received, in order."""
    return _demo_run.progress


@pytest.fixture(scope="session")
def demo_args() -> dict[str, Any]:
    """The arguments the shared dataset was generated with."""
    return dict(ARGS)
