"""Errors a user can act on: bad URLs, a missing SDK, a bucket that does not exist, no credentials."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cloudledger.connectors import open_store, parse_url
from cloudledger.errors import StorageError
from connectors.payloads import Remote, sync_cli


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://host/billing", "unknown storage URL 'ftp://host/billing': expected s3://bucket/prefix"),
        ("s3:///billing", "does not name a valid bucket: expected s3://bucket/prefix"),
        ("gs://B_A_D/x", "does not name a valid bucket: expected gs://bucket/prefix"),
        ("azure://account", "does not name a container: expected azure://account/container/prefix"),
        ("azure://Not-An-Account/c/x", "does not name a valid storage account"),
        ("s3://bucket/a/../b", "has '.' or '..' in it"),
        ("/no/such/folder", "/no/such/folder is not a folder"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=re.escape(message)):
        parse_url(url)


def test_urls_and_their_mirrors(tmp_path: Path) -> None:
    s3 = parse_url("s3://acme-billing/cur2/focus/")
    assert (s3.bucket, s3.container, s3.prefix, s3.text) == (
        "acme-billing",
        None,
        "cur2/focus/",
        "s3://acme-billing/cur2/focus",
    )
    azure = parse_url("azure://acmebilling/exports/focus")
    assert azure.mirror(tmp_path) == tmp_path / "azure" / "acmebilling" / "exports"
    assert parse_url("gs://acme-billing").prefix == ""
    assert parse_url(f"file://{tmp_path}") == parse_url(str(tmp_path))


@pytest.mark.parametrize(
    ("url", "module", "extra"),
    [
        ("s3://bucket/x", "boto3", "aws"),
        ("azure://account/container/x", "azure.storage.blob", "azure"),
        ("gs://bucket/x", "google.cloud.storage", "gcp"),
    ],
)
def test_a_missing_sdk_names_the_extra_to_install(
    url: str, module: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # the import machinery then raises ImportError
    with pytest.raises(StorageError) as failure:
        open_store(parse_url(url))
    assert f"pip install 'cloudledger[{extra}]'" in str(failure.value)
    assert module in str(failure.value)


def test_the_cli_prints_one_line_and_exits_1(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-c",
        "from cloudledger.cli import main; main()",
        "sync",
        "ftp://x/y",
        "--home",
        str(tmp_path),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "unknown storage URL" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("fixture", "words"), [("s3_remote", "bucket"), ("azure_remote", "container"), ("gcs_remote", "bucket")]
)
def test_a_bucket_that_does_not_exist(fixture: str, words: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    remote: Remote = request.getfixturevalue(fixture)
    missing = remote.base.replace("cl-", "missing-")
    result = sync_cli(tmp_path / "home", f"{missing}/focus")
    assert isinstance(result.exception, StorageError), result.output
    assert f"{words} 'missing-" in str(result.exception) and "does not exist" in str(result.exception)


def test_no_aws_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = sync_cli(tmp_path / "home", "s3://acme-billing/cur")
    assert isinstance(result.exception, StorageError)
    assert "no AWS credentials" in str(result.exception) and "AWS_PROFILE" in str(result.exception)


def test_no_google_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STORAGE_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    result = sync_cli(tmp_path / "home", "gs://acme-billing/focus")
    assert isinstance(result.exception, StorageError)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in str(result.exception)


def test_a_connection_string_for_another_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AZURE_STORAGE_CONNECTION_STRING", "AccountName=other;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:9/other"
    )
    result = sync_cli(tmp_path / "home", "azure://acmebilling/exports")
    assert isinstance(result.exception, StorageError)
    assert "is for storage account 'other'" in str(result.exception)


def _raise(exc: BaseException) -> None:
    raise exc


def test_access_denied_and_rejected_credentials_say_what_to_grant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Emulators do not enforce permissions, so the providers' refusals are raised as their SDKs raise them."""
    from azure.core.exceptions import HttpResponseError
    from botocore.exceptions import ClientError
    from google.api_core.exceptions import Forbidden

    from cloudledger.connectors.azure import AzureStore
    from cloudledger.connectors.gcs import GcsStore
    from cloudledger.connectors.s3 import S3Store

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    s3 = S3Store(parse_url("s3://acme-billing/cur"))

    def refusal(code: str, status: int) -> ClientError:
        return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")

    cases: list[tuple[object, BaseException, str]] = [
        (s3, refusal("AccessDenied", 403), "s3:ListBucket and s3:GetObject"),
        (s3, refusal("InvalidAccessKeyId", 403), "AWS rejected the credentials (InvalidAccessKeyId)"),
        (s3, refusal("PreconditionFailed", 412), "changed while it was read; sync again"),
    ]
    monkeypatch.setenv(
        "AZURE_STORAGE_CONNECTION_STRING", "AccountName=acmebilling;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:9/a"
    )
    denied = HttpResponseError(message="denied")
    denied.status_code = 403
    cases.append((AzureStore(parse_url("azure://acmebilling/exports")), denied, "Storage Blob Data Reader"))
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", "http://127.0.0.1:9")
    cases.append((GcsStore(parse_url("gs://acme-billing")), Forbidden("denied"), "Storage Object Viewer"))
    for store, error, message in cases:
        with pytest.raises(StorageError, match=re.escape(message)):
            store._call(lambda error=error: _raise(error))  # type: ignore[attr-defined]
