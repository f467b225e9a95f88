"""`cloudledger demo`: generate the demo company's exports in every format, deliver them, ingest, reconcile."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from rich.console import Console

from cloudledger.analyses.explorer import CostQuery, run_costs
from cloudledger.analyses.reconcile import reconcile_home
from cloudledger.cli_demo_policy import install_demo_policy, show_chargeback
from cloudledger.demo import DemoOutput, generate_demo
from cloudledger.demo.plan import native_plan
from cloudledger.demo.publish import Published, publish
from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger
from cloudledger.progress import progress_bar
from cloudledger.render import render_rows
from cloudledger.sources.files import BillingFile

MONTHS = 24
END_MONTH = "2026-10"
FORMAT_NAMES = {
    "focus": "FOCUS",
    "cur": "legacy CUR",
    "cur2": "CUR 2.0",
    "ea": "EA cost details",
    "mca": "MCA cost details",
    "bq-jsonl": "billing export (JSON)",
    "bq-parquet": "billing export (Parquet)",
}
PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "Google Cloud"}


def run_demo(home: Home, *, rows: int, seed: int, quiet: bool, console: Console) -> DemoOutput:
    home.ensure()
    exports = home.root / "demo-exports"
    for stale in (exports, home.root / "downloads"):
        if stale.exists():
            shutil.rmtree(stale)
    with progress_bar(console, quiet) as progress:
        task = progress.add_task("generate", total=rows, rows=0)
        output = generate_demo(
            exports,
            seed=seed,
            rows=rows,
            months=MONTHS,
            end_month=END_MONTH,
            plan=native_plan(MONTHS),
            progress=lambda n: progress.update(task, completed=n, rows=n),
        )
        progress.update(task, completed=rows)
        load = progress.add_task("ingest", total=None, rows=0)

        def on_file(_: BillingFile, n: int) -> None:
            done = int(progress.tasks[load].fields.get("rows", 0)) + n
            progress.update(load, completed=done, rows=done)

        published = publish(home, exports, output, on_file=on_file)
    _describe(output, published, exports, console)
    policy = install_demo_policy(home, rows=rows, months=MONTHS, end_month=END_MONTH, console=console)
    show_ledger(home, console)
    show_reconciliation(home, console)
    show_chargeback(home, policy, END_MONTH, console)
    console.print(f"Injected anomalies are listed in {output.anomalies_path}", highlight=False)
    return output


def _describe(output: DemoOutput, published: Published, exports: Path, console: Console) -> None:
    by_provider: dict[str, list[str]] = {}
    for d in output.deliveries:
        names = by_provider.setdefault(PROVIDER_NAMES.get(d.provider, d.provider), [])
        if FORMAT_NAMES.get(d.format, d.format) not in names:
            names.append(FORMAT_NAMES.get(d.format, d.format))
    shown = "; ".join(f"{provider}: {', '.join(names)}" for provider, names in sorted(by_provider.items()))
    landed = sum(s.status == "landed" for s in published.ingests)
    console.print(
        f"Generated {output.rows_written:,} billing rows for {len(output.departments)} departments as "
        f"{len(output.deliveries)} provider deliveries under {exports} ({shown}); {landed} ingest(s) landed.",
        highlight=False,
    )
    if published.urls:
        console.print(
            "Delivered through local storage emulators and pulled with sync: " + ", ".join(published.urls),
            highlight=False,
        )
    if published.via_folder:
        console.print(
            f"Read from the export folder (no storage emulator installed): {', '.join(published.via_folder)}",
            highlight=False,
        )
    for d in (d for d in output.deliveries if d.restatement):
        console.print(
            f"{PROVIDER_NAMES.get(d.provider, d.provider)} re-delivered {d.billing_period} "
            f"({FORMAT_NAMES.get(d.format, d.format)}): "
            "the restatement replaced the first delivery.",
            highlight=False,
        )


def show_reconciliation(home: Home, console: Console) -> None:
    """The reconciliation summary: the ledger against every native file and format it came from."""
    report = reconcile_home(home)
    checks = len(report.checks)
    if report.ok:
        console.print(
            f"Reconciled: {checks:,} checks (ledger = each file's own cost columns, = the ingest records, "
            "and each format = the other where a month was delivered twice) agree to the cent.",
            highlight=False,
        )
    else:
        console.print(
            f"[red]{len(report.differences)} of {checks:,} reconciliation checks differ[/]: "
            "run `cloudledger reconcile` for the list."
        )


def show_ledger(home: Home, console: Console) -> None:
    """A short picture of what the ledger holds."""
    view = open_ledger(home)
    try:
        t = view.table
        stats = view.con.to_pyarrow(
            t.aggregate(
                rows=t.count(),
                first=t.ChargePeriodStart.min(),
                last=t.ChargePeriodEnd.max(),
                periods=t.x_billing_period.nunique(),
                accounts=t.BillingAccountId.nunique(),
                services=t.ServiceName.nunique(),
            )
        ).to_pylist()[0]
        console.print(
            f"Ledger version {view.snapshot.version}: {stats['rows']:,} rows, "
            f"{stats['periods']} billing periods "
            f"({stats['first']:%Y-%m-%d} to {stats['last']:%Y-%m-%d}), {stats['accounts']} billing accounts, "
            f"{stats['services']} services.",
            highlight=False,
        )
        by_provider = run_costs(view.con, t, CostQuery(group_by=("ProviderName",), metric="EffectiveCost"))
        by_service = run_costs(view.con, t, CostQuery(group_by=("ServiceName",), metric="EffectiveCost", limit=10))
    finally:
        view.close()
    for result, title in ((by_provider, "Effective cost by provider"), (by_service, "Top 10 services")):
        rows: list[dict[str, Any]] = list(result.rows)
        render_rows(console, result.columns, rows, "table", money_columns=(result.metric,), title=title)
