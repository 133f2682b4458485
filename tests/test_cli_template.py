"""`icindex template`: a blank answers file that loads back as a city with nothing known."""

from __future__ import annotations

import tomllib

import pytest

from icindex._cli.main import main
from icindex._io.responses import read_responses
from icindex._model.loader import load_definition
from tests.conftest import DATA

TINY = str(DATA / "tiny")


@pytest.mark.parametrize("index", ["icc", TINY])
@pytest.mark.parametrize("format", ["toml", "csv"])
def test_template_loads_back_with_everything_unknown(tmp_path, index, format):
    """Both formats read back as one placeholder city with no answer and no fact known."""
    out = tmp_path / f"blank.{format}"
    assert main(["template", "--index", index, "--format", format, "--out", str(out)]) == 0
    (city,) = read_responses(out, load_definition(index))
    assert (city.id, city.name, city.country, city.round) == ("city-id", "City name", "", "")
    assert dict(city.answers) == {} and dict(city.facts) == {}


def test_toml_template_holds_every_fact_and_item(tmp_path):
    """[facts] and [answers] hold every id of the definition, each "unknown"."""
    out = tmp_path / "blank.toml"
    assert main(["template", "--out", str(out)]) == 0
    raw = tomllib.loads(out.read_text(encoding="utf-8"))
    icc = load_definition("icc")
    assert raw["schema_version"] == 1 and raw["index"] == "icc"
    assert raw["answers"] == {item.id: "unknown" for item in icc.items}
    assert raw["facts"] == {fact.id: "unknown" for fact in icc.facts}


def test_each_item_is_explained_above_its_line(capsys):
    """The comments above an item give its kind, question and accepted answers with points."""
    assert main(["template", "--index", TINY]) == 0
    lines = capsys.readouterr().out.splitlines()
    at = lines.index('rights_partners = "unknown"')
    assert lines[at - 3 : at] == [
        "# rights_partners: numeric, weight 3, input",
        "# With how many cities abroad does the city have a partnership?",
        # value_range = [0, inf] in tests/data/tiny
        "# answers: a number (cities); points <1: 0 · 1–5: 1 · 5–10: 2 · ≥10: 4; "
        "values from 0 cities",
    ]
    at = lines.index('welcome_events = "unknown"')
    assert lines[at - 1] == '# write a list of option ids, e.g. ["ceremony", "tour"]; [] for none'
    assert "at most 3 points" in lines[at - 2]
    above = lines[lines.index('population = "unknown"') - 1]
    assert above == "# Population: integer (persons), from 0 persons"  # value_range = [0, inf]


def test_a_filled_in_template_scores(tmp_path):
    """Replacing "unknown" with valid answers gives a city with those answers."""
    out = tmp_path / "riverton.toml"
    assert main(["template", "--index", TINY, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    for old, new in [
        ('id = "city-id"', 'id = "riverton"'),
        ('welcome_office = "unknown"', 'welcome_office = "yes"'),
        ('welcome_events = "unknown"', 'welcome_events = ["tour", "mentor"]'),
        ('rights_partners = "unknown"', "rights_partners = 7"),
        ('population = "unknown"', "population = 250000"),
    ]:
        text = text.replace(old, new)
    out.write_text(text, encoding="utf-8")
    (city,) = read_responses(out, load_definition(TINY))
    assert city.id == "riverton" and city.facts == {"population": 250000}
    assert dict(city.answers) == {
        "welcome_office": "yes",
        "welcome_events": ("tour", "mentor"),
        "rights_partners": 7.0,
    }


def test_csv_template_is_the_wide_header_and_one_row(capsys):
    """The CSV is city_id, name, country, round, the facts and the items; then one row."""
    assert main(["template", "--index", TINY, "--format", "csv"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    tiny = load_definition(TINY)
    ids = ["population", *(item.id for item in tiny.items)]
    assert header.split(",") == ["city_id", "name", "country", "round", *ids]
    assert row.split(",") == ["city-id", "City name", "", "", *["unknown"] * len(ids)]
