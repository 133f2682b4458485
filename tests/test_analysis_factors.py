"""Uncertainty factors: levels of the weight layout, the unit-interval mappings, Dirichlet draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from icindex import DirichletWeights, LeaveOneOut, WeightNoise
from icindex._analysis.layout import WeightLayout, pick


@pytest.fixture(scope="module")
def layout(icc) -> WeightLayout:
    """The ICC's weight columns."""
    return WeightLayout.of(icindex.compile(icc))


def test_levels_follow_coinr(icc, layout):
    """Items are level 1, the 17 indicators level 2, the index level 3, the lens a group (0)."""
    assert layout.at(1, "f").size == len(icc.items)
    indicators = [layout.ids[c] for c in layout.at(2, "f")]
    assert indicators == [n.id for n in icc.nodes if n.parent == "index"]
    assert layout.levels[layout.ids.index("index")] == 3
    assert layout.levels[layout.ids.index("intercultural_lens")] == 0
    with pytest.raises(icindex.ScoringError, match="level 3 has no weighted entries"):
        layout.at(3, "f")  # the root has no parent to be weighted in


@given(st.floats(0.0, 1.0, exclude_max=True), st.integers(1, 20))
def test_pick_splits_the_unit_interval_evenly(u, k):
    """Choice j is picked exactly on [j/k, (j+1)/k)."""
    j = int(pick(np.array([u]), k)[0])
    assert j / k <= u < (j + 1) / k or np.isclose(u, j / k)


def test_weight_noise_maps_the_ends_and_middle(layout):
    """u = 0, 1/2, 1 give the factors 1 - f, 1 and 1 + f."""
    factor = WeightNoise({2: 0.2})
    columns = layout.at(2, "f")
    u = np.repeat(np.array([[0.0], [0.5], [1.0]]), columns.size, axis=1)
    weights = np.repeat(layout.nominal[None], 3, axis=0)
    factor.apply(layout, u, weights)
    ratio = weights[:, columns] / layout.nominal[columns]
    np.testing.assert_allclose(ratio, np.repeat([[0.8], [1.0], [1.2]], columns.size, axis=1))


def test_dirichlet_keeps_each_parents_total_and_centres_on_nominal_shares(layout):
    """Within each indicator the item weights keep their sum; their mean share is nominal."""
    factor = DirichletWeights(level=1, concentration=2.0)
    columns = layout.at(1, "f")
    u = np.random.default_rng(0).random((4000, factor.dimensions(layout)))
    weights = np.repeat(layout.nominal[None], u.shape[0], axis=0)
    factor.apply(layout, u, weights)
    parents = np.array([layout.parents[c] for c in columns])
    for parent in ("commitment", "education"):
        mine = columns[parents == parent]
        np.testing.assert_allclose(weights[:, mine].sum(axis=1), layout.nominal[mine].sum())
        shares = weights[:, mine] / layout.nominal[mine].sum()
        nominal = layout.nominal[mine] / layout.nominal[mine].sum()
        np.testing.assert_allclose(shares.mean(axis=0), nominal, atol=0.02)


def test_a_large_concentration_stays_near_the_nominal_weights(layout):
    """Concentration 1e6 draws weights within 1 % of the nominal ones."""
    factor = DirichletWeights(level=2, concentration=1e6)
    u = np.random.default_rng(1).random((50, factor.dimensions(layout)))
    weights = np.repeat(layout.nominal[None], 50, axis=0)
    factor.apply(layout, u, weights)
    columns = layout.at(2, "f")
    expected = np.broadcast_to(layout.nominal[columns], (50, columns.size))
    np.testing.assert_allclose(weights[:, columns], expected, rtol=0.01)


def test_leave_one_out_choices_start_with_none(layout):
    """The nominal choice leaves nothing out; the others name one entry each."""
    choices = LeaveOneOut(level=2).choices(layout)
    assert choices[0] == "none" and len(choices) == 18 and "education" in choices
