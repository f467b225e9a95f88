"""Google Cloud Storage through Application Default Credentials (STORAGE_EMULATOR_HOST for an emulator)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from cloudledger.connectors.base import CHUNK, Download, RemoteObject, md5_from_base64, require
from cloudledger.connectors.url import StorageURL
from cloudledger.errors import StorageError

T = TypeVar("T")
CREDENTIALS_HELP = (
    "set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or run "
    "`gcloud auth application-default login`, or run on Google Cloud with a service account; "
    "the identity needs the Storage Object Viewer role"
)


class GcsStore:
    """A bucket; generation changes show as a new ETag."""

    def __init__(self, url: StorageURL) -> None:
        storage = require("google.cloud.storage", "gcp", "gs")
        self.url = url
        self.client: Any = self._call(storage.Client)
        self.bucket: Any = self.client.bucket(url.bucket)

    def list(self, prefix: str) -> Iterator[RemoteObject]:
        blobs = self._call(lambda: iter(self.client.list_blobs(self.bucket, prefix=prefix or None)))
        while (blob := self._call(lambda: next(blobs, None))) is not None:
            etag = str(blob.etag or blob.generation)
            yield RemoteObject(blob.name, int(blob.size), etag, md5_from_base64(blob.md5_hash), blob.updated)

    def open(self, obj: RemoteObject) -> Download:
        reader = self._call(lambda: self.bucket.blob(obj.key).open("rb", chunk_size=CHUNK))
        return Download(self._chunks(reader), None)

    def _chunks(self, reader: Any) -> Iterator[bytes]:
        try:
            while chunk := self._call(lambda: reader.read(CHUNK)):
                yield chunk
        finally:
            reader.close()

    def _call(self, action: Callable[[], T]) -> T:
        from google.api_core import exceptions as errors
        from google.auth import exceptions as auth_errors

        try:
            return action()
        except auth_errors.DefaultCredentialsError as exc:
            raise StorageError(f"no Google Cloud credentials found for {self.url.text}: {CREDENTIALS_HELP}") from exc
        except auth_errors.GoogleAuthError as exc:
            raise StorageError(
                f"Google Cloud rejected the credentials for {self.url.text}: {CREDENTIALS_HELP}"
            ) from exc
        except errors.NotFound as exc:
            raise StorageError(
                f"bucket {self.url.bucket!r} (or an object in it) does not exist: {exc.message}"
            ) from exc
        except (errors.Forbidden, errors.Unauthorized) as exc:
            raise StorageError(f"access denied to {self.url.text}: {CREDENTIALS_HELP}") from exc
        except errors.GoogleAPIError as exc:
            raise StorageError(f"Google Cloud Storage error on {self.url.text}: {exc}") from exc
        except OSError as exc:
            raise StorageError(f"cannot reach Google Cloud Storage for {self.url.text}: {exc}") from exc
