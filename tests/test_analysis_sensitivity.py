"""Sensitivity of an index: Sobol' indices through the batched model, checked against re-scoring
each design row alone with the generic routine, an ignored factor, and units without a score."""

from __future__ import annotations

import numpy as np
import pytest

import icindex
from icindex import Aggregation, Dataset, Definition, Item, LeaveOneOut, Node, WeightNoise
from icindex._analysis.model import Model


@pytest.fixture(scope="module")
def triple() -> Definition:
    """Root r (amean) over pillars p (x, y) and q (z)."""
    return Definition(
        "triple",
        "Triple",
        "r",
        (Node("r", "R"), Node("p", "P", "r"), Node("q", "Q", "r", weight=2.0)),
        (
            Item("x", "p", "indicator", "X"),
            Item("y", "p", "indicator", "Y", weight=2.0),
            Item("z", "q", "indicator", "Z"),
        ),
    )


@pytest.fixture(scope="module")
def units() -> Dataset:
    """Six units with spread-out values."""
    values = [[1, 9, 4], [2, 7, 8], [3, 3, 1], [5, 6, 2], [8, 1, 5], [9, 2, 9]]
    return Dataset([f"U{i}" for i in range(6)], ("x", "y", "z"), values)


def test_unit_indices_equal_the_generic_routine_scoring_rows_alone(triple, units):
    """Each unit's S1 and ST equal icindex.sobol over a model that scores every design row
    on its own with score_composite (same seed: same design)."""
    plan = icindex.compile(triple, normalise=icindex.Normalisation("minmax", range=(1, 100)))
    factors = [WeightNoise({1: 0.5, 2: 0.5}), Aggregation(("amean", "gmean", "hmean"))]
    result = icindex.sensitivity(plan, units, factors, n_base=64, seed=5, n_boot=10)
    model = Model.of(plan, units, factors)

    def one_by_one(points: np.ndarray) -> np.ndarray:
        replications = model.parameters(points)
        rows = [
            icindex.score_composite(model.plan_of(replications, r), units).column("r")
            for r in range(points.shape[0])
        ]
        return np.array(rows)

    groups = {
        f.name: list(range(s.start, s.stop)) for f, s in zip(factors, model.spans, strict=True)
    }
    generic = icindex.sobol(
        one_by_one, [(0.0, 1.0)] * model.dimensions, 64, seed=5, n_boot=10, groups=groups
    )
    np.testing.assert_allclose(result.scores.S1, generic.S1, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.scores.ST, generic.ST, rtol=1e-9, atol=1e-12)


def test_a_factor_the_target_ignores_has_no_effect(icc):
    """Leaving an indicator out of the index does not move the education score: ST is 0."""
    cities = icindex.synthetic_cities(icc, 25, seed=3)
    factors = [WeightNoise({1: 0.5}, name="items"), LeaveOneOut(level=2)]
    result = icindex.sensitivity(icc, cities, factors, n_base=128, seed=1, target="education")
    varies = np.isfinite(result.scores.ST[0])  # NaN: a city whose education score never moves
    assert varies.sum() >= 20
    np.testing.assert_array_equal(result.scores.ST[1, varies], 0.0)
    assert np.all(np.abs(result.scores.S1[1, varies]) < 0.05)
    assert np.all(result.scores.ST[0, varies] > 0.5)  # the item weights drive it all


def test_units_without_a_score_in_some_run_get_nan(triple, units):
    """A unit whose index is missing in some replications has NaN indices; the others have
    finite ones."""
    values = np.array(units.values)
    values[0, 2] = np.nan  # U0 knows only pillar p
    holes = Dataset(units.unit_ids, ("x", "y", "z"), values)
    factors = [LeaveOneOut(level=2), WeightNoise({1: 0.3})]
    with_hole = icindex.sensitivity(triple, holes, factors, n_base=64, seed=2, n_boot=10)
    assert np.all(np.isnan(with_hole.scores.S1[:, 0]))  # U0 has only p: leaving p out blanks it
    assert np.all(np.isfinite(with_hole.scores.S1[:, 1:]))
    assert with_hole.rows()[0]["factor"] == "leave_out"


def test_a_sensitivity_needs_a_factor(triple, units):
    """No factors is a ScoringError."""
    with pytest.raises(icindex.ScoringError, match="at least one factor"):
        icindex.sensitivity(triple, units, [])
