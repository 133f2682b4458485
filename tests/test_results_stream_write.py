"""Scoring CSV answers chunk by chunk: the streamed outputs hold the in-memory scores."""

from __future__ import annotations

import importlib
import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from icindex._results.csv_layout import csv_columns
from icindex._results.stream_write import StreamSummary, score_stream


def sample_file(folder: Path, icc: icindex.Definition, n: int, seed: int, long: bool) -> Path:
    """A synthetic sample of ``n`` cities written as a wide or long CSV."""
    path = folder / "answers.csv"
    cities = icindex.synthetic_sample(icc, n, seed=seed, unknown_share=0.2)
    if long:
        icindex.write_long_csv(path, cities)
    else:
        icindex.write_wide_csv(path, cities, icc)
    return path


def in_memory(plan: icindex.Plan, path: Path) -> icindex.Scores:
    """The cities of ``path`` read and scored at once, carrying what a stream carries too:
    ids, names, countries, rounds, facts and evidence."""
    return icindex.score(plan, icindex.read_responses(path, plan.definition))


@given(
    n=st.integers(0, 12),
    seed=st.integers(0, 2**16),
    long=st.booleans(),
    missing=st.sampled_from(["skip", "bounds", "zero"]),
    block=st.sampled_from([None, 1, 3, 4]),
    data=st.data(),
)
def test_streamed_csv_is_byte_identical_to_the_exporter(
    icc, tmp_path_factory, n, seed, long, missing, block, data
):
    """The streamed CSV file is byte for byte ``score(...).export("csv")`` on the whole file,
    whatever the chunk size, policy and scoring block (the plan's chunk_size)."""
    rows = data.draw(st.integers(1, n + 1), label="chunk_rows")
    folder = tmp_path_factory.mktemp("csv")
    path = sample_file(folder, icc, n, seed, long)
    plan = icindex.compile(icc, missing=missing, chunk_size=block)
    summary = score_stream(plan, path, out=folder / "scores.csv", chunk_rows=rows)
    assert summary.cities == n and summary.chunks == -(-n // rows)
    written = (folder / "scores.csv").read_bytes()
    assert written == in_memory(plan, path).export("csv").encode("utf-8")


@given(n=st.integers(0, 8), seed=st.integers(0, 2**16), rows=st.integers(1, 9))
def test_jsonl_holds_the_json_exporters_cities(icc, tmp_path_factory, n, seed, rows):
    """Each jsonl line is one city's data of the JSON exporter (NaN as null), in order."""
    folder = tmp_path_factory.mktemp("jsonl")
    path = sample_file(folder, icc, n, seed, long=False)
    plan = icindex.compile(icc, missing="bounds")
    score_stream(plan, path, out=folder / "scores.jsonl", format="jsonl", chunk_rows=rows)
    lines = (folder / "scores.jsonl").read_text(encoding="utf-8").splitlines()
    want = json.loads(in_memory(plan, path).to_json())["cities"]
    assert [json.loads(line) for line in lines] == want


def test_parquet_holds_the_csv_columns_one_row_group_per_block(icc, tmp_path):
    """The parquet file has the CSV's columns and numbers (NaN as null), a row group a block."""
    parquet = pytest.importorskip("pyarrow.parquet")
    path = sample_file(tmp_path, icc, 11, seed=5, long=False)
    plan = icindex.compile(icc, missing="bounds", chunk_size=4)
    summary = score_stream(plan, path, out=tmp_path / "s.parquet", format="parquet", chunk_rows=3)
    assert summary == StreamSummary(cities=11, chunks=4, blocks=3)
    file = parquet.ParquetFile(tmp_path / "s.parquet")
    assert [file.metadata.row_group(g).num_rows for g in range(3)] == [4, 4, 3]
    table = file.read()
    scores = in_memory(plan, path).stored()
    header, numbers = csv_columns(scores)
    assert table.column_names == header
    assert table.column("city_id").to_pylist() == scores.city_ids.tolist()
    assert table.column("name").to_pylist() == list(scores.city_names)
    facts = [f"fact:{fact.id}" for fact in icc.facts]  # text columns, as in the CSV
    texts = len(header) - numbers.shape[1]
    assert header[:texts] == ["city_id", "name", "country", "round", *facts]
    assert table.column("country").to_pylist() == list(scores.countries)
    for c, column in enumerate(header[texts:]):
        read = [math.nan if x is None else x for x in table.column(column).to_pylist()]
        np.testing.assert_array_equal(read, numbers[:, c], err_msg=column)


def test_parquet_without_pyarrow_names_the_install(icc, tmp_path, monkeypatch):
    """Without pyarrow, parquet is a ScoringError saying pip install pyarrow (no file left)."""
    real = importlib.import_module

    def no_pyarrow(name: str, package: str | None = None) -> object:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_pyarrow)
    path = sample_file(tmp_path, icc, 2, seed=1, long=False)
    with pytest.raises(icindex.ScoringError, match="needs pyarrow: pip install pyarrow"):
        score_stream(icc, path, out=tmp_path / "s.parquet", format="parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.csv"]


def test_a_failed_stream_leaves_no_file_and_an_older_one_unchanged(tiny, tmp_path):
    """A bad city after good chunks raises; the output path keeps what it held before."""
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "city_id,welcome_office\n" + "".join(f"c{i},yes\n" for i in range(5)) + "bad,maybe\n",
        encoding="utf-8",
    )
    out = tmp_path / "scores.csv"
    out.write_text("older\n", encoding="utf-8")
    with pytest.raises(icindex.ResponseError, match="line 7: city 'bad'"):
        score_stream(tiny, answers, out=out, chunk_rows=2)
    assert out.read_text(encoding="utf-8") == "older\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.csv", "scores.csv"]


def test_no_city_gives_the_header_alone(icc, tmp_path):
    """A CSV of no city streams to the in-memory export: the header alone."""
    path = sample_file(tmp_path, icc, 0, seed=0, long=False)
    stream = io.StringIO()
    assert score_stream(icc, path, out=stream) == StreamSummary(cities=0, chunks=0, blocks=0)
    assert stream.getvalue() == in_memory(icindex.compile(icc), path).export("csv")


def test_an_open_text_stream_is_written_and_left_open(icc, tmp_path):
    """Given an open stream, the scores go there and the stream stays open."""
    path = sample_file(tmp_path, icc, 3, seed=2, long=True)
    stream = io.StringIO()
    score_stream(icc, path, out=stream, format="jsonl")
    assert not stream.closed and len(stream.getvalue().splitlines()) == 3


@pytest.mark.parametrize(("format", "message"), [("xlsx", "no format 'xlsx'"), ("parquet", "path")])
def test_unknown_format_or_parquet_to_a_stream_is_refused(icc, tmp_path, format, message):
    """An unknown format, and parquet to an open text stream, are ScoringErrors."""
    pytest.importorskip("pyarrow")
    path = sample_file(tmp_path, icc, 1, seed=0, long=False)
    with pytest.raises(icindex.ScoringError, match=message):
        score_stream(icc, path, out=io.StringIO(), format=format)


def test_the_documented_example_runs(icc, monkeypatch, tmp_path):
    """The Python block of docs/responses.md's streaming section runs as written."""
    if not hasattr(icindex, "score_stream"):
        pytest.skip("icindex.score_stream and iter_encoded are not in the facade yet")
    monkeypatch.chdir(tmp_path)
    icindex.write_wide_csv("big.csv", icindex.synthetic_sample(icc, 30, seed=6), icc)
    text = (Path(__file__).parents[1] / "docs" / "responses.md").read_text(encoding="utf-8")
    section = text.split("## Streaming large files", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    exec(compile(block, "docs/responses.md", "exec"), {})
    assert (tmp_path / "scores.csv").read_text(encoding="utf-8").count("\n") == 31
