"""Encoding answers into compact arrays."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest

import icindex
from tests.conftest import DATA


def test_encode_golden_city(tiny):
    """golden.toml encodes to option codes, a tick mask and floats; unknown is the sentinel."""
    cities = icindex.read_responses(
        [DATA / "cities" / "golden.toml", DATA / "cities" / "partial.toml"], tiny
    )
    encoded = icindex.encode(tiny, cities)
    assert encoded.layout.item_ids[encoded.layout.coded[0]] == "welcome_office"
    # coded items: welcome_office (yes=0), welcome_languages (few=1), rights_decree (yes=0)
    np.testing.assert_array_equal(encoded.codes, [[0, 1, 0], [-1, 0, 1]])
    assert encoded.codes.dtype == np.int8
    np.testing.assert_array_equal(encoded.ticks, [[0b010], [-1]])  # tour is option 1
    np.testing.assert_array_equal(encoded.values, [[20.0, 7.0], [60.0, np.nan]])
    assert encoded.city_ids.tolist() == ["golden", "partial"]


def test_encoded_arrays_are_read_only(tiny):
    """Encoded arrays cannot be written to."""
    encoded = icindex.synthetic_cities(tiny, 3, seed=0)
    with pytest.raises(ValueError, match="read-only"):
        encoded.codes[0, 0] = 1


def test_synthetic_cities_are_reproducible_and_valid(icc):
    """The same seed gives the same cities; codes stay within each item's options."""
    first = icindex.synthetic_cities(icc, 500, seed=7, unknown_share=0.2)
    assert first == icindex.synthetic_cities(icc, 500, seed=7, unknown_share=0.2)
    widths = np.array([len(icc.items[i].options) for i in first.layout.coded])
    assert np.all(first.codes < widths) and np.all(first.codes >= -1)
    share = np.mean(first.codes == -1)
    assert 0.15 < share < 0.25


def test_take_selects_rows(tiny):
    """take() keeps the chosen cities and their rows."""
    encoded = icindex.synthetic_cities(tiny, 10, seed=1)
    part = encoded.take(np.array([3, 1]))
    assert part.city_ids.tolist() == ["city3", "city1"]
    np.testing.assert_array_equal(part.values, encoded.values[[3, 1]])


def test_mismatched_shapes_and_duplicate_ids_are_errors(tiny):
    """Building Encoded with a wrong shape or repeated city ids raises ResponseError."""
    good = icindex.synthetic_cities(tiny, 2, seed=1)
    with pytest.raises(icindex.ResponseError, match="expected shape"):
        icindex.Encoded(good.city_ids, good.layout, good.codes[:, :1], good.ticks, good.values)
    with pytest.raises(icindex.ResponseError, match="unique"):
        icindex.Encoded(np.array(["a", "a"]), good.layout, good.codes, good.ticks, good.values)


@pytest.mark.parametrize(
    ("item", "answer"),
    [
        ("welcome_office", "maybe"),
        ("welcome_events", ("party",)),
        ("welcome_share", "lots"),
        ("welcome_languages", 3),
    ],
)
def test_bad_answers_built_in_python_are_named(tiny, item, answer):
    """A CityResponse built in code with an invalid answer is refused when encoded."""
    city = icindex.CityResponse(id="x", name="X", answers={item: answer})
    with pytest.raises(icindex.ResponseError, match=f"city 'x': item '{item}'"):
        icindex.encode(tiny, [city])


def test_python_answers_are_normalised(tiny):
    """True counts as yes and an explicit "unknown" stays unknown when encoded from Python."""
    city = icindex.CityResponse(
        id="x", name="X", answers={"welcome_office": True, "welcome_languages": "unknown"}
    )
    encoded = icindex.encode(tiny, [city])
    np.testing.assert_array_equal(encoded.codes, [[0, -1, -1]])


def test_python_built_facts_are_checked_against_the_definition(tiny):
    """encode checks declared facts of cities built in Python: type, grammar and range."""
    ranged = attrs.evolve(
        tiny, facts=tuple(attrs.evolve(f, value_range=(1.0, math.inf)) for f in tiny.facts)
    )
    for population, message in [
        (0, r"fact 'population': 0 is outside the range \[1, inf\]"),
        ("5", r"fact 'population': '5' is text, not a number"),
        (2.5, r"fact 'population': 2.5 is not a whole number"),
    ]:
        city = icindex.CityResponse(id="a", name="A", facts={"population": population})
        with pytest.raises(icindex.ResponseError, match=message):
            icindex.encode(ranged, [city])


def test_python_built_numeric_answer_given_as_text_is_refused(tiny):
    """A numeric answer built in Python must be a number, as in TOML ("12" is text)."""
    city = icindex.CityResponse(id="a", name="A", answers={"welcome_share": "12"})
    with pytest.raises(icindex.ResponseError, match=r"'12' is text, not a number"):
        icindex.encode(tiny, [city])


def test_encode_misuse_is_a_usage_error(tiny):
    """encode given a path or no definition says which argument is wrong."""
    with pytest.raises(icindex.UsageError, match=r"encode: cities must be .*read_responses"):
        icindex.encode(tiny, "answers.csv")
    with pytest.raises(icindex.UsageError, match=r"encode: definition must be a Definition"):
        icindex.encode(None, [])
