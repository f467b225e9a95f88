"""One account, two formats: which slice the cost analyses count when several sources hold the same
billing account and period (e.g. a CUR 2.0 export and the AWS FOCUS export of one payer account).

Both stay in the ledger (so `reconcile` can compare them column by column); cost queries read only the
slice of the preferred source, so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from cloudledger.sources.normalize import SLICE_COLUMNS, SliceKey

SOURCE_PRECEDENCE = ("focus", "aws-cur2", "aws-cur")
"""Preferred first: a provider's own FOCUS export, then the newer native format; other sources follow
in alphabetical order."""


def _rank(source: str) -> tuple[int, str]:
    if source in SOURCE_PRECEDENCE:
        return (SOURCE_PRECEDENCE.index(source), source)
    return (len(SOURCE_PRECEDENCE), source)


def preferred_sources(slices: Iterable[SliceKey]) -> dict[tuple[str, str], str]:
    """(billing period, billing account) -> the source whose slice the cost analyses count."""
    chosen: dict[tuple[str, str], str] = {}
    for period, source, account in slices:
        key = (period, account)
        if key not in chosen or _rank(source) < _rank(chosen[key]):
            chosen[key] = source
    return chosen


def shadowed(slices: Iterable[SliceKey]) -> dict[SliceKey, str]:
    """Slices not counted by the cost analyses, each with the source counted instead."""
    present = list(slices)
    chosen = preferred_sources(present)
    return {s: chosen[(s[0], s[2])] for s in present if chosen[(s[0], s[2])] != s[1]}


def slice_of_file(uri: str) -> SliceKey | None:
    """The slice a ledger data file belongs to, from its hive-style partition folders."""
    values: dict[str, str] = {}
    for part in uri.replace("\\", "/").split("/"):
        name, sep, value = part.partition("=")
        if sep and name in SLICE_COLUMNS:
            values[name] = unquote(value)
    if len(values) != len(SLICE_COLUMNS):
        return None
    period, source, account = (values[name] for name in SLICE_COLUMNS)
    return (period, source, account)


def counted_files(files: Sequence[str]) -> tuple[str, ...]:
    """The data files of the slices the cost analyses count."""
    keyed = [(f, slice_of_file(f)) for f in files]
    hidden = shadowed(k for _, k in keyed if k is not None)
    return tuple(f for f, key in keyed if key is None or key not in hidden)
