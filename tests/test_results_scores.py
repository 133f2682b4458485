"""The Scores result: labels with numbers, and its exports."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

import icindex
from tests.conftest import DATA


@pytest.fixture(scope="module")
def scores(tiny):
    cities = icindex.read_responses(
        [DATA / "cities" / "golden.toml", DATA / "cities" / "partial.toml"], tiny
    )
    return icindex.score(tiny, cities, missing="bounds")


def test_columns_carry_ids_names_and_kinds(scores):
    """Items come first, then nodes (root first), then groups, then variants."""
    assert scores.ids[6:] == ("index", "welcome", "rights", "lens", "short")
    assert scores.kinds[-2:] == ("group", "variant")
    assert scores.kinds.count("item") == 6
    assert scores.names[scores.ids.index("index")] == "Tiny index"


def test_get_and_column_find_by_label(scores):
    """get() and column() find numbers by city and column id; unknown labels are ScoringErrors."""
    assert scores.get("golden", "welcome_share") == 40.0
    assert scores.column("welcome_share").tolist() == [40.0, 100.0]
    with pytest.raises(icindex.ScoringError, match="no score 'nowhere'"):
        scores.column("nowhere")
    with pytest.raises(icindex.ScoringError, match="no city 'atlantis'"):
        scores.get("atlantis", "index")


def test_to_dict_and_json_use_none_for_nan(scores):
    """JSON export is valid JSON with null for missing scores and bounds per city."""
    data = json.loads(scores.to_json())
    assert data["definition"] == "tiny" and data["missing"] == "bounds"
    partial = data["cities"][1]
    assert partial["scores"]["welcome_office"] is None
    assert partial["lower"]["index"] == pytest.approx(40 / 3)
    assert partial["coverage"]["index"] == pytest.approx(0.35)
    assert data["columns"][0] == {"id": "welcome_office", "name": scores.names[0], "kind": "item"}


def test_csv_has_fifteen_digits_bounds_and_coverage(scores, tmp_path):
    """CSV holds one row per city, 15-digit numbers, bounds and coverage columns."""
    path = tmp_path / "s.csv"
    scores.to_csv(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [r["city_id"] for r in rows] == ["golden", "partial"]
    assert float(rows[0]["index"]) == pytest.approx(scores.get("golden", "index"), rel=1e-14)
    assert rows[1]["welcome_office:score"] == ""  # unknown under skip: an empty cell
    assert math.isclose(float(rows[1]["index:coverage"]), 0.35)  # (2 * 0.4 + 0.25) / 3
    assert "index:upper" in rows[0] and rows[0]["name"] == "Golden (골든)"


def test_table_shows_cities_scores_bounds_and_coverage(scores):
    """The terminal table has a row per node, group and variant and a column per city."""
    table = scores.table()
    lines = table.splitlines()
    assert "Golden (골든)" in lines[0] and "Partial" in lines[0]
    index_line = next(line for line in lines if line.startswith("index "))
    assert "62.9 [62.9-62.9] 100%" in index_line and "33.3 [13.3-53.3]  35%" in index_line
    assert any(line.startswith("lens (group)") for line in lines)


def test_dataframe_export(scores):
    """to_dataframe() gives a frame indexed by city id with a column per score."""
    pytest.importorskip("pandas")
    frame = scores.to_dataframe(coverage=True)
    assert frame.loc["golden", "welcome_share"] == 40.0
    assert frame.loc["partial", "index:coverage"] == pytest.approx(0.35)
