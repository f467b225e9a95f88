"""Find and load cloudledger.yaml; every error names the file, the line and the column."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.positions import Origin, duplicate_key
from cloudledger.config.references import reference_problems
from cloudledger.errors import ConfigError
from cloudledger.home import Home

CONFIG_NAME = "cloudledger.yaml"
SHOWN_ERRORS = 10


def find_config(explicit: Path | None, home: Home) -> Path | None:
    """`--config PATH`, else ./cloudledger.yaml, else the home's cloudledger.yaml; None when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file {explicit} not found")
        return explicit
    for candidate in (Path.cwd() / CONFIG_NAME, home.config_path):
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None) -> CloudledgerConfig:
    """The config in `path`; an absent file (None) is the empty config."""
    if path is None:
        return CloudledgerConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from exc
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> CloudledgerConfig:
    """Validate YAML `text` (from `path`, named in errors) against the config models."""
    node, data = _compose(text, path)
    origin = Origin(path, node)
    twice = duplicate_key(node)
    if twice is not None:
        raise ConfigError(f"{origin.where_node(twice)}: the key {twice.value!r} is written twice in one mapping")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{origin.where(())}: found {_found(data)}, expected a mapping of sections such as `csv_mappings:`"
        )
    try:
        config = CloudledgerConfig.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        lines = [_describe(error, origin) for error in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            lines.append(f"(and {len(errors) - SHOWN_ERRORS} more)")
        raise ConfigError("\n".join(lines)) from None
    config._origin = origin
    problems = reference_problems(config)
    if problems:
        lines = [f"{origin.where(loc)}: {message}" for loc, message in problems[:SHOWN_ERRORS]]
        if len(problems) > SHOWN_ERRORS:
            lines.append(f"(and {len(problems) - SHOWN_ERRORS} more)")
        raise ConfigError("\n".join(lines))
    return config


def _compose(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path} line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def _describe(error: ErrorDetails, origin: Origin) -> str:
    """One line: where, which key, what was found, what was expected."""
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(_keys_at(loc[:-1]))
        return (
            f"{origin.where(loc, key=True)}: unknown key {loc[-1]!r} in {_dotted(loc[:-1])}; expected one of: {allowed}"
        )
    if kind == "missing":
        return f"{origin.where(loc[:-1])}: {_dotted(loc[:-1])} lacks the required key {loc[-1]!r}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "value_error":
        return f"{origin.where(loc)}: {_dotted(loc)}: {message}"
    given = error.get("input")
    return f"{origin.where(loc)}: {_dotted(loc)}: found {_found(given)}; expected: {message[0].lower()}{message[1:]}"


def _found(value: object) -> str:
    if isinstance(value, dict):
        return f"a mapping ({', '.join(map(str, value))})"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()} (quote it to mean text)"
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value)


def _dotted(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the top level"


def _keys_at(loc: Sequence[int | str]) -> list[str]:
    """The keys the model at `loc` accepts."""
    model: type[BaseModel] = CloudledgerConfig
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = _model_in(field.annotation) if field is not None else None
        if inner is None:
            break
        model = inner
    return list(model.model_fields)


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
