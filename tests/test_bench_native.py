"""The native AWS ingest benchmark on small reports: cloudledger's totals are exact, pandas' close, docs render."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROWS = 20_000


def test_native_benchmark_measures_both_formats(tmp_path: Path) -> None:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench.native_docs import native_section, render_native_text
    from bench.native_ingest import FORMATS, measure_format

    native = {str(ROWS): {kind: measure_format(kind, ROWS, tmp_path, repeats=1) for kind in FORMATS}}
    for entry in native[str(ROWS)].values():
        assert entry["billed_exact"] and entry["pandas_billed_close"]
        assert entry["ledger_rows"] > ROWS
        assert entry["cloudledger"]["peak_rss_mb_max"] > 0
    results = {"native": native}
    assert "legacy-csv-gz" in render_native_text(results)
    section = native_section(results, "notes")
    assert f"{ROWS:,}" in section and "peak RSS < 2 GiB" in section
