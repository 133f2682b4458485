"""Imputation: closed forms worked by hand, known values untouched, what is filled flagged."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from icindex import impute
from icindex._engine.impute import IMPUTERS
from tests.strategies import value_columns

NAN = math.nan
# One indicator, five units in groups a, a, b, b, (none).
VALUES = [[1.0], [NAN], [4.0], [NAN], [NAN]]
GROUPS = ["a", "a", "b", "b", ""]


def filled(method: str, groups=None) -> list[float]:
    return impute(VALUES, method, groups)[0].ravel().tolist()


def test_every_method_has_a_kernel():
    """The dispatch table holds exactly the public methods."""
    assert tuple(IMPUTERS) == icindex.IMPUTE_METHODS


def test_none_fills_nothing():
    """``none`` returns the values unchanged and flags nothing."""
    values, flags = impute(VALUES, "none")
    assert np.array_equal(values, VALUES, equal_nan=True) and not flags.any()


def test_mean_fills_with_the_column_mean():
    """Known 1 and 4: every gap becomes 2.5."""
    assert filled("mean") == [1.0, 2.5, 4.0, 2.5, 2.5]


def test_median_fills_with_the_column_median():
    """Known 1, 4 and 10: every gap becomes the median 4."""
    values, _ = impute([[1.0], [NAN], [4.0], [10.0]], "median")
    assert values.ravel().tolist() == [1.0, 4.0, 4.0, 10.0]


def test_group_mean_fills_within_the_group():
    """Group a knows 1, group b knows 4; the unit without a group stays missing."""
    assert filled("group_mean", GROUPS)[:4] == [1.0, 1.0, 4.0, 4.0]
    assert math.isnan(filled("group_mean", GROUPS)[4])


def test_group_median_fills_within_the_group():
    """Group a knows 1, 3 and 8: its gap becomes 3; group b knows nothing and stays missing."""
    values, flags = impute([[1.0], [3.0], [8.0], [NAN], [NAN]], "group_median", list("aaaab"))
    assert values.ravel().tolist()[:4] == [1.0, 3.0, 8.0, 3.0] and math.isnan(values[4, 0])
    assert flags.ravel().tolist() == [False, False, False, True, False]


def test_flags_mark_exactly_the_filled_cells():
    """With a group mean, units 2 and 4 are filled and flagged; unit 5 is neither."""
    _, flags = impute(VALUES, "group_mean", GROUPS)
    assert flags.ravel().tolist() == [False, True, False, True, False]


def test_column_with_no_known_value_stays_missing():
    """A column with nothing known is left missing, without a warning."""
    values, flags = impute([[NAN, 1.0], [NAN, NAN]], "mean")
    assert (
        np.isnan(values[:, 0]).all()
        and values[1, 1] == 1.0
        and flags.tolist()
        == [
            [False, False],
            [False, True],
        ]
    )


def test_group_method_without_groups_is_an_error():
    """A group method needs the group labels."""
    with pytest.raises(icindex.ScoringError, match="group_mean needs a group column"):
        impute(VALUES, "group_mean")


def test_unknown_method_is_an_error():
    """An unknown method names what is accepted."""
    with pytest.raises(icindex.ScoringError, match=r"impute: must be one of \['none', 'mean'"):
        impute(VALUES, "knn")


@given(
    columns=st.lists(value_columns(min_units=6, max_units=6), min_size=1, max_size=4),
    method=st.sampled_from(icindex.IMPUTE_METHODS),
    groups=st.lists(st.sampled_from(["a", "b", ""]), min_size=6, max_size=6),
)
def test_imputation_leaves_known_values_unchanged(columns, method, groups):
    """Every known value is the same after imputing, and only missing cells are flagged."""
    values = np.array(columns).T
    result, flags = impute(values, method, groups)
    known = ~np.isnan(values)
    assert np.array_equal(result[known], values[known])
    assert not flags[known].any()
    assert np.array_equal(flags, np.isnan(values) & ~np.isnan(result))
