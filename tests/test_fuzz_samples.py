"""Fuzzing saved samples (:func:`icindex.load_sample`, CSV and JSON) and saved results.

Property: whatever the bytes, load_sample returns a Sample or raises an
:class:`icindex.IcindexError` naming the file. Seeds: samples of the golden cities (tiny) and
the example cities (ICC) saved by :func:`icindex.save_sample`. A reader of saved results
(``read_scores``) is being added on branch h-writers; until it is on this branch its fuzz
test skips with that note.
"""

from __future__ import annotations

import json
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


def _seeds() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of tiny's and ICC's samples saved as CSV and as JSON."""
    samples = [
        (TINY, icindex.Sample.of(TINY, icindex.read_responses(DATA / "cities", TINY))),
        (ICC, icindex.Sample.of(ICC, icindex.read_responses(REPO / "examples" / "cities", ICC))),
    ]
    seeds = []
    with tempfile.TemporaryDirectory() as folder:
        for _, sample in samples:
            for suffix in (".csv", ".json"):
                path = Path(folder) / f"sample{suffix}"
                icindex.save_sample(sample, path)
                seeds.append((suffix, path.read_bytes()))
    return seeds


SEEDS = _seeds()


def _definition_for(data: bytes) -> icindex.Definition:
    return TINY if b"tiny" in data else ICC


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder for the fuzzed samples."""
    return tmp_path_factory.mktemp("fuzz samples")


@fuzz_settings(60)
@given(st.sampled_from(SEEDS).flatmap(lambda s: st.tuples(st.just(s[0]), mutated(s[1]))))
def test_mutated_sample_loads_or_is_refused_naming_the_file(folder, suffix_and_data):
    """A mutated saved sample (CSV or JSON) loads, or an IcindexError names the file."""
    suffix, data = suffix_and_data
    path = folder / f"saved{suffix}"
    path.write_bytes(data)
    must_contain(lambda: icindex.load_sample(path, _definition_for(data)), path)


def _json_with(value: object) -> bytes:
    record = json.loads(dict(SEEDS)[".json"])[0]
    return json.dumps([{**record, "index": value}]).encode()


SAMPLE_ESCAPES = {
    "empty CSV": (".csv", b""),
    "empty JSON": (".json", b""),
    "JSON cut short": (".json", b"[1"),
    "JSON nested 100,000 deep": (".json", b"[" * 100_000),
    "latin-1 CSV": (".csv", b"city_id,name\n\xe9\n"),
    "row shorter than the header": (".csv", dict(SEEDS)[".csv"].splitlines()[0] + b"\na,b\n"),
    "JSON integer past float": (".json", _json_with(10**400)),
    "missing file": (".csv", None),
}


@pytest.mark.parametrize("case", SAMPLE_ESCAPES, ids=list(SAMPLE_ESCAPES))
def test_known_sample_escape_is_refused_naming_the_file(tmp_path, case):
    """Each input that escaped load_sample gives a ResponseError naming the file."""
    suffix, data = SAMPLE_ESCAPES[case]
    path = tmp_path / f"sample{suffix}"
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(icindex.IcindexError, match="sample"):
        icindex.load_sample(path, TINY)


@fuzz_settings(20)
@given(st.binary(max_size=200))
def test_random_bytes_as_saved_results_are_refused(folder, data):
    """Random bytes as a results file: read_scores reads them or an IcindexError names it."""
    read_scores = getattr(icindex, "read_scores", None)
    if read_scores is None:
        pytest.skip("read_scores is not on this branch (being added on h-writers)")
    path = folder / "scores.csv"
    path.write_bytes(data)
    must_contain(lambda: read_scores(path), path)
