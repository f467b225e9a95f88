"""Alerts reach their owners: a budget alert goes to the budget's own channels, else to the default ones and to
its department's or team's; an anomaly goes to the anomaly channels and to the department and team that own most
of its rise. One watch round sends the payments team's spike to the team's and its department's receivers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from allocation_ledger import ORG
from cloudledger.analyses.anomalies_model import ALL, Anomaly, Cause, Scope
from cloudledger.cli import app
from cloudledger.config.load import load_config
from cloudledger.config.model import CloudledgerConfig
from cloudledger.notify.routing import anomaly_channels, budget_channels, channels
from notify.receivers import HttpSink
from owned_spike import LAST, PLATFORM, SPIKE, exports

ROUTES = """
notifications:
  channels:
    - {name: finops, url_env: HOOK_FINOPS}
    - {name: eng, url_env: HOOK_ENG}
    - {name: payments, url_env: HOOK_PAYMENTS}
    - {name: data, url_env: HOOK_DATA}
  budgets: [finops]
  anomalies: [finops]
budgets:
  - {name: eng, scope: {department: eng}, monthly: 100000, start: 2025-01}
  - {name: payments, scope: {team: PAY}, monthly: 100000, start: 2025-01}
  - {name: company, scope: {total: true}, monthly: 100000, start: 2025-01}
  - {name: own, scope: {department: Data}, monthly: 100000, start: 2025-01, notify: [data, finops]}
"""


def routed_config(tmp_path: Path) -> CloudledgerConfig:
    doc = {**yaml.safe_load(ORG), **yaml.safe_load(ROUTES)}
    departments = doc["organization"]["departments"]
    departments[0]["notify"] = ["eng", "finops"]
    departments[0]["teams"][1]["notify"] = ["payments"]
    departments[1]["notify"] = ["data"]
    path = tmp_path / "cloudledger.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return load_config(path)


def test_budget_alerts_go_to_the_budget_or_its_owner(tmp_path: Path) -> None:
    config = routed_config(tmp_path)
    assert budget_channels(config, "eng") == ["finops", "eng"]  # the alias names the department; finops once
    assert budget_channels(config, "payments") == ["finops", "payments"]
    assert budget_channels(config, "company") == ["finops"]
    assert budget_channels(config, "own") == ["data", "finops"]  # a budget's own notify: wins


def anomaly(*causes: tuple[str, str, float]) -> Anomaly:
    from datetime import date
    from decimal import Decimal

    made = tuple(Cause(d, v, Decimal(0), Decimal(0), Decimal(0), share) for d, v, share in causes)
    return Anomaly(Scope(ALL, ALL, ALL), "USD", date(2025, 9, 1), date(2025, 9, 1), Decimal(1), Decimal(9), 9.0, made)


def test_anomalies_go_to_the_owners_of_most_of_the_rise(tmp_path: Path) -> None:
    config = routed_config(tmp_path)
    owned = anomaly(("ResourceId", "batch-1", 1.0), ("department", "Engineering", 0.9), ("team", "payments", 0.6))
    assert anomaly_channels(config, owned) == ["finops", "eng", "payments"]
    shared = anomaly(("department", "Engineering", 0.45), ("department", "Data", 0.4), ("team", "payments", 0.3))
    assert anomaly_channels(config, shared) == ["finops"]  # nobody owns half of it
    unowned = anomaly(("department", "(unallocated)", 1.0))
    assert anomaly_channels(config, unowned) == ["finops"]


def test_unknown_owner_channels_are_named_by_the_config_check(tmp_path: Path) -> None:
    path = tmp_path / "cloudledger.yaml"
    doc = yaml.safe_load(ORG)
    doc["organization"]["departments"][1]["teams"][0]["notify"] = ["nowhere"]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--config", str(path)])
    assert result.exit_code != 0
    assert "'ml': unknown channel 'nowhere'" in result.output + str(result.exception)


def test_a_watch_round_sends_the_spike_to_its_owners(
    tmp_path: Path, http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    routed_config(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "cloudledger.yaml").rename(home / "cloudledger.yaml")
    for name in ("finops", "eng", "payments", "data"):
        monkeypatch.setenv(f"HOOK_{name.upper()}", http_sink.url.replace("http://", "json://") + f"/{name}")
    folder = tmp_path / "exports"
    exports(folder)
    result = CliRunner().invoke(app, ["watch", str(folder), "--once", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert "anomalies sent: 1" in result.output and "budget alerts: 0" in result.output
    for path in ("/finops", "/eng", "/payments"):
        posts = http_sink.to(path)
        assert len(posts) == 1, path
        message = posts[0].json()["message"]
        assert LAST.isoformat() in posts[0].json()["title"]
        assert f"{SPIKE + PLATFORM[LAST.weekday()]:,.2f} USD against {PLATFORM[LAST.weekday()]:,.2f} USD" in message
        assert "batch-1" in message and "team payments: 100%" in message and "department Engineering: 100%" in message
    assert http_sink.to("/data") == []
    assert [c.name for c in channels(load_config(home / "cloudledger.yaml"), ["finops", "nope"])] == ["finops"]
