"""Normalisers: closed forms worked by hand, missing values ignored, order kept, named errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from icindex import Normalisation, normalise
from icindex._engine.normalise import NORMALISERS
from tests.strategies import value_columns

NAN = math.nan
# Raw values of one indicator: 1, 2, 5 and one missing.
X = [[1.0], [2.0], [5.0], [NAN]]


def column(values, setting: Normalisation, direction: int = 1) -> list[float]:
    """Normalise one raw column with ``setting`` (the direction applied first, as in scoring)."""
    raw = np.asarray(values, dtype=float).reshape(-1, 1)
    return normalise(raw * direction, [setting], [direction]).ravel().tolist()


def same(found: list[float], expected: list[float]) -> bool:
    return all(
        (math.isnan(f) and math.isnan(e)) or f == pytest.approx(e, rel=1e-12, abs=1e-12)
        for f, e in zip(found, expected, strict=True)
    )


def test_every_method_has_a_kernel():
    """The dispatch table holds exactly the methods a definition may name."""
    assert tuple(NORMALISERS) == icindex.NORMALISE_METHODS


def test_minmax_maps_lowest_and_highest_onto_the_range():
    """minmax of 1, 2, 5 onto [0, 100] is 0, 25, 100; the missing value stays missing."""
    assert same(column(X, Normalisation("minmax")), [0.0, 25.0, 100.0, NAN])


def test_minmax_onto_another_range():
    """minmax of 1, 2, 5 onto [1, 11] is 1, 3.5, 11."""
    assert same(column(X, Normalisation("minmax", range=(1.0, 11.0))), [1.0, 3.5, 11.0, NAN])


def test_minmax_reverses_for_direction_minus_one():
    """With direction -1 the largest raw value scores lowest: 1, 2, 5 -> 100, 75, 0."""
    assert same(column(X, Normalisation("minmax"), -1), [100.0, 75.0, 0.0, NAN])


def test_zscore_uses_the_sample_standard_deviation():
    """zscore of 1, 2, 5: mean 8/3, sample sd sqrt(13/3); here scaled to mean 10, sd 2."""
    sd = math.sqrt(13 / 3)
    expected = [10 + 2 * (x - 8 / 3) / sd for x in (1, 2, 5)] + [NAN]
    assert same(column(X, Normalisation("zscore", mean=10.0, sd=2.0)), expected)


def test_goalposts_truncate_beyond_the_bounds():
    """Goalposts 0 and 4: 1 -> 25, 2 -> 50, 5 -> beyond the upper bound -> 100."""
    setting = Normalisation("goalposts", low=0.0, high=4.0)
    assert same(column(X, setting), [25.0, 50.0, 100.0, NAN])


def test_goalposts_without_truncation_extrapolate():
    """Goalposts 0 and 4 without truncation: 5 -> 125."""
    setting = Normalisation("goalposts", low=0.0, high=4.0, truncate=False)
    assert same(column(X, setting), [25.0, 50.0, 125.0, NAN])


def test_goalposts_for_direction_minus_one_count_from_the_upper_bound():
    """Goalposts 0 and 4, lower is better: 1 -> 75, 2 -> 50, 5 -> below 0 -> 0."""
    setting = Normalisation("goalposts", low=0.0, high=4.0)
    assert same(column(X, setting, -1), [75.0, 50.0, 0.0, NAN])


def test_rank_gives_ties_the_lowest_rank():
    """Ranks of 3, 1, 3, 2 (ties share the lowest rank, as COINr's n_rank): 3, 1, 3, 2."""
    assert same(column([3.0, 1.0, 3.0, 2.0, NAN], Normalisation("rank")), [3, 1, 3, 2, NAN])


def test_percentile_ranks_run_from_the_range_low_to_high():
    """Percentile ranks of 3, 1, 3, 2: (rank - 1) / (4 - 1) -> 2/3, 0, 2/3, 1/3, times 100."""
    found = column([3.0, 1.0, 3.0, 2.0, NAN], Normalisation("percentile"))
    assert same(found, [200 / 3, 0.0, 200 / 3, 100 / 3, NAN])


def test_distance_to_target():
    """Distance to target 4 of 1, 2, 5: 1 - (4 - x) / (4 - 1) -> 0, 1/3, 4/3, times 100."""
    found = column(X, Normalisation("distance", target=4.0))
    assert same(found, [0.0, 100 / 3, 400 / 3, NAN])


def test_distance_capped_at_the_target():
    """With cap, 5 (beyond the target 4) scores like the target: 100."""
    found = column(X, Normalisation("distance", target=4.0, cap=True))
    assert same(found, [0.0, 100 / 3, 100.0, NAN])


def test_distance_for_direction_minus_one():
    """Lower is better, target 1: directed values -1, -2, -5, target -1 -> 100, 75, 0."""
    found = column(X, Normalisation("distance", target=1.0), -1)
    assert same(found, [100.0, 75.0, 0.0, NAN])


def test_fixed_maps_a_known_scale():
    """Points 0, 1, 4 on the fixed scale 0 to 4 become 0, 25, 100, whatever the sample."""
    found = column([0.0, 1.0, 4.0, NAN], Normalisation("fixed", low=0.0, high=4.0))
    assert same(found, [0.0, 25.0, 100.0, NAN])


def test_none_returns_the_directed_values():
    """``none`` leaves values as they are, after the direction: 1, 2, 5 -> -1, -2, -5."""
    assert same(column(X, Normalisation("none"), -1), [-1.0, -2.0, -5.0, NAN])


def test_each_column_uses_its_own_normaliser():
    """Two columns, minmax and rank, are normalised independently."""
    values = np.array([[1.0, 10.0], [3.0, 30.0], [2.0, 20.0]])
    found = normalise(values, [Normalisation("minmax"), Normalisation("rank")], [1, 1])
    assert found.tolist() == [[0.0, 1.0], [100.0, 3.0], [50.0, 2.0]]


def test_constant_column_names_the_indicator():
    """minmax of a column whose known values are all equal is an error naming the indicator."""
    with pytest.raises(
        icindex.ScoringError, match=r"indicator 'flat': minmax needs known values that differ"
    ):
        normalise([[2.0], [2.0], [NAN]], [Normalisation()], [1], indicators=["flat"])


def test_zscore_needs_two_known_values():
    """zscore of a column with one known value is an error saying how many it found."""
    with pytest.raises(icindex.ScoringError, match=r"'lone': zscore needs at least 2 .*found 1"):
        normalise([[2.0], [NAN]], [Normalisation("zscore")], [1], indicators=["lone"])


def test_distance_target_on_the_worst_side_is_an_error():
    """A target no better than the worst value would turn the order round: refused."""
    with pytest.raises(icindex.ScoringError, match=r"'x': distance needs a target better"):
        normalise([[1.0], [2.0]], [Normalisation("distance", target=0.5)], [1], indicators=["x"])


def test_fixed_value_outside_its_scale_names_the_units():
    """A value outside the fixed scale is an error naming the indicator and the unit."""
    with pytest.raises(icindex.ScoringError, match=r"'points'.*units B"):
        normalise(
            [[1.0], [5.0]],
            [Normalisation("fixed", low=0.0, high=4.0)],
            [1],
            indicators=["points"],
            units=["A", "B"],
        )


def test_distance_without_target_is_an_error():
    """``distance`` with no target anywhere names the indicator."""
    with pytest.raises(icindex.ScoringError, match=r"'far': normalise: distance needs a target"):
        normalise([[1.0], [2.0]], [Normalisation("distance")], [1], indicators=["far"])


def test_reversed_range_is_an_error():
    """A range whose low end is above its high end is refused, naming the indicator."""
    with pytest.raises(icindex.ScoringError, match=r"'x': normalise: range must be"):
        normalise([[1.0], [2.0]], [Normalisation(range=(100.0, 0.0))], [1], indicators=["x"])


ORDERED = ["minmax", "zscore", "rank", "percentile", "goalposts", "distance", "none"]


def _setting(method: str, direction: int = 1) -> Normalisation:
    """Settings for ``method`` that suit any value of :func:`value_columns`."""
    return Normalisation(method, low=-100.0, high=100.0, target=2000.0 * direction)


@given(values=value_columns(), method=st.sampled_from(ORDERED), direction=st.sampled_from([1, -1]))
def test_normalisers_keep_the_order_or_reverse_it(values, method, direction):
    """A larger raw value never scores lower (direction 1) or higher (direction -1)."""
    found = column(values, _setting(method, direction), direction)
    pairs = [
        (values[i], values[j], found[i], found[j])
        for i in range(len(values))
        for j in range(len(values))
        if not math.isnan(values[i]) and not math.isnan(values[j]) and values[i] < values[j]
    ]
    for _, _, low_score, high_score in pairs:
        assert (low_score <= high_score) if direction == 1 else (low_score >= high_score)


@given(values=value_columns(), method=st.sampled_from([*ORDERED, "fixed"]))
def test_missing_values_stay_missing_and_known_ones_get_a_score(values, method):
    """Exactly the missing raw values are missing after normalising."""
    setting = Normalisation("fixed", low=-1000.0, high=1000.0) if method == "fixed" else None
    found = column(values, setting or _setting(method))
    assert [math.isnan(f) for f in found] == [math.isnan(v) for v in values]


@given(values=value_columns())
def test_minmax_spans_the_whole_range(values):
    """minmax puts the lowest known value at the range's low end and the highest at its top."""
    found = [f for f in column(values, Normalisation("minmax", range=(-5.0, 5.0))) if f == f]
    assert min(found) == -5.0 and max(found) == pytest.approx(5.0, abs=1e-12)
