"""Checks across sections: every department, team and cost center a rule, split, budget or unit cost names
exists in `organization:`; each problem is reported where it is written."""

from __future__ import annotations

from collections.abc import Iterator

from cloudledger.config.allocation import FixedSplit
from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.organization import Organization

Problem = tuple[tuple[str | int, ...], str]


def reference_problems(config: CloudledgerConfig) -> list[Problem]:
    """(location in the file, message) of every name that does not resolve."""
    return [*_organization(config.organization), *_elsewhere(config)]


def _organization(org: Organization) -> Iterator[Problem]:
    codes = {c.code for c in org.cost_centers}
    for d_index, department in enumerate(org.departments):
        where: tuple[str | int, ...] = ("organization", "departments", d_index)
        if department.cost_center is not None and department.cost_center not in codes:
            yield (*where, "cost_center"), _unknown_center(department.cost_center, codes)
        for t_index, team in enumerate(department.teams):
            if team.cost_center is not None and team.cost_center not in codes:
                yield (*where, "teams", t_index, "cost_center"), _unknown_center(team.cost_center, codes)
    for index, rule in enumerate(org.rules):
        target = rule.target
        loc: tuple[str | int, ...] = ("organization", "rules", index, rule.level)
        names = [target] if isinstance(target, str) else list(target.values.values())
        for name in names:
            message = _missing(org, rule.level, name)
            if message:
                yield loc, f"{rule.label(index)}: {message}"


def _elsewhere(config: CloudledgerConfig) -> Iterator[Problem]:
    org = config.organization
    for index, shared in enumerate(config.allocation.shared_costs):
        names = list(shared.to) + (list(shared.weights) if isinstance(shared, FixedSplit) else [])
        for name in names:
            message = _missing(org, shared.level, name)
            if message:
                yield ("allocation", "shared_costs", index), f"shared cost {shared.name!r}: {message}"
    for index, budget in enumerate(config.budgets):
        kind = budget.scope.kind
        if kind in ("department", "team", "cost_center"):
            message = _missing(org, kind, budget.scope.value)
            if message:
                yield ("budgets", index, "scope", kind), f"budget {budget.name!r}: {message}"
    channels = {c.name for c in config.notifications.channels}
    listed = ", ".join(sorted(channels)) or "none: add them under notifications.channels"
    for section in ("budgets", "anomalies"):
        for index, name in enumerate(getattr(config.notifications, section)):
            if name not in channels:
                yield ("notifications", section, index), f"unknown channel {name!r} (channels: {listed})"
    for index, budget in enumerate(config.budgets):
        for position, name in enumerate(budget.notify or []):
            if name not in channels:
                yield (
                    ("budgets", index, "notify", position),
                    f"budget {budget.name!r}: unknown channel {name!r} (channels: {listed})",
                )
    for d_index, department in enumerate(org.departments):
        owners: list[tuple[tuple[str | int, ...], str, list[str]]] = [
            (("departments", d_index), department.name, department.notify)
        ]
        owners += [
            (("departments", d_index, "teams", t_index), team.name, team.notify)
            for t_index, team in enumerate(department.teams)
        ]
        for path, name, notify in owners:
            for position, channel in enumerate(notify):
                if channel not in channels:
                    yield (
                        ("organization", *path, "notify", position),
                        f"{name!r}: unknown channel {channel!r} (channels: {listed})",
                    )
    for index, unit in enumerate(config.unit_costs):
        for level in ("department", "team"):
            name = getattr(unit, level)
            message = _missing(org, level, name) if name is not None else None
            if message:
                yield ("unit_costs", index, level), f"unit cost {unit.name!r}: {message}"


def _missing(org: Organization, level: str, name: str) -> str | None:
    try:
        org.resolve(level, name)
    except ValueError as exc:
        return str(exc)
    return None


def _unknown_center(code: str, codes: set[str]) -> str:
    listed = ", ".join(sorted(codes)) or "none"
    return f"cost center {code!r} is not listed under organization.cost_centers (listed: {listed})"
