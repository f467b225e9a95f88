"""Amazon S3 (and S3-compatible endpoints) through boto3's standard credential chain."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TypeVar

from cloudledger.connectors.base import CHUNK, Download, RemoteObject, md5_from_etag, require
from cloudledger.connectors.url import StorageURL
from cloudledger.errors import StorageError

T = TypeVar("T")
CREDENTIALS_HELP = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (a profile in ~/.aws/config), "
    "or run where an IAM role is available"
)
_KMS = ("aws:kms", "aws:kms:dsse")


class S3Store:
    """A bucket; endpoint and credentials come from boto3's chain (AWS_ENDPOINT_URL_S3 for S3-compatible stores)."""

    def __init__(self, url: StorageURL) -> None:
        boto3 = require("boto3", "aws", "s3")
        self.url = url
        self.bucket = url.bucket
        self.client: Any = boto3.session.Session().client("s3")

    def list(self, prefix: str) -> Iterator[RemoteObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = self._call(lambda: iter(paginator.paginate(Bucket=self.bucket, Prefix=prefix)))
        while (page := self._call(lambda: next(pages, None))) is not None:
            for item in page.get("Contents", []):
                etag = str(item["ETag"]).strip('"')
                yield RemoteObject(item["Key"], int(item["Size"]), etag, None, item.get("LastModified"))

    def open(self, obj: RemoteObject) -> Download:
        """The object's bytes, only if it is still the version listed (If-Match on its ETag)."""
        response = self._call(lambda: self.client.get_object(Bucket=self.bucket, Key=obj.key, IfMatch=f'"{obj.etag}"'))
        encrypted = response.get("ServerSideEncryption") in _KMS or response.get("SSECustomerAlgorithm")
        md5 = None if encrypted else md5_from_etag(str(response.get("ETag", "")))
        return Download(self._chunks(response["Body"]), md5)

    def _chunks(self, body: Any) -> Iterator[bytes]:
        try:
            stream = body.iter_chunks(CHUNK)
            while (chunk := self._call(lambda: next(stream, None))) is not None:
                yield chunk
        finally:
            body.close()

    def _call(self, action: Callable[[], T]) -> T:
        from botocore import exceptions as errors

        try:
            return action()
        except errors.NoCredentialsError as exc:
            raise StorageError(f"no AWS credentials found for {self.url.text}: {CREDENTIALS_HELP}") from exc
        except errors.ClientError as exc:
            self._client_error(exc)
        except (errors.EndpointConnectionError, errors.ConnectionError) as exc:
            raise StorageError(f"cannot reach S3 for {self.url.text}: {exc}; check the network") from exc
        except errors.BotoCoreError as exc:
            raise StorageError(f"reading {self.url.text} failed: {exc}") from exc

    def _client_error(self, exc: Any) -> NoReturn:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code == "NoSuchBucket":
            raise StorageError(f"bucket {self.bucket!r} does not exist (from {self.url.text})") from exc
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken"):
            raise StorageError(
                f"AWS rejected the credentials ({code}) for {self.url.text}: {CREDENTIALS_HELP}"
            ) from exc
        if code in ("AccessDenied", "AllAccessDisabled", "403") or status == 403:
            raise StorageError(
                f"access denied to {self.url.text}: the identity needs s3:ListBucket and s3:GetObject on it "
                f"({CREDENTIALS_HELP})"
            ) from exc
        if code in ("PreconditionFailed", "412") or status == 412:
            raise StorageError(f"an object under {self.url.text} changed while it was read; sync again") from exc
        raise StorageError(f"S3 error {code or status} on {self.url.text}: {error.get('Message', exc)}") from exc
