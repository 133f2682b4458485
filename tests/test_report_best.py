"""Best answers per item kind, and answers written as in a response file."""

from __future__ import annotations

import pytest

from icindex import Item, Option
from icindex._report.best import ANSWERS


def numeric(points: tuple[float, ...], **keys: object) -> Item:
    return Item("n", "r", "numeric", "N?", unit="km", thresholds=(5, 10), points=points, **keys)


def test_a_choice_is_best_at_its_first_option_with_most_points():
    """Options worth 0, 2, 2: the best is the first worth 2 (index 1)."""
    options = tuple(Option(o, o, p) for o, p in (("a", 0.0), ("b", 2.0), ("c", 2.0)))
    item = Item("c", "r", "choice", "C?", options=options)
    assert ANSWERS["choice"].best(item, 0) == (1, "b")


def test_a_checklist_keeps_its_ticks_and_adds_the_most_points_first():
    """a (1 point) ticked, cap 4: b (3 points) reaches the cap, c (2 points) is not needed."""
    options = tuple(Option(o, o, p) for o, p in (("a", 1.0), ("b", 3.0), ("c", 2.0)))
    item = Item("k", "r", "checklist", "K?", options=options, cap=4.0)
    assert ANSWERS["checklist"].best(item, 0b001) == (0b011, "a|b")


def test_a_checklist_without_cap_is_best_with_every_option():
    """Without a cap the most points need every option ticked, from unknown (-1) too."""
    options = tuple(Option(o, o, 1.0) for o in ("a", "b"))
    item = Item("k", "r", "checklist", "K?", options=options)
    assert ANSWERS["checklist"].best(item, -1) == (0b11, "a|b")


@pytest.mark.parametrize(
    ("points", "value", "text"),
    [
        ((0.0, 1.0, 2.0), 10.0, "10 km or more"),
        ((0.0, 2.0, 1.0), 5.0, "5 to under 10 km"),
    ],
)
def test_thresholds_are_best_at_the_lowest_value_of_the_best_band(points, value, text):
    """The band earning most points: its lowest value, written as a range."""
    assert ANSWERS["numeric"].best(numeric(points), 0.0) == (value, text)


def test_thresholds_best_below_the_first_are_just_below_it():
    """Points 2, 1, 0 (lower is better): a value under 5 is best."""
    value, text = ANSWERS["numeric"].best(numeric((2.0, 1.0, 0.0)), 7.0)
    assert value < 5 and value > 4.99 and text == "under 5 km"


def test_decreasing_goalposts_are_best_at_the_lower_one():
    """Goalposts [40, 0]: 0 or less is best."""
    item = Item("g", "r", "numeric", "G?", unit="percent", goalposts=(40.0, 0.0))
    assert ANSWERS["numeric"].best(item, 12.0) == (0.0, "0 percent or less")
    assert ANSWERS["numeric"].text(item, 12.0) == "12 percent"
