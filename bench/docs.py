"""docs/benchmarks.md, rendered from results.json."""

from __future__ import annotations

from typing import Any


def render_docs(results: dict[str, Any]) -> str:
    return ""
