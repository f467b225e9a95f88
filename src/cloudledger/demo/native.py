"""The demo company's bills in the providers' native export formats (CUR, billing export, cost details).

Each native format has a writer module that turns the month's FOCUS 1.2 rows (Arrow-typed, as the AWS FOCUS
export holds them) back into what the provider delivers natively, so that ingesting either gives the same
totals. `NATIVE_MODULES` names, per provider, the module holding its `WRITERS` dict (format -> writer).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from cloudledger.demo.months import Month
from cloudledger.demo.writers import Progress, Written


@dataclass(frozen=True)
class NativeTarget:
    """Where and for which month a native writer writes (and which delivery attempt this is)."""

    out_dir: Path
    month: Month
    seed: int
    attempt: int
    """0 for the first delivery of the month, 1 for a restatement."""
    provider: str


NativeWriter = Callable[[NativeTarget, Iterable[pa.Table], Progress], Written]
"""Writes one provider-month from FOCUS 1.2 tables (typed: decimal money, UTC timestamps, Tags as a map)."""

NATIVE_MODULES: dict[str, str] = {"aws": "native_aws", "azure": "native_azure", "gcp": "native_gcp"}
"""provider -> module under `cloudledger.demo` with a `WRITERS: dict[str, NativeWriter]`."""


def native_writer(provider: str, fmt: str) -> NativeWriter:
    """The writer of `fmt` for `provider`'s demo bills."""
    module = NATIVE_MODULES.get(provider)
    writers: dict[str, NativeWriter] = {}
    if module is not None:
        writers = importlib.import_module(f"cloudledger.demo.{module}").WRITERS
    if fmt not in writers:
        raise ValueError(f"no {fmt!r} writer for {provider} demo bills; formats: focus, {', '.join(writers)}")
    return writers[fmt]
