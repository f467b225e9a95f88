"""Anomaly detection and root cause on ledgers whose anomalies are known: synthetic weekly-seasonal series, and the
demo company's injected incidents (precision and recall)."""

from __future__ import annotations

import csv
import statistics
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from cloudledger.analyses.anomalies import anomalies
from cloudledger.analyses.anomalies_model import Anomaly, Thresholds
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from focus_rows import day_row as row
from focus_rows import write_focus_csv

FIRST = date(2025, 1, 1)
LAST = date(2025, 4, 30)
WEEKDAY = Decimal("100.25")
WEEKEND = Decimal("40.50")
OTHER = Decimal("500")
"""A second, steady service: the total's relative change stays small."""


def base_cost(day: date, scale: Decimal = Decimal(1)) -> Decimal:
    return (WEEKEND if day.weekday() >= 5 else WEEKDAY) * scale


def days() -> list[date]:
    return [FIRST + timedelta(days=d) for d in range((LAST - FIRST).days + 1)]


def find(tmp_path: Path, spikes: dict[date, Decimal], scale: Decimal = Decimal(1)) -> list[Anomaly]:
    """Anomalies of a ledger: one weekly-seasonal service (vm-1, plus vm-2 on the spike days) and a steady one."""
    rows = []
    for day in days():
        rows.append(row(day, base_cost(day, scale)))
        rows.append(row(day, OTHER, ServiceName="Object Storage", ResourceId="bucket-1", SkuId="SKU9"))
        if day in spikes:
            rows.append(row(day, spikes[day], ResourceId="vm-2", SkuId="SKU2"))
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_focus_csv(tmp_path / "focus.csv", rows)])
    view = open_ledger(home)
    try:
        return anomalies(view.daily, view.table)
    finally:
        view.close()


def same_place(day: date, months_back: int) -> date:
    """The day at the same place `months_back` months earlier (day of month early on, distance to the end late)."""
    month = date(day.year + (day.month - 1 - months_back) // 12, (day.month - 1 - months_back) % 12 + 1, 1)
    length = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - month).days
    this_length = ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - day.replace(day=1)).days
    if day.day <= 14:
        return month.replace(day=min(day.day, length))
    return month.replace(day=length - (this_length - day.day))


def expected_by_hand(day: date) -> Decimal:
    weekly = statistics.median([base_cost(day - timedelta(weeks=k)) for k in range(1, 5)])
    monthly = statistics.median([base_cost(same_place(day, k)) for k in range(1, 4)])
    return max(weekly, monthly)


def test_a_three_day_spike_is_one_anomaly_explained_by_its_resource(tmp_path: Path) -> None:
    spike = [date(2025, 4, 8) + timedelta(days=d) for d in range(3)]  # Tuesday to Thursday
    extra = {day: Decimal("300.10") for day in spike}
    [anomaly] = find(tmp_path, extra)
    assert (anomaly.scope.provider, anomaly.scope.service, anomaly.scope.sub_account) == (
        "Acme Cloud",
        "Virtual Machines",
        "222222222222",
    )
    assert (anomaly.start, anomaly.end, anomaly.days, anomaly.currency) == (spike[0], spike[-1], 3, "USD")
    expected = sum((expected_by_hand(day) for day in spike), Decimal(0))
    assert anomaly.expected == expected.quantize(Decimal("0.01"))
    assert anomaly.actual == 3 * (WEEKDAY + Decimal("300.10"))
    assert anomaly.impact == anomaly.actual - anomaly.expected
    cause = anomaly.top_cause()
    assert cause is not None and (cause.dimension, cause.value) == ("ResourceId", "vm-2")
    assert cause.share == pytest.approx(1.0) and cause.deviation == Decimal("900.30")
    assert next(c.value for c in anomaly.causes if c.dimension == "usage type") == "SKU2"


def test_a_weekend_dip_is_the_weekly_season_not_an_anomaly(tmp_path: Path) -> None:
    # Mondays are 150 % above the Sundays before them: expected by the weekly season.
    assert find(tmp_path, {}) == []


def test_a_spike_below_the_money_minimum_is_not_flagged(tmp_path: Path) -> None:
    small = Decimal("0.2")  # a day costs 20.05, the spike adds 45: +224 %, but under 50 in money
    assert Thresholds().min_impact == 50
    assert find(tmp_path, {date(2025, 4, 9): Decimal("45")}, scale=small) == []


def test_a_spike_on_the_newest_day_is_flagged(tmp_path: Path) -> None:
    [anomaly] = find(tmp_path, {LAST: Decimal("400")})
    assert (anomaly.start, anomaly.days) == (LAST, 1)
    assert anomaly.expected == expected_by_hand(LAST).quantize(Decimal("0.01"))
    assert anomaly.actual == base_cost(LAST) + 400


def labelled(path: Path) -> list[tuple[tuple[str, str, str], date, date]]:
    """The demo's anomalies.csv, consecutive days of one provider, service and sub account grouped."""
    by_scope: dict[tuple[str, str, str], list[date]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            key = (line["provider"], line["service"], line["sub_account"])
            by_scope.setdefault(key, []).append(date.fromisoformat(line["date"]))
    out = []
    for key, found in by_scope.items():
        found.sort()
        start = found[0]
        for previous, day in zip(found, [*found[1:], None], strict=True):
            if day != previous + timedelta(days=1):
                out.append((key, start, previous))
                start = day  # type: ignore[assignment]
    return out


def precision_recall(
    found: list[Anomaly], labels: list[tuple[tuple[str, str, str], date, date]]
) -> tuple[float, float]:
    """A detection is right when it overlaps a labelled anomaly of its provider, service and sub account."""
    detected = [a for a in found if not a.scope.is_total]

    def overlaps(a: Anomaly, label: tuple[tuple[str, str, str], date, date]) -> bool:
        key, start, end = label
        return (a.scope.provider, a.scope.service, a.scope.sub_account) == key and a.start <= end and start <= a.end

    right = sum(any(overlaps(a, label) for label in labels) for a in detected)
    found_labels = sum(any(overlaps(a, label) for a in detected) for label in labels)
    return right / max(len(detected), 1), found_labels / len(labels)


@pytest.mark.slow
def test_the_demo_incidents_are_found(tmp_path: Path) -> None:
    from cloudledger.analyses.anomalies import detect, usage_series
    from cloudledger.cli_demo import run_demo

    home = Home(tmp_path / "demo").ensure()
    run_demo(home, rows=20_000, seed=7, quiet=True, console=Console(file=open("/dev/null", "w")))  # noqa: SIM115
    labels = labelled(home.root / "demo-exports" / "anomalies.csv")
    view = open_ledger(home)
    try:
        found = anomalies(view.daily, view.table, causes=False)
        # Replayed with each incident's first day the ledger's newest, as the first run after its ingest sees it.
        first_days = [detect(usage_series(view.daily, end=start), since=start) for _, start, _ in labels]
    finally:
        view.close()
    precision, recall = precision_recall(found, labels)
    assert precision >= 0.8 and recall >= 0.8  # measured: 1.0 and 0.86 (6 of 7 incidents, no false alarm)
    on_first_day = sum(precision_recall(f, [label])[1] for f, label in zip(first_days, labels, strict=True))
    assert on_first_day / len(labels) >= 0.8  # measured: 6 of 7, the same six


def test_the_command_lists_the_anomaly_with_its_root_cause(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from cloudledger.cli import app

    rows = [row(day, base_cost(day)) for day in days()] + [row(LAST, Decimal("400"), ResourceId="vm-2")]
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_focus_csv(tmp_path / "focus.csv", rows)])
    result = CliRunner().invoke(app, ["anomalies", "--home", str(home.root), "-f", "json"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in json.loads(result.output) if line["service"] == "Virtual Machines"]
    assert (line["start"], line["days"], line["actual"]) == (LAST.isoformat(), 1, str(base_cost(LAST) + 400))
    assert line["root cause"] == "ResourceId vm-2 (100 %)"
    quiet = CliRunner().invoke(app, ["anomalies", "--home", str(home.root), "--min-impact", "500", "-f", "json"])
    assert quiet.exit_code == 0 and json.loads(quiet.output) == []
