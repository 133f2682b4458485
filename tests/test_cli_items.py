"""`icindex items`: each item's question and how its answers score, then the facts."""

from __future__ import annotations

import attrs

from icindex._cli.describe import answers_text, bands, range_text
from icindex._cli.items import lines
from icindex._cli.main import main
from icindex._model.definition import Fact, Item, Option
from icindex._model.loader import load_definition
from tests.conftest import DATA

TINY = str(DATA / "tiny")


def test_items_lists_the_questionnaire(capsys):
    """`items` lists every indicator with its items, as before: id, kind, weight, role."""
    assert main(["items"]) == 0
    out = capsys.readouterr().out
    assert "welcoming_one_stop_service" in out and "anti_discrimination:" in out
    assert "  education_childcare_fees  [choice, weight 1.5, input]" in out


def test_items_show_how_each_kind_scores(capsys):
    """The tiny definition's items, worked from its TOML: options, cap, bands, goalposts."""
    assert main(["items", "--index", TINY]) == 0
    out = capsys.readouterr().out
    # rights_partners: thresholds [1, 5, 10], points [0, 1, 2, 4] (tests/data/tiny/rights.toml)
    assert "answers: a number (cities); points <1: 0 · 1–5: 1 · 5–10: 2 · ≥10: 4" in out
    # welcome_events: 1 + 1 + 2 = 4 points, capped at 3
    assert "tick any of ceremony=1 (A welcome ceremony), tour=1 (Guided city tours), " in out
    assert "mentor=2 (Volunteer mentors); points add up, at most 3 points" in out
    # welcome_share: goalposts [0, 50]
    assert "a number (percent); scored linearly from 0 (worst, 0) to 50 (best, 100)" in out
    assert "answers: yes=1, no=0" in out


def test_items_end_with_the_facts(capsys):
    """After the items, the definition's facts with type, unit and value range."""
    assert main(["items", "--index", TINY]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "facts (1): given in [facts] or as CSV columns",
        "  population: integer (persons), from 0 persons",  # value_range = [0, inf]
    ]


def test_value_range_is_shown_with_the_unit():
    """An item's and a fact's value range, open ends written as 'from' and 'up to'."""
    item = Item("trips", "r", "numeric", "Trips?", unit="per year", thresholds=(5.0, 10.0),
                points=(0.0, 1.0, 2.0), value_range=(0.0, 365.0))  # fmt: skip
    assert answers_text(item) == (
        "a number (per year); points <5: 0 · 5–10: 1 · ≥10: 2; values from 0 to 365 per year"
    )
    assert range_text((0.0, float("inf")), "persons") == "from 0 persons"
    assert range_text((float("-inf"), 3.0)) == "up to 3"
    assert range_text(None) == ""
    tiny = load_definition(TINY)
    fact = attrs.evolve(tiny.facts[0], value_range=(0.0, float("inf")))
    shown = lines(attrs.evolve(tiny, facts=(fact, Fact("note", "Note", "text"))))
    assert shown[-2:] == ["  population: integer (persons), from 0 persons", "  note: text"]


def test_bands_of_one_threshold():
    """One threshold gives two bands."""
    assert bands((3.0,), (0.0, 2.0)) == "<3: 0 · ≥3: 2"


def test_definition_text_is_shown_escaped():
    """A question or label with control characters is shown with escapes."""
    item = Item("q", "r", "choice", "Clear\x1b[2J?",
                options=(Option("a", "A\nB", 0.0), Option("b", "b", 1.0)))  # fmt: skip
    tiny = load_definition(TINY)
    node = attrs.evolve(tiny.nodes[1], name="Wel\x07come")
    text = "\n".join(lines(attrs.evolve(tiny, nodes=(tiny.nodes[0], node, *tiny.nodes[2:]))))
    assert "Wel\\x07come" in text and "\x07" not in text
    assert answers_text(item) == "a=0 (A\\nB), b=1"
