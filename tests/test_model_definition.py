"""The model: one table entry per item kind and aggregation method, and a self-validating tree."""

from __future__ import annotations

import math

import attrs
import numpy as np
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


def _with_bands(*bands: model.PeerBand) -> Definition:
    facts = (model.Fact("pop", "Population", "integer"), model.Fact("joined", "Joined", "text"))
    return Definition(
        "d", "D", "r", (Node("r", "R"),), (Item("x", "r", "indicator", "X"),), facts=facts,
        peer_bands=bands,
    )  # fmt: skip


def test_peer_bands_place_values_in_half_open_bands():
    """Edges 10 and 20: 9.9 is band 0, 10 band 1, 19.9 band 1, 20 band 2, NaN none (-1)."""
    band = model.PeerBand("size", "pop", (10.0, 20.0))
    values = [9.9, 10.0, 19.9, 20.0, math.nan]
    assert band.band(np.array(values)).tolist() == [0, 1, 1, 2, -1]
    assert band.labels == ("under 10", "10 to under 20", "20 or more")


@pytest.mark.parametrize(
    ("band", "message"),
    [
        (model.PeerBand("b", "area", (1.0,)), "must name a numeric fact .*no such fact"),
        (model.PeerBand("b", "joined", (1.0,)), "a text fact"),
        (model.PeerBand("b", "pop", (5.0, 5.0)), "edges: must be increasing"),
        (model.PeerBand("b", "pop", ()), "edges: must be increasing"),
        (model.PeerBand("b", "pop", (1.0,), ("one",)), "must name 2 bands"),
    ],
)
def test_bad_peer_bands_are_definition_errors(band, message):
    """A band set on an unknown or non-numeric fact, or with bad edges or names, is refused."""
    with pytest.raises(icindex.DefinitionError, match=message):
        _with_bands(band)


def test_the_icc_bands_use_the_foreign_born_share(icc):
    """The bundled ICC peer bands cross population with foreign-born (not foreign) share."""
    assert [(b.id, b.fact) for b in icc.peer_bands] == [
        ("size", "population"),
        ("diversity", "foreign_born_share"),
    ]


def _one_item(item: Item, *facts: model.Fact) -> Definition:
    return Definition("d", "D", "r", (Node("r", "R"),), (item,), facts=facts)


NUMERIC = Item("n", "r", "numeric", "N?", thresholds=(1.0, 5.0), points=(0.0, 1.0, 2.0))


def test_value_range_defaults_to_none_and_open_ends_are_accepted():
    """Without value_range nothing changes; (0, inf) and (-inf, inf) are valid ranges."""
    assert _one_item(NUMERIC).item("n").value_range is None
    ranged = attrs.evolve(NUMERIC, value_range=(0.0, math.inf))
    fact = model.Fact("pop", "Population", "integer", value_range=(-math.inf, math.inf))
    assert _one_item(ranged, fact).item("n").value_range == (0.0, math.inf)


@pytest.mark.parametrize(
    ("item", "fact", "message"),
    [
        (attrs.evolve(NUMERIC, value_range=(5.0, 1.0)), None,
         r"<memory>: items\['n'\]\.value_range: must be \[least, greatest\] with least < greatest"),
        (attrs.evolve(NUMERIC, value_range=(0.0, math.nan)), None,
         r"items\['n'\]\.value_range: .*never nan"),
        (attrs.evolve(NUMERIC, value_range=(2.0, 9.0)), None,
         r"items\['n'\]\.thresholds: must lie inside value_range \[2, 9\].*\(got \[1\.0\]\)"),
        (Item("y", "r", "yes_no", "Y?", options=(model.Option("yes", "Yes", 1.0),),
              value_range=(0.0, 1.0)), None,
         r"items\['y'\]\.value_range: only numeric and indicator items have one \(kind is"),
        (NUMERIC, model.Fact("j", "Joined", "text", value_range=(0.0, 1.0)),
         r"facts\['j'\]\.value_range: only integer and number facts have one \(type is 'text'\)"),
        (NUMERIC, model.Fact("p", "P", "number", value_range=(1.0,)),  # type: ignore[arg-type]
         r"facts\['p'\]\.value_range: must be \[least, greatest\], two numbers"),
    ],
)  # fmt: skip
def test_a_definition_checks_its_value_ranges(item, fact, message):
    """A Definition built in Python obeys the loader's range rules, naming the entry and key."""
    with pytest.raises(icindex.DefinitionError, match=message):
        _one_item(item, *([fact] if fact else []))
