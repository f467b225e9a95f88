"""Month-by-month generation of the demo company's provider exports."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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
from cloudledger.demo.native import NativeTarget, native_writer
from cloudledger.demo.population import Streams
from cloudledger.demo.records import Row, to_columns
from cloudledger.demo.render import Context, physical, usage_columns
from cloudledger.demo.services import TEMPLATE_BY_KEY, TEMPLATES
from cloudledger.demo.usage import UsageRows, generate_usage
from cloudledger.demo.writers import Written, write_aws, write_azure, write_gcp

CHUNK_ROWS = 100_000
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
    format: str = "focus"
    """Which export format the files are in (see `demo.formats_plan`)."""


FormatPlan = Callable[[str, Month], Sequence[str]]
"""(provider, month) -> the export formats written for it (each its own delivery of the same rows)."""


def focus_only(provider: str, month: Month) -> Sequence[str]:
    """Every provider delivers its FOCUS export."""
    return ("focus",)


@dataclass(frozen=True)
class DemoOutput:
    """What generate_demo wrote."""

    deliveries: list[Delivery]
    anomalies_path: Path
    departments: list[str]
    rows_written: int


class _Generator:
    """One generate_demo call: the company's state carried from month to month."""

    def __init__(
        self,
        out_dir: Path,
        seed: int,
        rows: int,
        window: list[Month],
        progress: Callable[[int], None] | None,
        plan: FormatPlan = focus_only,
    ) -> None:
        self.out_dir, self.seed, self.window, self.progress, self.plan = out_dir, seed, window, progress, plan
        self.streams = Streams(seed)
        self.book = Book(seed, window)
        self.planned = schedule(window)
        weights = MONTHLY_GROWTH ** np.arange(len(window))
        cumulative = np.rint(np.concatenate([[0.0], np.cumsum(weights)]) / weights.sum() * rows)
        self.targets = np.diff(cumulative).astype(int)
        self.restate = max(0, len(window) - 3)
        self.refund_month = max(1, (2 * len(window)) // 5) if len(window) > 1 else -1
        self.written = 0
        self.dated: list[tuple[date, int, Delivery]] = []
        self.anomaly_days: list[AnomalyDay] = []
        self.s3_last: dict[int, int] = {}

    def tick(self, n: int) -> None:
        self.written += n
        if self.progress is not None:
            self.progress(self.written)

    def run(self) -> DemoOutput:
        target, fixed, azure_share = 0, int(0.05 * self.targets[0]) + 60, 0.3
        for month in self.window:
            target += int(self.targets[month.index])
            budget = target - self.written - fixed
            if month.index == self.restate:
                budget = int(budget / (1 + azure_share))
            alive, untagged = self.streams.plan(month.index, month.days, max(1, budget))
            before = self.written
            counts = {p.key: self._provider_month(p.key, month, alive, untagged) for p in PROVIDERS}
            fixed = sum(extra for _, extra in counts.values())
            azure_share = counts["azure"][0] / max(1, self.written - before)
        path = self.out_dir / "anomalies.csv"
        write_csv(path, self.anomaly_days, money_text)
        self.dated.sort(key=lambda d: (d[0], d[1]))
        departments = [d.name for d in DEPARTMENTS]
        return DemoOutput([d[2] for d in self.dated], path, departments, self.written)

    def _provider_month(self, provider: str, month: Month, alive: np.ndarray, untagged: np.ndarray) -> tuple[int, int]:
        """Generate and write one provider's month; return (rows of its first delivery, non-usage rows)."""
        usage = generate_usage(self.streams, alive, untagged, provider, month, self.seed)
        accounts = self.streams.numeric("account")
        spikes = [
            (item, inject(usage, accounts, item, month))
            for item in self.planned
            if item.month == month.index and item.spec.provider == provider
        ]
        self.book.renew(provider, month, usage)
        extra = self.book.allocate(provider, month, usage)
        for item, hit in spikes:
            if hit is not None:
                self.anomaly_days.extend(record(usage, accounts, item, month, hit[0], hit[1]))
        totals = charges.month_totals(usage, accounts, extra, provider)
        extra += self._charges(provider, month, totals)
        extra += charges.tax_rows(provider, month, charges.month_totals(usage, accounts, extra, provider))
        ctx = Context(provider, month, self.streams, self.book.held)
        first_rows = 0
        for number, fmt in enumerate(self.plan(provider, month)):
            # Only the first format of a month counts towards the row budget: the others are the same rows.
            written, rows = self._deliver(ctx, usage, extra, 0, fmt, counted=number == 0)
            first_rows = first_rows or rows
            self.dated.append(_dated(provider, month, written, False, fmt))
            if provider == "azure" and month.index == self.restate:
                restated_extra = extra + charges.sla_credit_rows(month, totals)
                again, _ = self._deliver(ctx, _restated(usage), restated_extra, 1, fmt, counted=number == 0)
                self.dated.append(_dated(provider, month, again, True, fmt))
        return first_rows, len(extra)

    def _charges(self, provider: str, month: Month, totals: charges.MonthTotals) -> list[Row]:
        """Support fee, refund and credits of the month (taxes come after, on all of them)."""
        out: list[Row] = []
        if provider == "aws":
            out += charges.support_rows(month, totals)
            if month.index == self.refund_month:
                out += charges.refund_rows(month, self.window[month.index - 1], self.s3_last)
            self.s3_last = totals.service(TEMPLATE_BY_KEY["aws-s3-standard"].service)
        return out + charges.credit_rows(provider, month, len(self.window), totals)

    def _deliver(
        self, ctx: Context, usage: UsageRows, extra: list[Row], attempt: int, fmt: str, *, counted: bool
    ) -> tuple[Written, int]:
        """Write one delivery; return it and the number of FOCUS rows it holds."""
        rows = [0]

        def count(tables: Iterator[pa.Table]) -> Iterator[pa.Table]:
            for table in tables:
                rows[0] += len(table)
                if counted:
                    self.tick(len(table))
                yield table

        def ignore(n: int) -> None:
            pass

        if fmt != "focus":
            native = native_writer(ctx.provider, fmt)
            tables = count(_tables(ctx, usage, extra, "1.2", True))
            target = NativeTarget(self.out_dir, ctx.month, self.seed, attempt, ctx.provider)
            return native(target, tables, ignore), rows[0]
        version = PROVIDER_BY_KEY[ctx.provider].focus_version
        tables = count(_tables(ctx, usage, extra, version, ctx.provider == "aws"))
        if ctx.provider == "aws":
            return write_aws(self.out_dir, ctx.month, tables, self.seed, ignore), rows[0]
        if ctx.provider == "gcp":
            return write_gcp(self.out_dir, ctx.month, tables, ignore), rows[0]
        return write_azure(self.out_dir, ctx.month, tables, self.seed, attempt, ignore), rows[0]


def generate(
    out_dir: Path,
    seed: int,
    rows: int,
    months: int,
    end_month: str,
    progress: Callable[[int], None] | None,
    plan: FormatPlan = focus_only,
) -> DemoOutput:
    """See cloudledger.demo.generate_demo."""
    window = months_ending(end_month, months)
    if rows < 1:
        raise ValueError("rows must be positive")
    return _Generator(Path(out_dir), seed, rows, window, progress, plan).run()


def _restated(usage: UsageRows) -> UsageRows:
    """The re-delivered month: the provider corrected a storage meter 3 % down."""
    fixed = usage.copy()
    mask = fixed.template == TEMPLATES.index(TEMPLATE_BY_KEY[RESTATED_TEMPLATE])
    fixed.qty[mask] = np.maximum(1, fixed.qty[mask] * 97 // 100)
    fixed.reprice(mask)
    return fixed


def _dated(
    provider: str, month: Month, written: Written, restatement: bool, fmt: str = "focus"
) -> tuple[date, int, Delivery]:
    delay = RESTATEMENT_DELAY_DAYS if restatement else DELIVERY_DELAY_DAYS[provider]
    order = [p.key for p in PROVIDERS].index(provider)
    delivery = Delivery(provider, month.label, written.paths, restatement, written.manifest, fmt)
    return month.end + timedelta(days=delay), order, delivery


def _tables(ctx: Context, usage: UsageRows, extra: list[Row], version: str, binary: bool) -> Iterator[pa.Table]:
    tags = ctx.streams.tag_arrays()
    for start in range(0, len(usage), CHUNK_ROWS):
        part = usage.slice(start, min(len(usage), start + CHUNK_ROWS))
        yield physical(usage_columns(part, ctx), ctx.provider, version, tags, binary)
    if extra:
        yield physical(to_columns(extra), ctx.provider, version, tags, binary)
