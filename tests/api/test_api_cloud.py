"""`GET /api/v1/cloud` on the hand-made cloud ledger: its shape, money as decimal strings, the numbers of the
hand classification, filters, bad parameters (422 naming them) and the empty home."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from api_client import Api
from cloud_ledger import build_cloud_ledger, rows_in, total
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from

D = Decimal


@pytest.fixture(scope="module")
def cloud_api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home = build_cloud_ledger(tmp_path_factory.mktemp("cloud-api"))
    return Api(create_app(settings_from(home.root, home.config_path)))


@pytest.fixture(scope="module")
def body(cloud_api: Api) -> dict[str, object]:
    response = cloud_api.get("/api/v1/cloud")
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def currency(body: dict[str, object], code: str) -> dict[str, object]:
    return next(c for c in body["currencies"] if c["currency"] == code)  # type: ignore[attr-defined, no-any-return]


def test_the_shape_and_money_as_strings(body: dict[str, object]) -> None:
    assert set(body) == {"start", "end", "metric", "providers", "available_providers", "currencies", "hint"}
    assert (body["start"], body["end"], body["metric"]) == ("2024-02", "2025-01", "EffectiveCost")
    assert body["hint"] is None and body["providers"] == []
    assert body["available_providers"] == ["AWS", "Google Cloud"]
    usd = currency(body, "USD")
    assert set(usd) == {
        "currency",
        "total",
        "providers",
        "departments",
        "ai_total",
        "ai_pct",
        "workloads",
        "workload_lines",
    }
    assert isinstance(usd["total"], str) and D(usd["total"]) == total(rows_in(), "USD") == D(301)
    provider = usd["providers"][0]  # type: ignore[index]
    assert isinstance(provider["amount"], str) and isinstance(provider["services"][0]["amount"], str)
    workload = usd["workloads"][0]  # type: ignore[index]
    assert set(workload) == {
        "workload",
        "label",
        "amount",
        "spot",
        "committed",
        "on_demand",
        "spot_pct",
        "committed_pct",
        "on_demand_pct",
    }
    assert all(isinstance(workload[k], str) for k in ("amount", "spot", "committed", "on_demand"))


def test_the_numbers_are_those_of_the_hand_classification(body: dict[str, object]) -> None:
    usd = currency(body, "USD")
    workloads = {w["workload"]: w for w in usd["workloads"]}  # type: ignore[attr-defined]
    assert D(workloads["gpu_training"]["amount"]) == D(112)
    assert D(workloads["gpu_training"]["spot_pct"]) == D("89.29")
    assert D(workloads["gpu_inference"]["committed"]) == D(30)
    assert D(workloads["managed_ml"]["on_demand"]) == D(40)
    assert D(usd["ai_total"]) == D(182)  # type: ignore[arg-type]
    departments = {d["department"]: d for d in usd["departments"]}  # type: ignore[attr-defined]
    assert {k: D(v["total"]) for k, v in departments.items()} == {
        "Data": D(152),
        "Engineering": D(140),
        "Unallocated": D(9),
    }
    assert {k: D(a) for k, a in departments["Data"]["amounts"].items()} == {"AWS": D(152)}
    eur = currency(body, "EUR")
    assert D(eur["total"]) == D(45) and D(eur["ai_total"]) == D(25)  # type: ignore[arg-type]


def test_filters_by_range_metric_and_provider(cloud_api: Api) -> None:
    january = cloud_api.get("/api/v1/cloud", start="2025-01", end="2025-01", metric="BilledCost").json()
    assert (january["start"], january["end"], january["metric"]) == ("2025-01", "2025-01", "BilledCost")
    assert D(currency(january, "USD")["total"]) == total(rows_in("2025-01", "2025-01"), "USD", "BilledCost")  # type: ignore[arg-type]
    google = cloud_api.get("/api/v1/cloud?provider=Google%20Cloud").json()
    assert google["providers"] == ["Google Cloud"]
    assert [c["currency"] for c in google["currencies"]] == ["EUR"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("start=2025-13", "start"),
        ("end=January", "end"),
        ("start=2025-02&end=2025-01", "end"),
        ("metric=Cost", "metric"),
        ("provider=Azure", "provider"),
    ],
)
def test_bad_parameters_are_a_422_naming_them(cloud_api: Api, query: str, parameter: str) -> None:
    response = cloud_api.get(f"/api/v1/cloud?{query}")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["parameter"] == parameter and error["type"] == "QueryError" and error["message"]


def test_an_empty_home_answers_a_hint(tmp_path: Path) -> None:
    response = Api(create_app(settings_from(tmp_path / "empty"))).get("/api/v1/cloud")
    assert response.status_code == 200
    body = response.json()
    assert body["currencies"] == [] and "cloudledger ingest" in body["hint"]
