"""The exporter table of _results/export.py: every format, COINr's layout, unknown formats."""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
import unicodedata

import attrs
import numpy as np
import pytest

import icindex
from icindex import EXPORTERS

NAN = math.nan
IDS = ("q1", "q2", "index", "lens")
KINDS = ("item", "item", "node", "group")
# Values chosen so that short decimal printing would lose digits: 0.1 + 0.2 and 100 / 3.
VALUES = [[0.1 + 0.2, 50.0, 100 / 3, NAN], [100.0, NAN, 200 / 3, 12.5]]
COVERAGE = [[1.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.5, 1.0]]
LOWER = [[0.1 + 0.2, 50.0, 100 / 3, NAN], [100.0, 0.0, 50.0, 12.5]]
UPPER = [[0.1 + 0.2, 50.0, 100 / 3, NAN], [100.0, 100.0, 75.0, 12.5]]


@pytest.fixture
def scores() -> icindex.Scores:
    """Two cities, one with a Korean name, scored on two items, the index and a group."""
    return icindex.Scores(
        city_ids=np.array(["a", "b"]),
        city_names=("Alpha", "베타시"),
        ids=IDS,
        names=("Question one", "Question two", "Index", "Lens"),
        kinds=KINDS,
        values=np.array(VALUES),
        coverage=np.array(COVERAGE),
        lower=np.array(LOWER),
        upper=np.array(UPPER),
        missing="bounds",
        definition_id="hand",
        root="index",
    )


class PublicOnly:
    """Only the public attributes of Scores and select(): what the exporters may rely on."""

    def __init__(self, scores: icindex.Scores) -> None:
        for name in ("city_ids", "city_names", "ids", "names", "kinds", "values", "coverage"):
            setattr(self, name, getattr(scores, name))
        for name in ("lower", "upper", "imputed", "missing", "definition_id", "root"):
            setattr(self, name, getattr(scores, name))
        for name in ("countries", "rounds", "facts", "evidence", "fact_ids"):
            setattr(self, name, getattr(scores, name))

    def select(self, kinds: tuple[str, ...] = ("node", "group", "variant")) -> list[int]:
        return [c for c, kind in enumerate(self.kinds) if kind in kinds]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_table_lists_the_four_formats():
    """EXPORTERS maps table, csv, json and coinr-csv to exporters."""
    assert {"table", "csv", "json", "coinr-csv"} <= set(EXPORTERS)


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_every_exporter_needs_only_public_attributes(scores, name):
    """Every exporter gives the same text from an object holding only Scores' public attributes."""
    assert EXPORTERS[name](PublicOnly(scores)) == EXPORTERS[name](scores)


def test_csv_writes_numbers_to_fifteen_digits_and_nan_as_empty(scores):
    """csv writes 15 significant digits (0.1 + 0.2 is 0.3, 100/3 is 33.3333333333333), NaN as an
    empty cell, and item score columns as '<id>:score'."""
    rows = list(csv.DictReader(io.StringIO(scores.export("csv"))))
    assert [row["city_id"] for row in rows] == ["a", "b"]
    assert [row["name"] for row in rows] == ["Alpha", "베타시"]
    a, b = rows
    assert (a["q1:score"], a["q2:score"], a["index"], a["lens"]) == (
        "0.3",
        "50",
        "33.3333333333333",
        "",
    )
    assert (b["q2:score"], b["index"], b["index:lower"], b["index:upper"]) == (
        "",
        "66.6666666666667",
        "50",
        "75",
    )
    assert (b["q2:lower"], b["q2:upper"], b["index:coverage"]) == ("0", "100", "0.5")


def test_json_loads_with_null_for_nan(scores):
    """json loads back to the numbers built, with null where a score is NaN."""
    data = json.loads(scores.export("json"))
    assert data["definition"] == "hand" and data["missing"] == "bounds"
    assert [c["id"] for c in data["columns"]] == list(IDS)
    a, b = data["cities"]
    assert a["scores"] == {"q1": 0.1 + 0.2, "q2": 50.0, "index": 100 / 3, "lens": None}
    assert b["scores"]["q2"] is None and b["lower"]["index"] == 50.0
    assert b["coverage"]["index"] == 0.5 and b["name"] == "베타시"


def test_table_has_one_row_per_score(scores):
    """table has a header, a rule, then one row per node, group and variant (index and lens)."""
    lines = scores.export("table").splitlines()
    assert len(lines) == 2 + 2
    assert lines[2].startswith("index ") and lines[3].startswith("lens (group) ")


def test_table_cells_show_score_bounds_and_coverage(scores):
    """A cell reads "score [lower-upper] coverage%", and n/a where the score is NaN."""
    index_row, lens_row = scores.export("table").splitlines()[2:]
    assert index_row.endswith("33.3 [33.3-33.3] 100%  66.7 [50.0-75.0]  50%")
    assert lens_row.split()[2] == "n/a"


def test_table_aligns_wide_characters_by_display_width(scores):
    """Every line ends at the same display column, Korean glyphs counting two columns each."""
    lines = scores.export("table").splitlines()
    assert len({display_width(line) for line in lines}) == 1


def test_export_passes_options_to_the_exporter(scores):
    """Options reach the exporter: kinds=('item',) gives the table a row per item only."""
    lines = scores.export("table", kinds=("item",)).splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["q1", "q2"]


def test_export_writes_the_text_to_path(scores, tmp_path):
    """With a path, export writes the text it returns, ending in a newline."""
    path = tmp_path / "scores.json"
    text = scores.export("json", path, indent=None)
    assert path.read_text(encoding="utf-8") == text + "\n"
    assert "\n" not in text


def test_unknown_format_raises_scoring_error(scores):
    """An unknown format is a ScoringError naming it and the known formats."""
    with pytest.raises(icindex.ScoringError, match=r"'xlsx'.*table, csv, json, coinr-csv"):
        scores.export("xlsx")


def test_coinr_csv_has_ucode_first_and_no_names_or_coverage(scores):
    """coinr-csv: uCode then the scores and bounds; no name column and no coverage columns."""
    header, first, _ = scores.export("coinr-csv").split("\n", 2)
    assert header.split(",")[:5] == ["uCode", "q1", "q2", "index", "lens"]
    assert not any(column.endswith(":coverage") for column in header.split(","))
    assert "name" not in header.split(",")
    assert first.split(",")[:4] == ["a", "0.3", "50", "33.3333333333333"]


def test_coinr_csv_flags_imputed_items(scores):
    """With imputation, coinr-csv adds an '<item>:imputed' column of 1 and 0 per item."""
    imputed = icindex.Scores(
        city_ids=scores.city_ids,
        city_names=scores.city_names,
        ids=IDS,
        names=scores.names,
        kinds=KINDS,
        values=scores.values,
        coverage=scores.coverage,
        imputed=np.array([[False, True, False, False], [False, False, False, False]]),
    )
    rows = list(csv.DictReader(io.StringIO(imputed.export("coinr-csv"))))
    assert [row["q2:imputed"] for row in rows] == ["1", "0"]
    assert "index:imputed" not in rows[0]


@pytest.fixture
def carried(icc) -> icindex.Scores:
    """Two cities with a formula-like name, a country, a round, facts and evidence."""
    cities = [
        icindex.CityResponse(
            "a",
            '=HYPERLINK("http://x","y")',
            country="KR",
            round="2024",
            facts={"population": 120000, "foreign_share": 13.3},
            evidence={"commitment_strategy": "=cmd|' /C calc'!A0"},
        ),
        icindex.CityResponse(
            "b", "Ansan (안산시)", country="-KR", facts={"foreign_share": 0.1 + 0.2}
        ),
    ]
    return icindex.score(icc, cities)


def test_csv_text_cells_are_spreadsheet_safe_and_numbers_are_not(carried):
    """Names, countries and headers starting like a formula get an apostrophe; numbers do not."""
    text = carried.export("csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == '\'=HYPERLINK("http://x","y")' and rows[2][1] == "Ansan (안산시)"
    assert rows[2][2] == "'-KR"
    assert not any(cell.startswith("'") for cell in rows[1][4:])


def test_csv_carries_country_round_and_facts_after_the_name(icc, carried):
    """Columns: city_id, name, country, round, one fact:<id> per fact the definition declares
    (in its order, known or not: every chunk of a stream has the same columns), then
    <item>:score."""
    header, first, second = list(csv.reader(io.StringIO(carried.export("csv"))))
    facts = [f"fact:{fact.id}" for fact in icc.facts]
    assert facts[:3] == ["fact:population", "fact:foreign_residents", "fact:foreign_share"]
    assert header[: 4 + len(facts)] == ["city_id", "name", "country", "round", *facts]
    assert header[4 + len(facts)] == "commitment_public_statement:score"
    assert first[2:7] == ["KR", "2024", "120000", "", "13.3"]
    # no population: an empty cell; 0.1 + 0.2 to 15 digits: 0.3
    assert second[2:7] == ["'-KR", "", "", "", "0.3"]
    assert first[7 : 4 + len(facts)] == second[7 : 4 + len(facts)] == [""] * (len(facts) - 3)


def test_json_carries_country_round_facts_and_evidence(carried):
    """JSON per city: country, round, typed facts at full precision, evidence."""
    first, second = json.loads(carried.export("json"))["cities"]
    assert (first["country"], first["round"]) == ("KR", "2024")
    assert first["facts"] == {"population": 120000, "foreign_share": 13.3}
    assert first["evidence"] == {"commitment_strategy": "=cmd|' /C calc'!A0"}
    assert second["facts"] == {"foreign_share": 0.1 + 0.2}  # every digit


def test_coinr_csv_keeps_bare_codes_and_no_city_details(carried):
    """COINr's layout: uCode, then the items under their bare ids; no name, country or facts."""
    header = carried.export("coinr-csv").split("\n", 1)[0].split(",")
    assert header[:2] == ["uCode", "commitment_public_statement"]
    assert not {"name", "country", "round"} & set(header)
    assert not any(column.startswith("fact:") for column in header)


@pytest.mark.parametrize(("name", "shown"), [("\x1b[2J", "\\x1b[2J"), ("a\nb", "a\\nb")])
def test_table_shows_control_characters_as_escapes(scores, name, shown):
    """A name holding an escape sequence or a line break is shown escaped, on one line."""
    table = attrs.evolve(scores, city_names=(name, "베타시")).export("table")
    assert shown in table.splitlines()[0] and "\x1b" not in table
    assert len(table.splitlines()) == 4


def test_writing_to_a_missing_folder_is_an_output_error(scores, tmp_path):
    """A path in a folder that does not exist is an OutputError naming the folder."""
    missing = tmp_path / "nowhere"
    for write in (scores.to_csv, scores.to_json, lambda path: scores.export("table", path)):
        with pytest.raises(icindex.OutputError, match=r"folder .*nowhere.* does not exist"):
            write(missing / "scores.csv")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(scores, tmp_path, monkeypatch):
    """When the rename fails, the older file is unchanged and no temporary file remains."""
    path = tmp_path / "scores.csv"
    path.write_text("older\n", encoding="utf-8")

    def no_space(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(icindex.OutputError, match=r"scores\.csv: cannot write: No space left"):
        scores.to_csv(path)
    assert path.read_text(encoding="utf-8") == "older\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_device_is_an_output_error_naming_it(scores):
    """/dev/full is written directly (not a regular file); its ENOSPC is an OutputError."""
    with pytest.raises(icindex.OutputError, match=r"/dev/full: cannot write"):
        scores.to_csv("/dev/full")
