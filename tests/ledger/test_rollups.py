"""Rollups: written by the ingest that writes a slice, before its commit; their sums equal the ledger's; a
past version reads its own; a failed ingest leaves none; a missing one is rebuilt; analyses answer the same
on them as on the ledger, and fall back to the ledger for columns a rollup does not keep."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cloudledger.analyses.explorer import CostQuery, run_costs
from cloudledger.analyses.summary import on_rollup
from cloudledger.errors import InputError
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from cloudledger.ledger.rollups import LAYOUT, MONTH_COLUMN, PRODUCT_TEXTS, ROWS
from focus_rows import focus_row, write_focus_csv

D = Decimal


def usage(
    day: str, service: str, cost: str, tags: dict[str, str] | None = None, resource: str = "r-1"
) -> dict[str, Any]:
    """A January 2025 usage row charged on `day` (DD)."""
    return focus_row(
        ChargePeriodStart=f"2025-01-{day}T00:00:00Z",
        ChargePeriodEnd=f"2025-01-{day}T01:00:00Z",
        ServiceName=service,
        ResourceId=resource,
        Tags=json.dumps(tags) if tags else None,
        BilledCost=cost,
        EffectiveCost=cost,
        ListCost=cost,
        ContractedCost=cost,
    )


FIRST = [
    usage("05", "Amazon EC2", "1.25", {"team": "web"}, "i-1"),
    usage("05", "Amazon EC2", "2.50", {"team": "web"}, "i-2"),  # same day, service and tags: one rollup row
    usage("05", "Amazon S3", "0.10", {"team": "data"}, "b-1"),
    usage("06", "Amazon EC2", "3.00", {"team": "data"}, "i-3"),
]
RESTATED = [*FIRST[:3], usage("06", "Amazon EC2", "4.00", {"team": "data"}, "i-3")]


def ingested(tmp_path: Path, *batches: list[dict[str, Any]]) -> Home:
    home = Home(tmp_path / "home").ensure()
    for index, rows in enumerate(batches):
        ingest(home, [write_focus_csv(tmp_path / f"focus-{index}.csv", rows)])
    return home


def rollup_files(home: Home, shape: str) -> list[Path]:
    return sorted((home.rollups_path / LAYOUT / shape).rglob("*.parquet"))


def test_an_ingest_writes_both_rollups_of_its_slice_named_by_its_id(tmp_path: Path) -> None:
    home = ingested(tmp_path, FIRST)
    view = open_ledger(home)
    try:
        ids = {Path(f).name.split("-", 2)[2].rsplit("-c000", 1)[0] for f in view.snapshot.files}
    finally:
        view.close()
    for shape in ("daily", "monthly"):
        files = rollup_files(home, shape)
        assert [f.stem for f in files] == sorted(ids)
        assert "x_billing_period=2025-01" in str(files[0])


def test_the_daily_rollup_sums_the_rows_of_each_day_and_service(tmp_path: Path) -> None:
    home = ingested(tmp_path, FIRST)
    view = open_ledger(home)
    try:
        rows = view.daily.to_pyarrow().to_pylist()
    finally:
        view.close()
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in FIRST:
        key = (row["ChargePeriodStart"][:10], row["ServiceName"])
        expected[key] += D(row["BilledCost"])
        counts[key] += 1
    got = {(r["ChargePeriodStart"].date().isoformat(), r["ServiceName"]): r for r in rows}
    assert set(got) == set(expected)  # tags are not kept: the two EC2 teams of the 6th would otherwise split
    for key, total in expected.items():
        assert got[key]["BilledCost"] == total and got[key]["EffectiveCost"] == total
        assert got[key][ROWS] == counts[key]
    assert "Tags" not in view.daily.columns and "ResourceId" not in view.daily.columns


def test_the_monthly_rollup_keeps_tags_and_no_charge_time(tmp_path: Path) -> None:
    home = ingested(tmp_path, FIRST)
    view = open_ledger(home)
    try:
        rows = view.monthly.to_pyarrow().to_pylist()
        columns = view.monthly.columns
    finally:
        view.close()
    assert "ChargePeriodStart" not in columns and "ResourceId" not in columns
    got = {(r["ServiceName"], dict(r["Tags"])["team"]): (r["BilledCost"], r[ROWS]) for r in rows}
    assert got == {
        ("Amazon EC2", "web"): (D("3.75"), 2),
        ("Amazon S3", "data"): (D("0.10"), 1),
        ("Amazon EC2", "data"): (D("3.00"), 1),
    }
    assert {r[MONTH_COLUMN].isoformat() for r in rows} == {"2025-01-01"}


def test_a_past_version_reads_its_own_rollups(tmp_path: Path) -> None:
    home = ingested(tmp_path, FIRST, RESTATED)
    totals = {}
    for version in (0, 1, None):
        view = open_ledger(home, version)
        try:
            for shape in ("daily", "monthly"):
                table = getattr(view, shape)
                totals[(version, shape)] = table.BilledCost.sum().to_pyarrow().as_py()
        finally:
            view.close()
    first, restated = sum(D(r["BilledCost"]) for r in FIRST), sum(D(r["BilledCost"]) for r in RESTATED)
    assert totals == {
        (0, "daily"): first,
        (0, "monthly"): first,
        (1, "daily"): restated,
        (1, "monthly"): restated,
        (None, "daily"): restated,
        (None, "monthly"): restated,
    }


def test_a_failed_ingest_leaves_no_rollup(tmp_path: Path) -> None:
    home = ingested(tmp_path, FIRST)
    before = rollup_files(home, "daily") + rollup_files(home, "monthly")
    good = write_focus_csv(tmp_path / "good.csv", [usage("07", "Amazon EC2", "1.00")])
    bad_row = focus_row(BillingAccountId="222222222222", BilledCost="not a number")
    bad = write_focus_csv(tmp_path / "bad.csv", [bad_row])
    with pytest.raises(InputError):
        ingest(home, [good, bad])
    assert rollup_files(home, "daily") + rollup_files(home, "monthly") == before


def test_a_missing_rollup_is_rebuilt_from_the_slice(tmp_path: Path) -> None:
    home = ingested(tmp_path, FIRST)
    for path in rollup_files(home, "monthly"):
        path.unlink()
    view = open_ledger(home)
    try:
        total = view.monthly.EffectiveCost.sum().to_pyarrow().as_py()
    finally:
        view.close()
    assert total == sum(D(r["EffectiveCost"]) for r in FIRST)
    assert rollup_files(home, "monthly")


def test_sums_match_the_ledger_parquet_for_every_service_and_day(tmp_path: Path) -> None:
    rows = [
        usage(f"{d:02d}", s, f"{d * i}.0{i}", {"team": t}, f"r-{d}-{i}")
        for d in range(1, 29)
        for i, (s, t) in enumerate([("A", "x"), ("B", "y"), ("A", "y")], 1)
    ]
    home = ingested(tmp_path, rows)
    ledger_files = [str(p) for p in home.ledger_path.rglob("*.parquet")]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    parquet = con.read_parquet(ledger_files)
    expected = parquet.aggregate("cast(ChargePeriodStart as date) d, ServiceName, sum(EffectiveCost) c").fetchall()
    view = open_ledger(home)
    try:
        found = view.daily.group_by(d=view.daily.ChargePeriodStart.date(), s=view.daily.ServiceName).aggregate(
            c=view.daily.EffectiveCost.sum()
        )
        got = {(r["d"], r["s"]): r["c"] for r in found.to_pyarrow().to_pylist()}
    finally:
        view.close()
    assert got == {(d, s): c for d, s, c in expected}


def test_analyses_fall_back_to_the_ledger_for_columns_a_rollup_lacks(tmp_path: Path) -> None:
    home = ingested(tmp_path, FIRST)
    view = open_ledger(home)
    try:
        by_resource = on_rollup(
            lambda t: t.group_by("ResourceId").aggregate(BilledCost=t.BilledCost.sum()).to_pyarrow().to_pylist(),
            view.daily,
            view.table,
        )
        by_tag = on_rollup(
            lambda t: run_costs(view.con, t, CostQuery(group_by=("tag:team",))), view.monthly, view.table
        )
    finally:
        view.close()
    assert {r["ResourceId"]: r["BilledCost"] for r in by_resource} == {
        r["ResourceId"]: D(r["BilledCost"]) for r in FIRST
    }
    assert {r["tag:team"]: r["BilledCost"] for r in by_tag.rows} == {"web": D("3.75"), "data": D("3.10")}


def test_the_monthly_rollup_keeps_every_text_the_ai_classification_reads() -> None:
    from cloudledger.analyses.ai_workloads import RULE_COLUMNS, SIGNATURE_COLUMNS

    focus_dimensions = {"ResourceType", *RULE_COLUMNS}
    assert set(SIGNATURE_COLUMNS) <= set(PRODUCT_TEXTS) | focus_dimensions


def test_a_rule_on_a_column_the_rollup_drops_is_answered_by_the_ledger(tmp_path: Path) -> None:
    from cloudledger.analyses.allocation import AllocationQuery, allocate
    from cloudledger.config.load import load_config

    home = ingested(tmp_path, FIRST)
    config_path = tmp_path / "cloudledger.yaml"
    config_path.write_text(
        """
organization:
  departments:
    - {name: Web, teams: [{name: web}]}
  rules:
    - {name: instance one, match: {ResourceId: i-1}, team: web}
""",
        encoding="utf-8",
    )
    config = load_config(config_path)
    view = open_ledger(home)
    try:
        query = AllocationQuery("EffectiveCost", keep=())

        def owned(table: Any) -> dict[str | None, Decimal]:
            rows = allocate(table, config, query).to_pyarrow().to_pylist()
            out: dict[str | None, Decimal] = defaultdict(Decimal)
            for row in rows:
                out[row["team"]] += row["amount"]
            return dict(out)

        answered = on_rollup(owned, view.monthly, view.table)
    finally:
        view.close()
    web = sum((D(r["EffectiveCost"]) for r in FIRST if r["ResourceId"] == "i-1"), D(0))
    assert answered["web"] == web == D("1.25")
    assert sum(answered.values(), D(0)) == sum((D(r["EffectiveCost"]) for r in FIRST), D(0))


def test_a_tag_rule_on_the_daily_rollup_is_answered_by_the_ledger(tmp_path: Path) -> None:
    from cloudledger.analyses.allocation import AllocationQuery, allocate
    from cloudledger.analyses.tag_values import TagResolver
    from cloudledger.config.load import load_config

    home = ingested(tmp_path, FIRST)
    config_path = tmp_path / "cloudledger.yaml"
    config_path.write_text(
        """
organization:
  departments:
    - {name: Web, teams: [{name: web}, {name: data}]}
  rules:
    - {name: team tag, team: {from: "tag:team"}}
""",
        encoding="utf-8",
    )
    config = load_config(config_path)
    view = open_ledger(home)
    try:

        def teams(table: Any) -> dict[str | None, Decimal]:
            tags = TagResolver.of(table, config.tag_policy)  # no Tags in the daily rollup: raises, never "no key"
            rows = allocate(table, config, AllocationQuery("EffectiveCost", keep=("day",)), tags=tags)
            out: dict[str | None, Decimal] = defaultdict(Decimal)
            for row in rows.to_pyarrow().to_pylist():
                out[row["team"]] += row["amount"]
            return dict(out)

        answered = on_rollup(teams, view.daily, view.table)
    finally:
        view.close()
    assert answered == {"web": D("3.75"), "data": D("3.10")}
