"""Bare kernels against closed forms worked by hand."""

from __future__ import annotations

import numpy as np

from icindex._engine import kernels as _kernels


def test_item_kernels():
    """Coded look-up, checklist caps, threshold bands and clipped goalposts."""
    table = np.array([[np.nan, 100.0, 0.0], [np.nan, 0.0, 50.0]])
    np.testing.assert_array_equal(_kernels.score_coded(np.array([[1, -1]]), table), [[0.0, np.nan]])
    ticks = np.array([[0b101, -1]])
    points = _kernels.checklist_byte_points(np.array([[1.0, 1.0, 2.0], [1.0, 0, 0]]))
    scores = _kernels.score_checklists(ticks, points, np.array([0.0, 0.0]), np.array([2.0, 1.0]))
    np.testing.assert_array_equal(scores, [[100.0, np.nan]])  # 1 + 2 capped at 2
    bands = _kernels.score_thresholds(
        np.array([[0.5, 5.0, np.nan]]).T, np.array([[1.0, 5.0]]), np.array([[0.0, 25.0, 100.0]])
    )
    np.testing.assert_array_equal(bands.ravel(), [0.0, 100.0, np.nan])
    goal = _kernels.score_goalposts(np.array([[-1.0, 5.0, 20.0]]), 10.0, 0.0)  # lower is better
    np.testing.assert_array_equal(goal, [[100.0, 50.0, 0.0]])


def test_checklist_points_by_byte_match_the_bits():
    """A 20-option mask scores the sum of the points of its set bits, byte look-ups or not."""
    rng = np.random.default_rng(3)
    option_points = rng.integers(0, 4, (3, 20)).astype(np.float64)
    ticks = rng.integers(0, 2**20, (50, 3))
    bits = (ticks[..., None] >> np.arange(20)) & 1
    expected = (bits * option_points).sum(axis=-1)
    high = option_points.sum(axis=1)
    scores = _kernels.score_checklists(
        ticks, _kernels.checklist_byte_points(option_points), np.zeros(3), high
    )
    np.testing.assert_allclose(scores, 100.0 * expected / high, rtol=1e-12)
