"""cloudledger.yaml's policy sections refuse what cannot be meant, naming the line and column of the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudledger.config import parse_config
from cloudledger.errors import ConfigError

ORG = """\
organization:
  cost_centers:
    - code: CC-100
  departments:
    - name: Engineering
      cost_center: CC-100
      teams:
        - name: platform
        - name: checkout
"""
PATH = Path("cloudledger.yaml")


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, PATH)
    return str(caught.value)


def _at(text: str, marker: str, *, after: str = "") -> str:
    """'cloudledger.yaml line L, column C' of the first `marker` (on a line holding `after`, when given)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line and after in line:
            return f"{PATH} line {number}, column {line.index(marker) + 1}"
    raise AssertionError(f"{marker!r} is not in the text")


def test_an_unknown_key_names_the_keys_that_are_allowed() -> None:
    text = ORG.replace("        - name: checkout\n", "        - name: checkout\n          manager: ann\n")
    message = _error(text)
    assert message.startswith(f"{_at(text, 'manager')}: unknown key 'manager' in organization.departments[0].teams[1]")
    assert "expected one of: name, aliases, cost_center, owner" in message


def test_a_condition_has_exactly_one_test() -> None:
    text = ORG + "  rules:\n    - match:\n        ServiceName: {equals: EC2, prefix: Amazon}\n      team: platform\n"
    message = _error(text)
    assert message.startswith(_at(text, "{equals"))
    assert "a condition needs exactly one of equals, in, not_in, matches, prefix, exists (found equals, prefix)" in (
        message
    )


def test_a_bad_regular_expression_is_named() -> None:
    text = ORG + '  rules:\n    - match:\n        ServiceName: {matches: "[a-"}\n      team: platform\n'
    message = _error(text)
    assert message.startswith(_at(text, "{matches"))
    assert "matches: '[a-' is not a valid regular expression" in message
    pattern = 'tag_policy:\n  keys:\n    Owner:\n      pattern: "(x"\n'
    assert _error(pattern).startswith(_at(pattern, "pattern:"))
    assert "'(x' is not a valid regular expression" in _error(pattern)
    pooled = ORG + (
        "allocation:\n  shared_costs:\n    - name: support\n      match:\n"
        '        ServiceName: {matches: "(?i)support("}\n      split: even\n'
    )
    assert _error(pooled).startswith(_at(pooled, "{matches"))


def test_fixed_weights_add_up_to_100() -> None:
    text = ORG + (
        "allocation:\n  shared_costs:\n    - name: network\n      match: {ServiceCategory: Networking}\n"
        "      split: fixed\n      weights: {platform: 60, checkout: 30}\n"
    )
    message = _error(text)
    assert message.startswith(_at(text, "name: network"))
    assert "fixed weights add up to 90, expected 100" in message


def test_an_unknown_team_in_a_rule_is_named_with_its_line() -> None:
    text = ORG + "  rules:\n    - name: ghosts\n      match: {SubAccountId: '1'}\n      team: ghost-team\n"
    message = _error(text)
    assert message == f"{_at(text, 'ghost-team')}: ghosts: no team 'ghost-team'; known: checkout, platform"


def test_a_budget_is_monthly_or_annual_not_both() -> None:
    text = ORG + (
        "budgets:\n  - name: eng\n    scope: {department: Engineering}\n"
        "    monthly: 100\n    annual: {2025: 1200}\n    start: '2025-01'\n"
    )
    message = _error(text)
    assert message.startswith(_at(text, "name: eng"))
    assert "a budget has either monthly: or annual:, not both and not neither" in message


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "budgets:\n  - {name: eng, scope: {total: true}, monthly: 1, start: '2025-01'}\n"
            "  - {name: eng, scope: {total: true}, monthly: 2, start: '2025-01'}\n",
            "two budgets are named 'eng'",
        ),
        (
            "allocation:\n  shared_costs:\n    - {name: pool, match: {ServiceName: a}, split: even}\n"
            "    - {name: pool, match: {ServiceName: b}, split: even}\n",
            "two shared costs are named 'pool'",
        ),
        (
            "unit_costs:\n  - {name: per order, metric: orders}\n  - {name: per order, metric: orders}\n",
            "two unit costs are named 'per order'",
        ),
    ],
)
def test_duplicate_names_are_refused(section: str, expected: str) -> None:
    assert expected in _error(ORG + section)


def test_duplicate_teams_ignoring_case_are_refused_at_the_organization() -> None:
    text = ORG.replace("- name: checkout", "- name: Platform")
    message = _error(text)
    assert message.startswith(f"{_at(text, 'cost_centers')}: organization: two teams are named 'Platform'")


def test_a_tag_alias_cannot_mean_two_keys() -> None:
    text = "tag_policy:\n  keys:\n    Environment:\n      aliases: [env]\n    Stage:\n      aliases: [ENV]\n"
    message = _error(text)
    assert message.startswith(f"{PATH} line 2, column 3: tag_policy:")
    assert "'ENV' would mean both 'Environment' and 'Stage'" in message
