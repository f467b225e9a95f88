"""Anomaly detection against a demo's labelled incidents: `python -m bench.anomaly_accuracy HOME [HOME ...]`.

The demo (`cloudledger demo`) lists the incidents it injected in `demo-exports/anomalies.csv`; consecutive labelled
days of one provider, service and sub account are one incident. A detected anomaly (the whole-bill series left
out: it names no service) is right when it overlaps an incident of its provider, service and sub account.
Precision = right detections / detections, recall = incidents found / incidents. Prints both, every false
detection (series, days, expected, actual, score) and every missed incident. Then, for each incident, detection is
replayed on the series cut after the incident's first day, as the first run after that day's ingest sees them:
"first-day recall" = incidents whose first day is then flagged.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from cloudledger.analyses.anomalies import DailySeries, detect, usage_series
from cloudledger.analyses.anomalies_model import Anomaly
from cloudledger.analyses.summary import on_rollup
from cloudledger.home import Home
from cloudledger.ledger.read import open_ledger

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Incident:
    """Consecutive labelled days of one provider, service and sub account."""

    key: Key
    start: date
    end: date
    kind: str


@dataclass(frozen=True)
class Accuracy:
    detected: list[Anomaly]
    false: list[Anomaly]
    missed: list[Incident]
    incidents: int

    @property
    def precision(self) -> float:
        return (len(self.detected) - len(self.false)) / max(len(self.detected), 1)

    @property
    def recall(self) -> float:
        return (self.incidents - len(self.missed)) / max(self.incidents, 1)


def labelled(path: Path) -> list[Incident]:
    """The demo's anomalies.csv, consecutive days of one provider, service and sub account grouped."""
    by_scope: dict[Key, list[tuple[date, str]]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            key = (line["provider"], line["service"], line["sub_account"])
            by_scope.setdefault(key, []).append((date.fromisoformat(line["date"]), line["kind"]))
    out = []
    for key, days in by_scope.items():
        days.sort()
        start = 0
        for i in range(1, len(days) + 1):
            if i == len(days) or days[i][0] != days[i - 1][0] + timedelta(days=1):
                out.append(Incident(key, days[start][0], days[i - 1][0], days[start][1]))
                start = i
    return out


def _overlaps(anomaly: Anomaly, incident: Incident) -> bool:
    scope = anomaly.scope
    return (scope.provider, scope.service, scope.sub_account) == incident.key and (
        anomaly.start <= incident.end and incident.start <= anomaly.end
    )


def accuracy(found: list[Anomaly], incidents: list[Incident]) -> Accuracy:
    """Precision and recall of `found` (whole-bill anomalies left out) against the labelled incidents."""
    detected = [a for a in found if not a.scope.is_total]
    false = [a for a in detected if not any(_overlaps(a, i) for i in incidents)]
    missed = [i for i in incidents if not any(_overlaps(a, i) for a in detected)]
    return Accuracy(detected, false, missed, len(incidents))


def cut(series: Sequence[DailySeries], end: date) -> list[DailySeries]:
    """The series as they stood with `end` the ledger's newest day."""
    return [replace(s, amounts=s.amounts[: (end - s.start).days + 1]) for s in series if s.start <= end]


def first_day_found(series: Sequence[DailySeries], incidents: list[Incident]) -> list[Incident]:
    """The incidents whose first day is flagged when it is the newest day of the ledger."""
    out = []
    for incident in incidents:
        found = detect(cut(series, incident.start), since=incident.start)
        if any(_overlaps(a, incident) for a in found if not a.scope.is_total):
            out.append(incident)
    return out


def measure(home_dir: Path) -> Accuracy:
    """Detect on a demo home (root causes left out: they do not change what is found) and score against its
    labels."""
    home = Home(home_dir)
    view = open_ledger(home)
    try:
        started = time.perf_counter()
        series = on_rollup(usage_series, view.daily, view.ledger)
        found = detect(series)
        seconds = time.perf_counter() - started
    finally:
        view.close()
    incidents = labelled(home.root / "demo-exports" / "anomalies.csv")
    result = accuracy(found, incidents)
    first_day = first_day_found(series, incidents)
    print(
        f"{home_dir}: detected {len(result.detected)}  precision {result.precision:.2f}  "
        f"recall {result.recall:.2f} ({result.incidents - len(result.missed)} of {result.incidents})  "
        f"first-day recall {len(first_day) / max(len(incidents), 1):.2f}  in {seconds:.1f} s"
    )
    for a in result.false:
        print(
            f"  false: {a.scope} {a.start}..{a.end} ({a.days} d) expected {a.expected:,.2f} "
            f"actual {a.actual:,.2f} score {a.max_score:.1f}"
        )
    for i in result.missed:
        print(f"  missed: {' / '.join(i.key)} {i.start}..{i.end} {i.kind}")
    for i in incidents:
        if i not in first_day:
            print(f"  not flagged on its first day: {' / '.join(i.key)} {i.start} {i.kind}")
    return result


def main(homes: list[str]) -> None:
    for home in homes:
        measure(Path(home))


if __name__ == "__main__":
    main(sys.argv[1:])
