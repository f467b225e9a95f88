"""`cloudledger watch` given a bucket URL: each round syncs the bucket's new deliveries into the home's mirror and
ingests them; a round with nothing new downloads and ingests nothing; an empty prefix is not an error."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cloudledger.cli import app
from connectors.conftest import S3Remote
from connectors.payloads import billed, expected, focus_bytes

JAN = ("111111111111", "2025-01", ["10.25", "3.5"])
FEB = ("222222222222", "2025-02", ["7", "0.125"])
MAR = ("333333333333", "2025-03", ["1.5"])
runner = CliRunner()


def watch_once(home: Path, *sources: str) -> str:
    result = runner.invoke(app, ["watch", *sources, "--once", "--home", str(home)])
    assert result.exit_code == 0, result.output
    return result.output


def test_watch_syncs_a_bucket_then_ingests_it(s3_remote: S3Remote, tmp_path: Path) -> None:
    home = tmp_path / "home"
    url = f"{s3_remote.base}/exports/"
    empty = watch_once(home, url)
    assert "downloaded: 0" in empty and "nothing to ingest yet" in empty

    s3_remote.put("exports/focus/2025-01/focus.csv", focus_bytes(*JAN))
    first = watch_once(home, url)
    assert "downloaded: 1" in first and "ingest: landed" in first
    assert billed(home) == expected(JAN)

    s3_remote.put("exports/focus/2025-02/focus.csv", focus_bytes(*FEB))
    local = tmp_path / "local" / "focus.csv"
    local.parent.mkdir()
    local.write_bytes(focus_bytes(*MAR))
    second = watch_once(home, url, str(local))  # a bucket and a local export in one round
    assert "downloaded: 1" in second and "ingest: landed" in second
    assert billed(home) == expected(JAN, FEB, MAR)

    third = watch_once(home, url, str(local))
    assert "downloaded: 0" in third and "ingest: unchanged" in third
