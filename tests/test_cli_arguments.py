"""Argument types: the one number grammar, ranges checked, argparse errors naming the value."""

from __future__ import annotations

import argparse

import pytest

from icindex._cli.arguments import (
    ascending_pair,
    finite_float,
    nonnegative_int,
    positive_float,
    positive_int,
    positive_ints,
    share,
)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (positive_int, "5", 5),
        (positive_int, " 12 ", 12),
        (nonnegative_int, "0", 0),
        (positive_ints, "1, 3,10", (1, 3, 10)),
        (finite_float, "-2.5e1", -25.0),
        (positive_float, ".5", 0.5),
        (share, "0", 0.0),
        (share, "1", 1.0),
        (ascending_pair, "-1,1e2", (-1.0, 100.0)),
    ],
)
def test_good_values_are_read(kind, text, expected):
    """Values in range are read as numbers."""
    assert kind(text) == expected


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (positive_int, "0"),
        (positive_int, "2.0"),
        (positive_int, "1e3"),
        (positive_int, "1_000"),
        (positive_int, "٣"),
        (nonnegative_int, "-1"),
        (positive_ints, "1,,3"),
        (finite_float, "inf"),
        (finite_float, "nan"),
        (finite_float, "3,5"),
        (positive_float, "0"),
        (share, "1.01"),
        (share, "-0.1"),
        (share, "50%"),
        (ascending_pair, "100,0"),
        (ascending_pair, "5,5"),
        (ascending_pair, "0,1,2"),
        (ascending_pair, "0"),
    ],
)
def test_bad_values_are_argparse_errors_naming_them(kind, text):
    """A value out of range or not a number is an ArgumentTypeError quoting it (exit 2)."""
    with pytest.raises(argparse.ArgumentTypeError, match="expected") as caught:
        kind(text)
    assert repr(text) in str(caught.value)
