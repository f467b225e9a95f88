"""docs/config.md: every key of cloudledger.yaml, walked from the pydantic models so the page cannot drift.

Each model is documented once, at the first place it appears (later places link to it); a discriminated
union (the `split:` of shared costs) gets one subsection per variant.
"""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cloudledger.config.model import CloudledgerConfig
from cloudledger.config.reference_descriptions import DESCRIPTIONS, INTRO, NOTES, csv_value_description
from cloudledger.config.reference_examples import EXAMPLES
from cloudledger.config.selectors import Condition

SCALARS = {str: "text", int: "integer", bool: "true or false", Decimal: "number", float: "number"}


@dataclass(frozen=True)
class KeyDoc:
    """One key of a section."""

    key: str
    type: str
    required: bool
    default: str
    description: str


@dataclass
class Section:
    """One model: where it is written, its keys, and the other places it is used."""

    model: type[BaseModel]
    path: str
    level: int
    variant: str | None = None
    also: list[str] = field(default_factory=list)
    keys: list[KeyDoc] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.model.__name__.lower()


def sections() -> list[Section]:
    """Every model of cloudledger.yaml in reading order (depth first, as the file nests them)."""
    found: dict[type[BaseModel], Section] = {}
    order: list[Section] = []
    _walk(CloudledgerConfig, "", 0, None, found, order)
    return order


def _walk(
    model: type[BaseModel],
    path: str,
    level: int,
    variant: str | None,
    found: dict[type[BaseModel], Section],
    order: list[Section],
) -> None:
    if model in found:
        if path != found[model].path and path not in found[model].also:
            found[model].also.append(path)
        return
    section = Section(model, path, level, variant)
    found[model] = section
    order.append(section)
    for name, info in model.model_fields.items():
        key = info.alias or name
        section.keys.append(_key_doc(model, name, key, info))
        for child_path, child, child_variant in _children(info.annotation, f"{path}.{key}" if path else key):
            _walk(child, child_path, min(level + 1, 3), child_variant, found, order)


def _unwrap(annotation: Any) -> tuple[Any, str | None]:
    """The type inside `Annotated[...]` and the union's discriminator, if one is given there."""
    if typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        discriminator = next(
            (m.discriminator for m in metadata if isinstance(m, FieldInfo) and isinstance(m.discriminator, str)), None
        )
        return inner, discriminator
    return annotation, None


def _variant_label(model: type[BaseModel], discriminator: str) -> str:
    values = typing.get_args(model.model_fields[discriminator].annotation)
    return f"{discriminator}: {values[0]}"


def _children(annotation: Any, path: str) -> list[tuple[str, type[BaseModel], str | None]]:
    """The models inside a field's type, each with the YAML path it is written at."""
    annotation, discriminator = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(path, annotation, None)]
    if origin is list:
        return _children(args[0], path + "[]")
    if origin is dict:
        inner, _ = _unwrap(args[1])
        return _children(args[1], path + (".<column>" if inner is Condition else ".<key>"))
    out: list[tuple[str, type[BaseModel], str | None]] = []
    for arg in args:
        for child_path, child, _ in _children(arg, path):
            out.append((child_path, child, _variant_label(child, discriminator) if discriminator else None))
    return out


def type_text(annotation: Any) -> str:
    """A field's type in a reader's words, with links to the sections of nested models."""
    annotation, discriminator = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{_human(annotation)}](#{annotation.__name__.lower()})"
    if annotation in SCALARS:
        return SCALARS[annotation]
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {type_text(args[0])}"
    if origin is dict:
        inner, _ = _unwrap(args[1])
        key = "column" if inner is Condition else type_text(args[0])
        return f"mapping of {key} to {type_text(args[1])}"
    if discriminator is not None:
        links = [f"[{_variant_label(a, discriminator)}](#{a.__name__.lower()})" for a in args]
        return f"items chosen by `{discriminator}`: " + ", ".join(links)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_text(a) for a in args)
    return str(annotation)


def _human(model: type[BaseModel]) -> str:
    """CostCenter → cost center."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _bounds(info: FieldInfo) -> str:
    """Numeric bounds and patterns the value must meet, e.g. ` (≥ 1, ≤ 12)`."""
    parts = []
    for item in info.metadata:
        for attribute, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            bound = getattr(item, attribute, None)
            if bound is not None:
                parts.append(f"{sign} {bound}")
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            parts.append(f"matching `{pattern}`")
    return f" ({', '.join(parts)})" if parts else ""


def _key_doc(model: type[BaseModel], name: str, key: str, info: FieldInfo) -> KeyDoc:
    description = info.description or _supplied(model, name) or ""
    default = "" if info.is_required() else _default_text(info.get_default(call_default_factory=True))
    return KeyDoc(key, type_text(info.annotation) + _bounds(info), info.is_required(), default, description)


def _supplied(model: type[BaseModel], name: str) -> str | None:
    """A description written here for a field whose model gives none (the nearest class in the MRO)."""
    for cls in model.__mro__:
        text = DESCRIPTIONS.get(f"{cls.__name__}.{name}")
        if text:
            return text
    return csv_value_description(model, name)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(by_alias=True, exclude_defaults=True))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _default_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, BaseModel):
        return "(an empty section)"
    return f"`{json.dumps(_plain(value), ensure_ascii=False)}`"


def _summary(model: type[BaseModel]) -> str:
    doc = model.__doc__ or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section_lines(section: Section) -> list[str]:
    title = f"`{section.path}`" + (f" with `{section.variant}`" if section.variant else "")
    lines = [f'<a id="{section.anchor}"></a>', "", f"{'#' * (section.level + 1)} {title}", ""]
    lines += [_summary(section.model), ""]
    if section.model in NOTES:
        lines += [NOTES[section.model], ""]
    if section.also:
        lines += ["Also written at: " + ", ".join(f"`{p}`" for p in section.also) + ".", ""]
    lines += ["| key | type | required | default | description |", "|---|---|---|---|---|"]
    for k in section.keys:
        required = "yes" if k.required else ""
        lines.append(f"| `{k.key}` | {_cell(k.type)} | {required} | {_cell(k.default)} | {_cell(k.description)} |")
    example = EXAMPLES.get(section.path.removesuffix("[]")) if section.level == 1 else None
    if example:
        lines += ["", "Example:", "", "```yaml", example.rstrip(), "```"]
    return [*lines, ""]


def config_reference() -> str:
    """The whole page, docs/config.md."""
    all_sections = sections()
    root, rest = all_sections[0], all_sections[1:]
    lines = [INTRO.strip(), "", "## Top level", "", "| key | type | description |", "|---|---|---|"]
    lines += [
        f"| [`{k.key}`](#{_anchor_of(k.key, rest)}) | {_cell(k.type)} | {_cell(k.description)} |" for k in root.keys
    ]
    lines.append("")
    for section in rest:
        lines += _section_lines(section)
    return "\n".join(lines).rstrip() + "\n"


def _anchor_of(key: str, found: list[Section]) -> str:
    return next(s.anchor for s in found if s.path.removesuffix("[]") == key)
