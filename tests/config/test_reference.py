"""docs/config.md: every key of every model is documented, and every example is a valid config."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from cloudledger.config import CloudledgerConfig, parse_config
from cloudledger.config.allocation import SharedCost
from cloudledger.config.reference import config_reference, sections
from cloudledger.config.reference_examples import EXAMPLES, ORGANIZATION


def _models(annotation: object) -> set[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {annotation}
    found: set[type[BaseModel]] = set()
    for arg in typing.get_args(annotation):
        found |= _models(arg)
    return found


def _all_models() -> set[type[BaseModel]]:
    todo, seen = [CloudledgerConfig], set[type[BaseModel]]()
    while todo:
        model = todo.pop()
        if model not in seen:
            seen.add(model)
            for info in model.model_fields.values():
                todo += _models(info.annotation)
    return seen


def test_every_model_is_a_section_with_every_key_described() -> None:
    found = {s.model: s for s in sections()}
    assert set(found) == _all_models()
    for model, section in found.items():
        keys = [info.alias or name for name, info in model.model_fields.items()]
        assert [k.key for k in section.keys] == keys
        assert all(k.description and k.type for k in section.keys), model.__name__


def test_each_split_of_a_shared_cost_has_its_own_section() -> None:
    variants = {s.variant for s in sections() if s.path == "allocation.shared_costs[]"}
    union = typing.get_args(SharedCost)[0]
    splits = {typing.get_args(m.model_fields["split"].annotation)[0] for m in typing.get_args(union)}
    assert variants == {f"split: {split}" for split in splits}
    page = config_reference()
    for split in splits:
        assert f"### `allocation.shared_costs[]` with `split: {split}`" in page


def test_every_top_level_section_has_an_example() -> None:
    assert set(EXAMPLES) == set(CloudledgerConfig.model_fields)
    page = config_reference()
    for example in EXAMPLES.values():
        assert f"```yaml\n{example.rstrip()}\n```" in page


@pytest.mark.parametrize("section", sorted(EXAMPLES))
def test_examples_are_valid_configs(section: str) -> None:
    text = EXAMPLES[section] if section == "organization" else ORGANIZATION + EXAMPLES[section]
    config = parse_config(text, Path("example.yaml"))
    assert section in config.model_fields_set


def test_required_keys_and_defaults_are_shown() -> None:
    budget = next(s for s in sections() if s.path == "budgets[]")
    by_key = {k.key: k for k in budget.keys}
    assert by_key["name"].required and by_key["name"].default == ""
    assert not by_key["currency"].required and by_key["currency"].default == '`"USD"`'
    assert by_key["fiscal_year_start"].type == "integer (≥ 1, ≤ 12)"
