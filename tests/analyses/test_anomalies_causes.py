"""Root cause by tag: the tag policy's keys as dimensions, every spelling of a key and its values read as one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cloudledger.analyses.anomalies import anomalies
from cloudledger.analyses.anomalies_model import Anomaly, Cause
from cloudledger.analyses.tag_values import TagResolver
from cloudledger.config.tag_policy import TagKey, TagPolicy
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from focus_rows import day_row, write_focus_csv

FIRST = date(2025, 1, 1)
LAST = date(2025, 4, 30)
SPIKE = [date(2025, 4, 8) + timedelta(days=d) for d in range(3)]
BASE = Decimal("100.25")
EXTRA = {"vm-2": Decimal("180.10"), "vm-3": Decimal("120.40")}
"""Two resources of the Marketing department on the spike days, their department key spelled differently."""
POLICY = TagPolicy(
    required=["department", "team", "environment"],
    keys={"department": TagKey(aliases=["dept"], values=["Marketing", "Finance"])},
)


def row(day: date, cost: Decimal, resource: str, tags: dict[str, str]) -> dict[str, str]:
    return day_row(day, cost, ResourceId=resource, Tags=json.dumps(tags))


def rows() -> list[dict[str, str]]:
    out = []
    for d in range((LAST - FIRST).days + 1):
        day = FIRST + timedelta(days=d)
        out.append(row(day, BASE, "vm-1", {"department": "Finance", "team": "ledger"}))
        if day in SPIKE:
            out.append(row(day, EXTRA["vm-2"], "vm-2", {"Dept": "MARKETING"}))
            out.append(row(day, EXTRA["vm-3"], "vm-3", {"department": "marketing", "team": "web"}))
    return out


def found(tmp_path: Path, with_tags: bool, keys: tuple[str, ...] | None = None) -> Anomaly:
    home = Home(tmp_path / "home").ensure()
    ingest(home, [write_focus_csv(tmp_path / "focus.csv", rows())])
    view = open_ledger(home)
    try:
        tags = TagResolver.of(view.table, POLICY) if with_tags else None
        detected = anomalies(view.daily, view.table, tags=tags, tag_keys=keys)
        [anomaly] = [a for a in detected if not a.scope.is_total]  # the whole bill is this one service
    finally:
        view.close()
    assert (anomaly.start, anomaly.end) == (SPIKE[0], SPIKE[-1])
    return anomaly


def by_dimension(anomaly: Anomaly, dimension: str) -> list[Cause]:
    return [c for c in anomaly.causes if c.dimension == dimension]


def test_the_spike_is_all_one_departments_tag_value_whatever_its_spelling(tmp_path: Path) -> None:
    anomaly = found(tmp_path, with_tags=True)
    top = by_dimension(anomaly, "tag:department")[0]
    extra = sum(EXTRA.values(), Decimal(0)) * len(SPIKE)  # vm-2 and vm-3 on every spike day, nothing before
    assert (top.value, top.share) == ("Marketing", pytest.approx(1.0))
    assert (top.expected, top.actual, top.deviation) == (Decimal(0), extra, extra)
    finance = next(c for c in by_dimension(anomaly, "tag:department") if c.value == "Finance")
    assert finance.deviation == 0 and finance.actual == BASE * len(SPIKE)
    # vm-2 carries no team tag: its part of the deviation is "(not set)", vm-3's is web.
    team = {c.value: c for c in by_dimension(anomaly, "tag:team")}
    assert team["(not set)"].deviation == EXTRA["vm-2"] * len(SPIKE)
    assert team["web"].share == pytest.approx(float(EXTRA["vm-3"] / sum(EXTRA.values())), abs=1e-4)
    # No row spells environment: no dimension for it. Tag dimensions come after the ledger's own.
    assert by_dimension(anomaly, "tag:environment") == []
    dimensions = list(dict.fromkeys(c.dimension for c in anomaly.causes))
    assert dimensions == ["ResourceId", "usage type", "RegionId", "tag:department", "tag:team"]


def test_only_the_keys_asked_for_named_by_their_policy_key(tmp_path: Path) -> None:
    anomaly = found(tmp_path, with_tags=True, keys=("dept",))
    assert {c.dimension for c in anomaly.causes if c.dimension.startswith("tag:")} == {"tag:department"}
    assert by_dimension(anomaly, "tag:department")[0].value == "Marketing"


def test_without_a_tag_policy_the_causes_have_no_tag_dimension(tmp_path: Path) -> None:
    anomaly = found(tmp_path, with_tags=False)
    assert anomaly.causes and not any(c.dimension.startswith("tag:") for c in anomaly.causes)
    top = anomaly.top_cause()
    assert top is not None and (top.dimension, top.value) == ("ResourceId", "vm-2")
