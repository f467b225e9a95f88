"""Azure Blob Storage: AZURE_STORAGE_CONNECTION_STRING when set, else azure-identity's DefaultAzureCredential."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TypeVar

from cloudledger.connectors.base import Download, RemoteObject, md5_from_base64, require
from cloudledger.connectors.url import StorageURL
from cloudledger.errors import StorageError

T = TypeVar("T")
CONNECTION_STRING = "AZURE_STORAGE_CONNECTION_STRING"
CREDENTIALS_HELP = (
    f"set {CONNECTION_STRING}, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a service principal), "
    "or sign in with `az login`, or run with a managed identity; the identity needs the Storage Blob Data Reader role"
)


def _service(url: StorageURL) -> Any:
    blob = require("azure.storage.blob", "azure", "azure")
    connection = os.environ.get(CONNECTION_STRING)
    if connection:
        named = re.search(r"(?:^|;)AccountName=([^;]+)", connection)
        if named and named.group(1) != url.bucket:
            raise StorageError(
                f"{CONNECTION_STRING} is for storage account {named.group(1)!r} but the URL names {url.bucket!r}; "
                "unset it or sync that account"
            )
        return blob.BlobServiceClient.from_connection_string(connection)
    identity = require("azure.identity", "azure", "azure")
    return blob.BlobServiceClient(
        f"https://{url.bucket}.blob.core.windows.net", credential=identity.DefaultAzureCredential()
    )


class AzureStore:
    """A container of a storage account."""

    def __init__(self, url: StorageURL) -> None:
        self.url = url
        self.container: Any = _service(url).get_container_client(url.container)

    def list(self, prefix: str) -> Iterator[RemoteObject]:
        blobs = self._call(lambda: iter(self.container.list_blobs(name_starts_with=prefix or None)))
        while (blob := self._call(lambda: next(blobs, None))) is not None:
            md5 = md5_from_base64(blob.content_settings.content_md5)
            yield RemoteObject(blob.name, int(blob.size), str(blob.etag).strip('"'), md5, blob.last_modified)

    def open(self, obj: RemoteObject) -> Download:
        """The blob's bytes, only if it is still the version listed (If-Match on its ETag)."""
        from azure.core import MatchConditions

        condition = MatchConditions.IfNotModified
        stream = self._call(lambda: self.container.download_blob(obj.key, etag=obj.etag, match_condition=condition))
        md5 = md5_from_base64(stream.properties.content_settings.content_md5)
        return Download(self._chunks(iter(stream.chunks())), md5)

    def _chunks(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        while (chunk := self._call(lambda: next(chunks, None))) is not None:
            yield chunk

    def _call(self, action: Callable[[], T]) -> T:
        from azure.core import exceptions as errors

        try:
            return action()
        except errors.ClientAuthenticationError as exc:
            raise StorageError(f"no usable Azure credentials for {self.url.text}: {CREDENTIALS_HELP}") from exc
        except errors.ResourceModifiedError as exc:
            raise StorageError(f"a blob under {self.url.text} changed while it was read; sync again") from exc
        except errors.ResourceNotFoundError as exc:
            self._not_found(exc)
        except errors.ServiceRequestError as exc:
            raise StorageError(
                f"cannot reach storage account {self.url.bucket!r} for {self.url.text}: check its name and the network"
            ) from exc
        except errors.HttpResponseError as exc:
            if exc.status_code == 403:
                raise StorageError(f"access denied to {self.url.text}: {CREDENTIALS_HELP}") from exc
            raise StorageError(f"Azure error {exc.status_code} on {self.url.text}: {exc.reason}") from exc
        except errors.AzureError as exc:
            raise StorageError(f"reading {self.url.text} failed: {exc}") from exc

    def _not_found(self, exc: Any) -> NoReturn:
        if getattr(exc, "error_code", None) == "ContainerNotFound":
            raise StorageError(
                f"container {self.url.container!r} does not exist in storage account {self.url.bucket!r}"
            ) from exc
        raise StorageError(f"a blob under {self.url.text} disappeared while it was read; sync again") from exc
