"""`tag_policy:` the tags every resource must carry, their allowed values, and the charges that carry none."""

from __future__ import annotations

import re

from pydantic import Field, model_validator

from cloudledger.config.base import StrictModel
from cloudledger.config.selectors import Condition, Selector, check_regex

DEFAULT_REQUIRED = ["Owner", "Environment", "Team", "CostCenter", "Project"]


def key_form(key: str) -> str:
    """How tag keys are compared: case, spaces, dashes, dots and underscores ignored (cost-center = CostCenter)."""
    return re.sub(r"[\s_.\-]", "", key).casefold()


class TagKey(StrictModel):
    """What one tag key may hold and how its spellings are unified."""

    aliases: list[str] = Field(
        default_factory=list,
        description="Other keys that mean this one (env for Environment); case, dashes and underscores never matter.",
    )
    values: list[str] | None = Field(default=None, description="The allowed values (after normalisation).")
    pattern: str | None = Field(default=None, description="A regular expression every value must match in full.")
    normalize: dict[str, str] = Field(
        default_factory=dict, description="Value → canonical value (prod: production); compared ignoring case."
    )

    @model_validator(mode="after")
    def _valid(self) -> TagKey:
        if self.pattern is not None:
            check_regex(self.pattern, "pattern")
        if self.values is not None:
            allowed = {v.casefold() for v in self.values}
            for raw, canonical in self.normalize.items():
                if canonical.casefold() not in allowed:
                    raise ValueError(
                        f"normalize maps {raw!r} to {canonical!r}, which is not among values: {self.values}"
                    )
        return self


def _default_untaggable() -> list[dict[str, Condition]]:
    return [
        {"ChargeCategory": Condition.model_validate({"in": ["Tax", "Credit", "Adjustment"]})},
        {"ServiceName": Condition.model_validate({"matches": "(?i)support"})},
    ]


class TagPolicy(StrictModel):
    """Required tags, their rules, and which charges cannot be tagged (never counted as violations)."""

    required: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED), description="Keys every resource needs."
    )
    keys: dict[str, TagKey] = Field(default_factory=dict, description="Rules per key (required or not).")
    untaggable: list[Selector] = Field(
        default_factory=_default_untaggable,
        description="Selectors of charges that cannot carry tags (default: tax, credits, adjustments, support).",
    )

    @model_validator(mode="after")
    def _no_clashes(self) -> TagPolicy:
        seen: dict[str, str] = {}
        for key in [*self.required, *self.keys]:
            spellings = [key, *(self.keys[key].aliases if key in self.keys else [])]
            for spelling in spellings:
                form = key_form(spelling)
                if seen.get(form, key) != key:
                    raise ValueError(f"{spelling!r} would mean both {seen[form]!r} and {key!r}")
                seen[form] = key
        return self

    def canonical(self, key: str) -> str | None:
        """The policy key that a ledger tag key spells, if any."""
        form = key_form(key)
        for name in dict.fromkeys([*self.required, *self.keys]):
            rule = self.keys.get(name)
            if form in {key_form(s) for s in [name, *(rule.aliases if rule else [])]}:
                return name
        return None

    def rule(self, key: str) -> TagKey:
        return self.keys.get(key) or TagKey()
