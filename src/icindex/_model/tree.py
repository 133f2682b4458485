"""Placeholder: replaced by the model branch's iterative tree checker."""

from __future__ import annotations

from .definition import Definition

__all__ = ["children", "heights"]


def children(definition: Definition) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {node.id: [] for node in definition.nodes}
    for entry in definition.walk():
        if entry.parent is not None:
            found[entry.parent].append(entry.id)
    return {node_id: tuple(ids) for node_id, ids in found.items()}


def heights(definition: Definition) -> dict[str, int]:
    below = children(definition)
    height: dict[str, int] = {item.id: 0 for item in definition.items}
    stack = [definition.root]
    while stack:
        node_id = stack[-1]
        pending = [c for c in below[node_id] if c not in height]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        height[node_id] = 1 + max((height[c] for c in below[node_id]), default=0)
    return height
