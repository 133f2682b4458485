"""The tree engine: deep chains, coverage thresholds, zero weights, zero collapse, weight sets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from icindex import CityResponse, Definition, Group, Item, Node, Option, Variant
from icindex._engine.tree import Leaves, Tree, evaluate
from tests import reference
from tests.strategies import cities, deep_chain, definitions

YES_NO = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))
# A choice whose middle option scores 50: (1 - 0) / (2 - 0) * 100.
THREE_STEPS = (
    Option("none", "None", 0.0),
    Option("some", "Some", 1.0),
    Option("full", "Full", 2.0),
)


def yes_no(item_id: str, parent: str, weight: float = 1.0) -> Item:
    """A yes/no item: yes scores 100, no scores 0."""
    return Item(item_id, parent, "yes_no", f"{item_id}?", weight, options=YES_NO)


def city(answers: dict[str, object]) -> list[CityResponse]:
    """One city, "c", with these answers."""
    return [CityResponse(id="c", name="C", answers=answers)]


def test_deep_chain_all_yes_scores_100_everywhere():
    """A 10,000-level chain answered yes everywhere scores 100 at every node, with no recursion.

    Each node is the mean of its item (100) and the node below (100, by induction from the
    bottom node, whose only child is its item).
    """
    chain = deep_chain(10_000)
    answers = {f"q{k}": "yes" for k in range(10_000)}
    scores = icindex.score(chain, city(answers))
    nodes = [scores.ids.index(f"n{k}") for k in range(10_000)]
    np.testing.assert_array_equal(scores.values[0, nodes], np.full(10_000, 100.0))


def test_deep_chain_alternating_answers_reach_the_fixed_point():
    """A 10,000-level chain answered yes, no, yes, ... scores 200/3 at the root.

    v_k = (v_{k+1} + s_k) / 2 with s_k = 100 for even k, 0 for odd k. Far from the bottom
    v_even = (v_odd + 100) / 2 and v_odd = (v_even + 0) / 2, so v_even = 200/3, v_odd = 100/3;
    the bottom node n9999 (odd) is its item's 0, and its error halves at each level up.
    """
    chain = deep_chain(10_000)
    answers = {f"q{k}": "yes" if k % 2 == 0 else "no" for k in range(10_000)}
    scores = icindex.score(chain, city(answers))
    assert scores.get("c", "n0") == pytest.approx(200 / 3, rel=1e-12)
    assert scores.get("c", "n1") == pytest.approx(100 / 3, rel=1e-12)
    assert scores.get("c", "n9999") == 0
    assert scores.get("c", "n9998") == 50  # (0 + 100) / 2


def test_deep_chain_equals_reference_at_depth_200():
    """A 200-level chain with yes, no and unknown answers equals the scalar reference."""
    chain = deep_chain(200)
    pattern = ("yes", "no", None, "yes", "yes", None, "no")
    answers = {f"q{k}": pattern[k % len(pattern)] for k in range(200) if pattern[k % len(pattern)]}
    responses = city(answers)
    expected, _ = reference.score_city(chain, responses[0])
    scores = icindex.score(chain, responses)
    for k in range(200):
        assert scores.get("c", f"n{k}") == pytest.approx(expected[f"n{k}"], rel=1e-12), k


def test_min_coverage_blanks_a_thin_group_whose_members_are_scored():
    """A group below min_coverage is NaN while its scored members and the root are not.

    A: a1 yes, a2 no -> 50, coverage 1. B: b1 yes of b1..b4 -> coverage 1/4. C: c1 yes -> 100,
    coverage 1. Group G = {A, B}: coverage (1 + 1/4) / 2 = 0.625 < 0.7 -> NaN. Root {A, B, C}:
    coverage (1 + 1/4 + 1) / 3 = 0.75 >= 0.7; B (0.25) is blanked, so root = (50 + 100) / 2 = 75.
    """
    definition = Definition(
        "g",
        "G",
        "r",
        (Node("r", "R"), Node("A", "A", "r"), Node("B", "B", "r"), Node("C", "C", "r")),
        (
            yes_no("a1", "A"),
            yes_no("a2", "A"),
            *(yes_no(f"b{k}", "B") for k in range(1, 5)),
            yes_no("c1", "C"),
        ),
        groups=(Group("G", "Group", ("A", "B")),),
    )
    scores = icindex.score(
        definition,
        city({"a1": "yes", "a2": "no", "b1": "yes", "c1": "yes"}),
        missing="skip",
        min_coverage=0.7,
    )
    assert scores.coverage[0, scores.ids.index("G")] == pytest.approx(0.625)
    assert math.isnan(scores.get("c", "G"))
    assert scores.get("c", "A") == 50
    assert scores.get("c", "C") == 100
    assert scores.get("c", "r") == pytest.approx(75)


def _variant_definition() -> Definition:
    """Root r (amean) over four yes/no items a, b, c, d; variant "v" leaves out a."""
    return Definition(
        "v",
        "V",
        "r",
        (Node("r", "R"),),
        tuple(yes_no(i, "r") for i in "abcd"),
        variants=(Variant("v", "Without a", exclude=("a",)),),
    )


def test_variant_below_min_coverage_is_nan_while_the_index_passes():
    """A variant whose own coverage is below min_coverage is NaN though the full index passes.

    Known: a, b (yes). Full index: coverage 2/4 = 0.5 >= 0.4 -> 100. Variant (no a): coverage
    1/3 < 0.4 -> NaN.
    """
    scores = icindex.score(_variant_definition(), city({"a": "yes", "b": "yes"}), min_coverage=0.4)
    assert scores.get("c", "r") == 100
    assert scores.coverage[0, scores.ids.index("v")] == pytest.approx(1 / 3)
    assert math.isnan(scores.get("c", "v"))


def test_variant_above_min_coverage_is_scored_while_the_index_fails():
    """A variant whose own coverage passes min_coverage is scored though the full index is NaN.

    Known: b yes, c no. Full index: coverage 2/4 = 0.5 < 0.6 -> NaN. Variant (no a): coverage
    2/3 >= 0.6 -> (100 + 0) / 2 = 50.
    """
    scores = icindex.score(_variant_definition(), city({"b": "yes", "c": "no"}), min_coverage=0.6)
    assert math.isnan(scores.get("c", "r"))
    assert scores.coverage[0, scores.ids.index("v")] == pytest.approx(2 / 3)
    assert scores.get("c", "v") == 50


def _zero_weight_definition() -> Definition:
    """Root r over node N (weight 1) and item x; N holds z (weight 0) and y (weight 1)."""
    return Definition(
        "z",
        "Z",
        "r",
        (Node("r", "R"), Node("N", "N", "r")),
        (yes_no("z", "N", 0.0), yes_no("y", "N"), yes_no("x", "r")),
    )


def test_node_with_only_zero_weight_children_known_is_nan_under_skip():
    """A node whose only known child weighs 0 is NaN with coverage 0 under skip.

    N: z (weight 0) yes, y unknown: known weight 0 -> NaN; coverage (0 * 1 + 1 * 0) / 1 = 0.
    The root skips N: r = x = 100.
    """
    scores = icindex.score(_zero_weight_definition(), city({"z": "yes", "x": "yes"}))
    assert math.isnan(scores.get("c", "N"))
    assert scores.coverage[0, scores.ids.index("N")] == 0
    assert scores.get("c", "r") == 100


def test_node_with_only_zero_weight_children_known_is_filled_under_zero():
    """Under zero the same node is its filled mean: N = (0 * 100 + 1 * 0) / 1 = 0.

    The root then is (1 * 0 + 1 * 100) / 2 = 50.
    """
    scores = icindex.score(
        _zero_weight_definition(), city({"z": "yes", "x": "yes"}), missing="zero"
    )
    assert scores.get("c", "N") == 0
    assert scores.get("c", "r") == 50


def _two_children(method: str, p: float | None) -> Definition:
    """Root r (``method``) over a yes/no item a (weight 1) and a three-step choice b (weight 3)."""
    return Definition(
        "m",
        "M",
        "r",
        (Node("r", "R", method=method, p=p),),  # type: ignore[arg-type]
        (
            yes_no("a", "r"),
            Item("b", "r", "choice", "b?", 3.0, options=THREE_STEPS),
        ),
    )


@pytest.mark.parametrize(("method", "p"), [("gmean", None), ("hmean", None), ("genmean", -0.5)])
def test_a_known_zero_child_collapses_a_mean_of_power_at_most_0(method, p):
    """For p <= 0 a known child at 0 with positive weight makes the mean 0 (a = no, b = 50)."""
    scores = icindex.score(_two_children(method, p), city({"a": "no", "b": "some"}))
    assert scores.get("c", "r") == 0


def test_a_known_zero_child_does_not_collapse_a_mean_of_power_2():
    """genmean p = 2 with a = 0 (weight 1), b = 50 (weight 3) is sqrt((1 * 0 + 3 * 50^2) / 4).

    = 50 * sqrt(3/4) = 43.30127...
    """
    scores = icindex.score(_two_children("genmean", 2.0), city({"a": "no", "b": "some"}))
    assert scores.get("c", "r") == pytest.approx(50 * math.sqrt(0.75), rel=1e-12)


def test_a_zero_node_child_collapses_a_geometric_mean():
    """A node child at 0 collapses its gmean parent: N = a = 0, so r = gmean(0, 100) = 0."""
    definition = Definition(
        "n",
        "N",
        "r",
        (Node("r", "R", method="gmean"), Node("N", "N", "r")),
        (yes_no("a", "N"), yes_no("b", "r")),
    )
    scores = icindex.score(definition, city({"a": "no", "b": "yes"}))
    assert scores.get("c", "N") == 0
    assert scores.get("c", "r") == 0


def test_a_zero_child_of_weight_0_does_not_collapse_a_geometric_mean():
    """A known 0 child of weight 0 leaves gmean alone: r = 50^(3/3) = 50 (a = 0 weighs 0)."""
    definition = Definition(
        "w",
        "W",
        "r",
        (Node("r", "R", method="gmean"),),
        (
            yes_no("a", "r", 0.0),
            Item("b", "r", "choice", "b?", 3.0, options=THREE_STEPS),
        ),
    )
    scores = icindex.score(definition, city({"a": "no", "b": "some"}))
    assert scores.get("c", "r") == pytest.approx(50, rel=1e-12)


def _hand_tree() -> Tree:
    """Root r (amean) over a (weight 2), N (weight 1); N over b, c (weight 1); variant: no a."""
    definition = Definition(
        "h",
        "H",
        "r",
        (Node("r", "R"), Node("N", "N", "r")),
        (yes_no("a", "r", 2.0), yes_no("b", "N"), yes_no("c", "N")),
        variants=(Variant("v", "Without a", exclude=("a",)),),
    )
    return Tree.of(definition)


def test_evaluate_gives_each_weight_sets_root():
    """Two weight sets give their own roots: set 0 (2 * 100 + 25) / 3 = 75, set 1 N = 25.

    Leaves a = 100, b = 40, c = 10: N = (40 + 10) / 2 = 25 in both sets.
    """
    tree = _hand_tree()
    assert tree.leaf_ids == ("a", "b", "c") and tree.ids == ("r", "N")
    states, _ = evaluate(tree, Leaves.of(np.array([[100.0, 40.0, 10.0]])))
    values = states[0].values
    assert values.shape == (2, 1, 2)
    assert values[0, 0, 0] == pytest.approx(75)
    assert values[1, 0, 0] == pytest.approx(25)
    np.testing.assert_allclose(values[:, 0, 1], [25, 25])


def test_evaluate_gives_each_weight_sets_coverage():
    """With b missing, coverage of r is (2 * 1 + 1 * 1/2) / 3 = 5/6 in set 0 and 1/2 in set 1."""
    states, coverage = evaluate(_hand_tree(), Leaves.of(np.array([[100.0, np.nan, 10.0]])))
    np.testing.assert_allclose(coverage[:, 0, 0], [5 / 6, 1 / 2])
    np.testing.assert_allclose(states[0].values[:, 0, 0], [(200 + 10) / 3, 10])


def test_evaluate_fills_missing_leaves_in_every_set():
    """Fill 0 and fill 100 with b missing: set 0 (200 + 5) / 3 and (200 + 55) / 3; set 1 5, 55.

    N = (0 + 10) / 2 = 5 under fill 0 and (100 + 10) / 2 = 55 under fill 100.
    """
    states, _ = evaluate(
        _hand_tree(), Leaves.of(np.array([[100.0, np.nan, 10.0]])), fills=(0.0, 100.0)
    )
    np.testing.assert_allclose(states[0].values[:, 0, 0], [205 / 3, 5])
    np.testing.assert_allclose(states[1].values[:, 0, 0], [255 / 3, 55])


@given(data=st.data())
def test_bounds_enclose_skip_and_lower_equals_zero(data):
    """Random cases: lower <= skip <= upper where skip is defined; lower = zero."""
    definition = data.draw(definitions())
    responses = data.draw(cities(definition))
    bounds = icindex.score(definition, responses, missing="bounds", min_coverage=0.0)
    zero = icindex.score(definition, responses, missing="zero")
    defined = ~np.isnan(bounds.values)
    assert np.all(bounds.lower[defined] <= bounds.values[defined] + 1e-9)
    assert np.all(bounds.values[defined] <= bounds.upper[defined] + 1e-9)
    np.testing.assert_allclose(bounds.lower, zero.values, rtol=1e-12, atol=1e-9)


def _emptying_variant() -> Definition:
    """Root r over node N (holding only a), b and c; variant "v" excludes a but not N."""
    return Definition(
        "e",
        "E",
        "r",
        (Node("r", "R"), Node("N", "N", "r")),
        (yes_no("a", "N"), yes_no("b", "r"), yes_no("c", "r")),
        variants=(Variant("v", "Without a", exclude=("a",)),),
    )


def test_a_node_emptied_by_a_variant_drops_out_of_its_bounds():
    """A node a variant leaves without weight drops out of the variant's filled states too.

    Known: a, b yes; c unknown. Variant: N has no weight left, so v = mean(b, c): skip 100,
    lower (c = 0) (100 + 0) / 2 = 50, upper (c = 100) 100 (as tests/reference.py computes).
    """
    scores = icindex.score(_emptying_variant(), city({"a": "yes", "b": "yes"}), missing="bounds")
    column = scores.ids.index("v")
    assert scores.values[0, column] == 100
    assert scores.lower[0, column] == pytest.approx(50)
    assert scores.upper[0, column] == pytest.approx(100)


def test_a_node_emptied_by_a_variant_leaves_the_variants_coverage_defined():
    """The variant's coverage skips the emptied node: (1 * 1 + 1 * 0) / 2 = 0.5 < 0.6 blanks it."""
    scores = icindex.score(_emptying_variant(), city({"a": "yes", "b": "yes"}), min_coverage=0.6)
    assert scores.coverage[0, scores.ids.index("v")] == pytest.approx(0.5)
    assert math.isnan(scores.get("c", "v"))


def _flat(method: str, p: float | None = None) -> Tree:
    """A root over three indicators x0, x1, x2 of weights 1, 1 and 2."""
    leaves = tuple(
        Item(f"x{i}", "r", "indicator", f"X{i}", weight=w) for i, w in enumerate((1, 1, 2))
    )
    return Tree.of(Definition("f", "F", "r", (Node("r", "R", method=method, p=p),), leaves))


FLAT = np.array([[1.0, 4.0, np.nan], [0.0, 2.0, 3.0]])  # two units; x2 unknown in the first


@pytest.mark.parametrize(
    ("method", "p", "expected"),
    [
        ("amean", None, [2.5, 2.0]),  # (1 + 4) / 2; (0 + 2 + 2 * 3) / 4
        ("gmean", None, [2.0, 0.0]),  # sqrt(1 * 4); a weighted zero child
        ("hmean", None, [1.6, 0.0]),  # 2 / (1 + 1/4); a weighted zero child
        ("genmean", 2.0, [math.sqrt(8.5), math.sqrt(22 / 4)]),  # (1 + 16) / 2; (0 + 4 + 18) / 4
    ],
)
def test_one_level_power_means_by_hand(method, p, expected):
    """Weighted power means by hand; an unknown child is skipped and the weights renormalised."""
    states, _ = evaluate(_flat(method, p), Leaves.of(FLAT))
    np.testing.assert_allclose(states[0].values[0, :, 0], expected, rtol=1e-12)


def test_one_level_with_no_weighted_child_known_is_nan():
    """A parent whose only known children weigh 0 is missing (skip) with coverage 0."""
    tree = _flat("amean")
    weights = np.array(tree.weights)
    weights[0, :2] = 0.0  # only x2 weighs, and it is unknown in the first unit
    states, coverage = evaluate(tree.with_weights(weights), Leaves.of(FLAT))
    assert math.isnan(states[0].values[0, 0, 0]) and coverage[0, 0, 0] == 0.0
    assert states[0].values[0, 1, 0] == 3.0


def test_weight_sets_give_one_result_each():
    """Two weight sets at once: the second (x0 dropped) gives 4 and (2 + 6) / 3 = 8/3."""
    tree = _flat("amean")
    second = np.array(tree.weights)
    second[0, 0] = 0.0
    states, _ = evaluate(tree.with_weights(np.vstack([tree.weights, second])), Leaves.of(FLAT))
    np.testing.assert_allclose(states[0].values[:, :, 0], [[2.5, 2.0], [4.0, 8 / 3]], rtol=1e-12)
