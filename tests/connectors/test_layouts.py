"""Delivery layouts read from a listing and manifests: current, superseded, incomplete and ignored objects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cloudledger.connectors.base import RemoteObject, md5_from_base64, md5_from_etag
from cloudledger.connectors.layouts import plan
from cloudledger.connectors.sync import local_path


def listing(*keys: str) -> list[RemoteObject]:
    return [RemoteObject(k, 10, f"etag-{i}", None, datetime(2025, 2, 1, i, tzinfo=UTC)) for i, k in enumerate(keys)]


def keys(objects: list[RemoteObject]) -> list[str]:
    return sorted(o.key for o in objects)


def test_legacy_cur_keeps_the_assembly_the_period_manifest_names() -> None:
    period = "cur/report/20250101-20250201/"
    objects = listing(
        f"{period}report-Manifest.json",
        f"{period}a1/report-Manifest.json",
        f"{period}a1/report-00001.csv.gz",
        f"{period}a2/report-Manifest.json",
        f"{period}a2/report-00001.csv.gz",
        f"{period}a2/report-00002.csv.gz",
    )
    manifest = {
        "assemblyId": "a2",
        "reportKeys": [f"{period}a2/report-00001.csv.gz", f"{period}a2/report-00002.csv.gz"],
    }
    result = plan(objects, {f"{period}report-Manifest.json": manifest})
    assert keys(result.wanted) == [f"{period}a2/report-00001.csv.gz", f"{period}a2/report-00002.csv.gz"]
    assert keys(result.superseded) == [f"{period}a1/report-00001.csv.gz"]
    assert len(result.manifests) == 3
    assert result.is_stale(f"{period}a1/report-00001.csv.gz") and not result.is_stale(
        f"{period}a1/report-Manifest.json"
    )


def test_legacy_cur_overwrite_mode_and_report_keys_from_another_prefix() -> None:
    period = "copy/report/20250101-20250201/"
    objects = listing(f"{period}report-Manifest.json", f"{period}report-00001.csv.gz", "copy/report/other.csv")
    manifest = {"assemblyId": "x", "reportKeys": ["original/report/20250101-20250201/report-00001.csv.gz"]}
    result = plan(objects, {f"{period}report-Manifest.json": manifest})
    assert keys(result.wanted) == [f"{period}report-00001.csv.gz", "copy/report/other.csv"]
    assert result.superseded == [] and result.incomplete == {}


def test_data_exports_keep_the_files_of_the_newest_manifest() -> None:
    root = "exports/focus-export/"
    period = "BILLING_PERIOD=2025-01"
    objects = listing(
        f"{root}metadata/{period}/focus-export-Manifest.json",
        f"{root}data/{period}/focus-export-00001.snappy.parquet",
        f"{root}data/{period}/focus-export-00002.snappy.parquet",
        f"{root}data/BILLING_PERIOD=2025-02/focus-export-00001.snappy.parquet",
    )
    manifest = {
        "deliveryTime": "2025-02-03",
        "dataFiles": [f"s3://b/{root}data/{period}/focus-export-00002.snappy.parquet"],
    }
    result = plan(objects, {f"{root}metadata/{period}/focus-export-Manifest.json": manifest})
    assert keys(result.wanted) == [
        f"{root}data/BILLING_PERIOD=2025-01/focus-export-00002.snappy.parquet",
        f"{root}data/BILLING_PERIOD=2025-02/focus-export-00001.snappy.parquet",
    ]
    assert keys(result.superseded) == [f"{root}data/{period}/focus-export-00001.snappy.parquet"]


def azure_manifest(run: str, submitted: str, blobs: list[str] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "exportConfig": {"exportName": "focus"},
        "runInfo": {"runId": run, "submittedTime": submitted, "startDate": "2025-01-01", "endDate": "2025-01-31"},
    }
    if blobs is not None:
        doc["blobs"] = [{"blobName": b} for b in blobs]
    return doc


def test_azure_keeps_the_latest_submitted_run() -> None:
    span = "dir/focus/20250101-20250131/"
    objects = listing(
        f"{span}r1/manifest.json",
        f"{span}r1/part_0_0001.csv.gz",
        f"{span}r2/manifest.json",
        f"{span}r2/part_0_0001.csv.gz",
    )
    manifests = {
        f"{span}r1/manifest.json": azure_manifest("r1", "2025-02-05T03:00:00.0000000Z"),
        f"{span}r2/manifest.json": azure_manifest(
            "r2", "2025-02-09T03:00:00.0000000Z", [f"container/{span}r2/part_0_0001.csv.gz"]
        ),
    }
    result = plan(objects, manifests)
    assert keys(result.wanted) == [f"{span}r2/part_0_0001.csv.gz"]
    assert keys(result.superseded) == [f"{span}r1/part_0_0001.csv.gz"]


def test_an_incomplete_delivery_changes_nothing_in_its_folder() -> None:
    span = "dir/focus/20250101-20250131/"
    objects = listing(f"{span}r1/manifest.json", f"{span}r1/part_0_0001.csv.gz", f"{span}r2/manifest.json")
    manifests = {
        f"{span}r1/manifest.json": azure_manifest("r1", "2025-02-05"),
        f"{span}r2/manifest.json": azure_manifest("r2", "2025-02-09", [f"{span}r2/part_0_0001.csv.gz"]),
    }
    result = plan(objects, manifests)
    assert result.wanted == [] and result.superseded == [] and list(result.incomplete) == [span]
    assert not result.is_stale(f"{span}r1/part_0_0001.csv.gz")


def test_files_outside_any_manifest_are_all_current_and_other_objects_ignored() -> None:
    objects = listing(
        "gcp/billing_period=2025-01/000.csv", "gcp/billing_period=2025-01/001.csv", "gcp/_SUCCESS", "a.json"
    )
    result = plan(objects, {})
    assert len(result.wanted) == 2 and keys(result.ignored) == ["a.json", "gcp/_SUCCESS"]
    unreadable = plan(listing("x/manifest.json", "x/a.csv"), {"x/manifest.json": None})
    assert keys(unreadable.wanted) == ["x/a.csv"]


@pytest.mark.parametrize("key", ["../escape.csv", "a/../../b.csv", "/abs.csv", "a//b.csv", "./a.csv"])
def test_keys_that_are_not_relative_paths_never_land(key: str, tmp_path: Path) -> None:
    assert local_path(tmp_path, key) is None
    assert local_path(tmp_path, "a/b.csv") == tmp_path / "a" / "b.csv"


def test_md5_helpers() -> None:
    assert md5_from_etag('"9e107d9d372bb6826bd81d3542a419d6"') == "9e107d9d372bb6826bd81d3542a419d6"
    assert md5_from_etag('"9e107d9d372bb6826bd81d3542a419d6-2"') is None
    assert md5_from_base64("nhB9nTcrtoJr2B01QqQZ1g==") == "9e107d9d372bb6826bd81d3542a419d6"
    assert md5_from_base64(None) is None
