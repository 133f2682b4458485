"""Composite indices: aggregators in closed form, missing values, thresholds, flags, properties."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from icindex import Dataset, Definition, Item, Node, Normalisation, score_composite
from tests.strategies import composite_datasets, composite_definitions, value_columns

NAN = math.nan


def flat(method: str = "amean", p: float | None = None, weights=(1.0, 1.0, 2.0)) -> Definition:
    """One node, ``index``, over indicators x0, x1, ... with the given weights."""
    items = tuple(
        Item(f"x{i}", "index", "indicator", f"X{i}", weight) for i, weight in enumerate(weights)
    )
    return Definition("flat", "Flat", "index", (Node("index", "Index", method=method, p=p),), items)


def nested() -> Definition:
    """index (amean) over pillar a (weight 1: x0, x1, x2 equal) and x3 (weight 3)."""
    nodes = (Node("index", "Index"), Node("a", "Pillar A", "index", 1.0))
    items = (
        Item("x0", "a", "indicator", "X0"),
        Item("x1", "a", "indicator", "X1"),
        Item("x2", "a", "indicator", "X2"),
        Item("x3", "index", "indicator", "X3", 3.0),
    )
    return Definition("nested", "Nested", "index", nodes, items)


def data(rows, ids=None) -> Dataset:
    rows = np.asarray(rows, dtype=float)
    return Dataset(
        [f"u{r}" for r in range(len(rows))], ids or [f"x{c}" for c in range(rows.shape[1])], rows
    )


def index(definition: Definition, rows, **options) -> list[float]:
    """The root's value per unit, with the raw values passed through (normalise "none")."""
    options.setdefault("normalise", "none")
    scores = score_composite(definition, data(rows), **options)
    return scores.column(definition.root).tolist()


def test_arithmetic_mean():
    """Values 1, 2, 4 with weights 1, 1, 2: (1 + 2 + 8) / 4 = 2.75."""
    assert index(flat(), [[1, 2, 4]]) == [2.75]


def test_geometric_mean():
    """Values 1, 2, 4 with weights 1, 1, 2: (1 * 2 * 4^2)^(1/4) = 32^(1/4)."""
    assert index(flat("gmean"), [[1, 2, 4]]) == [pytest.approx(32**0.25, rel=1e-12)]


def test_harmonic_mean():
    """Values 1, 2, 4 with weights 1, 1, 2: 4 / (1/1 + 1/2 + 2/4) = 2."""
    assert index(flat("hmean"), [[1, 2, 4]]) == [pytest.approx(2.0, rel=1e-12)]


def test_generalised_mean():
    """Values 1, 2, 4 with weights 1, 1, 2 and p = 2: sqrt((1 + 4 + 2 * 16) / 4)."""
    assert index(flat("genmean", 2.0), [[1, 2, 4]]) == [pytest.approx(math.sqrt(9.25), rel=1e-12)]


def test_generalised_mean_with_p_minus_one_is_the_harmonic_mean():
    """genmean with p = -1 equals hmean on the same values."""
    rows = [[1, 2, 4], [3, 7, 0.5]]
    assert index(flat("genmean", -1.0), rows) == pytest.approx(index(flat("hmean"), rows))


def test_generalised_mean_approaches_the_geometric_mean_as_p_goes_to_zero():
    """genmean with p = 1e-7 is within 1e-6 (relative) of gmean."""
    rows = [[1, 2, 4], [3, 7, 0.5]]
    near = index(flat("genmean", 1e-7), rows)
    assert near == pytest.approx(index(flat("gmean"), rows), rel=1e-6)


def test_missing_child_is_skipped_and_weights_renormalised():
    """Values 1, missing, 4 with weights 1, 1, 2: (1 + 8) / 3 = 3."""
    assert index(flat(), [[1, NAN, 4]]) == [3.0]


def test_node_with_nothing_known_is_missing():
    """A node none of whose children is known is missing, with coverage 0."""
    scores = score_composite(flat(), data([[NAN, NAN, NAN], [1, 2, 3]]), normalise="none")
    assert math.isnan(scores.get("u0", "index")) and scores.coverage[0, -1] == 0.0


def test_aggregate_option_replaces_every_node_method():
    """aggregate="gmean" on an amean definition gives the geometric mean."""
    assert index(flat(), [[1, 2, 4]], aggregate="gmean") == [pytest.approx(32**0.25)]


def test_genmean_option_needs_a_power():
    """aggregate="genmean" without p is refused."""
    with pytest.raises(icindex.ScoringError, match="genmean, and only genmean, takes a power"):
        index(flat(), [[1, 2, 4]], aggregate="genmean")


def test_geometric_mean_of_zero_names_node_and_units():
    """gmean over a value of 0 raises, naming the node, the method and the unit."""
    with pytest.raises(icindex.ScoringError, match=r"node 'index' aggregates with gmean.*units u1"):
        index(flat("gmean"), [[1, 2, 4], [0, 2, 4]])


def test_harmonic_mean_of_a_negative_value_is_an_error():
    """hmean over a negative value raises, naming the node."""
    with pytest.raises(icindex.ScoringError, match=r"node 'index' aggregates with hmean"):
        index(flat("hmean"), [[-1, 2, 4]])


def test_shift_lets_a_geometric_mean_take_zero():
    """Values 0 and 2, equal weights, shift 1: sqrt(1 * 3) - 1."""
    found = index(flat("gmean", weights=(1, 1)), [[0, 2]], shift=1.0)
    assert found == [pytest.approx(math.sqrt(3) - 1, rel=1e-12)]


def test_effective_weights_multiply_down_the_tree():
    """nested(): pillar a has 1/4 of the index, shared by three; x3 has 3/4."""
    weights = icindex.effective_weights(nested())
    assert weights == pytest.approx({"x0": 1 / 12, "x1": 1 / 12, "x2": 1 / 12, "x3": 0.75})


def test_index_is_the_effective_weighted_sum():
    """With arithmetic means and nothing missing, the index is sum(W_i * x_i)."""
    weights = icindex.effective_weights(nested())
    found = index(nested(), [[1, 2, 3, 4]])
    assert found == [
        pytest.approx(sum(w * x for w, x in zip(weights.values(), [1, 2, 3, 4], strict=True)))
    ]


def test_min_availability_counts_known_direct_children():
    """Pillar a knows 1 of 3 children (1/3 < 0.5): missing; the index then knows 1 of 2.

    So with threshold 0.5 the index is x3 alone (1/2 >= 0.5), and with 0.6 it is missing too.
    """
    rows = [[1, NAN, NAN, 8]]
    scores = score_composite(nested(), data(rows), normalise="none", min_availability=0.5)
    assert math.isnan(scores.get("u0", "a")) and scores.get("u0", "index") == 8.0
    assert math.isnan(index(nested(), rows, min_availability=0.6)[0])


def test_min_coverage_counts_known_weight():
    """x2 (weight 2 of 4) missing: known weight share 1/2; a threshold of 0.6 makes it missing."""
    assert math.isnan(index(flat(), [[1, 2, NAN]], min_coverage=0.6)[0])
    assert index(flat(), [[1, 2, NAN]], min_coverage=0.5) == [1.5]


def test_direction_applies_before_normalising():
    """x1 has direction -1: its raw 10, 30, 20 score 100, 0, 50 under min-max."""
    definition = attrs.evolve(
        flat(weights=(1.0, 1.0)),
        items=(
            Item("x0", "index", "indicator", "X0"),
            Item("x1", "index", "indicator", "X1", direction=-1),
        ),
    )
    scores = score_composite(definition, data([[1, 10], [2, 30], [3, 20]]))
    assert scores.column("x1").tolist() == [100.0, 0.0, 50.0]
    assert scores.column("index").tolist() == [50.0, 25.0, 75.0]


def test_indicator_normaliser_overrides_the_global_one():
    """x0 carries rank; the global z-score applies to x1 only."""
    definition = flat(weights=(1.0, 1.0))
    own = attrs.evolve(definition.items[0], normalise=Normalisation("rank"))
    definition = attrs.evolve(definition, items=(own, definition.items[1]))
    scores = score_composite(definition, data([[5, 1], [7, 3]]), normalise="zscore")
    assert scores.column("x0").tolist() == [1.0, 2.0]
    assert scores.column("x1").tolist() == pytest.approx([-math.sqrt(0.5), math.sqrt(0.5)])


def test_distance_takes_the_indicator_target():
    """The indicator's own target (4) serves the global distance: 1, 2, 5 -> 0, 1/3, 4/3."""
    definition = flat(weights=(1.0,))
    target = attrs.evolve(definition.items[0], target=4.0)
    definition = attrs.evolve(definition, items=(target,))
    scores = score_composite(definition, data([[1], [2], [5]]), normalise="distance")
    assert scores.column("x0").tolist() == pytest.approx([0.0, 100 / 3, 400 / 3])


def test_imputed_cells_are_flagged_and_not_counted_as_measured():
    """A mean-imputed cell is flagged; coverage counts measured values only (3 of 4 weight)."""
    scores = score_composite(flat(), data([[1, 2, 4], [3, NAN, 8], [5, 6, 1]]), impute="mean")
    assert scores.imputed is not None
    assert scores.imputed[:, :3].tolist() == [
        [False, False, False],
        [False, True, False],
        [False, False, False],
    ]
    assert not scores.imputed[:, 3:].any()
    assert scores.coverage[1, scores.ids.index("index")] == 0.75
    assert scores.get("u1", "x1") == 50.0  # imputed mean(2, 6) = 4, halfway from 2 to 6


def test_imputed_flags_in_csv_and_dict():
    """CSV gets <id>:imputed columns (1.0 where imputed); the dict lists imputed ids per unit."""
    scores = score_composite(flat(), data([[1, 2, 4], [3, NAN, 8], [5, 6, 1]]), impute="mean")
    header, _, second, _ = scores.to_csv(coverage=False).splitlines()
    assert header.endswith("x0:imputed,x1:imputed,x2:imputed")
    assert second.endswith("0,1,0")
    assert scores.to_dict()["cities"][1]["imputed"] == ["x1"]


def test_no_imputation_no_flags():
    """Without imputation, Scores.imputed is None and the CSV has no flag columns."""
    scores = score_composite(flat(), data([[1, 2, 4], [3, NAN, 8], [5, 6, 1]]))
    assert scores.imputed is None and ":imputed" not in scores.to_csv()


def test_csv_in_coinr_layout():
    """names=False leaves out the name column: uCode, then every score."""
    scores = score_composite(flat(), data([[1, 2, 4], [3, 1, 8]]))
    text = scores.to_csv(id_column="uCode", coverage=False, names=False)
    assert text.splitlines()[0] == "uCode,x0,x1,x2,index"
    assert text.splitlines()[1].startswith("u0,0,100,0,")


def test_group_imputation_needs_a_group_column():
    """group_mean without impute_group is refused, naming both options."""
    with pytest.raises(icindex.ScoringError, match="impute_group: needed by"):
        score_composite(flat(), data([[1, 2, 4], [3, NAN, 8]]), impute="group_mean")


def test_group_imputation_uses_the_dataset_group():
    """Units u0 and u1 share group g: u1's gap takes u0's value."""
    dataset = attrs.evolve(
        data([[1, 2, 4], [3, NAN, 8], [5, 6, 1]]), group_ids=("g",), groups=[["a"], ["a"], ["b"]]
    )
    scores = score_composite(
        flat(), dataset, normalise="none", impute="group_mean", impute_group="g"
    )
    assert scores.get("u1", "x1") == 2.0


def test_question_items_are_refused():
    """score_composite scores indicators only; a question item is named."""
    question = Item(
        "q",
        "index",
        "yes_no",
        "Q?",
        options=(icindex.Option("yes", "Yes", 1.0), icindex.Option("no", "No", 0.0)),
    )
    definition = attrs.evolve(flat(weights=(1.0,)), items=(question,))
    with pytest.raises(icindex.ScoringError, match=r"items \['q'\] are questions"):
        score_composite(definition, data([[1]], ["q"]))


def test_missing_dataset_column_is_named():
    """An indicator without a column in the dataset is named."""
    with pytest.raises(icindex.ScoringError, match=r"no column for indicators \['x2'\]"):
        score_composite(flat(), data([[1, 2]]))


def test_icc_scorer_refuses_indicators():
    """icindex.score points indicator definitions to score_composite."""
    with pytest.raises(icindex.ScoringError, match=r"score them with icindex\.score_composite"):
        icindex.score(flat(), [])


POSITIVE = Normalisation("minmax", range=(1.0, 100.0))


@given(data=st.data())
def test_aggregates_lie_between_the_smallest_and_largest_child(data):
    """Every node lies between its smallest and its largest known child, for any method."""
    definition = data.draw(composite_definitions())
    dataset = data.draw(composite_datasets(definition))
    scores = score_composite(definition, dataset, normalise=POSITIVE)
    for node in definition.nodes:
        children = [scores.ids.index(c.id) for c in definition.children(node.id)]
        values = scores.values[:, children]
        value = scores.column(node.id)
        known = ~np.isnan(values).all(axis=1)
        assert np.all(np.isnan(value) == ~known)
        low, high = np.nanmin(values[known], axis=1), np.nanmax(values[known], axis=1)
        assert np.all(value[known] >= low - 1e-9 * np.abs(low))
        assert np.all(value[known] <= high + 1e-9 * np.abs(high))


@given(data=st.data())
def test_identical_children_with_equal_weights_give_that_value(data):
    """When every indicator has the same values, every node equals them, whatever its method."""
    definition = data.draw(composite_definitions(equal_weights=True))
    column = np.array(data.draw(value_columns()))[:, None]
    same = np.repeat(column, len(definition.items), axis=1)
    items = tuple(attrs.evolve(item, direction=1) for item in definition.items)
    definition = attrs.evolve(definition, items=items)
    units = [f"u{r}" for r in range(len(column))]
    dataset = Dataset(units, tuple(i.id for i in items), same)
    scores = score_composite(definition, dataset, normalise=POSITIVE)
    expected = scores.column(items[0].id)
    for node in definition.nodes:
        assert scores.column(node.id) == pytest.approx(expected, rel=1e-12, nan_ok=True)


@given(data=st.data())
def test_reordering_units_reorders_results_only(data):
    """Scoring the units in another order gives the same scores in that order."""
    definition = data.draw(composite_definitions())
    dataset = data.draw(composite_datasets(definition))
    order = data.draw(st.permutations(range(dataset.n_units)))
    shuffled = Dataset(dataset.unit_ids[order], dataset.indicator_ids, dataset.values[order])
    first = score_composite(definition, dataset, normalise=POSITIVE)
    second = score_composite(definition, shuffled, normalise=POSITIVE)
    assert second.values == pytest.approx(first.values[order], rel=1e-12, nan_ok=True)


@given(data=st.data())
def test_effective_weights_sum_to_one_and_give_the_index(data):
    """Effective weights sum to 1; with amean and nothing missing the index is sum(W_i x_i)."""
    definition = data.draw(composite_definitions())
    nodes = tuple(attrs.evolve(node, method="amean", p=None) for node in definition.nodes)
    definition = attrs.evolve(definition, nodes=nodes)
    dataset = data.draw(composite_datasets(definition))
    scores = score_composite(definition, dataset, impute="mean")
    weights = icindex.effective_weights(definition)
    assert sum(weights.values()) == pytest.approx(1.0)
    expected = sum(w * scores.column(item_id) for item_id, w in weights.items())
    assert scores.column("root") == pytest.approx(expected, rel=1e-9)
