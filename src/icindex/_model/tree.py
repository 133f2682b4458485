"""The shape of a definition's tree: children, heights, and the one checker of its shape.

Every function here walks the tree with explicit stacks and dictionaries, never by recursion,
so a tree of any depth (a 10,000-level chain of nodes) is handled in time proportional to its
number of entries. The loader, the COINr reader and :class:`Definition` itself all check their
trees with :func:`tree_problems`; only the words of the messages differ (see
:data:`LOADER_MESSAGES`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

# A module import, not a name import: definition.py imports this module to validate itself.
from . import definition as _model

if TYPE_CHECKING:
    from .definition import Definition, Item, Node

__all__ = ["LOADER_MESSAGES", "children", "definition_problems", "heights", "tree_problems"]

# Problem -> message template. `where` is the entry's place (file and key path, or file and
# row); the other fields are named in each template.
LOADER_MESSAGES: dict[str, str] = {
    "duplicate": "{where}.id: duplicate id (first at {first})",
    "root_missing": "{where}: root: must name a node (got {root!r})",
    "root_has_parent": "{where}.parent: the root has no parent (got {parent!r})",
    "no_parent": "{where}: missing key 'parent' (only the root {root!r} has none)",
    "parent_is_item": "{where}.parent: must name a node, {parent!r} is an item",
    "parent_missing": "{where}.parent: names no node (got {parent!r})",
    "cycle": "{where}.parent: the parents form a cycle through {cycle}",
    "childless": "{where}: a node needs at least one child (found none)",
    "zero_weights": "{where}: the weights of its children are all zero",
}


def children(
    definition_or_entries: Definition | Iterable[Node | Item],
) -> dict[str, tuple[str, ...]]:
    """Map every node id to the ids of its children, nodes first, then items, each in file order.

    Parameters
    ----------
    definition_or_entries : Definition or iterable of Node and Item
        A definition, or entries in the order of :meth:`Definition.walk` (nodes, then items).

    Returns
    -------
    dict of str to tuple of str
        One key per node (a node without children maps to ``()``); an entry whose parent is
        not a node is left out. Built in one pass, in time proportional to the entries.

    Examples
    --------
    >>> from icindex import Definition, Item, Node
    >>> tree = Definition("d", "D", "r", (Node("r", "R"), Node("a", "A", "r")),
    ...                   (Item("x", "a", "indicator", "X"), Item("y", "r", "indicator", "Y")))
    >>> children(tree)
    {'r': ('a', 'y'), 'a': ('x',)}
    """
    source = definition_or_entries
    entries = list(source.walk() if isinstance(source, _model.Definition) else source)
    found: dict[str, list[str]] = {
        entry.id: [] for entry in entries if isinstance(entry, _model.Node)
    }
    for entry in entries:
        if entry.parent is not None and entry.parent in found:
            found[entry.parent].append(entry.id)
    return {node_id: tuple(ids) for node_id, ids in found.items()}


def heights(definition: Definition) -> dict[str, int]:
    """The height of every entry: an item is 0, a node 1 + the greatest height of its children.

    Computed with an explicit stack, so any depth works. The tree must be valid (every
    :class:`Definition` is).

    Parameters
    ----------
    definition : Definition

    Returns
    -------
    dict of str to int
        One key per node and item.

    Examples
    --------
    >>> from icindex import Definition, Item, Node
    >>> tree = Definition("d", "D", "r", (Node("r", "R"), Node("a", "A", "r")),
    ...                   (Item("x", "a", "indicator", "X"), Item("y", "r", "indicator", "Y")))
    >>> heights(tree)
    {'x': 0, 'y': 0, 'a': 1, 'r': 2}
    """
    below = children(definition)
    height = {item.id: 0 for item in definition.items}
    for node in definition.nodes:
        stack = [node.id]
        while stack:
            top = stack[-1]
            if top in height:
                stack.pop()
                continue
            waiting = [child for child in below[top] if child not in height]
            if waiting:
                stack.extend(waiting)
                continue
            height[top] = 1 + max((height[child] for child in below[top]), default=0)
            stack.pop()
    return height


def tree_problems(
    root: str,
    nodes: Sequence[tuple[str, Node]],
    items: Sequence[tuple[str, Item]],
    root_place: str,
    messages: Mapping[str, str] = LOADER_MESSAGES,
    *,
    require_children: bool = True,
) -> list[str]:
    """Everything wrong with the shape of a tree, one sentence each (empty when it is a tree).

    Checks, in time proportional to the entries: ids are unique; ``root`` names a node; the
    root has no parent and every other entry has one, naming a node; the parents form no
    cycle; and, with ``require_children``, every node has a child, and not all its children
    weigh zero.

    Parameters
    ----------
    root : str
        The id the root should have.
    nodes, items : sequence of (place, entry)
        Every node and item with the place it was read from (file and key path, or row).
    root_place : str
        Where the root is named (the main file).
    messages : mapping of str to str
        The message template of each problem (keys of :data:`LOADER_MESSAGES`).
    require_children : bool, default True
        Also report nodes without children, or whose children all weigh zero.

    Returns
    -------
    list of str
    """
    entries: list[tuple[str, Node | Item]] = [*nodes, *items]
    problems = _duplicates(entries, messages)
    node_ids = {node.id for _, node in nodes}
    item_ids = {item.id for _, item in items} - node_ids
    if root not in node_ids:
        problems.append(messages["root_missing"].format(where=root_place, root=root))
    for where, entry in entries:
        problems.extend(_parent_problems(where, entry, root, node_ids, item_ids, messages))
    problems.extend(_cycles(nodes, messages))
    if require_children:
        problems.extend(_childless(nodes, items, messages))
    return problems


def _childless(
    nodes: Sequence[tuple[str, Node]],
    items: Sequence[tuple[str, Item]],
    messages: Mapping[str, str],
) -> list[str]:
    """Nodes without children, or whose children all weigh zero."""
    problems = []
    below: dict[str, list[Node | Item]] = {node.id: [] for _, node in nodes}
    entries: list[tuple[str, Node | Item]] = [*nodes, *items]
    for _, entry in entries:
        if entry.parent is not None and entry.parent in below:
            below[entry.parent].append(entry)
    for where, node in nodes:
        found = below[node.id]
        if not found:
            problems.append(messages["childless"].format(where=where))
        elif all(child.weight == 0 for child in found):
            problems.append(messages["zero_weights"].format(where=where))
    return problems


def definition_problems(definition: Definition, *, require_children: bool = True) -> list[str]:
    """The :func:`tree_problems` of a built definition, placed as ``source: nodes['id']``."""
    source = definition.source
    return tree_problems(
        definition.root,
        [(f"{source}: nodes[{node.id!r}]", node) for node in definition.nodes],
        [(f"{source}: items[{item.id!r}]", item) for item in definition.items],
        source,
        require_children=require_children,
    )


def _duplicates(
    entries: Sequence[tuple[str, Node | Item]], messages: Mapping[str, str]
) -> list[str]:
    first_seen: dict[str, str] = {}
    problems = []
    for where, entry in entries:
        if entry.id in first_seen:
            problems.append(messages["duplicate"].format(where=where, first=first_seen[entry.id]))
        first_seen.setdefault(entry.id, where)
    return problems


def _parent_problems(
    where: str,
    entry: Node | Item,
    root: str,
    node_ids: set[str],
    item_ids: set[str],
    messages: Mapping[str, str],
) -> list[str]:
    parent = entry.parent
    if entry.id == root:
        key = None if parent is None else "root_has_parent"
    elif parent is None:
        key = "no_parent"
    elif parent in item_ids:
        key = "parent_is_item"
    else:
        key = None if parent in node_ids else "parent_missing"
    return [] if key is None else [messages[key].format(where=where, root=root, parent=parent)]


def _cycles(nodes: Sequence[tuple[str, Node]], messages: Mapping[str, str]) -> list[str]:
    """One problem per cycle of parents, placed at its first node in file order."""
    order = {node.id: index for index, (_, node) in reversed(list(enumerate(nodes)))}
    parent_of = {node.id: node.parent for _, node in reversed(nodes)}
    place = {node.id: where for where, node in reversed(nodes)}
    done: set[str] = set()
    problems = []
    for _, node in nodes:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = node.id
        while current is not None and current in parent_of and current not in done:
            if current in on_path:
                cycle = path[on_path[current] :]
                first = min(cycle, key=order.__getitem__)
                start = cycle.index(first)
                named = [*cycle[start:], *cycle[:start], first]
                text = " -> ".join(repr(node_id) for node_id in named)
                problems.append(messages["cycle"].format(where=place[first], cycle=text))
                break
            on_path[current] = len(path)
            path.append(current)
            current = parent_of[current]
        done.update(path)
    return problems
