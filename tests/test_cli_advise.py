"""`icindex advise`: the CSV's columns and order, the table's footer, picking a city."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pytest

import icindex
from icindex._cli import advise as advise_cli
from icindex._cli.arguments import chosen_format

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "cities"
ANSAN = str(EXAMPLES / "ansan.toml")


def run(argv: list[str]) -> int:
    """Parse ``icindex advise ARGV`` as the main parser will, then run it."""
    parser = argparse.ArgumentParser(prog="icindex")
    advise_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["advise", *argv])
    chosen_format(args)  # as main() does: --format from --out's suffix when not given
    return advise_cli.run(args)


@pytest.fixture
def two_cities(tmp_path: Path) -> Path:
    """A wide CSV holding two ICC cities, one and two."""
    path = tmp_path / "two.csv"
    path.write_text(
        "city_id,commitment_strategy\none,adopted\ntwo,in_preparation\n", encoding="utf-8"
    )
    return path


def test_csv_starts_with_item_and_gain_and_is_sorted_by_gain(capsys):
    """The header starts item,gain; gains fall from row to row; one row per candidate."""
    assert run([ANSAN, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    header = list(rows[0])
    assert header[:2] == ["item", "gain"]
    assert header == ["item", "gain", "status", "current", "best", "indicator", "question", "peers"]
    gains = [float(row["gain"]) for row in rows]
    assert gains == sorted(gains, reverse=True)
    assert len(rows) == 93  # 103 ICC items, 10 answered at their best by Ansan


def test_csv_gains_are_the_api_gains(capsys):
    """Each CSV row carries the API's gain at full precision."""
    run([ANSAN, "--format", "csv", "--missing", "skip", "--sample", str(EXAMPLES)])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    icc = icindex.load_definition("icc")
    sample = icindex.read_responses(EXAMPLES, icc)
    city = next(c for c in sample if c.id == "ansan")
    from icindex._report.advice import advise

    expected = advise(icc, city, missing="skip", sample=sample).table()
    assert [(r["item"], float(r["gain"]), r["peers"]) for r in rows] == [
        (r["item"], r["gain"], r["peers"]) for r in expected
    ]


def test_top_keeps_the_k_best_and_the_combined_gain_goes_to_stderr(capsys):
    """--top 3 keeps three rows; the combined gain is on stderr, the CSV stays clean."""
    run([ANSAN, "--format", "csv", "--top", "3"])
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 4
    assert err.startswith("Combined gain of the top 3 change(s)")


def test_table_ends_with_the_combined_gain_and_the_note(capsys):
    """The table's last lines: the combined gain of the rows shown, then the skip note."""
    run([ANSAN, "--top", "2", "--missing", "skip"])
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert lines[0].split()[:2] == ["item", "gain"]
    assert lines[-2].startswith("Combined gain of the top 2 change(s) under missing='skip'")
    assert "--missing zero" in lines[-1]
    assert err == ""


def test_json_writes_to_out(tmp_path, capsys):
    """--format json --out FILE writes the rows there as a JSON list."""
    out = tmp_path / "advice.json"
    run([ANSAN, "--format", "json", "--top", "1", "--out", str(out)])
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert list(rows[0])[:2] == ["item", "gain"] and len(rows) == 1
    assert capsys.readouterr().out == ""


def test_city_picks_one_city_of_a_csv(two_cities, capsys):
    """--city two advises city two (its strategy is only in preparation: status partial)."""
    run([str(two_cities), "--city", "two", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    strategy = next(row for row in rows if row["item"] == "commitment_strategy")
    assert (strategy["status"], strategy["current"]) == ("partial", "in_preparation")


def test_a_bad_city_raises_response_error_naming_the_ids(two_cities):
    """--city naming no city of the file is an error listing the cities it holds."""
    with pytest.raises(
        icindex.ResponseError, match=r"no city 'three' \(expected one of: one, two\)"
    ):
        run([str(two_cities), "--city", "three"])


def test_several_cities_without_city_raise_response_error(two_cities):
    """A file of two cities without --city is an error naming both."""
    with pytest.raises(icindex.ResponseError, match=r"holds 2 cities.*--city ID: one, two"):
        run([str(two_cities)])


def test_top_must_be_at_least_one(capsys):
    """--top 0 is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as stop:
        run([ANSAN, "--top", "0"])
    assert stop.value.code == 2
    assert "expected a whole number >= 1" in capsys.readouterr().err
