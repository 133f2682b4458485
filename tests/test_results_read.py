"""read_scores: results written as JSON or CSV and read back are the results written."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given

import icindex
from icindex._results.read import read_scores
from tests.conftest import DATA
from tests.strategies import score_results


def fifteen_digits(array: np.ndarray) -> np.ndarray:
    """Each number as a 15-significant-digit decimal gives it (Python's own formatting)."""
    return np.vectorize(lambda x: float(f"{x:.15g}"), otypes=[float])(array)


@given(score_results())
def test_json_round_trip_is_exact(tmp_path_factory, scores):
    """Scores -> JSON -> read_scores gives equal scores: every float, name, fact and flag."""
    path = tmp_path_factory.mktemp("json") / "scores.json"
    scores.to_json(path)
    assert read_scores(path) == scores


@given(score_results(csv_facts=True))
def test_csv_round_trip_keeps_everything_to_fifteen_digits(tmp_path_factory, scores):
    """Scores -> CSV -> read_scores: ids, names (formula-like, Korean, control characters),
    country, round and facts as written; numbers to 15 significant digits, NaN as NaN."""
    path = tmp_path_factory.mktemp("csv") / "scores.csv"
    scores.to_csv(path)
    read = read_scores(path)
    assert read.city_ids.tolist() == scores.city_ids.tolist()
    assert read.city_names == scores.city_names
    assert (read.ids, read.kinds) == (scores.ids, scores.kinds)
    assert (read.countries, read.rounds) == (scores.countries, scores.rounds)
    for name in ("values", "coverage", "lower", "upper"):
        written, found = getattr(scores, name), getattr(read, name)
        if written is None:
            assert found is None
        else:
            np.testing.assert_array_equal(found, fifteen_digits(written), err_msg=name)
    has_items = "item" in scores.kinds
    if scores.imputed is None or not has_items:
        assert read.imputed is None
    else:
        np.testing.assert_array_equal(read.imputed, scores.imputed)
    written_facts = [dict(city) for city in scores.facts or ()]
    if not any(written_facts):
        assert read.facts is None
    else:
        for found, city in zip(read.facts, written_facts, strict=True):
            assert found.keys() == city.keys()
            for key, value in city.items():
                expected = float(f"{value:.15g}") if type(value) is float else value
                assert found[key] == expected and type(found[key]) in (type(value), int)


def test_real_scores_read_back_with_their_definition(tiny, tmp_path):
    """The golden cities' CSV read with the definition has the definition's labels back."""
    cities = icindex.read_responses([DATA / "cities" / "golden.toml"], tiny)
    scores = icindex.score(tiny, cities, missing="bounds").stored()
    scores.to_csv(tmp_path / "s.csv")
    read = read_scores(tmp_path / "s.csv", icindex.compile(tiny, missing="bounds"))
    assert (read.ids, read.names, read.kinds) == (scores.ids, scores.names, scores.kinds)
    assert (read.definition_id, read.root, read.missing) == ("tiny", "index", "bounds")
    assert read.get("golden", "welcome_share") == 40.0  # golden.toml: 40 % worked by hand


def test_json_round_trip_of_scored_responses(icc, tmp_path):
    """Scores of responses -> JSON -> read_scores equals them, facts and country included."""
    scores = icindex.score(icc, icindex.synthetic_sample(icc, 4, seed=3))
    scores.to_json(tmp_path / "s.json")
    read = read_scores(tmp_path / "s.json", icc)
    assert read == scores.stored()
    assert read.facts == scores.facts and read.rounds == ("synthetic",) * 4


@pytest.mark.parametrize(
    ("suffix", "content", "message"),
    [
        (".csv", "", "empty file"),
        (".csv", "uCode,q1\na,1\n", "expected the icindex CSV layout"),
        (".csv", "city_id,name,n0\na,A\n", r"line 2: expected 3 cells"),
        (".csv", "city_id,name,n0\na,A,3,5\n", r"line 2: expected 3 cells"),
        (".csv", 'city_id,name,n0\na,A,"3,5"\n', r"line 2: column 'n0': '3,5' is not a number"),
        (".csv", "city_id,name,n0,n0:lower\na,A,1,0\n", "both :lower and :upper"),
        (".csv", "city_id,name,n0,n0:weird\na,A,1,0\n", r"column 4 \('n0:weird'\)"),
        (".csv", "city_id,name,n0,n0\na,A,1,0\n", "appears twice"),
        (".json", "", "not valid JSON"),
        (".json", "[1", "not valid JSON"),
        (".json", "[" * 100_000, "nested too deeply"),
        (".json", "[]", "expected a JSON object"),
        (".json", '{"columns": [], "cities": [], "missing": "skip", "definition": "x"}', None),
        (".json", '{"columns": [], "cities": [{"id": "a"}]}', r"city 1: expected the key 'name'"),
    ],
)
def test_unreadable_files_name_the_file_and_place(tmp_path, suffix, content, message):
    """Each broken file is a ResponseError naming the file (and line or city) and the problem."""
    path = tmp_path / f"scores{suffix}"
    path.write_text(content, encoding="utf-8")
    if message is None:
        assert len(read_scores(path).city_ids) == 0
        return
    with pytest.raises(icindex.ResponseError, match=message) as caught:
        read_scores(path)
    assert str(path) in str(caught.value)


def test_json_nan_and_huge_numbers_are_refused(tmp_path):
    """NaN literals and integers beyond a float are errors naming the city and column."""
    base = {
        "definition": "d",
        "missing": "skip",
        "columns": [{"id": "n", "name": "N", "kind": "node"}],
    }
    for value, message in (("NaN", "NaN is not a number"), (str(10**400), "not a finite number")):
        city = '{"id": "a", "name": "A", "scores": {"n": VALUE}, "coverage": {"n": 1}}'
        text = json.dumps(base)[:-1] + ', "cities": [' + city.replace("VALUE", value) + "]}"
        path = tmp_path / "s.json"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(icindex.ResponseError, match=message):
            read_scores(path)


def test_missing_file_and_wrong_definition_are_named(icc, tiny, tmp_path):
    """A missing file, and JSON scores of another definition, are ResponseErrors."""
    with pytest.raises(icindex.ResponseError, match="file not found"):
        read_scores(tmp_path / "nowhere.csv")
    icindex.score(icc, icindex.synthetic_sample(icc, 1, seed=0)).to_json(tmp_path / "s.json")
    with pytest.raises(icindex.ResponseError, match="expected scores of definition 'tiny'"):
        read_scores(tmp_path / "s.json", tiny)
    assert math.isfinite(read_scores(tmp_path / "s.json").get("syn-001", "index"))


def test_a_blank_first_line_is_refused_naming_the_file(tmp_path):
    """An escape of the long fuzz run (IndexError on an empty header row)."""
    path = tmp_path / "scores.csv"
    path.write_bytes(b"\n")
    with pytest.raises(icindex.ResponseError, match=r"scores\.csv: line 1: no header"):
        icindex.read_scores(path)
