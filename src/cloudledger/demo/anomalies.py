"""Injected cost anomalies: a few days of much higher usage of one service in one sub account.

Each anomaly is recorded per day with the cost the day would have had without it (expected_daily_cost) and
the cost it added (injected_extra_cost), both EffectiveCost summed over the Usage rows of that service, sub
account and day; their sum is exactly what the files hold for that day.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cloudledger.demo.company import PROVIDER_BY_KEY, SUB_ACCOUNTS
from cloudledger.demo.months import Month
from cloudledger.demo.services import TEMPLATE_BY_KEY, TEMPLATES
from cloudledger.demo.usage import Spike, UsageRows, apply_spike

CSV_HEADER = (
    "date",
    "provider",
    "service",
    "department",
    "sub_account",
    "expected_daily_cost",
    "injected_extra_cost",
    "kind",
    "description",
)


@dataclass(frozen=True)
class AnomalySpec:
    """An incident to inject: where in the window, on which service and department, how strong."""

    kind: str
    provider: str
    templates: tuple[str, ...]
    department: str
    position: float
    """Where the incident starts, as a fraction of the window's days."""
    days: int
    factor: float
    description: str
    weekday: int | None = None
    """Start on this day of the week (0 = Monday), if set."""


ANOMALIES: tuple[AnomalySpec, ...] = (
    AnomalySpec(
        "runaway_training_job",
        "aws",
        ("aws-sagemaker-train",),
        "Data Science",
        0.30,
        4,
        6.0,
        "A distributed training job was relaunched in a loop after a checkpoint bug",
    ),
    AnomalySpec(
        "full_table_scans",
        "gcp",
        ("gcp-bq-analysis",),
        "Marketing",
        0.42,
        3,
        8.0,
        "A dashboard refreshed every minute with SELECT * over the events table",
    ),
    AnomalySpec(
        "egress_spike",
        "aws",
        ("aws-datatransfer-out",),
        "Engineering",
        0.52,
        3,
        5.0,
        "A misrouted backup copied data to another cloud over the internet",
    ),
    AnomalySpec(
        "debug_logging",
        "aws",
        ("aws-cloudwatch-logs",),
        "Operations",
        0.61,
        5,
        4.0,
        "DEBUG log level left on after an incident",
    ),
    AnomalySpec(
        "prompt_loop",
        "azure",
        ("az-openai-in", "az-openai-out"),
        "Customer Experience",
        0.70,
        2,
        10.0,
        "A chatbot retry loop re-sent whole conversations to the model",
    ),
    AnomalySpec(
        "idle_cluster",
        "azure",
        ("az-databricks",),
        "Data Science",
        0.80,
        3,
        4.0,
        "An all-purpose cluster was left running over a weekend",
        weekday=4,
    ),
    AnomalySpec(
        "recursive_lambda",
        "aws",
        ("aws-lambda",),
        "Engineering",
        0.90,
        2,
        20.0,
        "A Lambda function triggered itself through an S3 event",
    ),
)


@dataclass(frozen=True)
class Scheduled:
    """An anomaly placed on a month and its first day."""

    spec: AnomalySpec
    month: int
    first_day: int


@dataclass(frozen=True)
class AnomalyDay:
    """One row of the anomalies CSV (money in 1e-10)."""

    date: str
    provider: str
    service: str
    department: str
    sub_account: str
    expected: int
    extra: int
    kind: str
    description: str


def schedule(months: list[Month]) -> list[Scheduled]:
    """Place every anomaly inside one month of the window (shifted earlier to fit its days)."""
    total = sum(m.days for m in months)
    out = []
    for spec in ANOMALIES:
        day = int(spec.position * total)
        for m in months:
            if day < m.days:
                out.append(Scheduled(spec, m.index, _first_day(spec, m, day)))
                break
            day -= m.days
    return out


def _first_day(spec: AnomalySpec, month: Month, day: int) -> int:
    day = max(0, min(day, month.days - spec.days))
    if spec.weekday is not None:
        day -= (month.start.weekday() + day - spec.weekday) % 7
        if day < 0:
            day += 7
    return day


def inject(rows: UsageRows, accounts: np.ndarray, item: Scheduled, month: Month) -> tuple[np.ndarray, int] | None:
    """Apply one anomaly to the month's rows; return (extra cost per day, chosen sub account) or None."""
    spec = item.spec
    t_idx = [TEMPLATES.index(TEMPLATE_BY_KEY[k]) for k in spec.templates]
    candidates = np.isin(rows.template, t_idx) & ~rows.monthly
    if not candidates.any():
        return None
    acct = accounts[rows.stream[candidates]]
    uniq, counts = np.unique(acct, return_counts=True)
    preferred = [SUB_ACCOUNTS[a].department == spec.department for a in uniq]
    pick = max(range(len(uniq)), key=lambda i: (preferred[i], counts[i], -uniq[i]))
    account = int(uniq[pick])
    affected = candidates & (accounts[rows.stream] == account)
    service = TEMPLATES[t_idx[0]].service
    aff_day = _per_day(rows, affected, rows.contracted_cost, month.days)
    all_day = _per_day(rows, _service_rows(rows, accounts, service, account), rows.contracted_cost, month.days)
    typical = float(np.median(all_day[all_day > 0])) if (all_day > 0).any() else 0.0
    days = range(item.first_day, item.first_day + spec.days)
    # Each day: at least `factor` x the affected rows, and the day's total at least `factor` x a typical day.
    factors = np.array(
        [
            max(spec.factor, 1.0 + (spec.factor * typical - all_day[d]) / aff_day[d]) if aff_day[d] > 0 else 1.0
            for d in days
        ]
    )
    before = rows.contracted_cost.copy()
    spike = Spike(np.unique(rows.stream[affected]), item.first_day, factors)
    changed = apply_spike(rows, spike)
    extra = _per_day(rows, changed, rows.contracted_cost - before, month.days)
    return extra, account


def record(
    rows: UsageRows, accounts: np.ndarray, item: Scheduled, month: Month, extra: np.ndarray, account: int
) -> list[AnomalyDay]:
    """The CSV rows of one injected anomaly, computed after commitments were applied."""
    spec = item.spec
    service = TEMPLATE_BY_KEY[spec.templates[0]].service
    effective = _per_day(rows, _service_rows(rows, accounts, service, account), rows.effective, month.days)
    sub = SUB_ACCOUNTS[account]
    out = []
    for d in range(item.first_day, item.first_day + spec.days):
        out.append(
            AnomalyDay(
                month.day(d).isoformat(),
                PROVIDER_BY_KEY[spec.provider].provider_name,
                service,
                sub.department,
                sub.id,
                int(effective[d] - extra[d]),
                int(extra[d]),
                spec.kind,
                spec.description,
            )
        )
    return out


def _service_rows(rows: UsageRows, accounts: np.ndarray, service: str, account: int) -> np.ndarray:
    t_idx = [i for i, t in enumerate(TEMPLATES) if t.service == service]
    mask: np.ndarray = np.isin(rows.template, t_idx) & (accounts[rows.stream] == account) & ~rows.monthly
    return mask


def _per_day(rows: UsageRows, mask: np.ndarray, values: np.ndarray, days: int) -> np.ndarray:
    out = np.zeros(days, dtype=np.int64)
    np.add.at(out, rows.day[mask].astype(np.int64), values[mask])
    return out


def write_csv(path: Path, days: list[AnomalyDay], money: object) -> None:
    """Write the anomalies CSV; `money` formats 1e-10 counts as decimal text."""
    assert callable(money)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for a in sorted(days, key=lambda a: (a.date, a.provider, a.service)):
            w.writerow(
                [
                    a.date,
                    a.provider,
                    a.service,
                    a.department,
                    a.sub_account,
                    money(a.expected),
                    money(a.extra),
                    a.kind,
                    a.description,
                ]
            )
