"""The accepted answers and facts of docs/responses.md, one test row per row of its tables."""

from __future__ import annotations

import math

import attrs
import pytest

import icindex
from icindex._io.answers import is_unknown, parse_answer, parse_fact

WHERE = "f.csv: line 2: city 'a'"


@pytest.fixture(scope="module")
def items(tiny):
    """The tiny definition's items by id, welcome_share allowed 0-100 (a percentage)."""
    by_id = {item.id: item for item in tiny.items}
    by_id["welcome_share"] = attrs.evolve(by_id["welcome_share"], value_range=(0.0, 100.0))
    return by_id


# (item, value, cell, answer): docs/responses.md, "Accepted answers", one row each.
ACCEPTED = [
    # yes_no: the words in any case, whitespace around ignored; TOML booleans
    ("welcome_office", "yes", True, "yes"),
    ("welcome_office", " No ", True, "no"),
    ("welcome_office", "TRUE", True, "yes"),
    ("welcome_office", "False", False, "no"),
    ("welcome_office", True, False, "yes"),
    ("welcome_office", False, False, "no"),
    # choice: an option id, exactly, after trimming
    ("welcome_languages", "few", True, "few"),
    ("welcome_languages", "  many\t", False, "many"),
    # checklist: ids separated by |, none (any case), a TOML array; definition order kept
    ("welcome_events", "mentor|tour", True, ("tour", "mentor")),
    ("welcome_events", " tour | ceremony ", True, ("ceremony", "tour")),
    ("welcome_events", "None", True, ()),
    ("welcome_events", ["mentor", " ceremony"], False, ("ceremony", "mentor")),
    ("welcome_events", [], False, ()),
    ("welcome_events", "tour|mentor", False, ("tour", "mentor")),
    # numeric: the number grammar in a CSV cell, a TOML number in TOML; bounds included
    ("welcome_share", "12.5", True, 12.5),
    ("welcome_share", " -0 ", True, 0.0),
    ("welcome_share", "+1e1", True, 10.0),
    ("welcome_share", ".5", True, 0.5),
    ("welcome_share", "5.", True, 5.0),
    ("welcome_share", "100", True, 100.0),
    ("welcome_share", 7, False, 7.0),
    ("welcome_share", 99.5, False, 99.5),
    ("rights_partners", "1E+3", True, 1000.0),
]


@pytest.mark.parametrize(("item_id", "value", "cell", "answer"), ACCEPTED)
def test_accepted_answer(items, item_id, value, cell, answer):
    """Each accepted form of docs/responses.md reads as the answer it stands for."""
    assert parse_answer(items[item_id], value, WHERE, cell=cell) == answer


@pytest.mark.parametrize("value", [None, "", "   ", "unknown", "UNKNOWN", " Unknown "])
@pytest.mark.parametrize("item_id", ["welcome_office", "welcome_events", "welcome_share"])
def test_unknown_forms_are_no_answer(items, item_id, value):
    """A missing value, a blank and the word unknown (any case) are unknown for every kind."""
    assert is_unknown(value)
    assert parse_answer(items[item_id], value, WHERE, cell=True) is None


# (item, value, cell, what the message says after the value)
REFUSED = [
    ("welcome_office", "y", True, r"'y' is not an accepted answer \(yes, no or unknown\)"),
    ("welcome_office", "ＹＥＳ", True, "is not an accepted answer"),
    ("welcome_office", 1, False, r"1 is not an accepted answer \(yes, no or unknown\)"),
    ("welcome_languages", "Few", True, r"'Few' is not an accepted answer \(one of \['one'"),
    ("welcome_languages", True, False, "True is not an accepted answer"),
    ("welcome_events", "tour|tour", True, "option 'tour' is ticked twice"),
    ("welcome_events", ["tour", "tour"], False, "option 'tour' is ticked twice"),
    ("welcome_events", "tour||mentor", True, "is not an accepted answer"),
    ("welcome_events", "Tour", True, "is not an accepted answer"),
    ("welcome_events", ["none"], False, "is not an accepted answer"),
    ("welcome_events", [1], False, "is not an accepted answer"),
    ("welcome_events", "tour,mentor", True, "is not an accepted answer"),
    ("welcome_share", "1_000", True, "'1_000' is not a number: write digits without separators"),
    ("welcome_share", "1,000", True, r"write decimals with a dot \(1.000\)"),
    ("welcome_share", "1 000", True, "write digits without separators"),
    ("welcome_share", "3,5", True, r"'3,5' is not a number: write decimals with a dot \(3.5\)"),
    ("welcome_share", "٣", True, "'٣' is not a number: write the digits 0-9"),
    ("welcome_share", "１２", True, "write the digits 0-9"),
    ("welcome_share", "inf", True, "'inf' is not a number"),
    ("welcome_share", "nan", True, "'nan' is not a number"),
    ("welcome_share", "1e400", True, "'1e400' is not a finite number"),
    ("welcome_share", "0x10", True, "'0x10' is not a number"),
    ("welcome_share", "5", False, "'5' is text, not a number: write the number without quotes"),
    ("welcome_share", math.inf, False, "inf is not a finite number"),
    ("welcome_share", math.nan, False, "nan is not a finite number"),
    ("welcome_share", True, False, "True is not a number"),
    ("welcome_share", [5], False, r"\[5\] is not a number"),
]


@pytest.mark.parametrize(("item_id", "value", "cell", "message"), REFUSED)
def test_refused_answer_names_where_item_and_value(items, item_id, value, cell, message):
    """Each refused form raises ResponseError naming the place, the item, the value and why."""
    with pytest.raises(icindex.ResponseError, match=message) as caught:
        parse_answer(items[item_id], value, WHERE, cell=cell)
    assert str(caught.value).startswith(f"{WHERE}: item {item_id!r}: ")


@pytest.mark.parametrize(("value", "cell"), [("100.5", True), (-0.1, False), ("-1e-9", True)])
def test_a_number_outside_its_range_is_refused_never_clipped(items, value, cell):
    """A numeric answer outside value_range names the value and the range."""
    with pytest.raises(icindex.ResponseError) as caught:
        parse_answer(items["welcome_share"], value, WHERE, cell=cell)
    assert str(caught.value).startswith(
        f"{WHERE}: item 'welcome_share': {value!r} is outside the range [0, 100]"
    )


def test_an_indicator_outside_its_range_is_refused():
    """An indicator answer is checked against its range like a numeric one."""
    item = icindex.Item("x", "r", "indicator", "X", value_range=(0.0, math.inf))
    assert parse_answer(item, "1e300", WHERE, cell=True) == 1e300
    with pytest.raises(icindex.ResponseError, match=r"'-2' is outside the range \[0, inf\]"):
        parse_answer(item, "-2", WHERE, cell=True)


NUMBER = icindex.Fact("share", "Share", "number", value_range=(0.0, 100.0))
WHOLE = icindex.Fact("people", "People", "integer", value_range=(1.0, math.inf))
TEXT = icindex.Fact("joined", "Joined", "text")
FLAG = icindex.Fact("member", "Member", "boolean")

# (fact, value, cell, value read): docs/responses.md, "Facts", one row each.
FACTS = [
    (NUMBER, " 12.5 ", True, 12.5),
    (NUMBER, 0, False, 0.0),
    (WHOLE, "728000", True, 728000),
    (WHOLE, "7.0", True, 7),
    (WHOLE, 7.0, False, 7),
    (TEXT, "  2008 ", True, "  2008 "),
    (TEXT, "'=1+1", True, "=1+1"),
    (TEXT, "'tis", True, "'tis"),
    (TEXT, "'=1+1", False, "'=1+1"),
    (FLAG, "Yes", True, True),
    (FLAG, " false", True, False),
    (FLAG, True, False, True),
    (NUMBER, "unknown", True, None),
    (WHOLE, "", True, None),
]


@pytest.mark.parametrize(("fact", "value", "cell", "read"), FACTS)
def test_accepted_fact(fact, value, cell, read):
    """Each accepted form of a fact reads as its declared type."""
    assert parse_fact(fact, value, WHERE, cell=cell) == read


@pytest.mark.parametrize(
    ("fact", "value", "cell", "message"),
    [
        (NUMBER, "5", False, "'5' is text, not a number: write the number without quotes"),
        (NUMBER, "3,5", True, r"write decimals with a dot \(3.5\)"),
        (NUMBER, "100.01", True, r"'100.01' is outside the range \[0, 100\]"),
        (WHOLE, "1.5", True, r"'1.5' is not a whole number in \[1, inf\]"),
        (WHOLE, 0, False, r"0 is outside the range \[1, inf\]"),
        (WHOLE, "1_000", True, "write digits without separators"),
        (TEXT, 5, False, "5 is not text"),
        (FLAG, "1", True, "'1' is not true, false, yes or no"),
    ],
)
def test_refused_fact_names_where_fact_and_value(fact, value, cell, message):
    """A fact that is not of its type or outside its range names place, fact and value."""
    with pytest.raises(icindex.ResponseError, match=message) as caught:
        parse_fact(fact, value, WHERE, cell=cell)
    assert str(caught.value).startswith(f"{WHERE}: fact {fact.id!r}: ")


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("12", 12.0),
        ("+12", 12.0),
        (" 12 ", 12.0),
        ("-3.5", -3.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
    ],
)
def test_number_grammar_table_accepted_rows(cell, number):
    """Each accepted row of the number table of docs/responses.md reads as its number."""
    item = icindex.Item("x", "r", "indicator", "X")
    assert parse_answer(item, cell, WHERE, cell=True) == number


@pytest.mark.parametrize(
    ("cell", "hint"),
    [
        ("3,5", r"write decimals with a dot \(3.5\)"),
        ("1,000", r"write decimals with a dot \(1.000\)"),
        ("1_000", "write digits without separators"),
        ("1 000", "write digits without separators"),
        ("1'000", "write digits without separators"),
        ("١٢", "write the digits 0-9"),
        ("１２", "write the digits 0-9"),
        ("inf", "is not a number"),
        ("nan", "is not a number"),
        ("0x10", "is not a number"),
        ("1e400", "is not a finite number"),
    ],
)
def test_number_grammar_table_refused_rows(cell, hint):
    """Each refused row of the number table of docs/responses.md gives its reason."""
    item = icindex.Item("x", "r", "indicator", "X")
    with pytest.raises(icindex.ResponseError, match=hint):
        parse_answer(item, cell, WHERE, cell=True)
