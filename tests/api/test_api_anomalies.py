"""`GET /api/v1/anomalies` and `/api/v1/anomalies/{id}` on a hand-made ledger with one known spike: the numbers
are the input rows' sums, the series around it is the ledger's, marks as expected are reported with their reason,
bad parameters are 422s naming them, an unknown id is a 404."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from anomaly_ledger import (
    ACCOUNT,
    FIRST,
    LAST,
    PROVIDER,
    SERVICE,
    SPIKE,
    SPIKE_DAYS,
    WEEKDAY,
    build_spike_ledger,
    expected_by_hand,
    mark_spike_expected,
    vm_cost_by_day,
)
from api_client import Api
from cloudledger.analyses.anomalies import score_scale, scores
from cloudledger.analyses.anomalies_model import Thresholds
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def spike_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return build_spike_ledger(tmp_path_factory.mktemp("spike"))


@pytest.fixture(scope="module")
def spike_api(spike_home: Home) -> Api:
    return Api(create_app(settings_from(spike_home.root)))


def the_spike(api: Api, **params: str) -> dict:  # type: ignore[type-arg]
    response = api.get("/api/v1/anomalies", **params)
    assert response.status_code == 200, response.text
    [found] = [a for a in response.json()["anomalies"] if a["service"] == SERVICE]
    return found  # type: ignore[no-any-return]


def test_the_spike_is_listed_with_the_input_rows_numbers(spike_api: Api) -> None:
    body = spike_api.get("/api/v1/anomalies").json()
    assert len(body["anomalies"]) == 1  # the storage and the other provider are steady; the total rose < 100 %
    found = the_spike(spike_api)
    assert (found["provider"], found["service"], found["sub_account"], found["currency"]) == (
        PROVIDER,
        SERVICE,
        ACCOUNT,
        "USD",
    )
    assert (found["start"], found["end"], found["days"]) == (SPIKE_DAYS[0].isoformat(), SPIKE_DAYS[-1].isoformat(), 3)
    expected = sum((expected_by_hand(d) for d in SPIKE_DAYS), Decimal(0)).quantize(CENT)
    actual = 3 * (WEEKDAY + SPIKE)
    assert Decimal(found["expected"]) == expected
    assert Decimal(found["actual"]) == actual
    assert Decimal(found["impact"]) == actual - expected
    assert found["impact_percent"] == pytest.approx(float((actual - expected) / expected * 100), abs=0.01)
    assert isinstance(found["expected"], str) and isinstance(found["impact"], str)  # money as decimal strings
    cause = found["top_cause"]
    assert (cause["dimension"], cause["value"], Decimal(cause["deviation"])) == ("ResourceId", "vm-2", 3 * SPIKE)
    assert cause["share"] == pytest.approx(1.0)
    assert (found["status"], found["reason"]) == ("open", None)
    assert len(found["id"]) == 10
    assert body["thresholds"]["min_impact"] == "50" and body["thresholds"]["score"] == 8.0


def test_filters_keep_or_drop_the_spike(spike_api: Api) -> None:
    def ids(**params: str) -> list[str]:
        response = spike_api.get("/api/v1/anomalies", **params)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["anomalies"]]

    spike_id = the_spike(spike_api)["id"]
    assert ids(since=SPIKE_DAYS[-1].isoformat()) == [spike_id]  # ends on that day
    assert ids(since=(SPIKE_DAYS[-1] + timedelta(days=1)).isoformat()) == []
    assert ids(provider=PROVIDER) == [spike_id]
    assert ids(provider="Other Cloud") == []
    assert ids(status="open") == [spike_id]
    assert ids(status="expected") == []
    # A day's impact is 300.10 + 100.25 − expected (about 300): a money minimum above it flags nothing.
    assert ids(min_impact="250") == [spike_id]
    assert ids(min_impact="350") == []


def test_the_detail_has_every_cause_and_the_series_around_it(spike_api: Api) -> None:
    spike_id = the_spike(spike_api)["id"]
    response = spike_api.get(f"/api/v1/anomalies/{spike_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["anomaly"]["id"] == spike_id
    causes = {(c["dimension"], c["value"]): c for c in body["causes"]}
    assert causes[("ResourceId", "vm-2")]["share"] == pytest.approx(1.0)
    assert Decimal(causes[("usage type", "SKU2")]["deviation"]) == 3 * SPIKE
    series = body["series"]
    shown = [date.fromisoformat(d["day"]) for d in series]
    assert shown[0] == SPIKE_DAYS[0] - timedelta(days=42)  # six weeks before
    assert shown[-1] == SPIKE_DAYS[-1] + timedelta(days=14)  # two weeks after (the ledger goes on to LAST)
    assert shown == [shown[0] + timedelta(days=i) for i in range(len(shown))]
    cost = vm_cost_by_day()
    flagged_days: list[date] = []
    for d, day in zip(series, shown, strict=True):
        assert Decimal(d["actual"]) == cost[day].quantize(CENT), day
        assert d["anomalous"] == (day in SPIKE_DAYS)
        if d["flag_above"] is None:  # too little history yet: two months for the expected cost, 14 residuals after
            assert not flagged_days and day < date(2025, 3, 1) + timedelta(days=14), day
            assert d["expected"] is None or day >= date(2025, 3, 1), day
            continue
        flagged_days.append(day)
        flag = Decimal(d["flag_above"])
        expected = Decimal(d["expected"])
        assert flag >= expected + 50 and flag >= 2 * expected  # the money and percent minimums
        # A day above the flag line is flagged, and a flagged day is above it.
        assert (Decimal(d["actual"]) > flag) == d["anomalous"], day
    assert len(flagged_days) >= 40
    for day in SPIKE_DAYS:
        [d] = [d for d in series if d["day"] == day.isoformat()]
        assert Decimal(d["expected"]) == expected_by_hand(day).quantize(CENT)
    assert body["mark_command"].startswith(f'cloudledger anomalies expect {spike_id} --reason "..."')


def test_the_flag_lines_scale_is_the_detections(spike_home: Home) -> None:
    """The band's scale, recomputed for the chart, divides each residual into the score detection computed."""
    cost = vm_cost_by_day()
    values = np.array([float(cost[FIRST + timedelta(days=i)]) for i in range((LAST - FIRST).days + 1)])
    th = Thresholds()
    expected, score = scores(values, FIRST, th)
    scale = score_scale(values, expected, th)
    known = ~np.isnan(score)
    assert known.sum() > 30
    np.testing.assert_allclose((values - expected)[known] / scale[known], score[known], rtol=1e-9)
    assert np.isnan(scale[~known]).all()


def test_an_unknown_id_is_a_404_naming_it(spike_api: Api) -> None:
    response = spike_api.get("/api/v1/anomalies/0123456789")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["parameter"] == "anomaly_id" and "0123456789" in error["message"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"since": "2025-13-01"}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"min_impact": "lots"}, "min_impact"),
        ({"min_impact": "-5"}, "min_impact"),
        ({"status": "closed"}, "status"),
        ({"provider": "Nope"}, "provider"),
    ],
)
def test_bad_parameters_are_422s_naming_them(spike_api: Api, query: dict[str, str], parameter: str) -> None:
    response = spike_api.get("/api/v1/anomalies", **query)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["parameter"] == parameter


def test_an_anomaly_marked_as_expected_is_listed_with_its_reason(tmp_path: Path) -> None:
    home = build_spike_ledger(tmp_path)
    spike = mark_spike_expected(home, "load test of the new release", "ana")
    api = Api(create_app(settings_from(home.root)))
    found = the_spike(api)
    assert found["id"] == spike.id
    assert (found["status"], found["reason"], found["marked_by"]) == ("expected", "load test of the new release", "ana")
    assert found["marked_at"] is not None
    assert [a["id"] for a in api.get("/api/v1/anomalies", status="expected").json()["anomalies"]] == [spike.id]
    assert api.get("/api/v1/anomalies", status="open").json()["anomalies"] == []
    detail = api.get(f"/api/v1/anomalies/{spike.id}").json()
    assert detail["anomaly"]["reason"] == "load test of the new release"


def test_an_empty_home_answers_a_hint_and_no_anomaly(tmp_path: Path) -> None:
    api = Api(create_app(settings_from(tmp_path / "empty")))
    body = api.get("/api/v1/anomalies").json()
    assert body["anomalies"] == [] and "cloudledger ingest" in body["hint"]
    assert api.get("/api/v1/anomalies/0123456789").status_code == 404
    assert not (tmp_path / "empty" / "state.db").exists()
