"""Dataset: raw values per unit, checked when built, stored in the engine's layout."""

from __future__ import annotations

import numpy as np
import pytest

import icindex
from icindex import Dataset


def test_dataset_shapes_are_checked():
    """A values matrix of the wrong width is refused with both shapes."""
    with pytest.raises(icindex.ResponseError, match=r"values: expected shape \(2, 3\)"):
        Dataset(["a", "b"], ("x", "y", "z"), [[1, 2], [3, 4]])


def test_dataset_unit_ids_are_unique():
    """A repeated unit id is named."""
    with pytest.raises(
        icindex.ResponseError, match=r"unit_ids: every id must be unique \(repeated \['a'\]\)"
    ):
        Dataset(["a", "a"], ("x",), [[1], [2]])


def test_unit_names_default_to_ids():
    """Without names, each unit is named by its id."""
    assert Dataset(["a", "b"], ("x",), [[1], [2]]).unit_names == ("a", "b")


def test_values_are_stored_indicator_by_indicator():
    """values.T is C-contiguous (one row per indicator), and the values read back unchanged."""
    data = Dataset(["a", "b"], ("x", "y"), [[1, 2], [3, 4]])
    assert data.values.T.flags.c_contiguous and data.values.tolist() == [[1, 2], [3, 4]]
    assert not data.values.flags.writeable


def test_group_column_by_name():
    """group() returns one label per unit; an unknown group column is named."""
    data = Dataset(["a", "b"], ("x",), [[1], [2]], group_ids=("g",), groups=[["n"], [""]])
    assert data.group("g") == ("n", "")
    with pytest.raises(icindex.ScoringError, match=r"no group column 'h' \(groups: \['g'\]\)"):
        data.group("h")


def test_equal_datasets_compare_equal_with_missing_values():
    """Two datasets with the same values, NaN included, are equal."""
    first = Dataset(["a"], ("x",), [[np.nan]])
    assert first == Dataset(["a"], ("x",), [[np.nan]])
