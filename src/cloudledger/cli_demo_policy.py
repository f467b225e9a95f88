"""The demo company's policy: its cloudledger.yaml and business metrics, and the chargeback they give."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from cloudledger.home import Home


def install_demo_policy(home: Home, *, rows: int, months: int, end_month: str, console: Console) -> Path:
    """Write the demo's cloudledger.yaml into its home and load its business metrics beside the ledger."""
    from cloudledger.analyses.metrics_csv import read_metrics_csv
    from cloudledger.demo.metrics import write_demo_metrics
    from cloudledger.demo.months import months_ending
    from cloudledger.demo.policy import write_demo_policy
    from cloudledger.ledger.metrics_store import open_metrics

    policy = write_demo_policy(home.root, rows=rows, months=months, end_month=end_month)
    metrics = write_demo_metrics(home.root / "business-metrics.csv", months_ending(end_month, months))
    store = open_metrics(home)
    try:
        store.load(read_metrics_csv(metrics), str(metrics))
    finally:
        store.dispose()
    console.print(f"Policy: {policy} (try `cloudledger check --home {home.root}`); business metrics: {metrics}")
    return policy


def show_chargeback(home: Home, policy: Path, period: str, console: Console) -> None:
    """The department chargeback of the demo's last month, with budgets and the allocated share."""
    from cloudledger.analyses.chargeback import chargeback
    from cloudledger.cli_allocation import print_chargeback
    from cloudledger.cli_policy import policy_context

    with policy_context(home, policy, None) as ctx:
        report = chargeback(ctx.table, ctx.config, period, level="department", metrics=ctx.metrics)
    print_chargeback([report], "table", console)
    console.print(
        f"Chargeback by team, as a spreadsheet: cloudledger chargeback --home {home.root} --period {period} "
        f"--level team -o chargeback.xlsx",
        highlight=False,
    )
