"""Emulators started once per test session (per xdist worker), and one fresh bucket per test on any of them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.emulators import (
    azurite_command,
    azurite_connection_string,
    free_port,
    gcs_command,
    moto_command,
    serve,
)
from connectors.payloads import Remote


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    with serve("moto", moto_command(port), port, tmp_path_factory.mktemp("moto") / "moto.log") as url:
        yield url


@pytest.fixture(scope="session")
def azurite_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("azurite")
    port = free_port()
    with serve("azurite", azurite_command(port), port, work / "azurite.log") as url:
        yield url


@pytest.fixture(scope="session")
def gcs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    with serve("gcp-storage-emulator", gcs_command(port), port, tmp_path_factory.mktemp("gcs") / "gcs.log") as url:
        yield url


def _name() -> str:
    return f"cl-{uuid.uuid4().hex[:12]}"


class S3Remote:
    scheme = "s3"

    def __init__(self, endpoint: str) -> None:
        import boto3

        self.bucket = _name()
        self.base = f"s3://{self.bucket}"
        self.client: Any = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
        )
        self.client.create_bucket(Bucket=self.bucket)

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def mirror(self, home: Path) -> Path:
        return home / "downloads" / "s3" / self.bucket


class AzureRemote:
    scheme = "azure"

    def __init__(self, connection: str) -> None:
        from azure.storage.blob import BlobServiceClient

        self.container_name = _name()
        self.base = f"azure://devstoreaccount1/{self.container_name}"
        service = BlobServiceClient.from_connection_string(connection)
        self.container: Any = service.create_container(self.container_name)

    def put(self, key: str, data: bytes) -> None:
        self.container.upload_blob(key, data, overwrite=True)

    def delete(self, key: str) -> None:
        self.container.delete_blob(key)

    def mirror(self, home: Path) -> Path:
        return home / "downloads" / "azure" / "devstoreaccount1" / self.container_name


class GcsRemote:
    scheme = "gs"

    def __init__(self) -> None:
        from google.cloud import storage

        self.name = _name()
        self.base = f"gs://{self.name}"
        self.bucket: Any = storage.Client().create_bucket(self.name)

    def put(self, key: str, data: bytes) -> None:
        self.bucket.blob(key).upload_from_string(data)

    def delete(self, key: str) -> None:
        self.bucket.blob(key).delete()

    def mirror(self, home: Path) -> Path:
        return home / "downloads" / "gs" / self.name


class LocalRemote:
    scheme = "file"

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.base = f"file://{root}"

    def put(self, key: str, data: bytes) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def delete(self, key: str) -> None:
        (self.root / key).unlink()

    def mirror(self, home: Path) -> Path:
        return home / "downloads" / "file" / str(self.root).lstrip("/")


@pytest.fixture
def s3_remote(moto_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> S3Remote:
    """A fresh bucket; boto3's standard chain finds the emulator and the test credentials in the environment."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return S3Remote(moto_url)


@pytest.fixture
def azure_remote(azurite_url: str, monkeypatch: pytest.MonkeyPatch) -> AzureRemote:
    connection = azurite_connection_string(azurite_url)
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", connection)
    return AzureRemote(connection)


@pytest.fixture
def gcs_remote(gcs_url: str, monkeypatch: pytest.MonkeyPatch) -> GcsRemote:
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_url)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "test")
    return GcsRemote()


@pytest.fixture
def local_remote(tmp_path: Path) -> LocalRemote:
    return LocalRemote(tmp_path / "deliveries")


@pytest.fixture(params=["s3", "azure", "gs", "file"])
def remote(request: pytest.FixtureRequest) -> Remote:
    """Each kind of storage in turn."""
    names = {"s3": "s3_remote", "azure": "azure_remote", "gs": "gcs_remote", "file": "local_remote"}
    found: Remote = request.getfixturevalue(names[request.param])
    return found
