"""Shared fixtures: where the real billing samples are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """`../shared/samples` beside the repository, or $CLOUDLEDGER_SAMPLES."""
    path = Path(os.environ.get("CLOUDLEDGER_SAMPLES", REPO.parent / "shared" / "samples"))
    if not path.is_dir():
        pytest.fail(f"billing samples not found at {path}; set CLOUDLEDGER_SAMPLES")
    return path
