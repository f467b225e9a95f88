"""Local storage emulators as child processes on free 127.0.0.1 ports: moto (S3), Azurite (Blob storage) and
gcp-storage-emulator (GCS). The demo uploads its exports to them when they are installed; the tests use them.

Nothing here talks to a real cloud: each emulator binds 127.0.0.1 only and is stopped by its PID afterwards.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cloudledger.errors import StorageError

REPO = Path(__file__).resolve().parents[3]
AZURITE_MAIN = REPO / ".cache" / "npm" / "node_modules" / "azurite" / "dist" / "src" / "blob" / "main.js"
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
"""Azurite's documented development account key (public, only valid against the emulator)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(name: str, command: Sequence[str], port: int, log: Path, timeout: float = 20.0) -> Iterator[str]:
    """Start `command`, wait until the port answers, yield its base URL, stop it by its PID afterwards."""
    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    try:
        while True:
            if proc.poll() is not None:
                raise StorageError(f"{name} exited with code {proc.returncode} on start:\n{_tail(log)}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.perf_counter() - started > timeout:
                    raise StorageError(
                        f"{name} did not answer on 127.0.0.1:{port} within {timeout:.0f} s:\n{_tail(log)}"
                    ) from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-20:])


def moto_command(port: int) -> list[str]:
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


def gcs_command(port: int) -> list[str]:
    host = ["--host", "127.0.0.1", "--port", str(port)]
    return [sys.executable, "-m", "gcp_storage_emulator", "start", *host, "--in-memory"]


def azurite_main() -> Path:
    return Path(os.environ.get("CLOUDLEDGER_AZURITE_MAIN", AZURITE_MAIN))


def azurite_command(port: int) -> list[str]:
    """Azurite's blob service, in memory, run with node directly (npx would leave children behind when stopped)."""
    main = azurite_main()
    node = shutil.which("node")
    if node is None or not main.is_file():
        raise StorageError(
            f"Azurite is not installed (looked for node and {main}): run ./run tests, which installs "
            "azurite 3.37.0 with npm into .cache/npm, or set CLOUDLEDGER_AZURITE_MAIN to its blob/main.js"
        )
    return [
        node,
        str(main),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--inMemoryPersistence",
        "--disableTelemetry",
        "--skipApiVersionCheck",
        "--loose",
    ]


def azurite_connection_string(endpoint: str) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
        f"AccountKey={AZURITE_KEY};BlobEndpoint={endpoint}/{AZURITE_ACCOUNT};"
    )


def installed() -> dict[str, bool]:
    """Which emulators (and the SDKs to reach them) this machine has: s3, azure, gs."""

    def has(*modules: str) -> bool:
        return all(importlib.util.find_spec(m) is not None for m in modules)

    return {
        "s3": has("moto", "boto3"),
        "azure": has("azure.storage.blob") and shutil.which("node") is not None and azurite_main().is_file(),
        "gs": has("gcp_storage_emulator", "google.cloud.storage"),
    }
