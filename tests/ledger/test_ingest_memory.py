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
    """Doubling the file barely moves the peak (it streams), while reading it whole grows with the file."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench.cur_data import write_legacy_csv

    small = write_legacy_csv(tmp_path / "small" / "cur.csv", ROWS)
    large = write_legacy_csv(tmp_path / "large" / "cur.csv", 2 * ROWS)
    assert small.bytes > 280_000_000
    grown_mb = (large.bytes - small.bytes) / 2**20
    streamed = [_peak(r.path, tmp_path / "home", read_only=True) for r in (small, large)]
    whole = [_peak(r.path, tmp_path / "home", whole=True) for r in (small, large)]
    ingested = _peak(large.path, tmp_path / "home-large")
    assert ingested["rows"] == streamed[1]["rows"] == whole[1]["rows"] > 2 * ROWS
    assert whole[1]["peak_mb"] - whole[0]["peak_mb"] > 0.8 * grown_mb, whole
    assert streamed[1]["peak_mb"] - streamed[0]["peak_mb"] < 0.25 * grown_mb, streamed
    assert ingested["peak_mb"] < whole[1]["peak_mb"], (ingested, whole)
    assert ingested["peak_mb"] < 1400, ingested
