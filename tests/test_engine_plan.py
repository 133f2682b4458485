"""The compiled plan: frozen, validated options, kind checks, weight swaps and option overrides."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

import icindex
from icindex import CityResponse, Definition, Item, Node, Option, Variant

YES_NO = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))


@pytest.fixture(scope="module")
def pair() -> Definition:
    """Root r (amean) over two yes/no items a and b of weight 1."""
    return Definition(
        "pair",
        "Pair",
        "r",
        (Node("r", "R"),),
        tuple(Item(i, "r", "yes_no", f"{i}?", options=YES_NO) for i in "ab"),
    )


@pytest.fixture(scope="module")
def yes_then_no() -> list[CityResponse]:
    """One city, "c", answering a yes (100) and b no (0)."""
    return [CityResponse(id="c", name="C", answers={"a": "yes", "b": "no"})]


@pytest.fixture(scope="module")
def composite() -> Definition:
    """Root r (amean) over two indicators x and y."""
    return Definition(
        "comp",
        "Composite",
        "r",
        (Node("r", "R"),),
        (Item("x", "r", "indicator", "X"), Item("y", "r", "indicator", "Y")),
    )


def test_compile_returns_a_frozen_plan(icc):
    """A compiled plan refuses assignment to its fields."""
    plan = icindex.compile(icc, missing="bounds")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        plan.options = icindex.Options()  # type: ignore[misc]


def test_scoring_a_plan_equals_scoring_its_definition(icc):
    """Scoring with a compiled plan equals scoring the definition with the same options."""
    cities = icindex.synthetic_cities(icc, 50, seed=1, unknown_share=0.2)
    plan = icindex.compile(icc, missing="bounds", min_coverage=0.4)
    from_plan = icindex.score(plan, cities)
    direct = icindex.score(icc, cities, missing="bounds", min_coverage=0.4)
    for name in ("values", "coverage", "lower", "upper"):
        np.testing.assert_array_equal(getattr(from_plan, name), getattr(direct, name), name)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"missing": "maybe"}, r"^missing: must be one of"),
        ({"min_coverage": 1.5}, r"^min_coverage: must be between 0 and 1"),
        ({"min_availability": -0.1}, r"^min_availability: must be between 0 and 1"),
        ({"impute": "bogus"}, r"^impute: must be one of"),
        ({"chunk_size": 0}, r"^chunk_size: must be >= 1"),
        ({"aggregate": "median"}, r"^aggregate: must be one of"),
        ({"aggregate": "genmean"}, r"^aggregate: genmean, and only genmean, takes a power p"),
        ({"p": 2.0}, r"^aggregate: p is given \(2\.0\) but no method"),
        ({"missing": "zero", "min_coverage": 0.5}, r"^min_coverage: applies to skip and bounds"),
    ],
)
def test_an_invalid_option_raises_scoring_error_naming_it(pair, options, message):
    """Each invalid option (or combination) raises ScoringError whose message starts with it."""
    with pytest.raises(icindex.ScoringError, match=message):
        icindex.compile(pair, **options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"normalise": "minmax"}, r"^normalise: only for composite indices"),
        ({"impute": "mean"}, r"^impute: only for composite indices"),
        ({"shift": 1.0}, r"^shift: only for composite indices"),
    ],
)
def test_a_questionnaire_refuses_composite_options(pair, options, message):
    """A questionnaire definition refuses normalise, impute and shift, naming the option."""
    with pytest.raises(icindex.ScoringError, match=message):
        icindex.compile(pair, **options)


def test_a_composite_index_refuses_missing_bounds(composite):
    """A composite index of indicators refuses missing="bounds" (composite indices skip)."""
    with pytest.raises(icindex.ScoringError, match=r"^missing: composite indices skip"):
        icindex.compile(composite, missing="bounds")


def test_with_weights_doubling_one_item_changes_the_index(pair, yes_then_no):
    """Weights a:b = 2:1 in row 0 give (2 * 100 + 1 * 0) / 3 = 66.67 instead of 50."""
    plan = icindex.compile(pair)
    weights = np.array(plan.tree.weights)
    weights[0, plan.tree.leaf_ids.index("a")] *= 2.0
    assert icindex.score(plan, yes_then_no).get("c", "r") == 50
    heavier = icindex.score(plan.with_weights(weights), yes_then_no)
    assert heavier.get("c", "r") == pytest.approx(200 / 3, rel=1e-12)


def test_with_weights_of_a_wrong_shape_raises_scoring_error(pair):
    """Weights whose width is not n_leaves + n_aggregates (here 2 + 1) raise ScoringError."""
    plan = icindex.compile(pair)
    with pytest.raises(icindex.ScoringError, match=r"^weights: expected shape \(sets, 3\)"):
        plan.with_weights(np.ones((1, 4)))


def test_with_weights_leaves_the_plan_it_came_from_alone(pair, yes_then_no):
    """with_weights returns a new plan; the original still scores (100 + 0) / 2 = 50."""
    plan = icindex.compile(pair)
    weights = np.array(plan.tree.weights)
    weights[0, 0] = 5.0
    plan.with_weights(weights)
    assert icindex.score(plan, yes_then_no).get("c", "r") == 50


def test_an_option_override_keeps_the_plans_swapped_weights(pair, yes_then_no):
    """Overriding missing on a plan with swapped weights (a:b = 2:1) still gives 66.67."""
    plan = icindex.compile(pair)
    weights = np.array(plan.tree.weights)
    weights[0, plan.tree.leaf_ids.index("a")] *= 2.0
    scores = icindex.score(plan.with_weights(weights), yes_then_no, missing="bounds")
    assert scores.get("c", "r") == pytest.approx(200 / 3, rel=1e-12)


def test_a_plan_with_a_batch_of_weight_sets_scores_row_0(pair, yes_then_no):
    """A plan given three weight sets (Plan.with_weights accepts them) scores with row 0."""
    plan = icindex.compile(pair)
    batch = np.repeat(np.array(plan.tree.weights), 3, axis=0)
    assert icindex.score(plan.with_weights(batch), yes_then_no).get("c", "r") == 50


def test_options_passed_to_score_override_the_plans(pair, yes_then_no):
    """A skip plan scored with missing="bounds" reports bounds, as worked by hand.

    City: a unknown, b yes. skip: 100; lower (a = 0): (0 + 100) / 2 = 50; upper (a = 100): 100.
    """
    plan = icindex.compile(pair, missing="skip")
    responses = [CityResponse(id="c", name="C", answers={"b": "yes"})]
    assert icindex.score(plan, responses).lower is None
    scores = icindex.score(plan, responses, missing="bounds")
    assert scores.missing == "bounds"
    assert scores.get("c", "r") == 100
    assert scores.lower[0, scores.ids.index("r")] == 50
    assert scores.upper[0, scores.ids.index("r")] == 100


def test_chunk_size_does_not_change_results(icc):
    """Scoring 100 ICC cities in chunks of 7 equals scoring them at once, up to rounding."""
    cities = icindex.synthetic_cities(icc, 100, seed=2, unknown_share=0.2)
    whole = icindex.score(icindex.compile(icc, missing="bounds"), cities)
    parts = icindex.score(icindex.compile(icc, missing="bounds", chunk_size=7), cities)
    for name in ("values", "coverage", "lower", "upper"):
        np.testing.assert_allclose(
            getattr(parts, name), getattr(whole, name), rtol=1e-12, equal_nan=True
        )


def test_with_options_keeps_the_other_options(pair):
    """with_options(missing="bounds") changes missing and keeps min_coverage and chunk_size."""
    plan = icindex.compile(pair, min_coverage=0.3, chunk_size=5, aggregate="gmean")
    changed = plan.with_options(missing="bounds")
    assert changed.options == attrs.evolve(plan.options, missing="bounds")
    assert changed.chunk_rows() == 5


def test_chunk_rows_fills_the_working_memory(pair):
    """Without chunk_size a plan scores memory // per-unit bytes, at least 64 units at once.

    pair: 2 leaves, 1 aggregate, 1 weight set, skip (1 state + coverage): 8 * (4 * 2 + 2 * 2 *
    1 * 1) = 96 bytes per unit; 2**20 bytes -> 10922 units; 65536 bytes -> 682.
    """
    assert icindex.compile(pair, memory=2**20).chunk_rows() == 2**20 // 96
    assert icindex.compile(pair, memory=2**16).chunk_rows() == 682


def test_a_variant_column_follows_its_weight_row(yes_then_no):
    """Row 1 of with_weights is the variant's root: a:b = 0:1 gives b's 0, 1:0 gives a's 100."""
    definition = Definition(
        "pv",
        "PV",
        "r",
        (Node("r", "R"),),
        tuple(Item(i, "r", "yes_no", f"{i}?", options=YES_NO) for i in "ab"),
        variants=(Variant("v", "Without a", exclude=("a",)),),
    )
    plan = icindex.compile(definition)
    assert icindex.score(plan, yes_then_no).get("c", "v") == 0
    weights = np.array(plan.tree.weights)
    weights[1] = [1.0, 0.0, 1.0]  # columns a, b, r
    assert icindex.score(plan.with_weights(weights), yes_then_no).get("c", "v") == 100


def test_an_unknown_option_is_named():
    """A misspelt option is a ScoringError naming it, not a bare TypeError."""
    icc = icindex.load_definition("icc")
    with pytest.raises(icindex.ScoringError, match="unknown options \\['misssing'\\]"):
        icindex.compile(icc, misssing="skip")
