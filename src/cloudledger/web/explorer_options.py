"""What the explorer can group by: the groupable FOCUS columns, the provider (`x_`) columns, and the tag keys of
the ledger as the tag policy names them (read once per ledger version)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from cloudledger.analyses.explorer import TAG_PREFIX, groupable_columns
from cloudledger.analyses.tag_values import TagResolver, ledger_tag_keys
from cloudledger.config.tag_policy import TagPolicy, key_form
from cloudledger.ledger.read import LedgerView

CACHE_SIZE = 16


@dataclass(frozen=True)
class GroupOptions:
    """The group-by choices, in the order the select lists them."""

    columns: tuple[str, ...]
    """Groupable FOCUS columns."""
    extra: tuple[str, ...]
    """Groupable provider columns (`x_`)."""
    tags: tuple[str, ...]
    """`tag:KEY` for each tag key (policy keys by their policy name; other keys once whatever their spelling)."""

    @property
    def allowed(self) -> list[str]:
        """Every column name `/api/v1/costs` accepts in `group_by` and `filter` (tags aside)."""
        return [*self.columns, *self.extra]


def _ledger_keys(request: Request, ledger: LedgerView) -> tuple[str, ...]:
    """The tag keys of the ledger, cached per ledger version on the app (a scan of the Tags column)."""
    state = request.app.state
    cache: dict[tuple[str, int], tuple[str, ...]] = getattr(state, "explorer_tag_keys", None) or {}
    version = ledger.snapshot.version
    key = (str(request.app.state.settings.ledger_home.ledger_path), version if version is not None else -1)
    if key not in cache:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        cache[key] = ledger_tag_keys(ledger.monthly)  # the monthly rollup keeps every tag
        state.explorer_tag_keys = cache
    return cache[key]


def tag_names(policy: TagPolicy, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys to offer: a policy key under its policy name, any other key once (first spelling, sorted)."""
    names: dict[str, str] = {}
    for key in keys:
        name = policy.canonical(key) or key
        names.setdefault(key_form(name), name)
    return tuple(sorted(names.values(), key=str.casefold))


def group_options(request: Request, ledger: LedgerView, policy: TagPolicy) -> tuple[GroupOptions, TagResolver]:
    """The group-by choices and the tag reader (built on the same key list)."""
    keys = _ledger_keys(request, ledger)
    names = groupable_columns(ledger.columns)
    options = GroupOptions(
        columns=tuple(n for n in names if not n.startswith("x_")),
        extra=tuple(n for n in names if n.startswith("x_")),
        tags=tuple(TAG_PREFIX + k for k in tag_names(policy, keys)),
    )
    return options, TagResolver(policy, keys)
