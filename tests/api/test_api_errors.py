"""Bad parameters on every route: 422 (404 for a missing version) in the one error shape, naming the parameter."""

from __future__ import annotations

import pytest

from api_client import Api

BAD = [
    ("/api/v1/costs?group_by=Nope", 422, "group_by"),
    ("/api/v1/costs?group_by=tag:", 422, "group_by"),
    ("/api/v1/costs?filter=Nope=1", 422, "filter"),
    ("/api/v1/costs?filter=ServiceName", 422, "filter"),
    ("/api/v1/costs?tag=team", 422, "tag"),
    ("/api/v1/costs?metric=Cost", 422, "metric"),
    ("/api/v1/costs?grain=week", 422, "grain"),
    ("/api/v1/costs?start=2025-13-01", 422, "start"),
    ("/api/v1/costs?start=2025-02-01&end=2025-01-01", 422, "end"),
    ("/api/v1/costs?limit=0", 422, "limit"),
    ("/api/v1/costs?as_of=yesterday", 422, "as_of"),
    ("/api/v1/costs?as_of=99", 404, "as_of"),
    ("/api/v1/columns?as_of=99", 404, "as_of"),
    ("/api/v1/ledger/history?limit=0", 422, "limit"),
    ("/api/v1/chargeback", 422, "period"),
    ("/api/v1/chargeback?period=2025-1", 422, "period"),
    ("/api/v1/chargeback?period=2025-01&level=squad", 422, "level"),
    ("/api/v1/chargeback?period=2025-01&metric=Cost", 422, "metric"),
    ("/api/v1/allocation?start=2025-03&end=2025-01", 422, "end"),
    ("/api/v1/allocation?level=squad", 422, "level"),
    ("/api/v1/tags/compliance?by=colour", 422, "by"),
    ("/api/v1/tags/compliance?start=January", 422, "start"),
    ("/api/v1/budgets?start=2025-02&end=2025-01", 422, "end"),
    ("/api/v1/units?start=2025-01-01&end=2024-12-31", 422, "end"),
    ("/api/v1/units?start=soon", 422, "start"),
    ("/api/v1/kpis?as_of_day=2025-13-01", 422, "as_of_day"),
    ("/api/v1/cloud?start=2025-02&end=2025-01", 422, "end"),
    ("/api/v1/forecast?by=ResourceId", 422, "by"),
    ("/api/v1/forecast?backtest=maybe", 422, "backtest"),
    ("/api/v1/forecast/year?by=owner", 422, "by"),
    ("/api/v1/anomalies?min_impact=lots", 422, "min_impact"),
    ("/api/v1/anomalies/0123456789", 404, "anomaly_id"),
    ("/api/v1/anomalies/{anomaly_id}?min_impact=-1", 422, "min_impact"),
    ("/api/v1/alerts?period=June", 422, "period"),
]


@pytest.mark.parametrize(("url", "status", "parameter"), BAD)
def test_bad_parameters_get_the_error_shape(api: Api, url: str, status: int, parameter: str) -> None:
    response = api.get(url)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message", "parameter"}
    assert body["error"]["parameter"] == parameter
    assert body["error"]["type"] in {"QueryError", "LedgerError"}
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]


def test_unknown_column_message_lists_the_valid_ones(api: Api) -> None:
    message = api.get("/api/v1/costs?group_by=Nope").json()["error"]["message"]
    assert "unknown column 'Nope'" in message and "ServiceName" in message


def test_a_month_in_the_wrong_form_is_explained(api: Api) -> None:
    message = api.get("/api/v1/chargeback?period=2025-1").json()["error"]["message"]
    assert message == "period: expected a month as YYYY-MM, e.g. 2025-01 (got '2025-1')"


def test_every_route_is_covered(api: Api) -> None:
    """Each route of the OpenAPI document has at least one bad request above (or takes no parameters)."""
    paths = set(api.get("/api/openapi.json").json()["paths"])
    tested = {url.split("?")[0] for url, _, _ in BAD}
    assert paths - tested == {"/api/v1/ledger/versions"}
