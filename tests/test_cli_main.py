"""The icindex command: exit codes, output formats and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from icindex._cli.main import main
from tests.conftest import DATA, REPO

TINY = str(DATA / "tiny")
GOLDEN = str(DATA / "cities" / "golden.toml")


def test_demo_prints_the_three_example_cities(capsys):
    """`icindex demo` prints each example city with index, indicators, bounds and coverage."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for name in ("Ansan", "Sejong", "Gwangjin-gu"):
        assert name in out
    assert "index" in out and "intercultural_lens (group)" in out and "welcoming" in out
    assert "[" in out and "%" in out


def test_score_json_to_file(tmp_path):
    """`score --format json --out` writes valid JSON for the cities given."""
    out = tmp_path / "s.json"
    assert main(["score", GOLDEN, "--index", TINY, "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["cities"][0]["id"] == "golden"


def test_score_csv_to_stdout(capsys):
    """`score --format csv` prints a header and one row per city."""
    assert main(["score", GOLDEN, "--index", TINY, "--format", "csv", "--missing", "zero"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("city_id,name,") and len(lines) == 2


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


def test_items_lists_the_questionnaire(capsys):
    """`items` lists every indicator with its items."""
    assert main(["items"]) == 0
    out = capsys.readouterr().out
    assert "welcoming_one_stop_service" in out and "anti_discrimination:" in out


def test_user_error_is_one_line_and_exit_1(tmp_path, capsys):
    """A bad answer file exits 1 with one line on stderr and no traceback."""
    bad = tmp_path / "bad.csv"
    bad.write_text("city_id,welcome_office\na,perhaps\n", encoding="utf-8")
    assert main(["score", str(bad), "--index", TINY]) == 1
    err = capsys.readouterr().err
    assert err.startswith("icindex: error: ") and "'perhaps'" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_usage_error_exits_2(capsys):
    """An unknown option is a usage error: exit 2."""
    with pytest.raises(SystemExit) as caught:
        main(["score", GOLDEN, "--missing", "sometimes"])
    assert caught.value.code == 2


@pytest.mark.parametrize("command", ["demo", "score", "validate", "items"])
def test_every_command_has_help(command, capsys):
    """--help works on every command."""
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    assert "usage: icindex" in capsys.readouterr().out


@pytest.mark.slow
def test_console_script_runs_as_a_module():
    """`python -m icindex demo` runs in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-m", "icindex", "demo"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr
    assert "Ansan" in result.stdout


def test_tutorial_city_scores_as_the_tutorial_shows(capsys):
    """The tutorial's Riverton example scores as docs/tutorial.md prints it."""
    riverton = str(REPO / "examples" / "tutorial" / "riverton.toml")
    assert main(["score", riverton, "--missing", "bounds"]) == 0
    out = capsys.readouterr().out
    tutorial = (REPO / "docs" / "tutorial.md").read_text(encoding="utf-8")
    for line in out.splitlines()[:5]:
        assert line in tutorial, line


@pytest.mark.slow
def test_a_reader_that_stops_early_gets_no_error_message():
    """`icindex demo | head -1`: the closed pipe prints nothing on standard error."""
    process = subprocess.Popen(
        [sys.executable, "-m", "icindex", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    error = process.stderr.read()
    process.wait(timeout=60)
    assert error == b""
