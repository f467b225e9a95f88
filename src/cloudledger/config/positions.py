"""Where a key of cloudledger.yaml is written: PyYAML's node marks, looked up by a path of keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Origin:
    """A config file and its YAML node tree (the marks of every key and value)."""

    path: Path
    root: yaml.Node | None

    def node(self, loc: Sequence[str | int], *, key: bool = False) -> yaml.Node | None:
        """The deepest node along `loc` (the key's own node with `key=True` when `loc` ends at a key)."""
        node = self.root
        for depth, part in enumerate(loc):
            last = depth == len(loc) - 1
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                found = next(((k, v) for k, v in node.value if k.value == part), None)
                if found is None:  # a key that is not written (a missing key, a union member's tag)
                    continue
                node = found[0] if key and last else found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return node
        return node

    def position(self, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int] | None:
        """1-based (line, column) of the node at `loc`."""
        node = self.node(loc, key=key)
        if node is None:
            return None
        return node.start_mark.line + 1, node.start_mark.column + 1

    def where(self, loc: Sequence[str | int], *, key: bool = False) -> str:
        """'PATH line L, column C' of the node at `loc` (the file alone when it is empty)."""
        node = self.node(loc, key=key)
        return str(self.path) if node is None else self.where_node(node)

    def where_node(self, node: yaml.Node) -> str:
        return f"{self.path} line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def duplicate_key(node: yaml.Node | None) -> yaml.Node | None:
    """The first key written twice in one mapping (YAML loaders silently keep the last one)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            if key.value in seen:
                twice: yaml.Node = key
                return twice
            seen.add(key.value)
            found = duplicate_key(value)
            if found is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = duplicate_key(item)
            if found is not None:
                return found
    return None
