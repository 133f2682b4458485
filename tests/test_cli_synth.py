"""`icindex synth`: a synthetic sample written to a CSV or Parquet file, or to stdout."""

from __future__ import annotations

import argparse
import subprocess
import sys

import attrs
import pytest

import icindex
from icindex._cli import synth
from icindex._cli.main import main
from icindex._io import synthetic
from icindex._io.synthetic import synthetic_sample
from icindex._io.synthetic_write import write_synthetic
from tests.cli import usage_error
from tests.conftest import REPO

pytestmark = pytest.mark.filterwarnings("error")


def _run_cli(argv):
    parser = argparse.ArgumentParser(prog="icindex")
    synth.add_parser(parser.add_subparsers(dest="command"))
    return synth.run(parser.parse_args(argv))


def test_cli_writes_a_file_icindex_score_reads(icc, tmp_path, capsys):
    """`icindex synth --out` writes a wide CSV that `icindex score` scores city by city."""
    out = tmp_path / "synthetic.csv"
    assert _run_cli(["synth", "--n", "25", "--seed", "4", "--out", str(out)]) == 0
    assert icindex.read_responses(out, icc) == tuple(
        attrs.evolve(city, source=str(out)) for city in synthetic_sample(icc, 25, seed=4)
    )
    assert main(["score", str(out), "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 25


def test_cli_writes_to_stdout_without_out(capsys):
    """Without --out the CSV goes to stdout: a header and one row a city."""
    assert _run_cli(["synth", "--n", "3", "--seed", "4", "--index", "icc"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("city_id,name,country,round,population,")
    assert [line.split(",")[0] for line in lines[1:]] == ["syn-001", "syn-002", "syn-003"]


def test_cli_writes_n_rows_over_several_blocks(icc, tmp_path, monkeypatch):
    """With blocks of 10 cities, --n 35 writes a header and 35 rows, the file write_synthetic
    writes."""
    monkeypatch.setattr(synthetic, "BLOCK", 10)
    out, expected = tmp_path / "s.csv", tmp_path / "expected.csv"
    assert main(["synth", "--n", "35", "--seed", "9", "--out", str(out)]) == 0
    write_synthetic(icc, expected, 35, seed=9)
    assert len(out.read_bytes().splitlines()) == 1 + 35
    assert out.read_bytes() == expected.read_bytes()


@pytest.mark.slow
def test_stdout_holds_the_bytes_of_the_file(tmp_path):
    """`icindex synth` to stdout (a real pipe) writes exactly the bytes of --out FILE."""
    out = tmp_path / "s.csv"
    command = [sys.executable, "-m", "icindex", "synth", "--n", "40", "--seed", "2"]
    piped = subprocess.run(command, capture_output=True, check=True, cwd=REPO, timeout=120)
    subprocess.run([*command, "--out", str(out)], check=True, cwd=REPO, timeout=120)
    assert piped.stdout == out.read_bytes()


@pytest.mark.slow
def test_a_reader_that_stops_early_stops_the_stream_quietly():
    """`icindex synth --n 1000000 | head -c 10`: the stream stops, nothing on standard error."""
    command = [sys.executable, "-m", "icindex", "synth", "--n", "1000000", "--seed", "1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(10) == b"city_id,na"
        process.stdout.close()
        error = process.stderr.read()
        assert process.wait(timeout=60) == 0 and error == b""


def test_cli_writes_parquet_for_a_parquet_file(tmp_path):
    """--out FILE.parquet writes Parquet: one row a city, the CSV's columns."""
    parquet = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "s.parquet"
    assert main(["synth", "--n", "12", "--seed", "9", "--out", str(out)]) == 0
    table = parquet.read_table(out)
    assert table.num_rows == 12
    assert table.column_names[:5] == ["city_id", "name", "country", "round", "population"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--n", "-3", "--seed", "1"], "argument --n: expected a whole number >= 0 (got '-3')"),
        (["--n", "2.5", "--seed", "1"], "argument --n: expected a whole number >= 0"),
        (["--seed", "-1"], "argument --seed: expected a whole number >= 0"),
        (["--seed", "1", "--unknown-share", "1.5"], "expected a share from 0 to 1"),
    ],
)
def test_cli_bad_option_values_are_usage_errors(capsys, options, message):
    """A negative --n, a fractional one, a negative seed or a share over 1 exit 2."""
    assert message in usage_error(capsys, ["synth", *options])
