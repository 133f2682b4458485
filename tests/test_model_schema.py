"""The ``indicator`` item kind in TOML definitions (other kinds: test_model_loader.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import icindex

INDEX = """
schema_version = 1
id = "green"
name = "A green-city index"
root = "index"

[[nodes]]
id = "index"
name = "Green city"

[[items]]
id = "parks"
parent = "index"
kind = "indicator"
name = "Park area per resident"
unit = "m2"

[[items]]
id = "pm25"
parent = "index"
kind = "indicator"
name = "Fine particulate matter"
unit = "ug/m3"
direction = -1
weight = 2
normalise = { method = "goalposts", low = 5, high = 35, truncate = true }

[[items]]
id = "recycling"
parent = "index"
kind = "indicator"
name = "Share of waste recycled"
target = 65
normalise = { method = "distance", cap = true }
"""


def load(tmp_path: Path, text: str) -> icindex.Definition:
    path = tmp_path / "index.toml"
    path.write_text(text, encoding="utf-8")
    return icindex.load_definition(path)


def problems(tmp_path: Path, text: str) -> tuple[str, ...]:
    with pytest.raises(icindex.DefinitionError) as caught:
        load(tmp_path, text)
    return caught.value.problems


def test_indicators_load_with_their_settings(tmp_path):
    """Name, unit, direction, weight, target and normaliser are read into the Item."""
    green = load(tmp_path, INDEX)
    pm25 = green.item("pm25")
    assert pm25.kind == "indicator" and pm25.question == "Fine particulate matter"
    assert pm25.direction == -1 and pm25.weight == 2.0 and pm25.unit == "ug/m3"
    assert pm25.normalise == icindex.Normalisation("goalposts", low=5.0, high=35.0)
    assert green.item("parks").direction == 1 and green.item("parks").normalise is None
    assert green.item("recycling").target == 65.0


def test_indicator_definition_scores_as_worked_by_hand(tmp_path):
    """Three cities, worked by hand.

    parks (global min-max): 10, 30, 20 -> 0, 100, 50.
    pm25 (goalposts 5-35, lower is better): 5, 20, 50 -> 100, 50, 0 (50 truncated).
    recycling (distance to 65, capped; lowest 20): 20, 70, 42.5 -> 0, 100, 50.
    index = (parks + 2 pm25 + recycling) / 4 -> 50, 75, 25.
    """
    green = load(tmp_path, INDEX)
    data = icindex.Dataset(
        ["a", "b", "c"],
        ("parks", "pm25", "recycling"),
        [[10, 5, 20], [30, 20, 70], [20, 50, 42.5]],
    )
    scores = icindex.score_composite(green, data)
    assert scores.column("pm25").tolist() == [100.0, 50.0, 0.0]
    assert scores.column("recycling").tolist() == [0.0, 100.0, 50.0]
    assert scores.column("index").tolist() == [50.0, 75.0, 25.0]


def test_question_key_is_not_for_indicators(tmp_path):
    """An indicator is named by `name`; a `question` key is reported as unknown."""
    text = INDEX.replace('name = "Park area per resident"', 'question = "Park area?"')
    found = problems(tmp_path, text)
    assert any("items['parks']: unknown key 'question'" in p for p in found)
    assert any("items['parks']: missing key 'name'" in p for p in found)


def test_direction_must_be_one_or_minus_one(tmp_path):
    """A direction of 2 is reported at its key path."""
    found = problems(tmp_path, INDEX.replace("direction = -1", "direction = 2"))
    assert any("items['pm25'].direction: must be 1 or -1 (got 2)" in p for p in found)


def test_normalise_key_for_another_method_is_reported(tmp_path):
    """`mean` belongs to zscore: in a goalposts table it is reported."""
    text = INDEX.replace("truncate = true }", "truncate = true, mean = 3 }")
    found = problems(tmp_path, text)
    assert any("items['pm25'].normalise: must be a goalposts table" in p for p in found)


def test_unknown_normaliser_is_reported(tmp_path):
    """An unknown method lists the known ones."""
    found = problems(tmp_path, INDEX.replace('method = "goalposts"', 'method = "logistic"'))
    assert any(
        "normalise: must be a table whose method is one of ['none', 'minmax'" in p for p in found
    )


def test_goalposts_need_low_below_high(tmp_path):
    """Goalposts with low above high are reported."""
    found = problems(tmp_path, INDEX.replace("low = 5, high = 35", "low = 35, high = 5"))
    assert any("goalposts needs low and high with low < high" in p for p in found)


def test_distance_needs_a_target(tmp_path):
    """A distance normaliser with no target, in the table or the item, is reported."""
    found = problems(tmp_path, INDEX.replace("target = 65\n", ""))
    assert any("items['recycling'].normalise: distance needs a target" in p for p in found)


def test_other_kinds_keep_their_point_range(tiny):
    """Adding the indicator kind leaves the points of the other kinds as they were."""
    assert tiny.item("welcome_office").point_range == (0.0, 1.0)


def test_indicator_has_no_point_range(tmp_path):
    """An indicator earns no points: asking for its point range is an error naming it."""
    with pytest.raises(ValueError, match="'parks' is an indicator"):
        _ = load(tmp_path, INDEX).item("parks").point_range
