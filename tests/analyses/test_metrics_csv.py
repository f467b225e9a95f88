"""Business metrics CSV files: the documented example, grains, the Arrow table, and every error."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from cloudledger.analyses.metrics_csv import metrics_arrow, read_metrics_csv
from cloudledger.errors import InputError
from cloudledger.ledger.metrics_store import MetricPoint

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "business-metrics.csv"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "metrics.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_file() -> None:
    with EXAMPLE.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    points = read_metrics_csv(EXAMPLE)
    assert len(points) == len(rows)
    for point, row in zip(points, rows, strict=True):
        monthly = len(row["date"]) == 7
        assert point.metric == row["metric"] and point.dimension == row["dimension"]
        assert point.value == Decimal(row["value"])
        assert point.grain == ("month" if monthly else "day")
        assert point.date.isoformat() == (row["date"] + "-01" if monthly else row["date"])
    orders = [p for p in points if p.metric == "orders"]
    assert len(orders) == 14 and {p.grain for p in orders} == {"day"}
    assert [p.date for p in orders] == [dt.date(2025, 1, 6) + dt.timedelta(days=i) for i in range(14)]
    assert len({p.date for p in points if p.metric == "active_customers"}) == 3
    assert {p.dimension for p in points if p.metric == "api_calls"} == {"payments-api", "platform"}


def test_header_case_spaces_and_optional_dimension(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "\ufeff Metric , DATE ,Value,notes\norders,2025-02-01, 12.50 ,x\n,,,\norders,2025-02-02,-3,\n"
    )
    assert read_metrics_csv(path) == [
        MetricPoint("orders", dt.date(2025, 2, 1), Decimal("12.50")),
        MetricPoint("orders", dt.date(2025, 2, 2), Decimal(-3)),
    ]


def test_same_date_in_other_dimensions_and_metrics(tmp_path: Path) -> None:
    text = (
        "date,metric,value,dimension\n2025-01,calls,1,a\n2025-01,calls,2,b\n2025-01,calls,3,\n2025-01-01,orders,4,a\n"
    )
    points = read_metrics_csv(_write(tmp_path, text))
    assert [(p.metric, p.dimension, p.grain, p.value) for p in points] == [
        ("calls", "a", "month", 1),
        ("calls", "b", "month", 2),
        ("calls", "", "month", 3),
        ("orders", "a", "day", 4),
    ]


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("day,metric,value\n", None, "date", ["missing column(s) date", "'day', 'metric', 'value'", "dimension"]),
        ("date,metric,value\n2025-01-01,orders,1\n2025-13-01,orders,2\n", 2, "date", ["'2025-13-01'", "YYYY-MM-DD"]),
        ("date,metric,value\n01/02/2025,orders,1\n", 1, "date", ["'01/02/2025'"]),
        ("date,metric,value\n2025-1,orders,1\n", 1, "date", ["'2025-1'", "YYYY-MM"]),
        ('date,metric,value\n2025-01-01,orders,1\n2025-01-02,orders,"1,200"\n', 2, "value", ["'1,200'"]),
        ("date,metric,value\n2025-01-01,revenue,$5\n", 1, "value", ["'$5'", "no currency symbols"]),
        ("date,metric,value\n2025-01-01,orders,NaN\n", 1, "value", ["'NaN'"]),
        ("date,metric,value\n2025-01-01,orders,inf\n", 1, "value", ["'inf'"]),
        ("date,metric,value\n2025-01-01,orders,1_000\n", 1, "value", ["'1_000'"]),
        ("date,metric,value\n2025-01-01,orders,\n", 1, "value", ["''"]),
        ("date,metric,value\n2025-01-01,orders,1E+40\n", 1, "value", ["'1E+40'", "below"]),
        ("date,metric,value\n2025-01-01, ,1\n", 1, "metric", ["metric name is empty"]),
        (
            "date,metric,value,dimension\n2025-01-01,calls,1,a\n2025-01-02,calls,1,a\n2025-01-01,calls,2, a \n",
            3,
            "date",
            ["calls (dimension 'a', 2025-01-01)", "rows 1 and 3"],
        ),
        ("date,metric,value\n2025-01,users,1\n2025-01,users,2\n", 2, "date", ["users (2025-01)", "rows 1 and 2"]),
        (
            "date,metric,value\n2025-01,users,1\n2025-02-01,users,2\n",
            2,
            "date",
            ["users is daily here but monthly in row 1"],
        ),
    ],
)
def test_errors(tmp_path: Path, text: str, row: int | None, column: str | None, words: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_metrics_csv(path)
    error = caught.value
    assert (error.file, error.row, error.column) == (str(path), row, column)
    for word in words:
        assert word in error.message


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        read_metrics_csv(_write(tmp_path, ""))
    with pytest.raises(InputError, match="cannot read"):
        read_metrics_csv(tmp_path / "absent.csv")


def test_metrics_arrow() -> None:
    points = [*read_metrics_csv(EXAMPLE), MetricPoint("ratio", dt.date(2025, 1, 1), Decimal("0.333333333333333"))]
    table = metrics_arrow(points)
    assert table.schema == pa.schema(
        [
            ("metric", pa.string()),
            ("dimension", pa.string()),
            ("date", pa.date32()),
            ("grain", pa.string()),
            ("value", pa.decimal128(38, 10)),
        ]
    )
    assert table.num_rows == len(points)
    assert table.column("value").to_pylist()[:-1] == [p.value for p in points[:-1]]
    assert table.column("value").to_pylist()[-1] == Decimal("0.3333333333")
    assert table.column("date").to_pylist() == [p.date for p in points]
    assert sum(table.column("value").to_pylist()[:14]) == sum(p.value for p in points if p.metric == "orders")
    assert metrics_arrow([]).num_rows == 0
