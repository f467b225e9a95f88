"""Which channels an alert goes to, from `notifications:` and the organisation's `notify:` lists.

A budget alert goes to the budget's own `notify:` when it has one; otherwise to `notifications.budgets` and to the
channels of the department or team the budget covers. An anomaly goes to `notifications.anomalies` and to the
channels of the department and team that own at least half of its rise (the allocation of its rows). A channel
is named once however many routes lead to it."""

from __future__ import annotations

from collections.abc import Iterable

from cloudledger.analyses.anomalies_model import Anomaly
from cloudledger.analyses.anomaly_owners import owner
from cloudledger.config.model import CloudledgerConfig
from cloudledger.notify.channels import Channel


def owner_channels(config: CloudledgerConfig, department: str | None, team: str | None) -> list[str]:
    """The `notify:` channels of a department and of a team (by name or alias, as the organisation resolves them)."""
    org = config.organization
    out: list[str] = []
    for level, name in (("department", department), ("team", team)):
        resolved = org.owners(level).get(name.casefold()) if name else None
        if resolved is None:
            continue
        unit = next(d for d in org.departments if d.name == resolved.department)
        out += unit.notify if resolved.team is None else next(t.notify for t in unit.teams if t.name == resolved.team)
    return out


def budget_channels(config: CloudledgerConfig, budget: str) -> list[str]:
    """The channel names of a budget's alerts."""
    found = next((b for b in config.budgets if b.name == budget), None)
    if found is None:
        return _unique(config.notifications.budgets)
    if found.notify:
        return _unique(found.notify)
    scope = found.scope
    return _unique([*config.notifications.budgets, *owner_channels(config, scope.department, scope.team)])


def anomaly_channels(config: CloudledgerConfig, anomaly: Anomaly) -> list[str]:
    """The channel names of an anomaly's alert (its causes must include the owner causes to reach owners)."""
    owners = owner_channels(config, owner(anomaly, "department"), owner(anomaly, "team"))
    return _unique([*config.notifications.anomalies, *owners])


def channels(config: CloudledgerConfig, names: Iterable[str]) -> list[Channel]:
    """The configured channels of `names` with their URLs (names not configured are left out: the config check
    reports them)."""
    known = {c.name: c for c in config.notifications.channels}
    return [Channel(name, known[name].resolved_url()) for name in names if name in known]


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
