"""Tag values as the tag policy reads them: every spelling of a key unified, values normalised."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from cloudledger.config.tag_policy import TagPolicy, key_form


def ledger_tag_keys(table: ir.Table) -> tuple[str, ...]:
    """Every tag key the rows of `table` use, sorted. A table without `Tags` (a rollup that keeps none) raises
    AttributeError rather than answer "no key": an analysis run on it then falls back to the ledger."""
    keys = table.select(key=table.Tags.keys().unnest()).distinct()
    return tuple(sorted(k for k in keys.to_pyarrow().column("key").to_pylist() if k is not None))


@dataclass(frozen=True)
class TagResolver:
    """Reads a tag from the `Tags` map by any of its spellings (policy aliases; case, dashes, underscores and
    spaces ignored) and returns its normalised value (policy `normalize:` and allowed values' spelling)."""

    policy: TagPolicy
    keys: tuple[str, ...]
    """The keys present in the ledger."""

    @classmethod
    def of(cls, table: ir.Table, policy: TagPolicy) -> TagResolver:
        return cls(policy, ledger_tag_keys(table))

    def spellings(self, key: str) -> list[str]:
        """The ledger keys that spell `key` (the policy key itself or any alias), most exact first."""
        canonical = self.policy.canonical(key) or key
        rule = self.policy.keys.get(canonical)
        forms = {key_form(s) for s in [key, canonical, *(rule.aliases if rule else [])]}
        found = [k for k in self.keys if key_form(k) in forms]
        return sorted(found, key=lambda k: (k != key, k != canonical, k))

    def raw(self, table: ir.Table, key: str) -> ir.StringValue:
        """The first non-empty value among the key's spellings (surrounding spaces removed). A table without
        `Tags` (a rollup that keeps none) raises AttributeError, even when no row has the key."""
        tags = table.Tags
        return first_present([tags.get(k) for k in self.spellings(key)])

    def value(self, table: ir.Table, key: str) -> ir.StringValue:
        """The tag's value after normalisation (null when absent or empty); AttributeError without `Tags`."""
        tags = table.Tags
        return self.normalised([tags.get(k) for k in self.spellings(key)], key)

    def normalised(self, values: Sequence[ir.StringValue], key: str) -> ir.StringValue:
        """The normalised value of `key` from the values of its spellings (as `spellings` orders them)."""
        raw = first_present(values)
        canonical = self.policy.canonical(key)
        mapping = normalisation(self.policy, canonical) if canonical is not None else {}
        if not mapping:
            return raw
        folded = raw.lower()
        return ibis.cases(*((folded == spelling, value) for spelling, value in mapping.items()), else_=raw)


def first_present(values: Sequence[ir.StringValue]) -> ir.StringValue:
    """The first value that is neither null nor blank, trimmed."""
    cleaned = [v.strip().nullif("") for v in values]
    if not cleaned:
        return ibis.null(str)
    return cleaned[0] if len(cleaned) == 1 else ibis.coalesce(*cleaned)


def normalisation(policy: TagPolicy, key: str) -> dict[str, str]:
    """Case-folded value → canonical value for a policy key: its `normalize:` map and its allowed values."""
    rule = policy.rule(key)
    mapping = {v.casefold(): v for v in rule.values or []}
    mapping.update({raw.casefold(): _allowed_spelling(rule.values, value) for raw, value in rule.normalize.items()})
    return mapping


def _allowed_spelling(values: Iterable[str] | None, value: str) -> str:
    return next((v for v in values or [] if v.casefold() == value.casefold()), value)
