"""Where billing files come from: S3, Azure Blob Storage, Google Cloud Storage or a local folder.

Each connector lists a bucket's objects and streams their bytes; `sync` mirrors the current deliveries
into the home folder and the ingest reads the mirror.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudledger.connectors.azure import AzureStore
from cloudledger.connectors.base import RemoteObject, Store
from cloudledger.connectors.gcs import GcsStore
from cloudledger.connectors.local import LocalStore
from cloudledger.connectors.s3 import S3Store
from cloudledger.connectors.url import StorageURL, parse_url

STORES: dict[str, Callable[[StorageURL], Store]] = {
    "s3": S3Store,
    "azure": AzureStore,
    "gs": GcsStore,
    "file": LocalStore,
}
"""Connector per URL scheme; the SDK each needs is imported only when a store is opened."""


def open_store(url: StorageURL) -> Store:
    return STORES[url.scheme](url)


__all__ = ["STORES", "RemoteObject", "StorageURL", "Store", "open_store", "parse_url"]
