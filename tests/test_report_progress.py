"""Progress across rounds: changes equal two full re-scorings; unmapped items are left out."""

from __future__ import annotations

import math

import pytest

import icindex
from icindex import CityResponse, Definition, Item, Node, Option
from icindex._report.progress import progress, read_mapping

YES_NO = (Option("yes", "Yes", 1.0), Option("no", "No", 0.0))


def _version(*ids: str) -> Definition:
    """Root r (amean) over yes/no items of weight 1."""
    items = tuple(Item(i, "r", "yes_no", f"{i}?", options=YES_NO) for i in ids)
    return Definition("v", "V", "r", (Node("r", "R"),), items)


def test_within_one_definition_the_change_is_the_difference_of_two_scorings(icc):
    """Every aggregate's change equals score(after) - score(before), all items comparable."""
    before = CityResponse(
        "c",
        "C",
        round="2019",
        answers={"commitment_budget": "no", "education_childcare_fees": "partly"},
    )
    after = CityResponse(
        "c",
        "C",
        round="2023",
        answers={
            "commitment_budget": "yes",
            "education_childcare_fees": "fully",
            "welcoming_one_stop_service": "yes",
        },
    )
    result = progress(icc, before, after)
    old = icindex.score(icc, [before], missing="zero")
    new = icindex.score(icc, [after], missing="zero")
    assert result.not_comparable == ()
    for row in result.rows:
        expected = new.get("c", row["column"]) - old.get("c", row["column"])
        assert row["change"] == pytest.approx(expected, abs=1e-12), row["column"]
    assert (result.before_round, result.after_round) == ("2019", "2023")


def test_unmapped_items_are_listed_and_left_out_of_both_rounds():
    """v1 (a, b, c) to v2 (a2, b, d) mapping a -> a2, b -> b: c and d are not comparable, so
    before = (a yes, b unknown) = 50 and after = (a2 yes, b no) = 50: no change, although c and
    d were both yes (with them, 66.7 -> 33.3)."""
    v1, v2 = _version("a", "b", "c"), _version("a2", "b", "d")
    before = CityResponse("x", "X", round="1", answers={"a": "yes", "c": "yes"})
    after = CityResponse("x", "X", round="2", answers={"a2": "yes", "b": "no", "d": "yes"})
    result = progress(v2, before, after, before_definition=v1, mapping={"a": "a2", "b": "b"})
    assert result.not_comparable == ("before:c", "after:d")
    index = result.rows[0]
    assert (index["before"], index["after"], index["change"]) == (50.0, 50.0, 0.0)


def test_different_definitions_need_a_mapping():
    """Two versions without a mapping are refused, never silently compared."""
    before = CityResponse("x", "X", answers={"a": "yes"})
    after = CityResponse("x", "X", answers={"a2": "yes"})
    with pytest.raises(icindex.ScoringError, match="give a mapping"):
        progress(_version("a2"), before, after, before_definition=_version("a"))


def test_a_mapping_naming_unknown_items_is_refused():
    """A mapping entry whose items are not in the definitions is a ScoringError naming them."""
    one = _version("a")
    with pytest.raises(icindex.ScoringError, match=r"earlier items \['z'\]"):
        progress(one, CityResponse("x", "X"), CityResponse("x", "X"), mapping={"z": "a"})


def test_two_different_cities_are_refused():
    """Progress is one city in two rounds."""
    one = _version("a")
    with pytest.raises(icindex.ScoringError, match="one city in two rounds"):
        progress(one, CityResponse("x", "X"), CityResponse("y", "Y"))


def test_an_aggregate_without_comparable_items_has_no_change():
    """A node whose items all lack counterparts is NaN, not 0."""
    v1 = Definition("v", "V", "r", (Node("r", "R"), Node("p", "P", "r"), Node("q", "Q", "r")),
                    (Item("a", "p", "yes_no", "a?", options=YES_NO),
                     Item("b", "q", "yes_no", "b?", options=YES_NO)))  # fmt: skip
    result = progress(v1, CityResponse("x", "X"), CityResponse("x", "X"), before_definition=v1,
                      mapping={"a": "a"})  # fmt: skip
    changes = {row["column"]: row["change"] for row in result.rows}
    assert changes["p"] == 0.0 and math.isnan(changes["q"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[items]\na = 1\n", "distinct id string"),
        ('[items]\na = "x"\nb = "x"\n', "distinct id string"),
        ('[other]\na = "x"\n', "one table"),
        ("items = [", "not valid TOML"),
    ],
)
def test_bad_mapping_files_are_named(tmp_path, text, message):
    """A mapping file that is not one [items] table of distinct ids is a ResponseError."""
    path = tmp_path / "map.toml"
    path.write_text(text)
    with pytest.raises(icindex.ResponseError, match=message):
        read_mapping(path)
