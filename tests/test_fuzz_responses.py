"""Fuzzing the answer readers: TOML cities, wide and long CSV, and the streaming reader.

Property: whatever the bytes, :func:`icindex.read_responses` and :func:`icindex.iter_encoded`
return cities or raise an :class:`icindex.IcindexError` naming the file (tests/fuzzing.py).
Inputs are valid files (the example cities, the golden cities, CSV written from them)
mutated byte by byte and line by line (tests/strategies.py: ``mutated``), and plain random
bytes. Known escapes being fixed on other branches have their own xfail tests at the end.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from tests.conftest import DATA, REPO
from tests.fuzzing import fuzz_settings, must_contain
from tests.strategies import mutated

ICC = icindex.load_definition("icc")
TINY = icindex.load_definition(DATA / "tiny")
TOML_SEEDS = [
    *(p.read_bytes() for p in sorted((REPO / "examples" / "cities").glob("*.toml"))),
    *(p.read_bytes() for p in sorted((DATA / "cities").glob("*.toml"))),
]


def _csv_seeds() -> tuple[list[bytes], list[bytes]]:
    """Wide and long CSV of the golden cities (tiny) and the example cities (ICC), as bytes."""
    wide, long = [], []
    golden = icindex.read_responses(DATA / "cities", TINY)
    examples = icindex.read_responses(REPO / "examples" / "cities", ICC)
    with tempfile.TemporaryDirectory() as folder:
        for definition, cities in ((TINY, golden), (ICC, examples)):
            icindex.write_wide_csv(Path(folder) / "w.csv", cities, definition)
            icindex.write_long_csv(Path(folder) / "l.csv", cities)
            wide.append((Path(folder) / "w.csv").read_bytes())
            long.append((Path(folder) / "l.csv").read_bytes())
    return wide, long


WIDE_SEEDS, LONG_SEEDS = _csv_seeds()
CSV_SEEDS = WIDE_SEEDS + LONG_SEEDS


def _definition_for(data: bytes) -> icindex.Definition:
    """The definition a seed was written for: tiny's cities name ``welcome_`` items."""
    return TINY if b"welcome_" in data or b'index = "tiny"' in data else ICC


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder for this module's fuzzed files (one file, rewritten by each example)."""
    return tmp_path_factory.mktemp("fuzz responses")


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@fuzz_settings(60)
@given(st.sampled_from(TOML_SEEDS).flatmap(mutated))
def test_mutated_toml_city_is_read_or_refused_naming_the_file(folder, data):
    """A mutated TOML city reads, or raises an IcindexError naming the file."""
    path = _write(folder, "city 안산.toml", data)
    must_contain(lambda: icindex.read_responses(path, _definition_for(data)), path)


@fuzz_settings(40)
@given(st.sampled_from(CSV_SEEDS).flatmap(mutated))
def test_mutated_csv_answers_are_read_or_refused_naming_the_file(folder, data):
    """A mutated wide or long CSV reads, or raises an IcindexError naming the file."""
    path = _write(folder, "answers.csv", data)
    must_contain(lambda: icindex.read_responses(path, _definition_for(data)), path)


@fuzz_settings(40)
@given(st.sampled_from(CSV_SEEDS).flatmap(mutated), st.integers(1, 3))
def test_mutated_csv_streams_as_read_responses_reads_it(folder, data, chunk_rows):
    """The stream reads a mutated CSV or refuses it naming the file; what it reads, in chunks of
    any size, is what read_responses reads (same cities, same order)."""
    path = _write(folder, "stream.csv", data)
    definition = _definition_for(data)
    chunks = must_contain(lambda: list(icindex.iter_encoded(path, definition, chunk_rows)), path)
    if chunks is not None:
        whole = icindex.read_responses(path, definition)
        streamed = [str(i) for chunk in chunks for i in chunk.encoded.city_ids]
        assert streamed == [city.id for city in whole]


@fuzz_settings(30)
@given(st.binary(max_size=300), st.sampled_from(["random.toml", "random.csv"]))
def test_random_bytes_are_refused_naming_the_file(folder, data, name):
    """Random bytes as a TOML or CSV answer file: read (rarely) or an IcindexError naming it."""
    path = _write(folder, name, data)
    must_contain(lambda: icindex.read_responses(path, TINY), path)
    if name.endswith(".csv"):
        must_contain(lambda: list(icindex.iter_encoded(path, TINY)), path)


def _city(answers: str) -> bytes:
    return f'schema_version = 1\nindex = "tiny"\n[city]\nid = "a"\n{answers}\n'.encode()


@fuzz_settings(40)
@given(
    st.sampled_from(["welcome_office", "welcome_languages", "welcome_events", "welcome_share",
                     "population", "name", "country", "round"]),
    st.sampled_from(['"yes"', "true", "1", "1.5", "-0.0", "1e308", "1e400", "9" * 30, "[]",
                     '["tour", "tour"]', '[["tour"]]', "{ x = 1 }", "1979-05-27",
                     "1979-05-27T07:32:00Z", '"=1+1"', '"\\u0000"', '""', '"unknown"', "nan",
                     "inf", '"1_0"', '"3,5"', '"٣"']),
)  # fmt: skip
def test_every_key_with_every_toml_type_is_read_or_refused(folder, key, value):
    """Structure-aware: each answer, fact and [city] key, given each TOML type, reads or fails."""
    table = "city" if key in ("name", "country", "round") else "answers"
    table = "facts" if key == "population" else table
    text = _city("") + f"[{table}]\n{key} = {value}\n".encode()
    if table == "city":
        text = _city(f"{key} = {value}")
    path = _write(folder, "typed.toml", text)
    must_contain(lambda: icindex.read_responses(path, TINY), path)


# Known escapes, fixed on other branches: keep the test, the lead removes the mark on merge.


def test_deeply_nested_toml_city_is_refused_naming_the_file(tmp_path):
    """10,000 nested brackets in a TOML city give a ResponseError, not a RecursionError."""
    path = _write(tmp_path, "deep.toml", _city("") + b"[answers]\nx = " + b"[" * 10_000)
    with pytest.raises(icindex.ResponseError, match=r"deep\.toml"):
        icindex.read_responses(path, TINY)


def test_toml_city_with_a_byte_order_mark_reads(tmp_path):
    """A UTF-8 byte-order mark before a TOML city (as Windows Notepad saves it) is skipped."""
    path = _write(
        tmp_path, "bom.toml", b"\xef\xbb\xbf" + (DATA / "cities" / "golden.toml").read_bytes()
    )
    (city,) = icindex.read_responses(path, TINY)
    assert city.id == "golden"


@pytest.mark.parametrize("reader", ["read_responses", "iter_encoded"])
def test_csv_field_over_the_limit_is_refused_naming_file_and_line(tmp_path, reader):
    """A 200,000-character cell gives a ResponseError naming file and line 2, not csv.Error."""
    path = _write(tmp_path, "long cell.csv", b"city_id,name\nc1," + b"x" * 200_000 + b"\n")
    with pytest.raises(icindex.ResponseError, match=r"long cell\.csv: line 2"):
        list(icindex.iter_encoded(path, TINY)) if reader == "iter_encoded" else (
            icindex.read_responses(path, TINY)
        )


def test_huge_integer_answer_is_refused_naming_the_item(tmp_path):
    """A 400-digit integer as a numeric answer is a ResponseError naming the item."""
    path = _write(tmp_path, "huge.toml", _city("") + b"[answers]\nwelcome_share = " + b"9" * 400)
    with pytest.raises(icindex.ResponseError, match="welcome_share"):
        icindex.read_responses(path, TINY)


def test_integer_over_python_digit_limit_is_refused_naming_the_file(tmp_path):
    """A 5,000-digit integer in a TOML city is a ResponseError naming the file."""
    path = _write(tmp_path, "digits.toml", _city("") + b"[facts]\npopulation = " + b"9" * 5000)
    with pytest.raises(icindex.ResponseError, match=r"digits\.toml"):
        icindex.read_responses(path, TINY)


@pytest.mark.parametrize("text", ["1_0", "٣"])
def test_csv_number_outside_the_grammar_is_refused(tmp_path, text):
    """A numeric answer with digit separators or non-ASCII digits is refused (``inf``, ``nan``
    and ``0x10`` are refused already)."""
    path = _write(tmp_path, "grammar.csv", f"city_id,welcome_share\nc1,{text}\n".encode())
    with pytest.raises(icindex.ResponseError, match="welcome_share"):
        icindex.read_responses(path, TINY)
