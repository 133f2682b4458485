"""The model: one table entry per item kind and aggregation method, and a self-validating tree."""

from __future__ import annotations

import math

import attrs
import pytest

import icindex
from icindex import Definition, Item, Node
from icindex._io.answers import ANSWER_PARSERS
from icindex._model import definition as model
from icindex._model.readers import ITEM_READERS


def test_every_item_kind_has_an_entry_in_every_table():
    """Adding a kind means adding one entry per table: the tables all list ITEM_KINDS."""
    for table in (model._POINT_RANGE, ITEM_READERS, ANSWER_PARSERS):
        assert tuple(table) == model.ITEM_KINDS


def test_aggregation_methods_come_from_the_aggregators_table():
    """AGGREGATION_METHODS is the keys of AGGREGATORS, in order."""
    assert (
        model.AGGREGATION_METHODS
        == tuple(model.AGGREGATORS)
        == ("amean", "gmean", "hmean", "genmean")
    )


def test_power_of_each_method():
    """amean 1, gmean 0, hmean -1, genmean its p (NaN without one)."""
    assert [model.power_of(m, 3.0) for m in model.AGGREGATION_METHODS] == [1.0, 0.0, -1.0, 3.0]
    assert math.isnan(model.power_of("genmean"))
    assert Node("n", "N", method="genmean", p=0.5).power == 0.5


def test_evolve_revalidates_the_tree():
    """Changing a definition with attrs.evolve checks the new tree too."""
    tree = Definition("d", "D", "r", (Node("r", "R"),), (Item("x", "r", "indicator", "X"),))
    with pytest.raises(icindex.DefinitionError, match=r"items\['y'\]\.parent: names no node"):
        attrs.evolve(tree, items=(*tree.items, Item("y", "q", "indicator", "Y")))


def test_look_ups_by_id():
    """item(), node(), children() and items_under() find entries by id; unknown ids are errors."""
    nodes = (Node("r", "R"), Node("a", "A", "r"))
    items = (Item("x", "a", "indicator", "X"), Item("y", "r", "indicator", "Y"))
    tree = Definition("d", "D", "r", nodes, items)
    assert tree.node("a") is nodes[1] and tree.item("y") is items[1]
    assert tree.children("r") == (nodes[1], items[1]) and tree.children("x") == ()
    assert tree.items_under("r") == items and tree.items_under("a") == (items[0],)
    with pytest.raises(icindex.UnknownIdError):
        tree.item("a")


def test_a_definition_pickles_and_keeps_its_look_ups():
    """A pickled definition comes back equal, and its look-ups still work."""
    import pickle

    tree = icindex.load_definition("icc")
    again = pickle.loads(pickle.dumps(tree))
    assert again == tree and again.children(again.root) == tree.children(tree.root)
