"""`GET /api/v1/alerts`: the budget alerts stored in the state database, newest first, with per channel the
latest delivery's outcome, the number of attempts and the last error; a home without a state database answers
none and gets none created."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest

from api_client import Api
from cloudledger.analyses.budget_alerts import Crossing
from cloudledger.api.app import create_app
from cloudledger.api.settings import settings_from
from cloudledger.home import Home
from cloudledger.ledger.alert_store import open_alerts
from cloudledger.notify.outbox import Attempt, SqlOutbox

JUNE = Crossing("platform", "team platform", "2025-06", "USD", "actual", Decimal(80), Decimal("812.40"), Decimal(1000))
JULY = Crossing(
    "data", "department Data", "2025-07", "EUR", "forecast", Decimal("92.5"), Decimal("1234.56"), Decimal(1300)
)
AT = dt.datetime(2025, 7, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def alerts_api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    home = Home(tmp_path_factory.mktemp("alerts") / "home").ensure()
    store = open_alerts(home)
    try:
        assert store.record([JUNE]) == [JUNE]
        time.sleep(0.01)  # first seen later: listed first
        assert store.record([JUNE, JULY]) == [JULY]  # JUNE is not stored twice
        outbox = SqlOutbox(store.engine)
        outbox.record(Attempt(JUNE.key, "slack", 1, "failed", "HTTP 500", AT))
        outbox.record(Attempt(JUNE.key, "slack", 2, "delivered", None, AT + dt.timedelta(seconds=30)))
        outbox.record(Attempt(JUNE.key, "mail", 1, "failed", "connection refused", AT))
        outbox.record(Attempt(JUNE.key, "mail", 2, "failed", "mailbox full", AT + dt.timedelta(seconds=30)))
    finally:
        store.dispose()
    return Api(create_app(settings_from(home.root)))


def test_the_stored_alerts_are_listed_newest_first_with_their_numbers(alerts_api: Api) -> None:
    response = alerts_api.get("/api/v1/alerts")
    assert response.status_code == 200, response.text
    alerts = response.json()["alerts"]
    assert [a["budget"] for a in alerts] == ["data", "platform"]
    data, platform = alerts
    assert (platform["period"], platform["kind"], platform["currency"], platform["scope"]) == (
        "2025-06",
        "actual",
        "USD",
        "team platform",
    )
    assert (Decimal(platform["threshold"]), Decimal(platform["amount"]), Decimal(platform["budgeted"])) == (
        Decimal(80),
        Decimal("812.40"),
        Decimal(1000),
    )
    assert Decimal(platform["percent"]) == Decimal("81.24")  # 812.40 / 1000
    assert (data["kind"], Decimal(data["threshold"]), data["currency"]) == ("forecast", Decimal("92.5"), "EUR")
    assert Decimal(data["percent"]) == Decimal("94.97")  # 1234.56 / 1300 = 0.949661...
    assert dt.datetime.fromisoformat(data["first_seen"]) > dt.datetime.fromisoformat(platform["first_seen"])
    assert data["deliveries"] == []


def test_each_channel_reports_its_latest_attempt(alerts_api: Api) -> None:
    [platform] = [a for a in alerts_api.get("/api/v1/alerts").json()["alerts"] if a["budget"] == "platform"]
    deliveries = {d["channel"]: d for d in platform["deliveries"]}
    assert set(deliveries) == {"slack", "mail"}
    assert (deliveries["slack"]["status"], deliveries["slack"]["attempts"], deliveries["slack"]["last_error"]) == (
        "delivered",
        2,
        None,
    )
    assert (deliveries["mail"]["status"], deliveries["mail"]["attempts"], deliveries["mail"]["last_error"]) == (
        "failed",
        2,
        "mailbox full",
    )


def test_filters_by_period_and_budget(alerts_api: Api) -> None:
    def budgets(**params: str) -> list[str]:
        return [a["budget"] for a in alerts_api.get("/api/v1/alerts", **params).json()["alerts"]]

    assert budgets(period="2025-06") == ["platform"]
    assert budgets(budget="data") == ["data"]
    assert budgets(period="2025-06", budget="data") == []
    response = alerts_api.get("/api/v1/alerts", period="June")
    assert response.status_code == 422 and response.json()["error"]["parameter"] == "period"


def test_a_home_without_a_state_database_has_no_alerts_and_gets_none(tmp_path: Path) -> None:
    api = Api(create_app(settings_from(tmp_path / "fresh")))
    response = api.get("/api/v1/alerts")
    assert response.status_code == 200 and response.json() == {"alerts": []}
    assert not (tmp_path / "fresh" / "state.db").exists()
