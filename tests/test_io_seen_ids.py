"""The compact record of ids read: it answers as a plain dict of id -> file would."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icindex import ResponseError
from icindex._io.seen_ids import SeenIds

# Few short ids of different lengths: duplicates are frequent and the width grows.
city_ids = st.sampled_from(["a", "b", "ab", "b1", "c.d", "x-y_z", "long-id-9"])
chunks = st.lists(city_ids, max_size=6)
files = st.lists(st.lists(chunks, max_size=4), min_size=1, max_size=4)


def reference(layout: list[list[list[str]]]) -> tuple[str | None, list[bool]]:
    """A dict of id -> file: the first duplicate's message, and for each id of a chunk whether
    the current file held it before the chunk."""
    seen: dict[str, str] = {}
    answers = []
    for number, file in enumerate(layout):
        name = f"f{number}.csv"
        for chunk in file:
            answers += [seen.get(city_id) == name for city_id in chunk]
            for city_id in chunk:
                if city_id in seen:
                    return (
                        f"{name}: city {city_id!r} was already read from {seen[city_id]}",
                        answers,
                    )
                seen[city_id] = name
    return None, answers


@given(layout=files)
def test_seen_ids_answer_as_a_dict_would(layout):
    """Chunk by chunk and file by file, SeenIds refuses the first duplicate with the message a
    dict gives, and says which ids the current file already held."""
    want_error, want_answers = reference(layout)
    seen, answers, error = SeenIds(), [], None
    try:
        for number, file in enumerate(layout):
            seen.open(f"f{number}.csv")
            for chunk in file:
                answers += [where == number for where in seen.earlier(chunk)]
                seen.add(chunk)
                seen.flush()
    except ResponseError as raised:
        error = str(raised)
    assert error == want_error and answers == want_answers


def test_duplicate_within_one_chunk_is_refused():
    """An id twice in the ids of one chunk is refused at its second place."""
    seen = SeenIds()
    seen.open("a.csv")
    with pytest.raises(ResponseError, match=r"a\.csv: city 'y' was already read from a\.csv"):
        seen.add(["x", "y", "z", "y"])


def test_many_chunks_keep_few_runs_and_every_id():
    """1,000 chunks of 10 ids leave at most log2(1000) + 1 sorted runs, holding all 10,000."""
    seen = SeenIds()
    seen.open("a.csv")
    for chunk in range(1000):
        seen.add([f"c{chunk}-{k}" for k in range(10)])
        seen.flush()
    assert len(seen) == 10_000 and len(seen._runs) <= 10
    assert seen.earlier(["c999-9", "c1000-0", "c0-0"]) == [0, -1, 0]
    with pytest.raises(ResponseError, match="city 'c500-5' was already read"):
        seen.add(["new", "c500-5"])
