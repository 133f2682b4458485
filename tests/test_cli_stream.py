"""`icindex score` streaming: --chunk-rows, jsonl and parquet, and large CSV input."""

from __future__ import annotations

from pathlib import Path

import pytest

import icindex
from icindex._cli import main as cli
from icindex._cli import stream as cli_stream
from icindex._cli.main import main
from tests.cli import usage_error
from tests.conftest import DATA


@pytest.fixture
def answers(icc, tmp_path) -> Path:
    """A wide CSV of 40 synthetic ICC cities (some answers unknown)."""
    path = tmp_path / "answers.csv"
    icindex.write_wide_csv(path, icindex.synthetic_sample(icc, 40, seed=4, unknown_share=0.2), icc)
    return path


@pytest.mark.parametrize("missing", ["skip", "bounds"])
def test_chunk_rows_output_is_byte_identical_to_the_default(answers, capsysbinary, missing):
    """`score --format csv --chunk-rows 7` prints exactly what `score --format csv` prints."""
    assert main(["score", str(answers), "--format", "csv", "--missing", missing]) == 0
    whole = capsysbinary.readouterr().out
    args = ["score", str(answers), "--format", "csv", "--missing", missing, "--chunk-rows", "7"]
    assert main(args) == 0
    assert capsysbinary.readouterr().out == whole and whole.count(b"\n") == 41


def test_chunk_rows_file_is_byte_identical_to_the_default(answers, tmp_path):
    """With --out, the streamed file holds the bytes the in-memory file holds."""
    whole, streamed = tmp_path / "whole.csv", tmp_path / "streamed.csv"
    assert main(["score", str(answers), "--format", "csv", "--out", str(whole)]) == 0
    args = ["score", str(answers), "--format", "csv", "--chunk-rows", "3", "--out", str(streamed)]
    assert main(args) == 0
    assert streamed.read_bytes() == whole.read_bytes()


def test_large_csv_input_streams_by_default(answers, capsysbinary, monkeypatch):
    """CSV input over the threshold is streamed without --chunk-rows (same bytes)."""
    assert main(["score", str(answers), "--format", "csv"]) == 0
    whole = capsysbinary.readouterr().out
    monkeypatch.setattr(cli_stream, "STREAM_THRESHOLD_BYTES", answers.stat().st_size - 1)

    def whole_file(*args: object) -> None:
        raise AssertionError("read whole")

    monkeypatch.setattr(cli, "read_responses", whole_file)
    assert main(["score", str(answers), "--format", "csv"]) == 0
    assert capsysbinary.readouterr().out == whole


def test_jsonl_prints_one_city_a_line(answers, capsys):
    """`score --format jsonl` prints one JSON object per city."""
    assert main(["score", str(answers), "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 40 and lines[0].startswith('{"id": "syn-001", "name": ')


def test_parquet_is_written_to_out(answers, tmp_path):
    """`score --format parquet --out FILE` writes every city."""
    parquet = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "scores.parquet"
    assert main(["score", str(answers), "--format", "parquet", "--out", str(out)]) == 0
    assert parquet.ParquetFile(out).metadata.num_rows == 40


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "table", "--chunk-rows", "5"], "--format table holds every city in memory"),
        (["--format", "json", "--chunk-rows", "5"], "--format json holds every city in memory"),
        (["--format", "parquet"], "give a path (--out FILE)"),
        (["--format", "csv", "--chunk-rows", "5", "--normalise", "rank"], "need --coinr"),
    ],
)
def test_options_that_need_memory_are_usage_errors(answers, capsys, extra, message):
    """--chunk-rows with table or json, and parquet to stdout, are usage errors (exit 2)."""
    assert message in usage_error(capsys, ["score", str(answers), *extra])


def test_chunk_rows_with_toml_cities_is_refused(capsys):
    """TOML cities are read whole: --chunk-rows with them exits 1 naming the file."""
    golden = str(DATA / "cities" / "golden.toml")
    args = ["score", golden, "--index", str(DATA / "tiny"), "--format", "csv", "--chunk-rows", "5"]
    assert main(args) == 1
    assert "golden.toml: only CSV files are read chunk by chunk" in capsys.readouterr().err


def test_chunk_rows_with_coinr_is_refused(capsys):
    """--coinr normalises across all units: streaming it is a usage error (exit 2)."""
    asem = DATA / "coinr-asem"
    args = ["score", "--coinr", str(asem / "asem_idata.csv"), str(asem / "asem_imeta.csv")]
    message = usage_error(capsys, [*args, "--format", "csv", "--chunk-rows", "5"])
    assert message.startswith("--coinr normalises across all units")


@pytest.mark.parametrize("rows", ["0", "-3", "many"])
def test_chunk_rows_must_be_a_positive_whole_number(answers, capsys, rows):
    """--chunk-rows 0 (or not a number) is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as exited:
        main(["score", str(answers), "--format", "csv", "--chunk-rows", rows])
    assert exited.value.code == 2 and "expected a whole number >= 1" in capsys.readouterr().err


def test_out_in_a_missing_folder_is_named(answers, tmp_path, capsys):
    """--out in a folder that does not exist exits 1 naming that path, as in memory."""
    out = tmp_path / "missing" / "scores.csv"
    args = ["score", str(answers), "--format", "csv", "--out", str(out)]
    assert main(args) == 1
    whole = capsys.readouterr().err
    assert whole.startswith(f"icindex: error: {out}: ") and whole.count("\n") == 1
    assert main([*args, "--chunk-rows", "5"]) == 1
    expected = f"icindex: error: {out}: cannot write: folder {str(out.parent)!r} does not exist\n"
    assert capsys.readouterr().err == whole == expected
