"""A newer delivery of a month replaces the older one: superseded files are not downloaded, nor kept, nor counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from connectors.payloads import Remote, billed, expected, files_under, focus_bytes, sync_cli, to_json

OLD = ("111111111111", "2025-01", ["10", "5.25"])
NEW = ("111111111111", "2025-01", ["12.5"])


@dataclass(frozen=True)
class Layout:
    """Two deliveries of the same export and month, as a provider writes them."""

    first: dict[str, bytes]
    second: dict[str, bytes]
    old_data: str
    new_data: str


def azure_runs() -> Layout:
    span = "exports/focus-cost/20250101-20250131"

    def run(run_id: str, submitted: str, payload: bytes) -> dict[str, bytes]:
        data = f"{span}/{run_id}/part_0_0001.csv"
        manifest = {
            "manifestVersion": "2024-04-01",
            "exportConfig": {"exportName": "focus-cost", "type": "FocusCost"},
            "runInfo": {"runId": run_id, "submittedTime": submitted, "startDate": "2025-01-01T00:00:00"},
            "blobs": [{"blobName": f"billing/{data}", "byteCount": len(payload)}],
        }
        return {f"{span}/{run_id}/manifest.json": to_json(manifest), data: payload}

    first = run("0d1a", "2025-02-05T03:00:00.0000000Z", focus_bytes(*OLD))
    second = run("9f2b", "2025-02-09T03:00:00.0000000Z", focus_bytes(*NEW))
    return Layout(first, second, f"{span}/0d1a/part_0_0001.csv", f"{span}/9f2b/part_0_0001.csv")


def data_exports() -> Layout:
    root, period = "cur2/focus-export", "BILLING_PERIOD=2025-01"

    def delivery(number: int, when: str, payload: bytes) -> dict[str, bytes]:
        data = f"{root}/data/{period}/focus-export-0000{number}.csv.gz"
        manifest = {"exportName": "focus-export", "deliveryTime": when, "dataFiles": [f"s3://billing/{data}"]}
        return {data: payload, f"{root}/metadata/{period}/focus-export-Manifest.json": to_json(manifest)}

    first = delivery(1, "2025-02-03T10:00:00Z", focus_bytes(*OLD, gz=True))
    second = delivery(2, "2025-02-06T10:00:00Z", focus_bytes(*NEW, gz=True))
    return Layout(
        first,
        second,
        f"{root}/data/{period}/focus-export-00001.csv.gz",
        f"{root}/data/{period}/focus-export-00002.csv.gz",
    )


def legacy_cur() -> Layout:
    period = "cur/hourly/20250101-20250201"

    def assembly(assembly_id: str, payload: bytes) -> dict[str, bytes]:
        data = f"{period}/{assembly_id}/hourly-00001.csv.gz"
        manifest = {"assemblyId": assembly_id, "reportKeys": [data], "billingPeriod": {"start": "20250101T000000.000Z"}}
        return {
            data: payload,
            f"{period}/{assembly_id}/hourly-Manifest.json": to_json(manifest),
            f"{period}/hourly-Manifest.json": to_json(manifest),
        }

    first = assembly("5a0f7d3c-1111", focus_bytes(*OLD, gz=True))
    second = assembly("8b2e6c1d-2222", focus_bytes(*NEW, gz=True))
    return Layout(
        first, second, f"{period}/5a0f7d3c-1111/hourly-00001.csv.gz", f"{period}/8b2e6c1d-2222/hourly-00001.csv.gz"
    )


CASES: dict[str, tuple[str, Callable[[], Layout]]] = {
    "azure-export-runs": ("azure_remote", azure_runs),
    "aws-data-exports": ("s3_remote", data_exports),
    "aws-legacy-cur": ("s3_remote", legacy_cur),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_newer_delivery_replaces_the_older_one(case: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    fixture, build = CASES[case]
    remote: Remote = request.getfixturevalue(fixture)
    layout = build()
    home = tmp_path / "home"
    mirror = remote.mirror(home)
    for key, data in layout.first.items():
        remote.put(key, data)
    first = sync_cli(home, remote.base)
    assert first.exit_code == 0, first.output
    assert billed(home) == expected(OLD)
    assert layout.old_data in files_under(mirror)

    for key, data in layout.second.items():
        remote.put(key, data)
    second = sync_cli(home, remote.base)
    assert second.exit_code == 0, second.output
    assert "1 file(s) downloaded" in second.output and "1 superseded" in second.output
    assert "1 earlier copy(ies) removed" in second.output and "(1 replaced)" in second.output
    assert billed(home) == expected(NEW)
    data_files = [f for f in files_under(mirror) if not f.endswith(".json")]
    assert data_files == [layout.new_data]

    fresh = tmp_path / "fresh"
    third = sync_cli(fresh, remote.base)
    assert third.exit_code == 0, third.output
    assert "1 file(s) downloaded" in third.output and "1 superseded" in third.output
    assert layout.old_data not in files_under(remote.mirror(fresh))
    assert billed(fresh) == expected(NEW)
