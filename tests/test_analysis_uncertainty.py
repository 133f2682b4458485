"""Uncertainty analysis: hand-worked replications, invariances, reproduction and the summary."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

import icindex
from icindex import (
    Aggregation,
    Dataset,
    Definition,
    Item,
    LeaveOneOut,
    MissingPolicy,
    Node,
    WeightNoise,
)
from icindex._analysis.model import Model


@pytest.fixture(scope="module")
def pair() -> Definition:
    """Root r (amean) over indicators x (weight 1) and y (weight 3)."""
    return Definition(
        "pair",
        "Pair",
        "r",
        (Node("r", "R"),),
        (Item("x", "r", "indicator", "X"), Item("y", "r", "indicator", "Y", weight=3.0)),
    )


@pytest.fixture(scope="module")
def levels() -> Definition:
    """Root r (amean) over two questions a, b answered lo (0), mid (0.5) or hi (1)."""
    options = (
        icindex.Option("lo", "Low", 0.0),
        icindex.Option("mid", "Mid", 0.5),
        icindex.Option("hi", "High", 1.0),
    )
    items = tuple(Item(i, "r", "choice", f"{i}?", options=options) for i in "ab")
    return Definition("levels", "Levels", "r", (Node("r", "R"),), items)


@pytest.fixture(scope="module")
def opposite() -> Dataset:
    """Three units; min-max gives A (100, 0), B (50, 50), C (0, 100)."""
    return Dataset(["A", "B", "C"], ("x", "y"), [[10, 0], [5, 1], [0, 2]])


@pytest.fixture(scope="module")
def icc_cities(icc):
    """60 synthetic ICC cities, a fifth of their answers unknown."""
    return icindex.synthetic_cities(icc, 60, seed=11, unknown_share=0.2)


def test_weight_noise_scores_the_perturbed_weighted_mean(pair, opposite):
    """With u = (0, 1) and f = 0.5, x weighs 0.5 and y 4.5: A = 100*0.5/5, C = 100*4.5/5."""
    model = Model.of(pair, opposite, [WeightNoise({1: 0.5})])
    scores = model.run(model.parameters(np.array([[0.0, 1.0]])))
    np.testing.assert_allclose(scores[0], [10.0, 50.0, 90.0], rtol=1e-12)


def test_aggregation_choice_follows_the_unit_interval(pair, opposite):
    """u < 1/2 picks amean (the nominal), u >= 1/2 gmean, on min-max onto [1, 100]: A is
    (100, 1), so amean (100 + 3)/4 and gmean 100^(1/4); C (1, 100): 301/4 and 100^(3/4)."""
    plan = icindex.compile(pair, normalise=icindex.Normalisation("minmax", range=(1.0, 100.0)))
    model = Model.of(plan, opposite, [Aggregation(("amean", "gmean"))])
    scores = model.run(model.parameters(np.array([[0.2], [0.7]])))
    np.testing.assert_allclose(scores[0], [25.75, 50.5, 75.25], rtol=1e-12)
    np.testing.assert_allclose(scores[1], [100**0.25, 50.5, 100**0.75], rtol=1e-12)


def test_probability_of_top_rank_counts_replications(levels):
    """Answers (100, 0), (50, 50), (0, 100): all tie at 50 under amean (rank 1 each); under
    gmean the zeros collapse A and Z to 0 (rank 2). One replication in four picks gmean."""
    cities = [
        icindex.CityResponse(id=c, name=c, answers={"a": a, "b": b})
        for c, a, b in (("A", "hi", "lo"), ("B", "mid", "mid"), ("Z", "lo", "hi"))
    ]
    model = Model.of(levels, cities, [Aggregation(("amean", "gmean"))])
    u = np.array([[0.1], [0.3], [0.4], [0.9]])
    result = _result(model, u)
    summary = result.summary()
    # amean: A 50, B 50, Z 50 -> ranks 1, 1, 1; gmean: A 0, B 50, Z 0 -> ranks 2, 1, 2.
    np.testing.assert_array_equal(summary["p_top1"], [0.75, 1.0, 0.75])
    np.testing.assert_array_equal(summary["nominal_rank"], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(summary["mean_rank"], [1.25, 1.0, 1.25])
    np.testing.assert_allclose(summary["mean_abs_rank_shift"], [0.25, 0.0, 0.25])
    np.testing.assert_allclose(result.rank_shift, [0.0, 0.0, 0.0, 2 / 3])


def _result(model: Model, u: np.ndarray) -> icindex.Uncertainty:
    """An Uncertainty over given points."""
    return icindex.Uncertainty.of(model, u)


def test_rank_gives_ties_the_lowest_rank_and_keeps_nan():
    """Ranks: 1 for the highest score, ties share the lowest ("min"), NaN is not ranked."""
    ranks = icindex.rank(np.array([[70.0, np.nan, 70.0, 90.0, 10.0]]))
    np.testing.assert_array_equal(ranks, [[2.0, np.nan, 2.0, 1.0, 4.0]])


def test_no_uncertainty_collapses_every_band_to_the_nominal_rank(icc, icc_cities):
    """Noise of width 0 changes nothing: every quantile equals the nominal rank, no shift."""
    result = icindex.uncertainty(icc, icc_cities, [WeightNoise({1: 0.0, 2: 0.0})], reps=50, seed=1)
    summary = result.summary()
    for column in ("mean_rank", "median_rank", "q05_rank", "q95_rank"):
        np.testing.assert_array_equal(summary[column], summary["nominal_rank"], column)
    assert np.all(summary["mean_abs_rank_shift"] == 0)
    np.testing.assert_array_equal(result.scores, np.tile(result.nominal_scores, (50, 1)))


def test_nominal_equals_plain_scoring(icc, icc_cities):
    """The nominal scores are the definition scored as it is (skip, its own weights)."""
    result = icindex.uncertainty(icc, icc_cities, [WeightNoise({2: 0.3})], reps=5, seed=2)
    expected = icindex.score(icc, icc_cities).column("index")
    np.testing.assert_allclose(result.nominal_scores, expected, rtol=1e-12, equal_nan=True)


def test_results_do_not_depend_on_the_chunk_size(icc, icc_cities):
    """A memory budget of one replication per batch gives the same scores as the default."""
    factors = [WeightNoise({1: 0.2, 2: 0.4}), Aggregation(("amean", "gmean"), levels=(3,))]
    big = icindex.uncertainty(icc, icc_cities, factors, reps=40, seed=5)
    small_plan = icindex.compile(icc, memory=2**16)
    small = icindex.uncertainty(small_plan, icc_cities, factors, reps=40, seed=5)
    model = Model.of(small_plan, icc_cities, factors)
    assert model.batch_size(small_plan) < 40
    np.testing.assert_allclose(small.scores, big.scores, rtol=1e-12, atol=1e-12, equal_nan=True)


def test_replication_order_does_not_change_a_replication(icc, icc_cities):
    """Scoring the replications reversed gives each one the same scores."""
    factors = [WeightNoise({2: 0.5}), LeaveOneOut(level=2), MissingPolicy(("skip", "zero"))]
    model = Model.of(icc, icc_cities, factors)
    u = np.random.default_rng(3).random((30, model.dimensions))
    forward = model.run(model.parameters(u))
    backward = model.run(model.parameters(u[::-1]))
    np.testing.assert_allclose(backward[::-1], forward, rtol=1e-12, atol=1e-12, equal_nan=True)


def test_the_same_seed_gives_the_same_first_replications(icc, icc_cities):
    """A seed fixes the replications: 20 of them are the first 20 of 30."""
    factors = [WeightNoise({2: 0.5}), Aggregation()]
    short = icindex.uncertainty(icc, icc_cities, factors, reps=20, seed=9)
    long = icindex.uncertainty(icc, icc_cities, factors, reps=30, seed=9)
    np.testing.assert_array_equal(long.scores[:20], short.scores)
    np.testing.assert_array_equal(long.replications.weights[:20], short.replications.weights)


@pytest.mark.parametrize("replication", [0, 7, 19])
def test_a_replication_rescored_alone_reproduces_its_scores(icc, icc_cities, replication):
    """The plan of a replication's parameters, scored with icindex.score, gives its row."""
    factors = [
        WeightNoise({1: 0.3, 2: 0.5}),
        LeaveOneOut(level=2),
        MissingPolicy(("skip", "zero")),
        Aggregation(("amean", "hmean"), levels=(3,)),
    ]
    result = icindex.uncertainty(icc, icc_cities, factors, reps=20, seed=4)
    alone = icindex.score(result.plan(replication), icc_cities).column("index")
    np.testing.assert_allclose(alone, result.scores[replication], rtol=1e-12, equal_nan=True)


def test_a_composite_replication_rescored_alone_reproduces_its_scores(pair, opposite):
    """Composite indices too: score_composite with the replication's plan gives its row
    (shifted by 10, so that z-scores stay in the harmonic mean's domain)."""
    factors = [WeightNoise({1: 0.5}), Aggregation(("amean", "hmean")), icindex.Normaliser()]
    plan = icindex.compile(pair, shift=10.0)
    result = icindex.uncertainty(plan, opposite, factors, reps=12, seed=4)
    for r in range(12):
        alone = icindex.score_composite(result.plan(r), opposite).column("r")
        np.testing.assert_allclose(alone, result.scores[r], rtol=1e-12)


def test_leave_one_out_equals_scoring_without_that_indicator(icc, icc_cities):
    """Leaving out 'education' equals scoring a definition whose education weighs 0."""
    model = Model.of(icc, icc_cities, [LeaveOneOut(level=2, ids=("education",))])
    scores = model.run(model.parameters(np.array([[0.75]])))  # choice 1 of (none, education)
    nodes = tuple(attrs.evolve(n, weight=0.0) if n.id == "education" else n for n in icc.nodes)
    expected = icindex.score(attrs.evolve(icc, nodes=nodes), icc_cities).column("index")
    np.testing.assert_allclose(scores[0], expected, rtol=1e-12, equal_nan=True)


def test_missing_policy_zero_equals_scoring_with_zero(icc, icc_cities):
    """The choice 'zero' scores as icindex.score(missing='zero')."""
    model = Model.of(icc, icc_cities, [MissingPolicy(("skip", "zero"))])
    scores = model.run(model.parameters(np.array([[0.9]])))
    expected = icindex.score(icc, icc_cities, missing="zero").column("index")
    np.testing.assert_allclose(scores[0], expected, rtol=1e-12)


def test_a_variant_target_scores_the_variant(icc, icc_cities):
    """Target 'core' gives the core index of plain scoring."""
    result = icindex.uncertainty(
        icc, icc_cities, [WeightNoise({2: 0.0})], reps=2, seed=0, target="core"
    )
    expected = icindex.score(icc, icc_cities).column("core")
    np.testing.assert_allclose(result.nominal_scores, expected, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(result.scores[1], expected, rtol=1e-12, equal_nan=True)


def test_parameters_name_every_choice_and_weight(pair, opposite):
    """Each replication's parameters: its choices by factor name and its weights by entry."""
    result = icindex.uncertainty(
        pair, opposite, [WeightNoise({1: 0.5}), MissingPolicy(("skip", "mean"))], reps=3, seed=1
    )
    first = result.parameters()[0]
    assert set(first) == {"replication", "missing", "weight:x", "weight:y", "weight:r"}
    assert first["missing"] in ("skip", "mean")
    assert 0.5 <= first["weight:x"] <= 1.5 and 1.5 <= first["weight:y"] <= 4.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d, u: icindex.uncertainty(d, u, [WeightNoise({4: 0.1})]), "level 4"),
        (lambda d, u: icindex.uncertainty(d, u, [WeightNoise({1: 0.1})], reps=0), "reps"),
        (lambda d, u: icindex.uncertainty(d, u, [Aggregation()], target="nope"), "target"),
        (lambda d, u: icindex.uncertainty(d, u, [Aggregation(), Aggregation()]), "names"),
        (lambda d, u: icindex.uncertainty(d, u, [MissingPolicy(("skip", "zero"))]), "zero"),
        (lambda d, u: icindex.uncertainty(d, u, [LeaveOneOut(ids=("q",))]), "'q'"),
        (lambda d, u: icindex.uncertainty("pair", u, [Aggregation()]), "expected a Definition"),
    ],
)
def test_bad_analyses_are_scoring_errors_naming_the_problem(pair, opposite, call, message):
    """Each mistake is a ScoringError naming what is wrong."""
    with pytest.raises(icindex.ScoringError, match=message):
        call(pair, opposite)


def test_factor_settings_are_checked_on_construction():
    """Bad levels, widths, methods or repeated choices are ScoringErrors."""
    with pytest.raises(icindex.ScoringError, match="0 <= f <= 1"):
        WeightNoise({1: 1.5})
    with pytest.raises(icindex.ScoringError, match="genmean:P"):
        Aggregation(("amean", "median"))
    with pytest.raises(icindex.ScoringError, match="distinct"):
        MissingPolicy(("skip", "skip"))
    with pytest.raises(icindex.ScoringError, match="concentration must be > 0"):
        icindex.DirichletWeights(concentration=0.0)


def test_aggregation_levels_without_nodes_are_an_error(pair, opposite):
    """Aggregation at a level with no nodes would change nothing: a ScoringError naming it."""
    with pytest.raises(icindex.ScoringError, match=r"levels \[5\] have no nodes"):
        icindex.uncertainty(pair, opposite, [Aggregation(("amean", "hmean"), levels=(5,))])


def test_the_documented_examples_run(monkeypatch, tmp_path):
    """The Python blocks of docs/uncertainty.md run in order, beside copies of the ASEM files,
    and the ASEM block gives the figures the page quotes."""
    pytest.importorskip("matplotlib")
    repo = Path(__file__).resolve().parents[1]
    text = (repo / "docs" / "uncertainty.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 3
    for name in ("asem_idata.csv", "asem_imeta.csv"):
        shutil.copy(repo / "tests" / "data" / "coinr-asem" / name, tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for number, block in enumerate(blocks):
        exec(compile(block, f"docs/uncertainty.md, block {number + 1}", "exec"), namespace)
        if number == 1:  # the ASEM example
            asem = {row["unit"]: row for row in namespace["result"].rows()}
            assert [asem[u]["q95_rank"] for u in ("DEU", "GBR", "FRA")] == [1.0, 2.0, 3.0]
            assert (asem["LUX"]["nominal_rank"], asem["LUX"]["q05_rank"]) == (28.0, 26.0)
            assert asem["LUX"]["q95_rank"] == 41.0
            shift = namespace["sens"].rank_shift
            np.testing.assert_allclose(shift.S1, [0.02, 0.97], atol=0.01)
            np.testing.assert_allclose(shift.ST, [0.03, 0.98], atol=0.01)
    assert (tmp_path / "asem_ranks.png").stat().st_size > 0
