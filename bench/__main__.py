"""`python -m bench [--rows 1000000,10000000] [--write-docs]`: measure cloudledger, print and save results."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.allocation import run_allocation
from bench.allocation_report import render_allocation_text
from bench.control import control_markdown, run_control, write_control_docs
from bench.dashboard import dashboard_markdown, run_dashboard
from bench.native_docs import render_native_text, run_native
from bench.native_ingest import FORMATS
from bench.report import DOCS_PATH, render_text, write_docs
from bench.run import Options, run

DEFAULT_OUT = Path(__file__).resolve().parent / "out"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--rows takes row counts separated by commas, not {text!r}") from exc
    if not sizes or min(sizes) < 1000:
        raise argparse.ArgumentTypeError("--rows needs sizes of at least 1000 rows")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=_sizes, default=[1_000_000, 10_000_000], help="row counts, e.g. 200000,1000000")
    parser.add_argument("--repeats", type=int, default=5, help="timed warm runs per measurement (median)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="data cache and results.json")
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS_PATH} from the results")
    parser.add_argument("--docs-only", action="store_true", help="only rewrite the docs from results.json")
    parser.add_argument("--no-cli", action="store_true", help="skip the `cloudledger costs` subprocess timing")
    parser.add_argument(
        "--in-process", action="store_true", help="measure in this process (faster; peak memory is mixed)"
    )
    parser.add_argument("--max-rss-gib", type=float, default=14.0, help="stop a measurement that grows past this (GiB)")
    parser.add_argument("--native-rows", type=_sizes, default=[1_000_000], help="rows of the native AWS reports")
    parser.add_argument("--native-formats", default=",".join(FORMATS), help=f"native formats: {', '.join(FORMATS)}")
    parser.add_argument("--no-native", action="store_true", help="skip the native AWS ingest benchmark")
    parser.add_argument("--native-only", action="store_true", help="only the native AWS ingest benchmark")
    parser.add_argument("--allocation", action="store_true", help="only the allocation and chargeback benchmark")
    parser.add_argument("--no-allocation", action="store_true", help="skip the allocation and chargeback benchmark")
    parser.add_argument("--dashboard", action="store_true", help="only the dashboard API benchmark (demo company)")
    parser.add_argument("--dashboard-home", type=Path, help="an existing demo home for --dashboard")
    parser.add_argument("--control", action="store_true", help="only forecasts and anomalies at scale (synthetic)")
    parser.add_argument("--series", type=int, default=2000, help="series of --control")
    parser.add_argument("--days", type=int, default=730, help="days per series of --control")
    args = parser.parse_args(argv)
    if args.control:
        results = run_control(args.series, args.days, args.out)
        print(control_markdown(results["control"]))
        if args.write_docs:
            write_control_docs(results)
            print(f"wrote {DOCS_PATH}", file=sys.stderr)
        return 0
    results_path = args.out / "results.json"
    if args.docs_only:
        results = json.loads(results_path.read_text())
    else:
        options = Options(
            out=args.out,
            repeats=args.repeats,
            isolate=not args.in_process,
            cli=not args.no_cli,
            max_rss_gib=args.max_rss_gib,
        )
        if args.dashboard:
            for rows in args.rows:
                results = run_dashboard(rows, options, args.dashboard_home)
                size = max(results["dashboard"], key=int)
                print(dashboard_markdown(results["dashboard"][size]))
        elif args.allocation:
            results = run_allocation(args.rows, options)
            print(render_allocation_text(results))
        else:
            results = {} if args.native_only else run(args.rows, options)
            if not args.no_native:
                formats = [f for f in args.native_formats.split(",") if f]
                results = run_native(args.native_rows, formats, options)
                print(render_native_text(results))
            if not args.native_only:
                print(render_text(results, [str(r) for r in args.rows]))
            if not (args.native_only or args.no_allocation):
                results = run_allocation(args.rows, options)
                print(render_allocation_text(results))
        print(f"results: {results_path}", file=sys.stderr)
    if args.write_docs or args.docs_only:
        write_docs(results)
        print(f"wrote {DOCS_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
