"""Reading and writing answers: unknown is not no, every bad value is a named ResponseError."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from tests.conftest import DATA

CITIES = DATA / "cities"


def test_toml_city_reads_answers_facts_and_evidence(tiny):
    """golden.toml gives typed answers, facts, metadata and evidence."""
    (city,) = icindex.read_responses(CITIES / "golden.toml", tiny)
    assert city.id == "golden" and city.name == "Golden (골든)" and city.round == "2026"
    assert city.facts == {"population": 1000}
    assert city.answers == {
        "welcome_office": "yes",
        "welcome_languages": "few",
        "welcome_events": ("tour",),
        "welcome_share": 20.0,
        "rights_decree": "yes",
        "rights_partners": 7.0,
    }
    assert city.evidence == {"welcome_office": "Made up for the test."}


def test_unknown_is_not_no(tiny):
    """An explicit "unknown" and a missing key leave the answer out; "no" is kept as an answer."""
    (city,) = icindex.read_responses(CITIES / "partial.toml", tiny)
    assert "welcome_office" not in city.answers  # "unknown"
    assert "welcome_events" not in city.answers  # missing
    assert city.answers["rights_decree"] == "no"


def test_examples_folder_reads_three_cities(icc, repo):
    """The bundled example folder holds Ansan, Gwangjin-gu and Sejong, with Korean names intact."""
    cities = icindex.read_responses(repo / "examples" / "cities", icc)
    assert [c.id for c in cities] == ["ansan", "gwangjin-gu", "sejong"]
    assert "안산" in cities[0].name


def test_example_answers_all_cite_evidence(icc, repo):
    """Every answer in the example cities has evidence quoted from its seed document."""
    for city in icindex.read_responses(repo / "examples" / "cities", icc):
        assert set(city.answers) <= set(city.evidence), city.id


def test_example_evidence_is_verbatim_from_the_seeds(icc, repo):
    """Each evidence text appears word for word in one of the seed documents (copied from
    shared/seeds into tests/data/seeds, see its README)."""
    seeds = Path(__file__).resolve().parent / "data" / "seeds"
    assert len(list(seeds.glob("*.txt"))) == 3
    text = " ".join(p.read_text(encoding="utf-8") for p in seeds.glob("*.txt"))
    text = " ".join(text.split())
    for city in icindex.read_responses(repo / "examples" / "cities", icc):
        for key, quote in city.evidence.items():
            assert " ".join(quote.split()) in text, (city.id, key)


WIDE = "city_id,name,country,round,population,welcome_office,welcome_events,welcome_share\n"


def write(tmp_path: Path, text: str, name: str = "answers.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wide_csv(tiny, tmp_path):
    """A wide CSV row per city: empty cells are unknown, "none" ticks nothing, "no" is an answer."""
    path = write(tmp_path, WIDE + "a,Ansan,KR,2020,5,no,none,12.5\nb,B,,,,,tour|mentor,\n")
    first, second = icindex.read_responses(path, tiny)
    assert first.answers == {"welcome_office": "no", "welcome_events": (), "welcome_share": 12.5}
    assert first.facts == {"population": 5}
    assert second.answers == {"welcome_events": ("tour", "mentor")}
    assert second.name == "B"


def test_long_csv(tiny, tmp_path):
    """A long CSV: one row an answer, with metadata rows and evidence."""
    path = write(
        tmp_path,
        'city_id,item,answer,evidence\nx,name,Ansan (안산시),\nx,welcome_office,yes,"It says so."\n'
        "y,welcome_languages,unknown,\nx,population,7,\n",
    )
    x, y = icindex.read_responses(path, tiny)
    assert x.name == "Ansan (안산시)" and x.answers == {"welcome_office": "yes"}
    assert x.evidence == {"welcome_office": "It says so."} and x.facts == {"population": 7}
    assert y.answers == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            WIDE + "a,A,,,,maybe,,\n",
            r"line 2: city 'a': item 'welcome_office': 'maybe' is not an "
            r"accepted answer \(yes, no or unknown\)",
        ),
        (WIDE + "a,A,,,,,party,\n", r"item 'welcome_events': 'party' is not an accepted answer"),
        (
            WIDE + "a,A,,,,,,lots\n",
            r"item 'welcome_share': 'lots' is not a number; expected a number in \[0, 100\]",
        ),
        (WIDE + "a,A,,,1.5,,,\n", r"fact 'population': '1.5' is not a whole number"),
        (WIDE + "a,A,,,,,\n", r"line 2: expected 8 cells \(got 7\)"),
        (WIDE + "a,A,,,,,,\na,B,,,,,,\n", r"city 'a' was already read"),
        ("city_id,colour\na,red\n", r"'colour' is neither an item nor a fact"),
        ("town,name\n", r"header must start with city_id"),
        (
            "city_id,item,answer\nx,welcome_office,yes\nx,welcome_office,no\n",
            r"line 3: city 'x' "
            r"has 'welcome_office' twice",
        ),
        (WIDE + "a b,A,,,,,,\n", r"city id must match"),
    ],
)
def test_bad_csv_values_name_file_line_city_and_item(tiny, tmp_path, text, message):
    """Every bad value raises ResponseError naming the file and what was expected."""
    path = write(tmp_path, text)
    with pytest.raises(icindex.ResponseError, match=message) as caught:
        icindex.read_responses(path, tiny)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[answers]\nwelcome_office = 3\n", r"item 'welcome_office': 3 is not an accepted answer"),
        ('[answers]\nwelcome_events = ["tour", "tour"]\n', r"ticked twice"),
        ("[answers]\npopulation = 3\n", r"\[answers\] holds 'population', a fact"),
        (
            '[answers]\nwelcome_office = "yes"\n[evidence]\nnowhere = "x"\n',
            r"evidence for 'nowhere'",
        ),
        ('[answers]\nwelcome_office = "yes"\n[extra]\n', r"unknown keys \['extra'\]"),
    ],
)
def test_bad_toml_values_are_named(tiny, tmp_path, body, message):
    """Bad TOML answers raise ResponseError naming file, city and item."""
    text = 'schema_version = 1\n[city]\nid = "t"\nname = "T"\n' + body
    with pytest.raises(icindex.ResponseError, match=message):
        icindex.read_responses(write(tmp_path, text, "t.toml"), tiny)


def test_answers_for_another_definition_are_refused(tiny, tmp_path):
    """A city file declaring another index is refused."""
    text = 'schema_version = 1\nindex = "icc"\n[city]\nid = "t"\nname = "T"\n'
    with pytest.raises(icindex.ResponseError, match="for definition 'icc', not 'tiny'"):
        icindex.read_responses(write(tmp_path, text, "t.toml"), tiny)


def test_unknown_file_type_and_missing_file(tiny, tmp_path):
    """A .xlsx file and a missing file are ResponseErrors naming the path."""
    with pytest.raises(icindex.ResponseError, match="unknown file type"):
        icindex.read_responses(tmp_path / "a.xlsx", tiny)
    with pytest.raises(icindex.ResponseError, match="file not found"):
        icindex.read_responses(tmp_path / "a.csv", tiny)


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda s: s.strip() == s and s.lower() != "unknown")


@given(name=names, country=st.sampled_from(["KR", "", "DE"]))
def test_round_trip_through_all_three_formats(tiny, tmp_path_factory, name, country):
    """A city written as TOML, wide CSV and long CSV reads back equal, non-ASCII name and all."""
    (golden,) = icindex.read_responses(CITIES / "golden.toml", tiny)
    city = icindex.CityResponse(
        id="c1",
        name=name,
        country=country,
        round="2026",
        facts=golden.facts,
        answers=golden.answers,
        evidence={"welcome_office": '안산시 "quoted"\nline'},
    )
    folder = tmp_path_factory.mktemp("round")
    icindex.write_city_toml(folder / "c.toml", city, tiny)
    icindex.write_wide_csv(folder / "wide.csv", [city], tiny)
    icindex.write_long_csv(folder / "long.csv", [city])
    (from_toml,) = icindex.read_responses(folder / "c.toml", tiny)
    (from_wide,) = icindex.read_responses(folder / "wide.csv", tiny)
    (from_long,) = icindex.read_responses(folder / "long.csv", tiny)
    for read in (from_toml, from_wide, from_long):
        assert (read.id, read.name, read.country, read.round) == ("c1", name, country, "2026")
        assert read.answers == city.answers and read.facts == city.facts
    assert from_toml.evidence == city.evidence == from_long.evidence


CELLS = [
    "yes",
    "no",
    "",
    "unknown",
    "maybe",
    "1",
    "-3.5",
    "nan",
    "inf",
    "few",
    "tour|tour",
    "none",
    "ceremony|mentor",
    "1e400",
    "ＹＥＳ",
    "안산",
    '"',
    "true",
]


@given(
    cells=st.lists(st.sampled_from(CELLS), min_size=7, max_size=7),
    city=st.sampled_from(["a", "", "a b", "안산", "x.y"]),
)
def test_any_wide_row_reads_or_raises_response_error(tiny, tmp_path_factory, cells, city):
    """Whatever the cells hold, reading succeeds or raises a ResponseError naming the file."""
    header = "city_id,welcome_office,welcome_languages,welcome_events,welcome_share,rights_decree,"
    header += "rights_partners,population\n"
    path = tmp_path_factory.mktemp("fuzz") / "a.csv"
    row = ",".join('"' + cell.replace('"', '""') + '"' for cell in cells)
    path.write_text(header + f"{city},{row}\n", encoding="utf-8")
    try:
        cities = icindex.read_responses(path, tiny)
    except icindex.ResponseError as error:
        assert str(path) in str(error)
    else:
        blank = not city.strip() and not any(cell.strip() for cell in cells)
        assert len(cities) == (0 if blank else 1)  # a blank line is no city; any other row is
        assert all(len(read.answers) <= 6 for read in cities)


TOML_HEAD = 'schema_version = 1\n[city]\nid = "t"\nname = "T"\n'


def test_toml_with_a_byte_order_mark_reads(tiny, tmp_path):
    """A TOML city saved by Windows Notepad (UTF-8 with a BOM) reads as without it."""
    path = tmp_path / "t.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (TOML_HEAD + '[answers]\nwelcome_office = "yes"\n').encode())
    (city,) = icindex.read_responses(path, tiny)
    assert city.answers == {"welcome_office": "yes"}


def test_deeply_nested_toml_is_a_response_error_naming_the_file(tiny, tmp_path):
    """Arrays nested 40 deep are refused with the file named (no RecursionError)."""
    path = write(
        tmp_path, TOML_HEAD + "[answers]\nwelcome_events = " + "[" * 40 + "]" * 40, "t.toml"
    )
    with pytest.raises(icindex.ResponseError, match=r"t\.toml: nested deeper than 16"):
        icindex.read_responses(path, tiny)


def test_too_large_toml_is_a_response_error_naming_the_file(tiny, tmp_path, monkeypatch):
    """A TOML file over the size cap is refused before it is parsed (the cap lowered here)."""
    monkeypatch.setattr("icindex._files.MAX_TOML_BYTES", 2 * 2**20)
    path = write(tmp_path, TOML_HEAD + "# " + "x" * (2 * 2**20) + "\n", "t.toml")
    with pytest.raises(icindex.ResponseError, match=r"t\.toml: larger than 2 MiB"):
        icindex.read_responses(path, tiny)


def test_a_pipe_named_like_a_city_file_is_refused(tiny, tmp_path):
    """A FIFO (or device) named .toml or .csv is no regular file: refused, never read."""
    for name in ("t.toml", "t.csv"):
        os.mkfifo(tmp_path / name)
        with pytest.raises(icindex.ResponseError, match=rf"{name}: not a regular file"):
            icindex.read_responses(tmp_path / name, tiny)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[answers]\nwelcome_share = "12"\n',
            r"t\.toml: city 't': item 'welcome_share': '12' is text, not a number: write the "
            "number without quotes",
        ),
        (
            '[facts]\npopulation = "728000"\n',
            r"fact 'population': '728000' is text, not a number: write the number without quotes",
        ),
        ("[answers]\nwelcome_share = inf\n", r"item 'welcome_share': inf is not a finite number"),
        ("[answers]\nwelcome_events = 'tour|tour'\n", r"option 'tour' is ticked twice"),
    ],
)
def test_toml_numbers_must_be_toml_numbers(tiny, tmp_path, body, message):
    """In TOML a number is written without quotes; a quoted one is refused, saying so."""
    with pytest.raises(icindex.ResponseError, match=message):
        icindex.read_responses(write(tmp_path, TOML_HEAD + body, "t.toml"), tiny)


def test_toml_underscored_number_is_a_toml_number(tiny, tmp_path):
    """``1_000`` unquoted is TOML's own integer syntax, so it is the number 1000."""
    path = write(tmp_path, TOML_HEAD + "[facts]\npopulation = 1_000\n", "t.toml")
    assert icindex.read_responses(path, tiny)[0].facts == {"population": 1000}


def test_latin1_csv_names_file_line_column_and_hint(tiny, tmp_path):
    """A CSV saved as latin-1 is refused with its file, line, column and the UTF-8 hint."""
    path = tmp_path / "answers.csv"
    path.write_bytes(WIDE.encode() + "a,Malmö,,,,yes,,\n".encode("latin-1"))
    message = f"{path}: line 2, column 7: byte 0xf6 is not UTF-8; save it as UTF-8"
    with pytest.raises(icindex.ResponseError, match=re.escape(message)):
        icindex.read_responses(path, tiny)


def test_a_field_over_the_csv_limit_names_file_and_line(tiny, tmp_path):
    """A cell over 131,072 characters is refused at its line, not with a bare csv.Error."""
    path = write(tmp_path, WIDE + "a,A,,,,yes,,\nb," + "B" * 140_000 + ",,,,,,\n")
    with pytest.raises(icindex.ResponseError, match=r"answers\.csv: line 3: not valid CSV: field"):
        icindex.read_responses(path, tiny)


def test_an_unclosed_quote_is_refused_at_its_line(tiny, tmp_path):
    """A quote left open swallows the rest of the row: the row is refused, naming its line."""
    path = write(tmp_path, WIDE + 'a,A,,,,yes,,\nb,"B,,,,,,\n')
    with pytest.raises(icindex.ResponseError, match=r"answers\.csv: line 3: not valid CSV"):
        icindex.read_responses(path, tiny)


def test_text_after_a_closing_quote_is_refused(tiny, tmp_path):
    """``"B"x`` is not a CSV cell (a lenient reader would make it ``Bx``): refused at its line."""
    path = write(tmp_path, WIDE + 'a,A,,,,yes,,\nb,"B"x,,,,,,\n')
    with pytest.raises(icindex.ResponseError, match=r"answers\.csv: line 3: not valid CSV"):
        icindex.read_responses(path, tiny)


def test_csv_lines_count_line_breaks_inside_cells(tiny, tmp_path):
    """A cell holding line breaks does not shift the line numbers of the rows after it."""
    text = "city_id,item,answer,evidence\n"
    text += 'a,welcome_office,yes,"one\ntwo\nthree"\nb,welcome_office,maybe,\n'
    with pytest.raises(icindex.ResponseError, match=r"answers\.csv: line 5: city 'b'"):
        icindex.read_responses(write(tmp_path, text), tiny)


def test_csv_with_a_byte_order_mark_reads(tiny, tmp_path):
    """A CSV saved by Excel as 'CSV UTF-8' (with a BOM) reads its first column as city_id."""
    path = tmp_path / "answers.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (WIDE + "a,A,,,,yes,,\n").encode())
    assert icindex.read_responses(path, tiny)[0].answers == {"welcome_office": "yes"}


@pytest.fixture(scope="module")
def texty(tiny):
    """The tiny definition with a text fact, to read text cells."""
    return attrs.evolve(tiny, facts=(*tiny.facts, icindex.Fact("joined", "Joined", "text")))


def test_wide_csv_text_cells_lose_the_writers_apostrophe(texty, tmp_path):
    """Name, country, round and text facts written formula-safe read back as they were; an
    apostrophe not before a formula start (``'tis``) is kept."""
    text = "city_id,name,country,round,joined,welcome_office\n"
    text += "a,'=HYPERLINK(1),'+KR,'-2020,'@x,yes\nb,'tis,,,''=,no\n"
    first, second = icindex.read_responses(write(tmp_path, text), texty)
    assert (first.name, first.country, first.round) == ("=HYPERLINK(1)", "+KR", "-2020")
    assert first.facts == {"joined": "@x"}
    assert second.name == "'tis" and second.facts == {"joined": "'="}


def test_long_csv_text_cells_and_evidence_lose_the_writers_apostrophe(texty, tmp_path):
    """In a long CSV the name, text facts and evidence are read the same way."""
    text = "city_id,item,answer,evidence\nx,name,'=X,\nx,joined,'-1,\n"
    text += "x,welcome_office,yes,'=quoted evidence\n"
    (city,) = icindex.read_responses(write(tmp_path, text), texty)
    assert city.name == "=X" and city.facts == {"joined": "-1"}
    assert city.evidence == {"welcome_office": "=quoted evidence"}


def test_toml_text_is_read_as_written(texty, tmp_path):
    """TOML is not a spreadsheet: an apostrophe there is part of the text."""
    text = 'schema_version = 1\n[city]\nid = "t"\nname = "\'=T"\n[facts]\njoined = "\'-1"\n'
    (city,) = icindex.read_responses(write(tmp_path, text, "t.toml"), texty)
    assert city.name == "'=T" and city.facts == {"joined": "'-1"}


@pytest.fixture(scope="module")
def ranged(tiny):
    """The tiny definition with ranges: welcome_share 0-100, population at least 1."""
    items = tuple(
        attrs.evolve(item, value_range=(0.0, 100.0)) if item.id == "welcome_share" else item
        for item in tiny.items
    )
    facts = tuple(attrs.evolve(fact, value_range=(1.0, math.inf)) for fact in tiny.facts)
    return attrs.evolve(tiny, items=items, facts=facts)


def test_csv_answer_outside_its_range_names_file_line_city_item_value_and_range(ranged, tmp_path):
    """A percentage of 150 is refused, naming everything needed to find and fix it."""
    path = write(tmp_path, WIDE + "a,A,,,,,,100\nb,B,,,,,,150\n")
    with pytest.raises(icindex.ResponseError) as caught:
        icindex.read_responses(path, ranged)
    assert str(caught.value).startswith(
        f"{path}: line 3: city 'b': item 'welcome_share': '150' is outside the range [0, 100]"
    )


def test_toml_fact_outside_its_range_names_file_city_fact_value_and_range(ranged, tmp_path):
    """A population of 0 is refused in a TOML city, naming its file, the fact and the range."""
    path = write(tmp_path, TOML_HEAD + "[facts]\npopulation = 0\n", "t.toml")
    with pytest.raises(icindex.ResponseError) as caught:
        icindex.read_responses(path, ranged)
    assert str(caught.value).startswith(
        f"{path}: city 't': fact 'population': 0 is outside the range [1, inf]"
    )


def test_duplicate_toml_city_names_both_files(tiny, tmp_path):
    """The same id in two TOML files is refused, naming the second file and the first."""
    first = write(tmp_path, TOML_HEAD, "a.toml")
    second = write(tmp_path, TOML_HEAD, "b.toml")
    with pytest.raises(icindex.ResponseError) as caught:
        icindex.read_responses(tmp_path, tiny)
    assert str(caught.value) == f"{second}: city 't' was already read from {first}"


def test_duplicate_csv_city_names_both_lines(tiny, tmp_path):
    """The same id twice in a wide CSV is refused, naming the lines of both rows."""
    path = write(tmp_path, WIDE + "a,,,,,yes,,\n\nb,,,,,,,\na,,,,,no,,\n")
    with pytest.raises(icindex.ResponseError) as caught:
        icindex.read_responses(path, tiny)
    assert str(caught.value) == f"{path}: line 5: city 'a' was already read from {path}: line 2"


def test_duplicate_across_csv_and_toml_names_both_places(tiny, tmp_path):
    """A TOML city read again from a long CSV names the CSV line and the TOML file."""
    toml = write(tmp_path, TOML_HEAD, "t.toml")
    long = write(tmp_path, "city_id,item,answer\nu,welcome_office,no\nt,welcome_office,no\n")
    with pytest.raises(icindex.ResponseError) as caught:
        icindex.read_responses([toml, long], tiny)
    assert str(caught.value) == f"{long}: line 3: city 't' was already read from {toml}"


@pytest.mark.parametrize(
    ("paths", "definition", "message"),
    [
        ("a.csv", None, r"read_responses: definition must be a Definition.*\(got NoneType None\)"),
        ("a.csv", "icc", r"definition must be a Definition.*\(got str 'icc'\)"),
        (None, "tiny", r"read_responses: paths must be a path or an iterable of paths"),
        (["a.csv", 3], "tiny", r"paths must be a path .*\(got int 3 among them\)"),
    ],
)
def test_read_responses_misuse_is_a_usage_error(tiny, paths, definition, message):
    """A definition or paths of the wrong kind is a UsageError naming the argument."""
    given = tiny if definition == "tiny" else definition
    with pytest.raises(icindex.UsageError, match=message):
        icindex.read_responses(paths, given)
