"""Large inputs, not fuzzed: 50 MB files, a 10^6-character CSV field, per loader.

Each gives a clear IcindexError or a correct result, in bounded memory. Memory is the peak of
Python's allocations while the loader runs, measured with :mod:`tracemalloc` (deterministic:
it counts what the loader allocates, not the process's RSS). No test measures time. The
50 MB files are built once per module in a temporary folder; they are marked ``large``
(deselect with ``-m "not large"``). 10^4-deep TOML nesting is tested beside each loader's
fuzz tests (test_fuzz_responses.py, test_fuzz_definitions.py, test_files.py).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import icindex
from icindex._files import MAX_TOML_BYTES
from tests.conftest import DATA

TINY = icindex.load_definition(DATA / "tiny")
ASEM = DATA / "coinr-asem"
MB = 2**20
SIZE = 50 * MB
#: One blank wide-CSV row (spaces and a comma): skipped by the readers, a kilobyte of input.
BLANK_ROW = b" " * 1000 + b",\n"


def peak_of(load: Callable[[], Any]) -> tuple[BaseException | None, int]:
    """The exception ``load()`` raised (or None) and the peak bytes Python allocated meanwhile."""
    tracemalloc.start()
    try:
        load()
    except Exception as error:  # returned for the test to check
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return None, peak


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The 50 MB files: a wide CSV (a good row, 50 MB of blank rows, a bad last row), a TOML
    city and a definition's index.toml (each a valid start, then 50 MB of comment)."""
    folder = tmp_path_factory.mktemp("large")
    rows = SIZE // len(BLANK_ROW)
    csv_path = folder / "answers.csv"
    with csv_path.open("wb") as handle:
        handle.write(b"city_id,welcome_office\nc1,yes\n")
        handle.write(BLANK_ROW * rows)
        handle.write(b"c2,maybe\n")  # on line rows + 3
    comment = b"# " + b"x" * SIZE + b"\n"
    toml_path = folder / "city.toml"
    toml_path.write_bytes((DATA / "cities" / "golden.toml").read_bytes() + comment)
    definition = folder / "tiny"
    definition.mkdir()
    for path in (DATA / "tiny").glob("*.toml"):
        (definition / path.name).write_bytes(path.read_bytes())
    (definition / "index.toml").write_bytes((DATA / "tiny" / "index.toml").read_bytes() + comment)
    return {"csv": csv_path, "toml": toml_path, "definition": definition, "rows": rows}


@pytest.mark.large
def test_50mb_csv_streams_to_its_last_row_in_bounded_memory(big):
    """The stream reads 50 MB to the bad last row (named by line) holding under 8 MiB."""
    error, peak = peak_of(lambda: list(icindex.iter_encoded(big["csv"], TINY, 1024)))
    assert isinstance(error, icindex.ResponseError)
    assert f"answers.csv: line {big['rows'] + 3}: city 'c2'" in str(error)
    assert peak < 8 * MB


@pytest.mark.large
def test_50mb_csv_read_whole_stays_within_twice_its_size(big):
    """read_responses reads the 50 MB file whole: same error, under 100 MB of allocations."""
    error, peak = peak_of(lambda: icindex.read_responses(big["csv"], TINY))
    assert isinstance(error, icindex.ResponseError)
    assert f"answers.csv: line {big['rows'] + 3}: city 'c2'" in str(error)
    assert peak < 2 * SIZE


@pytest.mark.large
def test_50mb_toml_city_is_refused_by_size_in_bounded_memory(big):
    """A 50 MB TOML city is refused as larger than 32 MiB, reading at most 32 MiB of it."""
    error, peak = peak_of(lambda: icindex.read_responses(big["toml"], TINY))
    assert isinstance(error, icindex.ResponseError)
    assert "city.toml: larger than 32 MiB" in str(error)
    assert peak < 2 * MAX_TOML_BYTES


@pytest.mark.large
def test_50mb_index_toml_is_refused_by_size_in_bounded_memory(big):
    """A 50 MB index.toml is refused as larger than 32 MiB, reading at most 32 MiB of it."""
    error, peak = peak_of(lambda: icindex.load_definition(big["definition"]))
    assert isinstance(error, icindex.DefinitionError)
    assert "index.toml: larger than 32 MiB" in str(error)
    assert peak < 2 * MAX_TOML_BYTES


MILLION = b"x" * 10**6


def _million_field(tmp_path: Path, loader: str) -> Callable[[], Any]:
    """A loader call on a file whose row 2 holds a 10^6-character cell."""
    if loader in ("read_responses", "iter_encoded"):
        path = tmp_path / "answers.csv"
        path.write_bytes(b"city_id,name\nc1," + MILLION + b"\n")
        if loader == "iter_encoded":
            return lambda: list(icindex.iter_encoded(path, TINY))
        return lambda: icindex.read_responses(path, TINY)
    if loader in ("iData", "iMeta"):
        data, meta = tmp_path / "iData.csv", tmp_path / "iMeta.csv"
        data.write_bytes((ASEM / "asem_idata.csv").read_bytes())
        meta.write_bytes((ASEM / "asem_imeta.csv").read_bytes())
        target = data if loader == "iData" else meta
        first, rest = target.read_bytes().split(b"\n", 1)
        target.write_bytes(first + b'\n"' + MILLION + b'"' + rest[rest.index(b",") :])
        return lambda: icindex.read_coinr(data, meta)
    path = tmp_path / "sample.csv"
    path.write_bytes(b"city_id,name\nc1," + MILLION + b"\n")
    return lambda: icindex.load_sample(path, TINY)


@pytest.mark.parametrize(
    "loader",
    [
        pytest.param("read_responses"),
        pytest.param("iter_encoded"),
        "iData",
        "iMeta",
        pytest.param("load_sample"),
    ],
)  # fmt: skip
def test_million_character_field_is_refused_naming_the_file(tmp_path, loader):
    """A 10^6-character CSV cell is an IcindexError naming the file (over the field limit)."""
    error, _ = peak_of(_million_field(tmp_path, loader))
    assert isinstance(error, icindex.IcindexError), repr(error)
    assert str(tmp_path) in str(error) and "field" in str(error)
