"""Resource inventories for tag compliance: a CSV with one resource per row and its tags in one column.

Tags are written `Key=Value,Key=Value` (or separated by `;`, then commas may appear in values), or as a JSON
object `{"Key": "Value"}` (the braces may be missing, as in Azure exports). `Key=` is a tag with an empty value.
Rows whose every field is blank are skipped and counted.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cloudledger.analyses.metrics_csv import NUMBER_HINT, parse_number
from cloudledger.errors import InputError

TAG_COLUMNS = ("tags", "labels", "resource_tags")
ID_COLUMNS = (
    "resourceid",
    "resource_id",
    "instanceid",
    "bucketname",
    "resourcearn",
    "arn",
    "resourcename",
    "resource_name",
    "name",
    "id",
)


@dataclass(frozen=True)
class InventoryResource:
    """One resource: its id, tags, cost (as written in the cost column, if any) and its other columns."""

    resource_id: str
    tags: dict[str, str]
    cost: Decimal | None
    row: int
    """1-based data row in the file (header excluded, blank rows counted)."""
    attributes: dict[str, str]


@dataclass(frozen=True)
class Inventory:
    """The resources of one inventory file and which columns held their id, tags and cost."""

    resources: tuple[InventoryResource, ...]
    skipped_empty_rows: int
    file: str
    id_column: str
    tags_column: str
    cost_column: str | None


@dataclass(frozen=True)
class _Columns:
    id: int
    tags: int
    cost: int | None
    header: list[str]


def read_inventory(
    path: Path, id_column: str | None = None, tags_column: str | None = None, cost_column: str | None = None
) -> Inventory:
    """The resources in `path`; columns not named are inferred from the header (see TAG_COLUMNS, ID_COLUMNS,
    and the first column whose name contains "cost")."""
    file = str(path)
    rows = _read_rows(path)
    columns = _columns(rows[0], file, id_column, tags_column, cost_column)
    resources: list[InventoryResource] = []
    rows_by_id: dict[str, int] = {}
    skipped = 0
    for number, values in enumerate(rows[1:], start=1):
        if not any(v.strip() for v in values):
            skipped += 1
            continue
        resource = _resource(values, columns, number, file)
        first = rows_by_id.setdefault(resource.resource_id, number)
        if first != number:
            raise InputError(
                f"resource {resource.resource_id!r} is listed twice, in rows {first} and {number}; keep one",
                file=file,
                row=number,
                column=columns.header[columns.id],
            )
        resources.append(resource)
    cost_name = None if columns.cost is None else columns.header[columns.cost]
    return Inventory(
        tuple(resources), skipped, file, columns.header[columns.id], columns.header[columns.tags], cost_name
    )


def _read_rows(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read the inventory file: {exc}", file=str(path)) from exc
    if not rows or not any(name.strip() for name in rows[0]):
        raise InputError("the inventory file has no header line", file=str(path))
    return rows


def _columns(
    raw_header: list[str], file: str, id_column: str | None, tags_column: str | None, cost_column: str | None
) -> _Columns:
    header = [name.strip() for name in raw_header]
    lower = [name.lower() for name in header]
    listed = ", ".join(repr(name) for name in header)

    def given(name: str, role: str) -> int:
        if name.strip().lower() not in lower:
            raise InputError(f"no {role} column named {name!r}; the header has {listed}", file=file, column=name)
        return lower.index(name.strip().lower())

    def first_of(candidates: tuple[str, ...]) -> int | None:
        return next((lower.index(name) for name in candidates if name in lower), None)

    tags = given(tags_column, "tags") if tags_column else first_of(TAG_COLUMNS)
    if tags is None:
        raise InputError(
            f"no tags column: looked for {', '.join(TAG_COLUMNS)} (any case); the header has {listed}; "
            "name the column that holds the tags",
            file=file,
        )
    found_id = given(id_column, "resource id") if id_column else first_of(ID_COLUMNS)
    if found_id is None:
        found_id = next(i for i in range(len(header)) if i != tags) if len(header) > 1 else 0
    if cost_column:
        cost: int | None = given(cost_column, "cost")
    else:
        cost = next((i for i, name in enumerate(lower) if "cost" in name), None)
    return _Columns(found_id, tags, cost, header)


def _resource(values: list[str], columns: _Columns, row: int, file: str) -> InventoryResource:
    header = columns.header
    if len(values) > len(header):
        raise InputError(
            f"the row has {len(values)} fields but the header has {len(header)}; quote values that hold commas",
            file=file,
            row=row,
        )
    values = [v.strip() for v in values] + [""] * (len(header) - len(values))
    resource_id = values[columns.id]
    if not resource_id:
        raise InputError("the resource id is empty", file=file, row=row, column=header[columns.id])
    tags = parse_tags(values[columns.tags], file=file, row=row, column=header[columns.tags])
    cost = None
    if columns.cost is not None and values[columns.cost]:
        try:
            cost = parse_number(values[columns.cost])
        except ValueError:
            raise InputError(
                f"{values[columns.cost]!r} is not {NUMBER_HINT}", file=file, row=row, column=header[columns.cost]
            ) from None
    used = {columns.id, columns.tags, columns.cost}
    attributes = {name: value for i, (name, value) in enumerate(zip(header, values, strict=True)) if i not in used}
    return InventoryResource(resource_id, tags, cost, row, attributes)


def parse_tags(text: str, *, file: str, row: int, column: str) -> dict[str, str]:
    """Tags written `K=V,K=V`, `K=V;K=V` or as a JSON object; a pair without `=`, an empty key or a key given
    twice is an error naming the row."""
    text = text.strip()
    if text.startswith(("{", '"')):
        return _json_tags(text, file=file, row=row, column=column)
    tags: dict[str, str] = {}
    for pair in text.split(";" if ";" in text else ","):
        if not pair.strip():
            continue
        key, equals, value = pair.partition("=")
        key = key.strip()
        if not equals or not key:
            problem = "has no '='" if not equals else "has no key before '='"
            raise InputError(
                f"the tag {pair.strip()!r} {problem}; write tags as Key=Value separated by commas",
                file=file,
                row=row,
                column=column,
            )
        if key in tags:
            raise InputError(f"the tag key {key!r} appears twice", file=file, row=row, column=column)
        tags[key] = value.strip()
    return tags


def _json_tags(text: str, *, file: str, row: int, column: str) -> dict[str, str]:
    def pairs_hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key.strip() for key, _ in pairs]
        twice = next((key for key in keys if keys.count(key) > 1), None)
        if twice is not None:
            raise InputError(f"the tag key {twice!r} appears twice", file=file, row=row, column=column)
        return {key.strip(): value for key, value in pairs}

    try:
        loaded = json.loads(text if text.startswith("{") else "{" + text + "}", object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        raise InputError(f"the tags are not a valid JSON object: {exc.msg}", file=file, row=row, column=column) from exc
    tags: dict[str, str] = {}
    for key, value in loaded.items():
        if not key or isinstance(value, dict | list):
            problem = "an empty key" if not key else f"tag {key!r} has a nested value"
            raise InputError(
                f"the tags JSON has {problem}; expected flat key-value pairs", file=file, row=row, column=column
            )
        tags[key] = value if isinstance(value, str) else "" if value is None else json.dumps(value)
    return tags
