"""Excel worksheet names: at most 31 characters (UTF-16 units), none of []:*?/\\, unique ignoring case."""

from __future__ import annotations

import re

MAX_LENGTH = 31
_INVALID = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(base: str, suffix: str) -> str:
    while base and _length(base + suffix) > MAX_LENGTH:
        base = base[:-1]
    return base.rstrip().strip("'") + suffix


class SheetNames:
    """Hands out valid, unique worksheet names; `History` is reserved by Excel."""

    def __init__(self) -> None:
        self._taken = {"history"}

    def claim(self, name: str, fallback: str = "Sheet") -> str:
        """`name` made valid: forbidden characters become `_`, cut to 31, ` (2)`, ` (3)`... on a clash."""
        base = _INVALID.sub("_", name).strip().strip("'").strip() or fallback
        candidate, number = _fit(base, ""), 2
        while not candidate or candidate.lower() in self._taken:
            candidate, number = _fit(base, f" ({number})"), number + 1
        self._taken.add(candidate.lower())
        return candidate
