"""The tree of a definition: children, heights and the one checker, at any depth."""

from __future__ import annotations

import time

import pytest

import icindex
from icindex import Definition, Item, Node
from icindex._model.tree import children, heights, tree_problems

DEPTH = 10_000


def small() -> Definition:
    """r over node a (over x) and item y; node b (over z) comes after a in file order."""
    nodes = (Node("r", "R"), Node("a", "A", "r"), Node("b", "B", "r"))
    items = (
        Item("x", "a", "indicator", "X"),
        Item("y", "r", "indicator", "Y"),
        Item("z", "b", "indicator", "Z"),
    )
    return Definition("d", "D", "r", nodes, items)


def chain(depth: int) -> Definition:
    """A chain of ``depth`` nodes, each the only child of the one above, over one item."""
    nodes = (Node("n0", "N0"), *(Node(f"n{i}", f"N{i}", f"n{i - 1}") for i in range(1, depth)))
    return Definition(
        "chain", "Chain", "n0", nodes, (Item("x", f"n{depth - 1}", "indicator", "X"),)
    )


def chain_toml(depth: int) -> str:
    """The TOML of :func:`chain`, in one file."""
    lines = ['schema_version = 1\nid = "chain"\nname = "Chain"\nroot = "n0"\n']
    lines.append('[[nodes]]\nid = "n0"\nname = "N0"\n')
    lines += [
        f'[[nodes]]\nid = "n{i}"\nname = "N{i}"\nparent = "n{i - 1}"\n' for i in range(1, depth)
    ]
    lines.append(f'[[items]]\nid = "x"\nparent = "n{depth - 1}"\nkind = "indicator"\nname = "X"\n')
    return "\n".join(lines)


def test_children_lists_nodes_then_items_in_file_order():
    """Each node maps to its child nodes, then its child items, each in file order."""
    assert children(small()) == {"r": ("a", "b", "y"), "a": ("x",), "b": ("z",)}


def test_children_accepts_entries_in_walk_order():
    """Entries give the same mapping as the definition they come from."""
    definition = small()
    assert children(definition.walk()) == children(definition)


def test_heights_count_up_from_the_items():
    """Items are 0 and a node is one more than its highest child."""
    assert heights(small()) == {"x": 0, "y": 0, "z": 0, "a": 1, "b": 1, "r": 2}


def test_heights_of_a_deep_chain_need_no_recursion():
    """A 10,000-level chain has height 10,000 at its root (no recursion limit is hit)."""
    assert heights(chain(DEPTH))["n0"] == DEPTH


def test_a_deep_chain_loads_from_toml_quickly(tmp_path):
    """A 10,000-level chain written as TOML loads and validates in well under two seconds."""
    (tmp_path / "index.toml").write_text(chain_toml(DEPTH))
    start = time.perf_counter()
    definition = icindex.load_definition(tmp_path)
    elapsed = time.perf_counter() - start
    assert len(definition.nodes) == DEPTH and len(definition.items_under("n0")) == 1
    assert elapsed < 2.0, elapsed


def test_a_cycle_is_named_once_at_its_first_node():
    """Two nodes that are each other's parent are one problem naming the cycle."""
    nodes = [("f: nodes['r']", Node("r", "R")), ("f: nodes['a']", Node("a", "A", "b"))]
    nodes.append(("f: nodes['b']", Node("b", "B", "a")))
    items = [("f: items['x']", Item("x", "a", "indicator", "X"))]
    items.append(("f: items['y']", Item("y", "r", "indicator", "Y")))
    problems = tree_problems("r", nodes, items, "f")
    assert problems == ["f: nodes['a'].parent: the parents form a cycle through 'a' -> 'b' -> 'a'"]


def test_a_cycle_in_a_deep_chain_is_found():
    """A cycle closing a 10,000-level chain is reported without recursion."""
    nodes = [(f"n{i}", Node(f"n{i}", "N", f"n{i - 1}")) for i in range(1, DEPTH)]
    nodes.insert(0, ("n0", Node("n0", "N", f"n{DEPTH - 1}")))
    problems = tree_problems("r", nodes, [], "f")
    assert any("the parents form a cycle through 'n0' -> " in p for p in problems)


def test_each_problem_names_its_place():
    """Duplicates, a bad root, missing parents and childless nodes each name where they are."""
    nodes = [("f: nodes['r']", Node("r", "R")), ("f: nodes['a']", Node("a", "A", "r"))]
    items = [
        ("f: items['a']", Item("a", "r", "indicator", "A")),
        ("f: items['x']", Item("x", "nowhere", "indicator", "X")),
        ("f: items['w']", Item("w", "r", "indicator", "W", 0.0)),
    ]
    problems = tree_problems("q", nodes, items, "f")
    assert "f: root: must name a node (got 'q')" in problems
    assert any(p.startswith("f: items['a'].id: duplicate id") for p in problems)
    assert "f: items['x'].parent: names no node (got 'nowhere')" in problems
    assert "f: nodes['a']: a node needs at least one child (found none)" in problems


def test_definition_with_a_bad_parent_is_refused():
    """A Definition built in Python whose item names no node raises DefinitionError."""
    with pytest.raises(icindex.DefinitionError, match=r"items\['x'\]\.parent: names no node"):
        Definition("d", "D", "r", (Node("r", "R"),), (Item("x", "gone", "indicator", "X"),))


def test_definition_with_a_cycle_is_refused():
    """A Definition built in Python whose nodes are each other's parents raises DefinitionError."""
    nodes = (Node("r", "R"), Node("a", "A", "b"), Node("b", "B", "a"))
    with pytest.raises(icindex.DefinitionError, match="the parents form a cycle through 'a'"):
        Definition("d", "D", "r", nodes, (Item("x", "a", "indicator", "X"),))
