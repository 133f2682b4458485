"""Reading and writing answers: unknown is not no, every bad value is a named ResponseError."""

from __future__ import annotations

from pathlib import Path

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
    """Each evidence text appears word for word in one of the seed documents (when present)."""
    seeds = repo.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside the repository")
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
        (WIDE + "a,A,,,,,,lots\n", r"item 'welcome_share': 'lots' .*finite number"),
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
