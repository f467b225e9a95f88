"""`cloudledger demo`: generate the demo company's native FOCUS exports, ingest them, show the ledger."""

from __future__ import annotations

import shutil
from typing import Any

from rich.console import Console

from cloudledger.analyses.explorer import CostQuery, run_costs
from cloudledger.demo import DemoOutput, generate_demo
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.progress import progress_bar
from cloudledger.render import render_rows
from cloudledger.sources.files import BillingFile


def run_demo(home: Home, *, rows: int, seed: int, quiet: bool, console: Console) -> DemoOutput:
    home.ensure()
    exports = home.root / "demo-exports"
    if exports.exists():
        shutil.rmtree(exports)
    with progress_bar(console, quiet) as progress:
        task = progress.add_task("generate", total=rows, rows=0)
        output = generate_demo(
            exports, seed=seed, rows=rows, progress=lambda n: progress.update(task, completed=n, rows=n)
        )
        progress.update(task, completed=rows)
        load = progress.add_task("ingest", total=output.rows_written, rows=0)

        def on_file(_: BillingFile, n: int) -> None:
            done = int(progress.tasks[load].fields.get("rows", 0)) + n
            progress.update(load, completed=done, rows=done)

        landed = 0
        for delivery in output.deliveries:
            summary = ingest(home, delivery.paths, on_file=on_file)
            landed += summary.status == "landed"
    console.print(
        f"Generated {output.rows_written:,} billing rows for {len(output.departments)} departments as "
        f"{len(output.deliveries)} provider deliveries under {exports}; {landed} ingest(s) landed.",
        highlight=False,
    )
    restated = [d for d in output.deliveries if d.restatement]
    for d in restated:
        console.print(
            f"{d.provider} re-delivered {d.billing_period}: the restatement replaced the first delivery.",
            highlight=False,
        )
    show_ledger(home, console)
    console.print(f"Injected anomalies are listed in {output.anomalies_path}", highlight=False)
    return output


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
