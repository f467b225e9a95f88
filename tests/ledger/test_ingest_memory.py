"""A large CUR file streams through ingest: its peak memory stays well below what reading it whole takes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ROWS = 310_000
"""About 300 MB of legacy CUR CSV."""
PEAK = """
import json, resource, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.sources.files import expand_paths
path = Path({path!r})
if {whole}:  # the file read whole, then mapped at once
    from cloudledger.sources.aws_columns import CurTable
    from cloudledger.sources.aws_cur import LEGACY
    from cloudledger.sources.aws_read import _read_batch
    from cloudledger.sources.files import read_csv_as_text
    (file,) = expand_paths([path])
    cur = CurTable.from_raw(read_csv_as_text(file, file.header), str(path), file.header)
    rows = _read_batch(cur, LEGACY, "aws-cur", None, 1).table.num_rows
elif {read_only}:  # the source's batches, as ingest reads them
    from cloudledger.sources import detect_source
    (file,) = expand_paths([path])
    rows = sum(batch.table.num_rows for batch in detect_source(file).read(file))
else:
    rows = ingest(Home(Path({home!r})).ensure(), [path]).rows
print(json.dumps({{"rows": rows, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _peak(path: Path, home: Path, whole: bool = False, read_only: bool = False) -> dict[str, float]:
    code = PEAK.format(repo=str(REPO), path=str(path), home=str(home), whole=whole, read_only=read_only)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=900)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_a_large_csv_streams_in_bounded_memory(tmp_path: Path) -> None:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench.cur_data import write_legacy_csv

    report = write_legacy_csv(tmp_path / "cur.csv", ROWS)
    assert report.bytes > 280_000_000
    ingested = _peak(report.path, tmp_path / "home")
    streamed = _peak(report.path, tmp_path / "home", read_only=True)
    whole = _peak(report.path, tmp_path / "home", whole=True)
    assert ingested["rows"] == streamed["rows"] == whole["rows"] > ROWS
    assert streamed["peak_mb"] < 0.5 * whole["peak_mb"], (streamed, whole)
    assert ingested["peak_mb"] < 0.9 * whole["peak_mb"], (ingested, whole)
    assert ingested["peak_mb"] < 1400, ingested
