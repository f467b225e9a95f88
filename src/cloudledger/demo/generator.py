"""Month-by-month generation of the demo company's provider exports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from cloudledger.demo import charges
from cloudledger.demo.anomalies import AnomalyDay, inject, record, schedule, write_csv
from cloudledger.demo.commitments import Book
from cloudledger.demo.company import DEPARTMENTS, PROVIDER_BY_KEY, PROVIDERS
from cloudledger.demo.formats import money_text
from cloudledger.demo.months import Month, months_ending
from cloudledger.demo.population import Streams
from cloudledger.demo.records import Row, to_columns
from cloudledger.demo.render import Context, physical, usage_columns
from cloudledger.demo.services import TEMPLATE_BY_KEY, TEMPLATES
from cloudledger.demo.usage import UsageRows, generate_usage
from cloudledger.demo.writers import Written, write_aws, write_azure, write_gcp

CHUNK_ROWS = 200_000
MONTHLY_GROWTH = 1.035
DELIVERY_DELAY_DAYS = {"gcp": 2, "aws": 3, "azure": 5}
RESTATEMENT_DELAY_DAYS = 40
RESTATED_TEMPLATE = "az-storage-hot"


@dataclass(frozen=True)
class Delivery:
    """The files one provider delivered for one billing period (a restatement replaces an earlier one)."""

    provider: str
    billing_period: str
    paths: list[Path]
    restatement: bool
    manifest: Path | None = None


@dataclass(frozen=True)
class DemoOutput:
    """What generate_demo wrote."""

    deliveries: list[Delivery]
    anomalies_path: Path
    departments: list[str]
    rows_written: int


@dataclass
class _Run:
    out_dir: Path
    seed: int
    months: list[Month]
    progress: Callable[[int], None] | None
    written: int = 0

    def tick(self, n: int) -> None:
        self.written += n
        if self.progress is not None:
            self.progress(self.written)


def generate(
    out_dir: Path, seed: int, rows: int, months: int, end_month: str, progress: Callable[[int], None] | None
) -> DemoOutput:
    """See cloudledger.demo.generate_demo."""
    window = months_ending(end_month, months)
    if rows < 1:
        raise ValueError("rows must be positive")
    run = _Run(Path(out_dir), seed, window, progress)
    streams = Streams(seed)
    book = Book(seed, window)
    planned = schedule(window)
    weights = MONTHLY_GROWTH ** np.arange(months)
    targets = np.diff(np.rint(np.concatenate([[0.0], np.cumsum(weights)]) / weights.sum() * rows)).astype(int)
    restate = max(0, months - 3)
    refund_month = max(1, (2 * months) // 5) if months > 1 else -1
    dated: list[tuple[date, int, Delivery]] = []
    anomaly_days: list[AnomalyDay] = []
    s3_last: dict[int, int] = {}
    ledger_rows, target_so_far, fixed = 0, 0, int(0.05 * targets[0]) + 60
    for month in window:
        target_so_far += int(targets[month.index])
        alive, untagged = streams.plan(month.index, month.days, max(1, target_so_far - ledger_rows - fixed))
        fixed = 0
        for provider in (p.key for p in PROVIDERS):
            usage = generate_usage(streams, alive, untagged, provider, month, seed)
            accounts = streams.numeric("account")
            spikes = [
                (item, inject(usage, accounts, item, month))
                for item in planned
                if item.month == month.index and item.spec.provider == provider
            ]
            book.renew(provider, month, usage)
            extra = book.allocate(provider, month, usage)
            for item, hit in spikes:
                if hit is not None:
                    anomaly_days.extend(record(usage, accounts, item, month, hit[0], hit[1]))
            totals = charges.month_totals(usage, accounts, extra, provider)
            if provider == "aws":
                extra += charges.support_rows(month, totals)
                if month.index == refund_month:
                    extra += charges.refund_rows(month, window[month.index - 1], s3_last)
                s3_last = totals.service(TEMPLATE_BY_KEY["aws-s3-standard"].service)
            extra += charges.credit_rows(provider, month, months, totals)
            extra += charges.tax_rows(provider, month, charges.month_totals(usage, accounts, extra, provider))
            ctx = Context(provider, month, streams, book.held)
            written = _deliver(run, ctx, usage, extra, 0)
            ledger_rows += written.rows
            fixed += len(extra)
            dated.append(_dated(provider, month, written, False))
            if provider == "azure" and month.index == restate:
                fixed_rows = _restated(usage)
                fixed_extra = extra + charges.sla_credit_rows(month, totals)
                dated.append(_dated(provider, month, _deliver(run, ctx, fixed_rows, fixed_extra, 1), True))
    anomalies_path = run.out_dir / "anomalies.csv"
    write_csv(anomalies_path, anomaly_days, money_text)
    dated.sort(key=lambda d: (d[0], d[1]))
    return DemoOutput([d[2] for d in dated], anomalies_path, [d.name for d in DEPARTMENTS], run.written)


def _restated(usage: UsageRows) -> UsageRows:
    """The re-delivered month: the provider corrected a storage meter 3 % down."""
    fixed = usage.copy()
    mask = fixed.template == TEMPLATES.index(TEMPLATE_BY_KEY[RESTATED_TEMPLATE])
    fixed.qty[mask] = np.maximum(1, fixed.qty[mask] * 97 // 100)
    fixed.reprice(mask)
    return fixed


def _dated(provider: str, month: Month, written: Written, restatement: bool) -> tuple[date, int, Delivery]:
    delay = RESTATEMENT_DELAY_DAYS if restatement else DELIVERY_DELAY_DAYS[provider]
    order = [p.key for p in PROVIDERS].index(provider)
    delivery = Delivery(provider, month.label, written.paths, restatement, written.manifest)
    return month.end + timedelta(days=delay), order, delivery


def _deliver(run: _Run, ctx: Context, usage: UsageRows, extra: list[Row], attempt: int) -> Written:
    version = PROVIDER_BY_KEY[ctx.provider].focus_version
    binary = ctx.provider == "aws"
    tables = _tables(ctx, usage, extra, version, binary)
    if ctx.provider == "aws":
        return write_aws(run.out_dir, ctx.month, tables, run.seed, run.tick)
    if ctx.provider == "gcp":
        return write_gcp(run.out_dir, ctx.month, tables, run.tick)
    return write_azure(run.out_dir, ctx.month, tables, run.seed, attempt, run.tick)


def _tables(
    ctx: Context, usage: UsageRows, extra: list[Row], version: str, binary: bool
) -> Iterator[pa.Table]:
    tags = ctx.streams.tag_arrays()
    for start in range(0, len(usage), CHUNK_ROWS):
        part = usage.slice(start, min(len(usage), start + CHUNK_ROWS))
        yield physical(usage_columns(part, ctx), ctx.provider, version, tags, binary)
    if extra:
        yield physical(to_columns(extra), ctx.provider, version, tags, binary)
