"""Business metrics in the state database: migration, load, upsert, atomic loads, filters and summaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import cloudledger.ledger.state as state_module
from cloudledger.analyses.metrics_csv import read_metrics_csv
from cloudledger.errors import InputError, QueryError
from cloudledger.home import Home
from cloudledger.ledger.metrics_store import MetricPoint, MetricsStore, open_metrics
from cloudledger.ledger.state import StateDB

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "business-metrics.csv"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")


@pytest.fixture
def store(home: Home) -> Iterator[MetricsStore]:
    metrics = open_metrics(home)
    yield metrics
    metrics.dispose()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(Path(state_module.__file__).parent / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_migration_from_an_existing_0003_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    engine = sa.create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(Path(state_module.__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    with engine.begin() as conn:
        conn.execute(
            state_module.INGESTS.insert().values(
                id="before", started_at=dt.datetime.now(dt.UTC), status="landed", files=1, rows=2
            )
        )
    assert _revision(engine) == "0003"
    assert "business_metrics" not in sa.inspect(engine).get_table_names()
    engine.dispose()

    state = StateDB(url)
    assert _revision(state.engine) == _head()
    assert [r.id for r in state.ingests()] == ["before"]
    columns = {c["name"]: c for c in sa.inspect(state.engine).get_columns("business_metrics")}
    assert set(columns) == {"metric", "dimension", "date", "grain", "value", "loaded_at", "source_file"}
    assert sa.inspect(state.engine).get_pk_constraint("business_metrics")["constrained_columns"] == [
        "metric",
        "dimension",
        "date",
    ]
    MetricsStore(state.engine).load([MetricPoint("orders", dt.date(2025, 1, 1), Decimal(3))], "a.csv")
    with state.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT metric, dimension, date, grain, value FROM business_metrics").all()
    assert [tuple(r) for r in raw] == [("orders", "", "2025-01-01", "day", "3")]
    state.dispose()


def test_fresh_home(home: Home, store: MetricsStore) -> None:
    assert home.state_db_path.is_file()
    assert _revision(store.engine) == _head()
    assert store.metrics() == [] and store.points() == []


def test_load_example_and_read_back(store: MetricsStore) -> None:
    points = read_metrics_csv(EXAMPLE)
    result = store.load(points, str(EXAMPLE))
    assert (result.inserted, result.replaced, result.points) == (len(points), 0, len(points))
    assert result.metrics == ("active_customers", "api_calls", "orders")
    assert store.points() == sorted(points, key=lambda p: (p.metric, p.dimension, p.date))
    orders = [p for p in points if p.metric == "orders"]
    assert store.points("orders") == orders
    window = store.points("orders", start=dt.date(2025, 1, 10), end=dt.date(2025, 1, 12))
    assert window == [p for p in orders if dt.date(2025, 1, 10) <= p.date <= dt.date(2025, 1, 12)]
    assert len(window) == 3
    assert [p.date for p in store.points(start=dt.date(2025, 1, 19))] == [dt.date(2025, 1, 19)]
    assert store.points("orders", start=dt.date(2026, 1, 1)) == []


def test_summaries(store: MetricsStore) -> None:
    points = read_metrics_csv(EXAMPLE)
    store.load(points, "metrics.csv")
    summaries = {s.name: s for s in store.metrics()}
    assert list(summaries) == ["active_customers", "api_calls", "orders"]
    for name, summary in summaries.items():
        mine = [p for p in points if p.metric == name]
        assert summary.points == len(mine)
        assert summary.dimensions == tuple(sorted({p.dimension for p in mine}))
        assert (summary.first_date, summary.last_date) == (min(p.date for p in mine), max(p.date for p in mine))
        assert summary.grain == mine[0].grain
    assert summaries["api_calls"].dimensions == ("payments-api", "platform")
    assert summaries["active_customers"].grain == "month"


def test_reload_replaces_values(tmp_path: Path, store: MetricsStore) -> None:
    first = _write(tmp_path, "a.csv", "date,metric,value\n2025-01-01,orders,10\n2025-01-02,orders,20\n")
    second = _write(tmp_path, "b.csv", "date,metric,value\n2025-01-02,orders,25.5\n2025-01-03,orders,30\n")
    store.load(read_metrics_csv(first), str(first))
    result = store.load(read_metrics_csv(second), str(second))
    assert (result.inserted, result.replaced) == (1, 1)
    assert [(p.date.day, p.value) for p in store.points("orders")] == [
        (1, Decimal(10)),
        (2, Decimal("25.5")),
        (3, Decimal(30)),
    ]
    with store.engine.connect() as conn:
        sources = dict(conn.exec_driver_sql("SELECT date, source_file FROM business_metrics").all())
    assert sources == {"2025-01-01": str(first), "2025-01-02": str(second), "2025-01-03": str(second)}


def test_exact_values_round_trip(store: MetricsStore) -> None:
    values = [Decimal("0.1234567890123456789"), Decimal("-5"), Decimal("1E+3"), Decimal("123456789012345678901234")]
    points = [MetricPoint("m", dt.date(2025, 1, d + 1), v) for d, v in enumerate(values)]
    store.load(points, "x")
    assert [p.value for p in store.points("m")] == values


def _snapshot(store: MetricsStore) -> list[tuple[object, ...]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM business_metrics ORDER BY 1, 2, 3").all()]


def test_bad_file_changes_nothing(tmp_path: Path, store: MetricsStore) -> None:
    good = _write(tmp_path, "good.csv", "date,metric,value\n2025-01-01,orders,10\n2025-01-02,orders,20\n")
    store.load(read_metrics_csv(good), str(good))
    before = _snapshot(store)
    bad = _write(
        tmp_path, "bad.csv", "date,metric,value\n2025-01-01,orders,11\n2025-01-03,orders,12\n2025-01-04,orders,x\n"
    )
    with pytest.raises(InputError) as caught:
        store.load(read_metrics_csv(bad), str(bad))
    assert (caught.value.row, caught.value.column) == (3, "value")
    assert _snapshot(store) == before


@pytest.mark.parametrize(
    ("third", "words"),
    [
        (MetricPoint("orders", dt.date(2025, 1, 5), Decimal("NaN")), "not a finite decimal"),
        (MetricPoint("orders", dt.date(2025, 1, 1), Decimal(2)), "also point 1"),
        (MetricPoint("orders", dt.date(2025, 2, 1), Decimal(2), grain="month"), "mixes daily and monthly"),
        (MetricPoint("users", dt.date(2025, 2, 3), Decimal(2), grain="month"), "month's first day"),
        (MetricPoint(" ", dt.date(2025, 2, 3), Decimal(2)), "metric name is empty"),
        (MetricPoint("orders", dt.date(2025, 1, 9), Decimal(2), grain="week"), "grain 'week'"),  # type: ignore[arg-type]
    ],
)
def test_bad_point_three_changes_nothing(store: MetricsStore, third: MetricPoint, words: str) -> None:
    store.load([MetricPoint("orders", dt.date(2025, 1, 1), Decimal(1))], "first.csv")
    before = _snapshot(store)
    points = [
        MetricPoint("orders", dt.date(2025, 1, 1), Decimal(5)),
        MetricPoint("orders", dt.date(2025, 1, 2), Decimal(6)),
        third,
    ]
    with pytest.raises(InputError, match=words) as caught:
        store.load(points, "second.csv")
    assert "point 3" in caught.value.message and caught.value.file == "second.csv"
    assert _snapshot(store) == before


def test_grain_conflict_with_stored_metric_and_delete(store: MetricsStore) -> None:
    store.load([MetricPoint("users", dt.date(2025, 1, 1), Decimal(7), grain="month")], "monthly.csv")
    daily = [
        MetricPoint("orders", dt.date(2025, 1, 1), Decimal(1)),
        MetricPoint("users", dt.date(2025, 1, 2), Decimal(1)),
    ]
    with pytest.raises(InputError, match="users is stored with monthly values and this file has daily ones"):
        store.load(daily, "daily.csv")
    assert [p.metric for p in store.points()] == ["users"]
    assert store.delete("users") == 1
    assert store.load(daily, "daily.csv").inserted == 2
    assert [s.grain for s in store.metrics()] == ["day", "day"]


def test_unknown_metric(store: MetricsStore) -> None:
    with pytest.raises(QueryError, match="none yet"):
        store.points("orders")
    store.load([MetricPoint("orders", dt.date(2025, 1, 1), Decimal(1))], "a.csv")
    with pytest.raises(QueryError, match="no business metric named 'ordrs'; stored metrics: orders"):
        store.points("ordrs")
    with pytest.raises(QueryError):
        store.delete("ordrs")


def test_large_load_in_chunks(store: MetricsStore) -> None:
    start = dt.date(2020, 1, 1)
    points = [
        MetricPoint("calls", start + dt.timedelta(days=i), Decimal(i), team) for team in ("a", "b") for i in range(1200)
    ]
    assert store.load(points, "big.csv").inserted == 2400
    assert store.load(points[::-1], "big.csv").replaced == 2400
    assert sum(p.value for p in store.points("calls")) == sum(Decimal(i) for i in range(1200)) * 2
