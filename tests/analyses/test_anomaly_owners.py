"""Whose anomaly it is: a spike of one team's resources on top of two teams' weekly pattern is owned by that
team and its department, share by share as computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocation_ledger import ORG
from cloudledger.analyses.anomalies import anomalies
from cloudledger.analyses.anomaly_owners import UNALLOCATED, owner, owner_causes
from cloudledger.config.load import load_config
from cloudledger.home import Home
from cloudledger.ledger.ingest import ingest
from cloudledger.ledger.read import open_ledger
from owned_spike import LAST, PLATFORM, SPIKE, exports


@pytest.fixture(scope="module")
def spiked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Home, Path]:
    folder = tmp_path_factory.mktemp("owners")
    home = Home(folder / "home").ensure()
    for path in exports(folder / "exports"):
        ingest(home, [path])
    config = folder / "cloudledger.yaml"
    config.write_text(ORG, encoding="utf-8")
    return home, config


def test_the_spike_belongs_to_the_payments_team_and_engineering(spiked: tuple[Home, Path]) -> None:
    home, config_path = spiked
    config = load_config(config_path)
    view = open_ledger(home)
    found = [a for a in anomalies(view.daily, view.table, causes=False) if a.end == LAST]
    assert {str(a.scope) for a in found} == {"total", "Acme Cloud / Virtual Machines / acct-eng"}
    for anomaly in found:
        causes = owner_causes(view.table, anomaly, config)
        departments = [c for c in causes if c.dimension == "department"]
        teams = [c for c in causes if c.dimension == "team"]
        # payments had no cost before: all of the rise is theirs; platform and Data kept their weekday cost
        assert (teams[0].value, teams[0].deviation, teams[0].share) == ("payments", SPIKE, 1.0)
        assert teams[0].expected == 0 and teams[0].actual == SPIKE
        assert (departments[0].value, departments[0].deviation, departments[0].share) == ("Engineering", SPIKE, 1.0)
        assert departments[0].actual == SPIKE + PLATFORM[LAST.weekday()]
        others = {c.value: c.deviation for c in departments[1:]}
        assert set(others) <= {"Data", UNALLOCATED} and all(v == 0 for v in others.values())
        with_owners = type(anomaly)(**{**vars(anomaly), "causes": causes})
        assert owner(with_owners) == "Engineering" and owner(with_owners, "team") == "payments"


def test_without_an_organisation_there_are_no_owners(spiked: tuple[Home, Path], tmp_path: Path) -> None:
    home, _ = spiked
    bare = tmp_path / "cloudledger.yaml"
    bare.write_text("budgets: []\n", encoding="utf-8")
    view = open_ledger(home)
    anomaly = next(a for a in anomalies(view.daily, view.table, causes=False) if a.end == LAST)
    assert owner_causes(view.table, anomaly, load_config(bare)) == ()
    assert owner(anomaly) is None
