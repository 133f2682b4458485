"""Streaming a synthetic sample: the bytes of write_wide_csv, block by block, in bounded memory."""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import tracemalloc
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icindex
from icindex._io import synthetic, synthetic_write
from icindex._io.synthetic import synthetic_block, synthetic_sample
from icindex._io.synthetic_write import synthetic_block_csv, write_synthetic
from tests.strategies import composite_definitions, definitions

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 10 cities instead of 10,000, so that a few dozen cities span several."""
    monkeypatch.setattr(synthetic, "BLOCK", 10)


def _stream(definition, n, **options):
    buffer = io.BytesIO()
    write_synthetic(definition, buffer, n, **{"seed": 6, **options})
    return buffer.getvalue()


@pytest.mark.parametrize(("n", "unknown_share"), [(0, 0.05), (7, 0.0), (45, 0.05), (60, 0.4)])
def test_csv_is_write_wide_csv_of_the_sample_byte_for_byte(
    icc, tmp_path, small_blocks, n, unknown_share
):
    """Over 0 to 6 blocks, the stream is the file write_wide_csv writes for synthetic_sample."""
    expected = tmp_path / "expected.csv"
    cities = synthetic_sample(icc, n, seed=6, unknown_share=unknown_share)
    icindex.write_wide_csv(expected, cities, icc)
    assert _stream(icc, n, unknown_share=unknown_share) == expected.read_bytes()


@settings(max_examples=25)
@given(st.one_of(definitions(), composite_definitions()), st.integers(0, 35))
def test_any_definition_streams_the_bytes_of_write_wide_csv(definition, n):
    """For random definitions (every kind of item) the stream is write_wide_csv's file."""
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        patch.setattr(synthetic, "BLOCK", 10)
        expected = Path(folder) / "expected.csv"
        icindex.write_wide_csv(expected, synthetic_sample(definition, n, seed=6), definition)
        assert _stream(definition, n) == expected.read_bytes()


def test_text_needing_quotes_is_quoted_as_csv_does(tiny, tmp_path, small_blocks):
    """A round holding a comma and quotes is quoted as csv.writer quotes it (tiny definition)."""
    expected = tmp_path / "expected.csv"
    cities = synthetic_sample(tiny, 25, seed=6, round='pilot, "B"')
    icindex.write_wide_csv(expected, cities, tiny)
    assert _stream(tiny, 25, round='pilot, "B"') == expected.read_bytes()


def test_stream_reads_back_as_the_sample(icc, tmp_path, small_blocks):
    """The CSV of 45 cities reads back with read_responses as synthetic_sample's cities."""
    path = tmp_path / "s.csv"
    write_synthetic(icc, path, 45, seed=6)
    read = icindex.read_responses(path, icc)
    assert [attrs.evolve(c, source="") for c in read] == [
        attrs.evolve(c, source="") for c in synthetic_sample(icc, 45, seed=6)
    ]


def test_a_longer_stream_begins_with_the_shorter(icc, small_blocks):
    """The first 33 rows of a stream of 98 cities are the stream of 33 (same id width)."""
    short, long = _stream(icc, 33).splitlines(), _stream(icc, 98).splitlines()
    assert long[:34] == short


def test_a_block_written_alone_is_its_rows_of_the_stream(icc, small_blocks):
    """Block 3 drawn and written alone is rows 31-40 of the stream of 45 cities."""
    rows = _stream(icc, 45).splitlines(keepends=True)[1:]
    alone = synthetic_block_csv(icc, synthetic_block(icc, 6, 3), n=45)
    assert alone == b"".join(rows[30:40])


def test_a_text_file_gets_the_same_text(icc, tmp_path, small_blocks):
    """Written to a text file opened with newline="", the file holds the same bytes."""
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_synthetic(icc, handle, 25, seed=6)
    assert path.read_bytes() == _stream(icc, 25)


def test_parquet_holds_the_csv_cells_as_strings(icc, tmp_path, small_blocks):
    """The Parquet file has the CSV's columns and cells, as strings; an empty cell is null."""
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "s.parquet"
    write_synthetic(icc, path, 45, seed=6, unknown_share=0.3, format="parquet")
    table = parquet.read_table(path)
    rows = list(csv.DictReader(io.StringIO(_stream(icc, 45, unknown_share=0.3).decode())))
    assert table.column_names == list(rows[0])
    assert {str(field.type) for field in table.schema} == {"string"}
    assert table.to_pylist() == [{k: v or None for k, v in row.items()} for row in rows]
    assert parquet.ParquetFile(path).num_row_groups == 5  # a row group a block


def test_parquet_without_pyarrow_says_how_to_install_it(icc, tmp_path, monkeypatch):
    """Without pyarrow, Parquet is a ResponseError naming `pip install pyarrow`."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(icindex.ResponseError, match="pip install pyarrow"):
        write_synthetic(icc, tmp_path / "s.parquet", 5, seed=1, format="parquet")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"format": "xlsx"}, r"format must be one of \['csv', 'parquet'\] \(got 'xlsx'\)"),
        ({"seed": -4}, r"seed must be a whole number >= 0 \(got -4\)"),
        ({"unknown_share": 2}, r"unknown_share must be a number in \[0, 1\] \(got 2\)"),
        ({"round": 2024}, r"round must be text \(got 2024\)"),
    ],
)
def test_bad_arguments_are_usage_errors(icc, tmp_path, options, message):
    """A bad format, seed, share or round is a UsageError naming expected and found."""
    with pytest.raises(icindex.UsageError, match=message):
        write_synthetic(icc, tmp_path / "s.csv", 5, **{"seed": 1, **options})


def test_parquet_to_a_text_file_is_a_usage_error(icc):
    """Parquet is binary: a text file is refused, naming what is expected."""
    with pytest.raises(icindex.UsageError, match="Parquet expected a path or a binary file"):
        write_synthetic(icc, io.StringIO(), 5, seed=1, format="parquet")


def _peak_bytes(definition, path, n):
    tracemalloc.start()
    try:
        write_synthetic(definition, path, n, seed=1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_that_of_a_block(icc, tmp_path, monkeypatch):
    """Writing 20 blocks takes less than 3x the peak memory of writing 2."""
    monkeypatch.setattr(synthetic, "BLOCK", 500)
    _peak_bytes(icc, tmp_path / "warm.csv", 1000)  # first-call caches
    two, twenty = (_peak_bytes(icc, tmp_path / f"{n}.csv", n) for n in (1000, 10_000))
    assert (tmp_path / "10000.csv").stat().st_size > 10 * (tmp_path / "1000.csv").stat().st_size - 1
    assert twenty < 3 * two, (two, twenty)


def test_a_cut_block_is_the_head_of_the_whole_block(icc, monkeypatch):
    """A block cut to 4 rows (the last of a stream) holds the first 4 cities of the block."""
    monkeypatch.setattr(synthetic, "BLOCK", 10)
    whole = synthetic_block(icc, 2, 1)
    cut = synthetic_block(icc, 2, 1, rows=4)
    assert cut == whole.head(4)
    assert np.array_equal(cut.known, whole.known[:4])


def test_a_failed_write_leaves_the_old_file(icc, tmp_path, monkeypatch):
    """A CSV written to a path goes through a temporary file: an error midway leaves the old
    file as it was and no temporary file beside it."""
    path = tmp_path / "s.csv"
    path.write_text("old\n", encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(synthetic_write, "synthetic_block_csv", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_synthetic(icc, path, 5, seed=1)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["s.csv"]


def test_a_missing_folder_is_an_output_error(icc, tmp_path):
    """Writing into a folder that does not exist names the folder."""
    with pytest.raises(icindex.OutputError, match="does not exist"):
        write_synthetic(icc, tmp_path / "nowhere" / "s.csv", 5, seed=1)
