"""`icindex compare`: rows per city and aggregate, the summary, the saved sample, errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

import icindex
from icindex._cli.main import main
from tests.conftest import REPO

CITIES = REPO / "examples" / "cities"


def test_csv_rows_equal_the_python_comparison(capsys):
    """One row per aggregate; the numbers are compare()'s on the same sample."""
    status = main(["compare", str(CITIES / "ansan.toml"), "--sample", str(CITIES),
                   "--format", "csv"])  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert status == 0 and rows[0]["column"] == "index"
    icc = icindex.load_definition("icc")
    sample = icindex.Sample.of(icc, icindex.read_responses(CITIES, icc))
    expected = icindex.compare(sample, "ansan").rows
    assert [r["column"] for r in rows] == [e["column"] for e in expected]
    assert [float(r["rank"]) for r in rows] == [e["rank"] for e in expected]
    assert float(rows[0]["score"]) == expected[0]["score"]


def test_the_table_ends_with_strengths_and_the_peer_note(capsys):
    """The table format adds, per city, its peer note, strengths and weaknesses."""
    assert main(["compare", str(CITIES / "ansan.toml"), "--sample", str(CITIES)]) == 0
    out = capsys.readouterr().out
    assert "no peer group: population, foreign_born_share unknown" in out
    assert "strengths: " in out and "weaknesses: " in out


def test_the_sample_can_be_saved_and_loaded(capsys, tmp_path):
    """--save-sample writes a sample that load_sample reads back with every city."""
    saved = tmp_path / "sample.json"
    assert main(["compare", str(CITIES / "sejong.toml"), "--sample", str(CITIES),
                 "--save-sample", str(saved), "--format", "json"]) == 0  # fmt: skip
    sample = icindex.load_sample(saved, icindex.load_definition("icc"))
    assert sorted(sample.city_ids) == ["ansan", "gwangjin-gu", "sejong"]


def test_a_city_file_that_is_not_there_exits_1(capsys, tmp_path):
    """A missing CITY file prints one error line and exits 1."""
    assert main(["compare", str(tmp_path / "nope.toml")]) == 1
    assert "nope.toml" in capsys.readouterr().err


@pytest.mark.parametrize("city", [None, "zz"])
def test_pick_city_names_the_cities_of_the_file(city):
    """Several cities in one file need --city; an unknown one is named with the ids."""
    from icindex._cli.cities import pick_city

    cities = [icindex.CityResponse("a", "A"), icindex.CityResponse("b", "B")]
    with pytest.raises(icindex.ResponseError, match="a, b"):
        pick_city(cities, city, Path("f.csv"))


def _evil_city(folder: Path) -> Path:
    """Ansan's answers under a name and round holding terminal escape sequences."""
    text = (CITIES / "ansan.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^name = ".*"$', r'name = "Evil\\u001b[2J\\nCity"', text)
    path = folder / "evil.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_city_names_reach_the_terminal_escaped(tmp_path, capsys):
    """A name with ESC and a newline is shown as escapes in the table and the summary."""
    evil = _evil_city(tmp_path)
    assert main(["compare", str(evil), "--sample", str(CITIES / "sejong.toml")]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Evil\\x1b[2J\\nCity (ansan), compared with" in out
