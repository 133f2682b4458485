"""Writers of answers (wide CSV, long CSV, TOML): safe text, exact numbers, atomic files."""

from __future__ import annotations

import csv
import tomllib

import pytest

import icindex
from icindex._io import writers

FORMULA = '=HYPERLINK("http://x","y")'


def city(**changes: object) -> icindex.CityResponse:
    """A tiny-definition city with a formula-like name and noisy numbers."""
    fields: dict[str, object] = {
        "id": "c1",
        "name": FORMULA,
        "country": "+KR",
        "round": "2024",
        "facts": {"population": 120000},
        "answers": {"welcome_office": "yes", "welcome_share": 21.000000000000004},
        "evidence": {"welcome_office": "@SUM(A1)"},
    }
    return icindex.CityResponse(**{**fields, **changes})  # type: ignore[arg-type]


def rows(path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_wide_csv_cells_are_spreadsheet_safe_and_numbers_are_exact(tiny, tmp_path):
    """Name and country starting like a formula get an apostrophe; an answer of
    21.000000000000004 is written as given (answers are inputs: every digit is kept)."""
    icindex.write_wide_csv(tmp_path / "a.csv", [city()], tiny)
    header, row = rows(tmp_path / "a.csv")
    cells = dict(zip(header, row, strict=True))
    assert (cells["name"], cells["country"], cells["round"]) == ("'" + FORMULA, "'+KR", "2024")
    assert (cells["welcome_share"], cells["population"]) == ("21.000000000000004", "120000")


def test_long_csv_cells_and_evidence_are_spreadsheet_safe(tmp_path):
    """The long CSV's name value and evidence cells get the apostrophe too."""
    icindex.write_long_csv(tmp_path / "a.csv", [city()])
    table = {row[1]: row for row in rows(tmp_path / "a.csv")[1:]}
    assert table["name"][2] == "'" + FORMULA
    assert table["welcome_office"][3] == "'@SUM(A1)"
    assert table["welcome_share"][2] == "21.000000000000004"


@pytest.mark.parametrize("name", ["a\x01b", "tab\there", "del\x7f", 'quote " and \\ back', "a\nb"])
def test_toml_strings_escape_control_characters(tiny, tmp_path, name):
    """Control characters in text are escaped, so the file is valid TOML holding the same text."""
    icindex.write_city_toml(tmp_path / "c.toml", city(name=name), tiny)
    data = tomllib.loads((tmp_path / "c.toml").read_text(encoding="utf-8"))
    assert data["city"]["name"] == name


@pytest.mark.parametrize(
    "write",
    [
        lambda tiny, path: icindex.write_wide_csv(path, [city()], tiny),
        lambda tiny, path: icindex.write_long_csv(path, [city()]),
        lambda tiny, path: icindex.write_city_toml(path, city(), tiny),
    ],
    ids=["wide", "long", "toml"],
)
def test_a_missing_folder_is_an_output_error(tiny, tmp_path, write):
    """Each writer refuses a path in a missing folder with an OutputError naming the folder."""
    with pytest.raises(icindex.OutputError, match=r"folder .*nowhere.* does not exist"):
        write(tiny, tmp_path / "nowhere" / "out.csv")


class Unprintable:
    """A fact value whose text cannot be made: the writer fails after writing some rows."""

    def __str__(self) -> str:
        raise RuntimeError("no text")


@pytest.mark.parametrize("long", [False, True])
def test_a_writer_failing_midway_leaves_the_old_file_and_no_temporary(tiny, tmp_path, long):
    """The second city fails half-way: the older file is intact and no temporary is left."""
    path = tmp_path / "answers.csv"
    path.write_text("older\n", encoding="utf-8")
    cities = [city(), city(id="c2", facts={"population": Unprintable()})]
    with pytest.raises(RuntimeError, match="no text"):
        if long:
            icindex.write_long_csv(path, cities)
        else:
            icindex.write_wide_csv(path, cities, tiny)
    assert path.read_text(encoding="utf-8") == "older\n"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.csv"]


def test_cells_follow_the_value_type():
    """Checklists join ticks, booleans are true/false, ints in full, floats exactly (shortest
    text that reads back as the same float: 100/3 = 33.333333333333336 to 17 digits)."""
    assert [writers._cell(v) for v in (("a", "b"), (), True, 10**17, 100 / 3, "-x")] == [
        "a|b",
        "none",
        "true",
        "100000000000000000",
        "33.333333333333336",
        "'-x",
    ]
