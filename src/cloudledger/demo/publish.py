"""Deliver the demo's exports the way a company receives them: into buckets on local storage emulators,
pulled with `sync`; or, for providers whose emulator is not installed, ingested from the export folder.

The first wave uploads every delivery but the restatements and syncs; the second uploads the restatements
(newer runs of a month already delivered) and syncs again, so the ledger's history shows the replacement.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudledger.connectors import emulators
from cloudledger.connectors.sync import sync
from cloudledger.demo.generator import Delivery, DemoOutput
from cloudledger.home import Home
from cloudledger.ledger.ingest import FileCallback, IngestSummary, ingest

STORAGE = {"aws": "s3", "azure": "azure", "gcp": "gs"}
BUCKETS = {"s3": "northwind-billing", "azure": "billing-exports", "gs": "northwind-billing-gcp"}


@dataclass(frozen=True)
class Published:
    """How the demo's deliveries reached the ledger."""

    ingests: list[IngestSummary]
    urls: list[str]
    """Storage URLs synced (empty when every provider was read from folders)."""
    via_folder: list[str]
    """Providers ingested straight from the export folder."""


def publish(home: Home, exports: Path, output: DemoOutput, on_file: FileCallback | None = None) -> Published:
    """Land every delivery in the ledger: through the emulators that are installed, else from the folder."""
    available = emulators.installed()
    by_storage = [p for p, kind in STORAGE.items() if available[kind]]
    folder = [d for d in output.deliveries if d.provider not in by_storage]
    ingests = [ingest(home, d.paths, on_file=on_file) for d in folder]
    urls: list[str] = []
    if by_storage:
        with _emulators([STORAGE[p] for p in by_storage], home.root / "emulators") as clients:
            stored = [d for d in output.deliveries if d.provider in by_storage]
            later = _restatement_files(stored)
            for wave in (lambda f: f not in later, lambda f: True):
                urls, landed = _wave(home, exports, stored, clients, wave, on_file)
                ingests += landed
    return Published(ingests, urls, sorted({d.provider for d in folder}))


def _restatement_files(deliveries: Sequence[Delivery]) -> set[Path]:
    """Files of the restated deliveries: their run folders and manifests."""
    files: set[Path] = set()
    for d in deliveries:
        if d.restatement:
            files.update(f for p in d.paths for f in p.parent.iterdir() if f.is_file())
            if d.manifest is not None:
                files.add(d.manifest)
    return files


def _wave(
    home: Home,
    exports: Path,
    deliveries: Sequence[Delivery],
    clients: dict[str, Any],
    include: Callable[[Path], bool],
    on_file: FileCallback | None,
) -> tuple[list[str], list[IngestSummary]]:
    """Upload the deliveries' folders (what `include` admits), then sync and ingest each folder's URL."""
    tops = sorted({(STORAGE[d.provider], p.relative_to(exports).parts[0]) for d in deliveries for p in d.paths})
    urls, landed = [], []
    for kind, top in tops:
        for file in sorted(p for p in (exports / top).rglob("*") if p.is_file() and include(p)):
            _upload(kind, clients[kind], file.relative_to(exports).as_posix(), file)
        url = f"{kind}://{_bucket_path(kind)}/{top}/"
        result = sync(home, url)
        urls.append(url)
        landed.append(ingest(home, [result.folder], on_file=on_file))
    return urls, landed


def _bucket_path(kind: str) -> str:
    if kind == "azure":
        return f"{emulators.AZURITE_ACCOUNT}/{BUCKETS[kind]}"
    return BUCKETS[kind]


def _upload(kind: str, client: Any, key: str, file: Path) -> None:
    data = file.read_bytes()
    if kind == "s3":
        client.put_object(Bucket=BUCKETS[kind], Key=key, Body=data)
    elif kind == "azure":
        client.upload_blob(key, data, overwrite=True)
    else:
        client.blob(key).upload_from_string(data)


@contextmanager
def _emulators(kinds: Sequence[str], work: Path) -> Iterator[dict[str, Any]]:
    """Start the emulators of `kinds`, point the SDKs' standard variables at them, create the buckets."""
    work.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        env: dict[str, str] = {}
        clients: dict[str, Any] = {}
        for kind in kinds:
            port = emulators.free_port()
            command = {"s3": emulators.moto_command, "azure": emulators.azurite_command, "gs": emulators.gcs_command}
            url = stack.enter_context(emulators.serve(kind, command[kind](port), port, work / f"{kind}.log"))
            env.update(_environment(kind, url, work))
        stack.enter_context(_patched_environ(env))
        for kind in kinds:
            clients[kind] = _bucket(kind, env)
        yield clients


def _environment(kind: str, url: str, work: Path) -> dict[str, str]:
    if kind == "s3":
        return {
            "AWS_ENDPOINT_URL_S3": url,
            "AWS_ACCESS_KEY_ID": "demo",
            "AWS_SECRET_ACCESS_KEY": "demo",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(work / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-aws-credentials"),
        }
    if kind == "azure":
        return {"AZURE_STORAGE_CONNECTION_STRING": emulators.azurite_connection_string(url)}
    return {"STORAGE_EMULATOR_HOST": url, "GOOGLE_CLOUD_PROJECT": "northwind-demo"}


def _bucket(kind: str, env: dict[str, str]) -> Any:
    if kind == "s3":
        import boto3

        client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL_S3"], region_name="us-east-1")
        client.create_bucket(Bucket=BUCKETS[kind])
        return client
    if kind == "azure":
        from azure.storage.blob import BlobServiceClient

        service = BlobServiceClient.from_connection_string(env["AZURE_STORAGE_CONNECTION_STRING"])
        return service.create_container(BUCKETS[kind])
    storage: Any = importlib.import_module("google.cloud.storage")
    return storage.Client().create_bucket(BUCKETS[kind])


@contextmanager
def _patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
