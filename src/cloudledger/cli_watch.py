"""`cloudledger watch`: keep the ledger and its alerts current. Each round syncs the storage URLs given (only new
or changed deliveries are downloaded) and ingests them and the local exports given (files already read are
skipped), then checks the budgets' thresholds and looks for cost anomalies in the recent days,
and sends what is new to the channels of `notifications:`; `--once` runs one round (for cron or a systemd
timer)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cloudledger.cli_options import ConfigOption, HomeOption, console, home_of
from cloudledger.home import Home

RECENT_DAYS = 7
"""Anomalies ending within this many days of the ledger's last charge day are sent (older ones were news before)."""


def watch(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE...",
            help="Billing files or folders, or storage URLs (s3://, azure://, gs://) to sync, each round.",
        ),
    ],
    every: Annotated[int, typer.Option("--every", min=10, metavar="SECONDS", help="Seconds between rounds.")] = 900,
    once: Annotated[bool, typer.Option("--once", help="Run one round and stop (for cron or a systemd timer).")] = False,
    home: HomeOption = None,
    config: ConfigOption = None,
) -> None:
    """Sync and ingest new exports, then check budgets and anomalies and send new alerts, every --every seconds.

    Example: cloudledger watch s3://acme-billing/cur2/ ~/exports/gcp/ --every 3600
    """
    out = console()
    while True:
        watch_round(home_of(home), sources, config, out)
        if once:
            return
        time.sleep(every)


def watch_round(home: Home, sources: list[str], config: Path | None, out: Console) -> dict[str, Any]:
    """One round: sync, ingest, budget alerts, anomalies; what it did (also printed as one line)."""
    from cloudledger.cli_alerts import deliver, evaluate
    from cloudledger.cli_ingest import run_ingest
    from cloudledger.ledger.alert_store import open_alerts

    paths, downloaded = synced_paths(home, sources)
    quiet = Console(quiet=True)
    ingest = (
        run_ingest(home, paths, force=False, quiet=True, fmt="table", console=quiet, config=config) if paths else None
    )
    new: list[Any] = []
    sent: dict[str, Any] = {}
    anomalies = 0
    if home.ledger_path.exists():  # nothing to check before the first export lands
        store = open_alerts(home)
        try:
            found, settings = evaluate(home, config)
            new = store.record(found)
            sent = deliver(new, settings, store.engine) if settings is not None else {}
            anomalies = send_anomalies(home, config, settings, store.engine)
        finally:
            store.dispose()
    done = {
        **({"downloaded": downloaded} if downloaded is not None else {}),
        "ingest": ingest.status if ingest is not None else "nothing to ingest yet",
        "rows": ingest.rows if ingest is not None else 0,
        "budget alerts": len(new),
        "budget alerts sent": len(sent),
        "anomalies sent": anomalies,
    }
    out.print(", ".join(f"{key}: {value}" for key, value in done.items()), highlight=False)
    return done


def synced_paths(home: Home, sources: list[str]) -> tuple[list[Path], int | None]:
    """The local paths to ingest: each storage URL synced into the home's mirror first (its folder, once it holds
    billing files), other sources as given; and the number of files downloaded (None without a storage URL)."""
    from cloudledger.cli_sync import holds_billing_files
    from cloudledger.connectors.sync import sync

    paths: list[Path] = []
    downloaded: int | None = None
    for source in sources:
        if "://" not in source or source.lower().startswith("file://"):
            paths.append(Path(source.removeprefix("file://")))
            continue
        result = sync(home, source)
        downloaded = (downloaded or 0) + len(result.fetch)
        if holds_billing_files(result.folder):
            paths.append(result.folder)
    return paths, downloaded


def send_anomalies(home: Home, config: Path | None, settings: Any, engine: Any) -> int:
    """Send the anomalies of the last RECENT_DAYS days to their channels (`notifications.anomalies` and the
    owners' `notify:`); each one once (an anomaly that goes on keeps its first day, so its key), the whole bill's
    only when no narrower anomaly explains it. An anomaly marked as expected is not sent. The number of anomalies
    some channel received now."""
    from cloudledger.analyses.anomalies_model import ALL
    from cloudledger.notify import SqlOutbox, send
    from cloudledger.notify.routing import anomaly_channels, channels

    if settings is None or not settings.notifications.channels:
        return 0
    found = recent_anomalies(home, config)
    outbox, count = SqlOutbox(engine), 0
    narrow = [a for a in found if a.scope.provider != ALL]
    for anomaly in found:
        overlapped = any(n.start <= anomaly.end and anomaly.start <= n.end for n in narrow)
        if anomaly.scope.provider == ALL and overlapped:
            continue  # the whole bill's rise is the narrower anomaly's, already sent
        targets = channels(settings, anomaly_channels(settings, anomaly))
        if targets:
            deliveries = send(anomaly_message(anomaly, settings.notifications.link), targets, outbox=outbox)
            count += any(d.status == "delivered" for d in deliveries)
    return count


def recent_anomalies(home: Home, config: Path | None) -> list[Any]:
    """The anomalies ending in the last RECENT_DAYS days of the ledger that nobody marked as expected, each with
    its root causes and owners (`analyses.anomaly_owners.explain`)."""
    from cloudledger.analyses.anomaly_owners import explained_anomalies
    from cloudledger.cli_policy import policy_context
    from cloudledger.ledger.anomaly_feedback import read_expected

    with policy_context(home, config, None) as context:
        view = context.view
        last = view.daily.ChargePeriodStart.max().to_pyarrow().as_py()
        if last is None:
            return []
        since = last.date() - timedelta(days=RECENT_DAYS)
        return explained_anomalies(
            view.daily, view.table, context.config, since=since, metrics=context.metrics, skip=read_expected(home)
        )


def anomaly_message(anomaly: Any, link: str | None) -> Any:
    """The alert of an anomaly: what rose, by how much, the top cause and owner, and the anomaly's page."""
    from cloudledger.analyses.anomalies_model import ALL
    from cloudledger.analyses.anomaly_owners import owner
    from cloudledger.notify import anomaly_alert

    parts = (anomaly.scope.provider, anomaly.scope.service, anomaly.scope.sub_account)
    scope = " / ".join(p for p in parts if p and p != ALL) or "the whole bill"
    cause = anomaly.top_cause()
    reasons = [f"{cause.dimension} {cause.value}: {cause.share:.0%} of the rise"] if cause is not None else []
    for level in ("department", "team"):
        name = owner(anomaly, level)
        share = next((c.share for c in anomaly.causes if c.dimension == level and c.value == name), None)
        if name is not None and share is not None:
            reasons.append(f"{level} {name}: {share:.0%} of the rise")
    return anomaly_alert(
        scope,
        anomaly.start.isoformat(),
        anomaly.actual,
        anomaly.expected,
        anomaly.currency,
        reasons=tuple(reasons),
        link=f"{link.rstrip('/')}/anomalies/{anomaly.id}" if link else None,
    )
