"""Tag compliance results, and the tag policy's value rules in plain Python (for resource inventories).

A required tag on a charge is `valid` (present, allowed, matching the pattern), `invalid` (present but not
allowed or not matching) or `missing` (absent or empty). A resource with several charges counts with the worst
state among them: missing, then invalid, then valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from cloudledger.analyses.tag_values import TagResolver, normalisation
from cloudledger.config.tag_policy import TagPolicy

Status = Literal[0, 1, 2]
VALID: Status = 0
INVALID: Status = 1
MISSING: Status = 2
"""Tag states, ordered so that the largest is the worst."""


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part ÷ whole × 100, two decimals (half up); None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class KeyCompliance:
    """One required key in one group: spend and resources by the key's state."""

    key: str
    taggable_spend: Decimal
    valid_spend: Decimal
    missing_spend: Decimal
    invalid_spend: Decimal
    resources: int
    """Distinct resource ids with taggable charges (charges without a resource id count by spend only)."""
    valid_resources: int
    missing_resources: int
    invalid_resources: int

    @property
    def spend_percent(self) -> Decimal | None:
        """Compliance by spend: valid ÷ taggable spend × 100."""
        return percent(self.valid_spend, self.taggable_spend)

    @property
    def count_percent(self) -> Decimal | None:
        """Compliance by count: valid ÷ all resources × 100."""
        return percent(self.valid_resources, self.resources)


@dataclass(frozen=True)
class GroupCompliance:
    """One group (a provider, account, service, owner or month, or everything) in one currency."""

    group: str | None
    """The group's value; None for everything (no grouping) or for charges without a value (no owner)."""
    currency: str | None
    taggable_spend: Decimal
    untaggable_spend: Decimal
    """Charges the policy calls untaggable (tax, credits, ...): never counted as violations."""
    compliant_spend: Decimal
    """Spend whose every required key is valid."""
    resources: int
    compliant_resources: int
    """Resources whose every required key is valid on every charge."""
    keys: tuple[KeyCompliance, ...]

    @property
    def spend_percent(self) -> Decimal | None:
        return percent(self.compliant_spend, self.taggable_spend)

    @property
    def count_percent(self) -> Decimal | None:
        return percent(self.compliant_resources, self.resources)

    def key(self, name: str) -> KeyCompliance:
        return next(k for k in self.keys if k.key == name)


@dataclass(frozen=True)
class ComplianceReport:
    """Compliance with the required tags, per group and currency (amounts of two currencies never added)."""

    by: str | None
    metric: str | None
    """The cost column (ledger) or the inventory's cost column; None when an inventory has none."""
    required: tuple[str, ...]
    groups: tuple[GroupCompliance, ...]

    def group(self, value: str | None, currency: str | None = None) -> GroupCompliance:
        """The group with this value (and currency, when given)."""
        found = [g for g in self.groups if g.group == value and currency in (None, g.currency)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} groups for {value!r} in {currency or 'any currency'}")
        return found[0]


@dataclass(frozen=True)
class UntaggedResource:
    """A resource missing a required key or carrying an invalid value, with its spend."""

    resource_id: str
    provider: str | None
    account: str | None
    service: str | None
    currency: str | None
    spend: Decimal
    missing: tuple[str, ...]
    invalid: tuple[str, ...]


@dataclass(frozen=True)
class UnallocatedByTag:
    """For one required key and currency: the spend of charges missing it, and how much of that no
    ownership rule allocated."""

    key: str
    currency: str | None
    missing_spend: Decimal
    unallocated_spend: Decimal


def tag_value(tags: Mapping[str, str], policy: TagPolicy, key: str) -> str | None:
    """The normalised value of a policy key in a resource's tags, read as the ledger reads it: any spelling of
    the key (the most exact first), the first non-empty value, then the key's normalisation."""
    spellings = TagResolver(policy, tuple(tags)).spellings(key)
    raw = next((tags[k] for k in spellings if tags[k].strip()), None)
    if raw is None:
        return None
    canonical = policy.canonical(key)
    if canonical is None:
        return raw
    return normalisation(policy, canonical).get(raw.lower(), raw)


def value_status(value: str | None, policy: TagPolicy, key: str) -> Status:
    """The state of a normalised value under the key's `values:` and `pattern:`."""
    if value is None:
        return MISSING
    rule = policy.rule(key)
    if rule.values is not None and value not in rule.values:
        return INVALID
    if rule.pattern is not None and re.fullmatch(rule.pattern, value) is None:
        return INVALID
    return VALID
