"""Selectors: which ledger rows a rule applies to, written as `column: condition` pairs (all must hold)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from cloudledger.config.base import StrictModel

TAG_PREFIX = "tag:"


class Condition(StrictModel):
    """One test on a column's value; exactly one of the tests is given."""

    equals: str | None = Field(default=None, description="The value, exactly.")
    in_: list[str] | None = Field(default=None, alias="in", description="Any of these values.")
    not_in: list[str] | None = Field(default=None, description="None of these values (an absent value passes).")
    matches: str | None = Field(default=None, description="A regular expression found anywhere in the value.")
    prefix: str | None = Field(default=None, description="The value starts with this text.")
    exists: bool | None = Field(default=None, description="true: the value is present and not empty; false: absent.")
    ignore_case: bool = Field(default=False, description="Compare text without regard to upper and lower case.")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [
            name
            for name in ("equals", "in_", "not_in", "matches", "prefix", "exists")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            names = ", ".join(n.rstrip("_") for n in given) or "none"
            raise ValueError(
                f"a condition needs exactly one of equals, in, not_in, matches, prefix, exists (found {names})"
            )
        if self.matches is not None:
            check_regex(self.matches, "matches")
        return self


UNSUPPORTED = re.compile(r"\(\?<?[=!]|\\[1-9]")
"""Look-arounds and back-references: Python has them, the query engine's RE2 does not."""


def check_regex(pattern: str, key: str) -> str:
    """A regular expression both Python and the query engine (RE2 syntax) accept."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{key}: {pattern!r} is not a valid regular expression ({exc})") from None
    if UNSUPPORTED.search(pattern):
        raise ValueError(f"{key}: {pattern!r} uses a look-around or back-reference, which RE2 syntax does not support")
    return pattern


def _as_condition(value: Any) -> Any:
    """Shorthands: `column: value` means equals, `column: [a, b]` means in."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"equals": str(value)}
    if isinstance(value, list):
        return {"in": [str(v) for v in value]}
    return value


def _check_columns(selector: dict[str, Condition]) -> dict[str, Condition]:
    for name in selector:
        check_column_name(name)
    return selector


def check_column_name(name: str) -> str:
    """A column a rule may read: a FOCUS column (CamelCase), an `x_` column, or `tag:KEY`."""
    if name.startswith(TAG_PREFIX):
        if not name[len(TAG_PREFIX) :].strip():
            raise ValueError("a tag needs a key: tag:KEY, e.g. tag:team")
        return name
    if not re.fullmatch(r"(x_[A-Za-z0-9_]+|[A-Z][A-Za-z0-9]*)", name):
        raise ValueError(
            f"{name!r} is not a column name; expected a FOCUS column such as ServiceName, an x_ column, or tag:KEY"
        )
    return name


def _shorthands(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _as_condition(v) for k, v in data.items()}
    return data


Selector = Annotated[
    dict[str, Condition],
    BeforeValidator(_shorthands),
    AfterValidator(_check_columns),
    Field(
        description="column: condition pairs, all of which must hold; columns are FOCUS columns, x_ columns or tag:KEY."
    ),
]


class Selects(StrictModel):
    """Mixin for rules with a `match:` selector; an absent or empty selector matches every row."""

    match: Selector = Field(default_factory=dict)


def selector_columns(selector: dict[str, Condition]) -> set[str]:
    """The columns (and `tag:KEY`s) a selector reads."""
    return set(selector)


def parse_selector(raw: dict[str, Any]) -> dict[str, Condition]:
    """A selector from plain data (shorthands allowed), e.g. for a command-line filter."""
    return {check_column_name(k): Condition.model_validate(_as_condition(v)) for k, v in raw.items()}
