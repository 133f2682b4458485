"""`icindex validate`: definitions and answer files, told apart, every problem listed."""

from __future__ import annotations

from pathlib import Path

from icindex._cli.main import main
from icindex._cli.validate import kind_of
from tests.conftest import DATA, REPO

TINY = str(DATA / "tiny")
GOLDEN = str(DATA / "cities" / "golden.toml")


def test_validate_reports_every_problem_and_exits_1(tmp_path, capsys):
    """`validate` lists each problem of a broken definition and exits 1; a good one prints ok."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "index.toml").write_text(
        'schema_version = 1\nid = "b"\nname = "B"\nroot = "r"\ncolour = 1\n[[nodes]]\nid = "r"\n'
        'name = "R"\n[[items]]\nid = "q"\nparent = "r"\nkind = "yes_no"\nquestion = "Q?"\n'
        "weight = -2\n",
        encoding="utf-8",
    )
    assert main(["validate", str(broken), TINY]) == 1
    out = capsys.readouterr().out
    assert "2 problem(s)" in out and "unknown key 'colour'" in out and "weight" in out
    assert f"{TINY}: ok" in out


def test_answer_files_are_counted(capsys):
    """A city's TOML file read against --index: the cities and the answers known (6 in golden)."""
    assert main(["validate", "--index", TINY, GOLDEN]) == 0
    assert capsys.readouterr().out == f"{GOLDEN}: ok: 1 city, 6 answers known\n"


def test_a_folder_of_answers_is_read_file_by_file(tmp_path, capsys):
    """Each file of a folder gets its own line; a bad one is named with its problem, exit 1."""
    (tmp_path / "a.csv").write_text("city_id,welcome_office\na,yes\nb,\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("city_id,welcome_office\nc,perhaps\n", encoding="utf-8")
    assert main(["validate", "--index", TINY, str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{tmp_path / 'a.csv'}: ok: 2 cities, 1 answer known"
    assert lines[1] == f"{tmp_path / 'b.csv'}: 1 problem(s)"
    assert lines[2].startswith("  ") and "'perhaps'" in lines[2]


def test_a_city_in_two_files_is_a_problem(tmp_path, capsys):
    """The same city id in two answer files is named, with the file it was first read from."""
    twin = tmp_path / "twin.csv"
    twin.write_text("city_id,welcome_office\ngolden,no\n", encoding="utf-8")
    assert main(["validate", "--index", TINY, GOLDEN, str(twin)]) == 1
    out = capsys.readouterr().out
    assert f"  city 'golden' was already read from {GOLDEN}" in out


def test_definitions_and_answers_together(capsys):
    """Definitions and answers mix in one call, reported in the order given."""
    assert main(["validate", "--index", TINY, TINY, GOLDEN]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{TINY}: ok",
        f"{GOLDEN}: ok: 1 city, 6 answers known",
    ]


def test_kind_of_tells_files_apart(tmp_path):
    """Folders with index.toml and TOML with root/[[nodes]] are definitions; the rest answers."""
    assert kind_of(Path(TINY)) == "definition"
    assert kind_of(DATA / "tiny" / "welcome.toml") == "definition"
    assert kind_of(Path(GOLDEN)) == "answers"
    assert kind_of(REPO / "examples" / "cities") == "answers"
    assert kind_of(tmp_path / "any.csv") == "answers"
    (tmp_path / "odd.toml").write_text("x = 1\n", encoding="utf-8")
    assert kind_of(tmp_path / "odd.toml") == "definition"


def test_control_characters_in_problems_are_escaped(tmp_path, capsys):
    """A city id with an escape sequence is shown escaped, never sent to the terminal."""
    bad = tmp_path / "bad.csv"
    bad.write_text("city_id,welcome_office\n\x1b[2J,yes\n", encoding="utf-8")
    assert main(["validate", "--index", TINY, str(bad)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out
