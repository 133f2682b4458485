"""Saved samples: safe text, 15-digit numbers, atomic files, and every unreadable file named."""

from __future__ import annotations

import csv
import json

import attrs
import numpy as np
import pytest

import icindex
from tests.conftest import DATA

FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def sample(tiny) -> icindex.Sample:
    """The golden cities of tiny, the first renamed like a formula."""
    first, *others = icindex.read_responses(DATA / "cities", tiny)
    cities = [attrs.evolve(first, name=FORMULA), *others]
    return icindex.Sample.of(tiny, cities)


def test_csv_names_are_spreadsheet_safe_and_read_back_as_they_were(tiny, sample, tmp_path):
    """The formula-like name is written after an apostrophe and loaded without it."""
    icindex.save_sample(sample, tmp_path / "s.csv")
    with (tmp_path / "s.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][1] == "'" + FORMULA
    assert icindex.load_sample(tmp_path / "s.csv", tiny).names == sample.names


def test_csv_numbers_have_fifteen_digits_and_json_every_digit(tiny, sample, tmp_path):
    """CSV numbers are the 15-digit decimals of the values; JSON gives the sample back exactly."""
    icindex.save_sample(sample, tmp_path / "s.csv")
    icindex.save_sample(sample, tmp_path / "s.json")
    from_csv = icindex.load_sample(tmp_path / "s.csv", tiny)
    expected = np.vectorize(lambda x: float(f"{x:.15g}"), otypes=[float])(sample.values)
    np.testing.assert_array_equal(from_csv.values, expected)
    assert icindex.load_sample(tmp_path / "s.json", tiny) == sample


def test_a_missing_folder_is_an_output_error(sample, tmp_path):
    """Saving into a folder that does not exist is an OutputError naming the folder."""
    with pytest.raises(icindex.OutputError, match=r"folder .*nowhere.* does not exist"):
        icindex.save_sample(sample, tmp_path / "nowhere" / "s.csv")


def test_a_save_failing_midway_leaves_the_old_file(sample, tmp_path, monkeypatch):
    """A number failing after the header is written leaves the older file and no temporary."""
    from icindex._report import sample_io

    path = tmp_path / "s.csv"
    path.write_text("older\n", encoding="utf-8")

    def failing(value: float) -> str:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(sample_io, "_cell", failing)
    with pytest.raises(RuntimeError, match="disk gone"):
        icindex.save_sample(sample, path)
    assert path.read_text(encoding="utf-8") == "older\n"
    assert [p.name for p in tmp_path.iterdir()] == ["s.csv"]


def _header(tiny, sample, tmp_path) -> bytes:
    icindex.save_sample(sample, tmp_path / "good.csv")
    return (tmp_path / "good.csv").read_bytes().splitlines()[0]


@pytest.mark.parametrize(
    ("suffix", "content", "message"),
    [
        (".csv", b"", "empty file"),
        (".csv", b"city_id,name\n\xe9\n", "line 2, column 1: byte 0xe9 is not UTF-8"),
        (".csv", b"HEADER\na,b\n", "line 2: expected .* cells as in the header"),
        (".csv", b"city_id,name,x\n", "expected the columns"),
        (".csv", b'city_id,name\nc1,"' + b"x" * 200_000 + b'"\n', "field larger than field limit"),
        (".json", b"", "not valid JSON"),
        (".json", b"[1", "not valid JSON"),
        (".json", b"[" * 100_000, "nested too deeply"),
        (".json", b"{}", "expected a JSON list of city objects"),
        (".json", b'[{"city_id": 1}]', "'city_id' must be text"),
    ],
)
def test_unreadable_samples_name_the_file(tiny, sample, tmp_path, suffix, content, message):
    """Each broken file is a ResponseError naming the file and the problem."""
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(content.replace(b"HEADER", _header(tiny, sample, tmp_path)))
    with pytest.raises(icindex.ResponseError, match=message) as caught:
        icindex.load_sample(path, tiny)
    assert str(path) in str(caught.value)


def test_a_json_number_beyond_a_float_names_city_and_column(tiny, sample, tmp_path):
    """An integer of 400 digits where a score belongs is refused, naming city and column."""
    icindex.save_sample(sample, tmp_path / "s.json")
    records = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    text = json.dumps([{**records[0], "index": "HUGE"}]).replace('"HUGE"', str(10**400))
    (tmp_path / "s.json").write_text(text, encoding="utf-8")
    with pytest.raises(icindex.ResponseError, match=r"city 1: column 'index': 1000"):
        icindex.load_sample(tmp_path / "s.json", tiny)


def test_a_missing_file_is_named(tiny, tmp_path):
    """A path that does not exist is a ResponseError, not a FileNotFoundError."""
    with pytest.raises(icindex.ResponseError, match=r"nowhere\.csv: file not found"):
        icindex.load_sample(tmp_path / "nowhere.csv", tiny)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("blank.csv", b"\n", r"line 1: no header"),  # found by the long fuzz run (IndexError)
        ("huge.json", b"[" + b"9" * 5000 + b"]", r"not valid JSON"),  # ValueError: 4300 digits
    ],
)
def test_blank_first_line_and_huge_json_integer_are_refused(tmp_path, icc, name, data, message):
    """Two escapes of the long fuzz run: each a ResponseError naming the file."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(icindex.ResponseError, match=rf"{name}: {message}"):
        icindex.load_sample(path, icc)
