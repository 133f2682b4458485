"""The icindex command: exit codes, output formats and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from icindex._cli.main import main
from tests.cli import usage_error
from tests.conftest import DATA, REPO

TINY = str(DATA / "tiny")
GOLDEN = str(DATA / "cities" / "golden.toml")


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


@pytest.mark.parametrize(
    "command",
    ["demo", "score", "validate", "items", "template", "compare", "advise", "report", "synth",
     "uncertainty", "sensitivity"],
)  # fmt: skip
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


def _piped(command: list[str]) -> subprocess.CompletedProcess[bytes]:
    """``python -m icindex COMMAND | head -n 1`` through a real pipe; the icindex process."""
    icindex = subprocess.Popen(
        [sys.executable, "-m", "icindex", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert icindex.stdout is not None and icindex.stderr is not None
    head = subprocess.run(["head", "-n", "1"], stdin=icindex.stdout, capture_output=True)
    icindex.stdout.close()  # only head held the pipe's reading end, and it has exited
    error = icindex.stderr.read()
    icindex.stderr.close()
    status = icindex.wait(timeout=120)
    return subprocess.CompletedProcess(command, status, head.stdout, error)


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [["items"], ["demo"], ["template"], ["score", "examples/cities", "--format", "csv"]],
)
def test_a_reader_that_stops_early_ends_the_command_quietly(command):
    """`icindex items | head -n 1`: status 0, nothing on standard error, the first line read."""
    result = _piped(command)
    assert result.returncode == 0 and result.stderr == b""
    assert result.stdout.count(b"\n") == 1


@pytest.mark.parametrize(
    "command",
    [["template"], ["score", GOLDEN, "--index", TINY], ["score", GOLDEN, "--format", "csv",
     "--index", TINY]],
)  # fmt: skip
def test_a_full_disk_is_one_line_naming_the_path(capsys, command):
    """`--out /dev/full` exits 1 with one line naming /dev/full (and no "None")."""
    if not Path("/dev/full").is_char_device():  # checked now: never create a file in /dev
        pytest.skip("needs the /dev/full device (Linux)")
    assert main([*command, "--out", "/dev/full"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("icindex: error: /dev/full: ") and err.count("\n") == 1
    assert "None" not in err and "No space left on device" in err


def test_version_prints_the_installed_version(capsys):
    """`icindex --version` prints `icindex <version>` from the package metadata, exit 0."""
    from importlib.metadata import version

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"icindex {version('icindex')}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score"], "give RESPONSES (files or folders) or --coinr IDATA IMETA"),
        (["score", GOLDEN, "--min-coverage", "2"], "argument --min-coverage: expected a share"),
        (["score", GOLDEN, "--min-coverage", "nan"], "argument --min-coverage: expected a share"),
        (["score", GOLDEN, "--missing", "zero", "--min-coverage", "0.5"], "applies to --missing"),
        (["score", "--coinr", "i.csv", "m.csv", "--range", "100,0"], "LO < HI (got '100,0')"),
        (["score", "--coinr", "i.csv", "m.csv", "--range", "0"], "two numbers LO,HI"),
        (["score", "--coinr", "i.csv", "m.csv", "--missing", "bounds"], "--missing bounds is for"),
        (["score", GOLDEN, "--coinr", "i.csv", "m.csv"], "not both"),
        (["score", "--coinr", "i.csv", "m.csv", "--sd", "0"], "--sd: expected a number > 0"),
        (["score", "--coinr", "i.csv", "m.csv", "--min-availability", "1.5"], "a share from 0"),
        (["score", "--coinr", "i.csv", "m.csv", "--normalise", "goalposts"], "needs low and high"),
        (["score", "--coinr", "i.csv", "m.csv", "--aggregate", "genmean:x"], "needs a number P"),
        (["score", "--coinr", "i.csv", "m.csv", "--backend", "dask"], "--backend dask: expected"),
        (["score", GOLDEN, "--scheduler", "tcp://h:1"], "expected --backend dask with it"),
        (["demo", "--min-coverage", "-0.1"], "expected a share from 0 to 1"),
        (["advise", GOLDEN, "--top", "0"], "expected a whole number >= 1"),
        (["report", GOLDEN, "--out", "r.pdf"], "expected a file ending in .html, .htm, .md"),
        (["report", GOLDEN, "--out", "r.md", "--mapping", "m.toml"], "expected --previous FILE"),
        (["report", GOLDEN, "--out", "r.md", "--previous", GOLDEN, "--previous-index", "icc"],
         "expected --mapping FILE"),
        (["template", "--format", "xlsx"], "invalid choice: 'xlsx'"),
    ],
)  # fmt: skip
def test_command_line_mistakes_exit_2_with_usage(capsys, argv, message):
    """A wrong option value or combination prints the usage and one error line, exit 2."""
    assert message in usage_error(capsys, argv)


def test_error_messages_show_control_characters_as_escapes(tmp_path, capsys):
    """A file name with an escape sequence is shown escaped in the one-line error."""
    bad = tmp_path / "x\x1b[2Jy.csv"
    bad.write_text("city_id,welcome_office\na,perhaps\n", encoding="utf-8")
    assert main(["score", str(bad), "--index", TINY]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "x\\x1b[2Jy.csv" in err


ANSAN = str(REPO / "examples" / "cities" / "ansan.toml")


@pytest.mark.parametrize(
    ("out", "first"),
    [
        ("scores.csv", "city_id,name,country,round,"),  # the CSV header
        ("scores.json", "{"),
        ("scores.txt", "score "),  # the table: header row starts with "score"
    ],
)
def test_out_suffix_chooses_the_format(tmp_path, out, first):
    """Without --format, --out scores.csv writes CSV (not a table into a .csv file)."""
    path = tmp_path / out
    assert main(["score", ANSAN, "--out", str(path)]) == 0
    assert path.read_text(encoding="utf-8").startswith(first)


def test_explicit_format_wins_over_the_suffix(tmp_path):
    """--format table --out x.csv writes what was asked for."""
    path = tmp_path / "x.csv"
    assert main(["score", ANSAN, "--format", "table", "--out", str(path)]) == 0  # fmt: skip
    assert path.read_text(encoding="utf-8").startswith("score ")
