"""Imputation: closed forms worked by hand, known values untouched, what is filled flagged."""

from __future__ import annotations

import math
import statistics
import warnings

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
# The documented methods, written out rather than read from the code under test.
METHODS = ("none", "mean", "median", "group_mean", "group_median")


def filled(method: str, groups=None) -> list[float]:
    return impute(VALUES, method, groups)[0].ravel().tolist()


def reference_column(column: list[float], method: str, groups: list[str]) -> list[float]:
    """One column imputed by the documented rule, in plain Python, one unit at a time."""
    if method == "none":
        return list(column)
    average = statistics.mean if method.endswith("mean") else statistics.median
    result = []
    for value, group in zip(column, groups, strict=True):
        if not math.isnan(value):
            result.append(value)
            continue
        if method.startswith("group_"):
            pool = [v for v, g in zip(column, groups, strict=True) if g == group and group]
        else:
            pool = list(column)
        known = [v for v in pool if not math.isnan(v)]
        result.append(average(known) if known else NAN)
    return result


def test_public_methods_are_the_documented_five():
    """IMPUTE_METHODS lists the five documented methods, in the documented order."""
    assert icindex.IMPUTE_METHODS == METHODS


def test_every_method_has_a_kernel():
    """The dispatch table has a kernel for each documented method and nothing else."""
    assert tuple(IMPUTERS) == METHODS


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
    values, _ = impute([[1.0], [3.0], [8.0], [NAN], [NAN]], "group_median", list("aaaab"))
    assert values.ravel().tolist()[:4] == [1.0, 3.0, 8.0, 3.0] and math.isnan(values[4, 0])


@pytest.mark.parametrize("method", ["group_mean", "group_median"])
def test_flags_mark_exactly_the_filled_cells(method):
    """Units 2 and 4 are filled from their groups and flagged; unit 5 has no group: neither."""
    _, flags = impute(VALUES, method, GROUPS)
    assert flags.ravel().tolist() == [False, True, False, True, False]


def test_column_with_no_known_value_stays_missing():
    """A column with nothing known is left missing and unflagged, without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, flags = impute([[NAN, 1.0], [NAN, NAN]], "mean")
    assert np.isnan(values[:, 0]).all() and not flags[:, 0].any()


def test_group_method_without_groups_is_an_error():
    """A group method needs the group labels."""
    with pytest.raises(icindex.ScoringError, match="group_mean needs a group column"):
        impute(VALUES, "group_mean")


def test_unknown_method_is_an_error():
    """An unknown method names what is accepted."""
    with pytest.raises(icindex.ScoringError, match=r"impute: must be one of \['none', 'mean'"):
        impute(VALUES, "knn")


columns_and_groups = {
    "columns": st.lists(value_columns(min_units=6, max_units=6), min_size=1, max_size=4),
    "method": st.sampled_from(METHODS),
    "groups": st.lists(st.sampled_from(["a", "b", ""]), min_size=6, max_size=6),
}


@given(**columns_and_groups)
def test_imputation_leaves_known_values_unchanged(columns, method, groups):
    """Every known value comes back unchanged and unflagged."""
    values = np.array(columns).T
    result, flags = impute(values, method, groups)
    known = ~np.isnan(values)
    assert np.array_equal(result[known], values[known]) and not flags[known].any()


@given(**columns_and_groups)
def test_imputation_matches_a_plain_reference(columns, method, groups):
    """Each cell equals the statistics.mean/median of the known values of its column or group."""
    result, _ = impute(np.array(columns).T, method, groups)
    expected = np.array([reference_column(column, method, groups) for column in columns]).T
    # Quarter-step values keep every sum exact, so each side rounds once, at its division.
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=0)


@given(**columns_and_groups)
def test_flags_mark_the_cells_the_reference_fills(columns, method, groups):
    """A cell is flagged exactly when it was missing and the reference finds a value for it."""
    _, flags = impute(np.array(columns).T, method, groups)
    expected = []
    for column in columns:
        pairs = zip(column, reference_column(column, method, groups), strict=True)
        expected.append([math.isnan(value) and not math.isnan(fill) for value, fill in pairs])
    assert flags.T.tolist() == expected
