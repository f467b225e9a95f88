"""The storage emulators of `cloudledger.connectors.emulators`, failing the test (not skipping) when one
cannot start."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from cloudledger.connectors import emulators
from cloudledger.connectors.emulators import azurite_connection_string, free_port, gcs_command, moto_command
from cloudledger.errors import StorageError

__all__ = ["azurite_command", "azurite_connection_string", "free_port", "gcs_command", "moto_command", "serve"]


@contextmanager
def serve(name: str, command: Sequence[str], port: int, log: Path, timeout: float = 20.0) -> Iterator[str]:
    try:
        with emulators.serve(name, command, port, log, timeout) as url:
            yield url
    except StorageError as exc:
        pytest.fail(str(exc))


def azurite_command(port: int) -> list[str]:
    try:
        return emulators.azurite_command(port)
    except StorageError as exc:
        pytest.fail(str(exc))
