"""Reading CSV answers chunk by chunk: the same cities and errors as read_responses + encode."""

from __future__ import annotations

import math
import random
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import icindex
from icindex._engine import stream
from icindex._engine.stream import Chunk, iter_encoded, rechunk
from icindex._io.responses_csv import LongCity

WIDE = "city_id,name,country,round,population,welcome_office,welcome_events,welcome_share\n"
LONG = "city_id,item,answer,evidence\n"


def write(folder: Path, text: str, name: str = "answers.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def in_memory(path: Path | list[Path], definition: icindex.Definition) -> Chunk:
    """What read_responses and encode give, as one chunk."""
    cities = icindex.read_responses(path, definition)
    return Chunk(
        icindex.encode(definition, cities),
        tuple(city.name for city in cities),
        countries=tuple(city.country for city in cities),
        rounds=tuple(city.round for city in cities),
        facts=tuple(city.facts for city in cities),
        evidence=tuple(city.evidence for city in cities),
    )


def streamed(path: Path | list[Path], definition: icindex.Definition, rows: int) -> Chunk:
    """Every chunk of the stream joined into one (checking each holds at most ``rows``)."""
    chunks = list(iter_encoded(path, definition, rows))
    assert all(1 <= chunk.n_cities <= rows for chunk in chunks)
    empty = Chunk(icindex.encode(definition, []), (), (), (), (), ())
    return Chunk.join(chunks) if chunks else empty


def sample(icc: icindex.Definition, n: int, seed: int) -> list[icindex.CityResponse]:
    """A synthetic sample, some cities without a name (read back, their name is their id)."""
    cities = icindex.synthetic_sample(icc, n, seed=seed, unknown_share=0.2)
    rng = random.Random(seed)
    return [attrs.evolve(city, name="") if rng.random() < 0.3 else city for city in cities]


def with_blank_rows(path: Path, seed: int) -> None:
    """Scatter blank rows (skipped by every reader) between the data rows of a CSV file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rng = random.Random(seed)
    for _ in range(rng.randint(0, 3)):
        lines.insert(rng.randint(1, len(lines)), rng.choice(["\n", ",,,\n"]))
    path.write_text("".join(lines), encoding="utf-8")


@given(n=st.integers(0, 12), seed=st.integers(0, 2**16), data=st.data())
def test_wide_stream_equals_read_responses_and_encode(icc, tmp_path_factory, n, seed, data):
    """A wide CSV streamed in chunks of any size gives the cities read whole, in order."""
    rows = data.draw(st.integers(1, n + 1), label="chunk_rows")
    path = tmp_path_factory.mktemp("wide") / "answers.csv"
    cities = sample(icc, n, seed)
    icindex.write_wide_csv(path, cities, icc)
    with_blank_rows(path, seed)
    assert streamed(path, icc, rows) == in_memory(path, icc)


@given(n=st.integers(0, 8), seed=st.integers(0, 2**16), data=st.data())
def test_long_stream_equals_read_responses_and_encode(icc, tmp_path_factory, n, seed, data):
    """A long CSV (each city's rows together, in any order) streamed in chunks of any size
    gives the cities read whole: a chunk boundary never cuts a city's rows."""
    rows = data.draw(st.integers(1, n + 1), label="chunk_rows")
    path = tmp_path_factory.mktemp("long") / "answers.csv"
    cities = sample(icc, n, seed)
    icindex.write_long_csv(path, cities)
    header, *lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rng = random.Random(seed)
    by_city = [[line for line in lines if line.startswith(city.id + ",")] for city in cities]
    for city_lines in by_city:
        rng.shuffle(city_lines)
    path.write_text(header + "".join(map("".join, by_city)), encoding="utf-8")
    with_blank_rows(path, seed)
    assert streamed(path, icc, rows) == in_memory(path, icc)


# Good cells of each column of the tiny definition, and bad ones, for the differential tests.
GOOD = {
    "name": ["", "A", " Ansan ", "안산"],
    "country": ["", "KR"],
    "population": ["", "7", " 1000 ", "unknown"],
    "welcome_office": ["yes", "no", " Yes ", "TRUE", "", "unknown"],
    "welcome_languages": ["one", "few", " many", ""],
    "welcome_events": ["none", "tour", "mentor|tour", " ceremony | tour ", ""],
    "welcome_share": ["12.5", " 7 ", "-3", "1e3", "1_000", ""],
    "rights_decree": ["yes", "no", "false", ""],
    "rights_partners": ["0", "2.5", "UNKNOWN"],
}
BAD_CELLS = ["maybe", "nan", "inf", "tour|tour", "few|", "1.5", "ＹＥＳ", "안산"]
GOOD_IDS, BAD_IDS = ["a", "b", " c ", "d.1", "e-2", "f_3"], ["a", "x y", "안산", ""]


def both_ways(path: Path, definition: icindex.Definition, rows: int, cities: int) -> None:
    """read_responses + encode and the stream agree: the same cities, or both refuse (with
    the same message when the stream reads the whole file as one chunk)."""
    try:
        want = in_memory(path, definition)
    except icindex.ResponseError as whole:
        with pytest.raises(icindex.ResponseError) as caught:
            streamed(path, definition, rows)
        if rows >= cities:
            assert str(caught.value) == str(whole)
    else:
        assert streamed(path, definition, rows) == want


def cell(data: st.DataObject, column: str, bad: bool) -> str:
    """A good cell of ``column``, or (one time in five when ``bad``) a bad one."""
    if bad and data.draw(st.integers(0, 4)) == 0:
        return data.draw(st.sampled_from(BAD_CELLS))
    return data.draw(st.sampled_from(GOOD[column]))


def city_ids(data: st.DataObject, bad: bool) -> list[str]:
    if bad:
        return data.draw(st.lists(st.sampled_from(GOOD_IDS + BAD_IDS), max_size=7))
    return data.draw(st.lists(st.sampled_from(GOOD_IDS), max_size=6, unique=True))


def quoted(cells: list[str]) -> str:
    return ",".join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\n"


@given(
    columns=st.lists(st.sampled_from(list(GOOD)), unique=True), bad=st.booleans(), data=st.data()
)
def test_any_wide_file_streams_as_it_reads_whole(tiny, tmp_path_factory, columns, bad, data):
    """Any wide file (good or bad cells, columns and ids) streams in chunks of any size to what
    read_responses + encode give, or is refused as they refuse it."""
    ids = city_ids(data, bad)
    lines = [quoted(["city_id", *columns])]
    for city_id in ids:
        cells = [cell(data, column, bad) for column in columns]
        if bad and data.draw(st.integers(0, 9)) == 0:
            cells.append("")  # a row one cell too wide
        lines.append(quoted([city_id, *cells]))
    path = tmp_path_factory.mktemp("wide") / "answers.csv"
    path.write_text("".join(lines), encoding="utf-8")
    both_ways(path, tiny, data.draw(st.integers(1, len(ids) + 1)), len(ids))


@given(bad=st.booleans(), data=st.data())
def test_any_long_file_streams_as_it_reads_whole(tiny, tmp_path_factory, bad, data):
    """Any long file (each city's rows together; good or bad keys, cells, evidence and ids)
    streams in chunks of any size as read_responses + encode read it, or is refused alike."""
    ids = list(dict.fromkeys(city_ids(data, bad)))  # a city's rows come together
    lines = [quoted(LONG.strip().split(","))]
    keys = st.sampled_from([*GOOD, *(["colour", "id"] if bad else [])])
    for city_id in ids:
        for key in data.draw(st.lists(keys, min_size=1, max_size=5, unique=not bad)):
            evidence = data.draw(st.sampled_from(["", "It says so."]))
            if key in ("name", "country") and not bad:
                evidence = ""  # evidence for metadata is refused
            lines.append(
                quoted([city_id, key, cell(data, key if key in GOOD else "name", bad), evidence])
            )
    path = tmp_path_factory.mktemp("long") / "answers.csv"
    path.write_text("".join(lines), encoding="utf-8")
    both_ways(path, tiny, data.draw(st.integers(1, len(ids) + 1)), len(ids))


def test_items_without_a_column_are_unknown(tiny, tmp_path):
    """A wide CSV with some items' columns only streams as read_responses reads it."""
    path = write(tmp_path, "city_id,welcome_events,name\na,tour,A\nb,none,\nc,,C\n")
    assert streamed(path, tiny, 2) == in_memory(path, tiny)


def test_a_long_city_longer_than_a_chunk_is_held_whole(tiny, tmp_path):
    """With one city a chunk, a city of three rows comes out whole, after its last row."""
    path = write(
        tmp_path,
        LONG + "a,welcome_office,yes,\na,name,A,\na,welcome_share,20,\nb,welcome_office,no,\n",
    )
    first, second = iter_encoded(path, tiny, chunk_rows=1)
    assert first.names == ("A",) and second.encoded.city_ids.tolist() == ["b"]
    assert Chunk.join([first, second]) == in_memory(path, tiny)


@pytest.mark.parametrize("rows", [1, 2, 10])
def test_long_city_coming_back_after_another_is_refused_naming_its_line(tiny, tmp_path, rows):
    """A long-CSV city whose rows are split by another city's is refused at the line where it
    comes back, in the same chunk or a later one, with the advice to sort the file (never
    merged, never dropped)."""
    text = LONG + "a,welcome_office,yes,\nb,welcome_office,no,\nc,name,C,\n\na,name,A,\n"
    path = write(tmp_path, text)
    message = rf"^{path}: line 6: city 'a' comes back after other cities' rows.*sort the file"
    with pytest.raises(icindex.ResponseError, match=message):
        list(iter_encoded(path, tiny, chunk_rows=rows))


def test_bad_cell_in_the_third_chunk_is_named_with_its_line(tiny, tmp_path):
    """A bad answer on line 9 (the third chunk of three cities) raises read_responses' message,
    after the first two chunks came out."""
    rows = [f"c{i},C{i},,,,{'maybe' if i == 7 else 'yes'},,\n" for i in range(10)]
    path = write(tmp_path, WIDE + "".join(rows))
    with pytest.raises(icindex.ResponseError) as whole:
        icindex.read_responses(path, tiny)
    assert f"{path}: line 9: city 'c7': item 'welcome_office': 'maybe'" in str(whole.value)
    chunks = iter_encoded(path, tiny, chunk_rows=3)
    assert [next(chunks).n_cities, next(chunks).n_cities] == [3, 3]
    with pytest.raises(icindex.ResponseError) as caught:
        next(chunks)
    assert str(caught.value) == str(whole.value)


def test_duplicate_id_across_chunks_is_refused(tiny, tmp_path):
    """A city id seen in an earlier chunk is refused with read_responses' message."""
    ids = ["a", "b", "c", "d", "b"]
    path = write(tmp_path, WIDE + "".join(f"{i},,,,,yes,,\n" for i in ids))
    with pytest.raises(icindex.ResponseError) as whole:
        icindex.read_responses(path, tiny)
    with pytest.raises(icindex.ResponseError) as caught:
        list(iter_encoded(path, tiny, chunk_rows=2))
    assert str(caught.value) == str(whole.value) and "city 'b' was already read" in str(whole.value)


def test_duplicate_id_across_files_is_refused(tiny, tmp_path):
    """A city of a long CSV already read from a wide CSV is refused as read_responses does."""
    wide = write(tmp_path, WIDE + "a,,,,,yes,,\n", "1.csv")
    long = write(tmp_path, LONG + "b,welcome_office,no,\na,welcome_office,no,\n", "2.csv")
    with pytest.raises(icindex.ResponseError) as whole:
        icindex.read_responses([wide, long], tiny)
    with pytest.raises(icindex.ResponseError) as caught:
        list(iter_encoded([wide, long], tiny))
    expected = f"{long}: line 3: city 'a' was already read from {wide}: line 2"
    assert str(caught.value) == str(whole.value) == expected


@pytest.mark.parametrize(
    "text",
    [
        WIDE + "a,A,,,,maybe,,\n",
        WIDE + "a,A,,,,,party,\n",
        WIDE + "a,A,,,,,tour|tour,\n",
        WIDE + "a,A,,,,,,lots\n",
        WIDE + "a,A,,,,,,inf\n",
        WIDE + "a,A,,,1.5,,,\n",
        WIDE + "a,A,,,,,\n",
        WIDE + "a,A,,,,,,\na,B,,,,,,\n",
        WIDE + "a b,A,,,,,,\n",
        WIDE.replace("population", "welcome_office"),
        "city_id,colour\na,red\n",
        "town,name\n",
        "",
        LONG + "x,welcome_office,yes,\nx,welcome_office,no,\n",
        LONG + "x,welcome_office,maybe,\n",
        LONG + "x,welcome_office,yes\n",
        LONG + "x,colour,red,\n",
        LONG + "x,id,y,\n",
        LONG + "x,name,X,the evidence of a name\n",
        LONG + "x,welcome_office,yes,\ny b,welcome_office,no,\n",
        LONG + "x,population,many,\n",
        "city_id,item,answer,note\n",
        WIDE + "a,A,,,,,,3,5\n",
        WIDE + 'a,A,,,,,,"3,5"\n',
        WIDE + "a,A,,,1_000,,,\n",
        WIDE + "a,A,,,,,," + "9" * 140_000 + "\n",
        WIDE + 'a,A,,,,yes,,\nb,"B,,,,,,\n',
        LONG + 'x,welcome_office,yes,"one\ntwo"\ny,welcome_office,maybe,\n',
        WIDE + "a,,,,,yes,,\nb,,,,,,,\nc,,,,,,,\na,,,,,no,,\n",
    ],
)
def test_every_problem_gives_read_responses_message(tiny, tmp_path, text):
    """Each bad file raises, streamed, exactly the ResponseError read_responses raises."""
    path = write(tmp_path, text)
    with pytest.raises(icindex.ResponseError) as whole:
        icindex.read_responses(path, tiny)
    with pytest.raises(icindex.ResponseError) as caught:
        list(iter_encoded(path, tiny, chunk_rows=1))
    assert str(caught.value) == str(whole.value)


@pytest.fixture(scope="module")
def ranged(tiny):
    """The tiny definition with ranges: welcome_share 0-100, population at least 1."""
    items = tuple(
        attrs.evolve(item, value_range=(0.0, 100.0)) if item.id == "welcome_share" else item
        for item in tiny.items
    )
    facts = tuple(attrs.evolve(fact, value_range=(1.0, math.inf)) for fact in tiny.facts)
    return attrs.evolve(tiny, items=items, facts=facts)


@pytest.mark.parametrize(
    "text",
    [
        WIDE + "a,A,,,,,,50\nb,B,,,,,,100.5\n",
        WIDE + "a,A,,,0,,,\n",
        LONG + "x,welcome_share,-1,\n",
        LONG + "x,welcome_office,yes,\ny,population,0.0,\n",
    ],
)
def test_out_of_range_values_give_read_responses_message(ranged, tmp_path, text):
    """A value outside its range is refused when streamed (the column-by-column path falls
    back), with the message read_responses gives, naming line, city, item or fact and range."""
    path = write(tmp_path, text)
    with pytest.raises(icindex.ResponseError, match="is outside the range") as whole:
        icindex.read_responses(path, ranged)
    for rows in (1, 100):
        with pytest.raises(icindex.ResponseError) as caught:
            list(iter_encoded(path, ranged, chunk_rows=rows))
        assert str(caught.value) == str(whole.value)


def test_values_at_the_range_bounds_stream_column_by_column(ranged, tmp_path, monkeypatch):
    """Bounds are inside the range: a clean file of them is encoded column by column."""
    path = write(tmp_path, WIDE + "a,A,,,1,,,0\nb,B,,,2,,,100\n")
    monkeypatch.setattr(stream, "wide_cities", None)  # the city-by-city path would fail
    assert streamed(path, ranged, 10).encoded.values[:, 0].tolist() == [0.0, 100.0]


def test_duplicate_in_a_later_chunk_names_both_lines(tiny, tmp_path):
    """A city met again chunks later names the line it is met on and the line it was read at
    (found again by reading the file), as read_responses does."""
    path = write(tmp_path, WIDE + "a,,,,,yes,,\nb,,,,,,,\n\nc,,,,,,,\na,,,,,no,,\n")
    with pytest.raises(icindex.ResponseError) as caught:
        list(iter_encoded(path, tiny, chunk_rows=1))
    assert str(caught.value) == f"{path}: line 6: city 'a' was already read from {path}: line 2"


def test_names_lose_the_writers_apostrophe_in_both_paths(tiny, tmp_path):
    """Formula-safe names read back as written by either path of the stream."""
    clean = write(tmp_path, WIDE + "a,'=A,,,,yes,,\nb,'tis,,,,,,\n", "clean.csv")
    bad_later = write(tmp_path, WIDE + "c,'@C,,,,yes,,\n", "other.csv")
    assert streamed([clean, bad_later], tiny, 5).names == ("=A", "'tis", "@C")
    assert streamed([clean, bad_later], tiny, 5) == in_memory([clean, bad_later], tiny)
    long = write(tmp_path, LONG + "x,name,'-X,\nx,welcome_office,yes,\n", "long.csv")
    assert streamed(long, tiny, 5).names == ("-X",) == in_memory(long, tiny).names


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("a.csv", None), r"iter_encoded: definition must be a Definition"),
        ((None, "tiny"), r"iter_encoded: paths must be a path or an iterable of paths"),
        (("a.csv", "tiny", True), r"iter_encoded: chunk_rows must be a whole number >= 1"),
        (("a.csv", "tiny", "5"), r"chunk_rows must be a whole number >= 1 \(got '5'\)"),
    ],
)
def test_misuse_is_a_usage_error_at_once(tiny, arguments, message):
    """A wrong kind of argument is a UsageError when iter_encoded is called, before reading."""
    given = tuple(tiny if argument == "tiny" else argument for argument in arguments)
    with pytest.raises(icindex.UsageError, match=message):
        iter_encoded(*given)


def test_text_that_is_not_utf8_is_refused(tiny, tmp_path):
    """A file that is not UTF-8 raises read_responses' message."""
    path = tmp_path / "answers.csv"
    path.write_bytes(WIDE.encode() + "a,Malmö,,,,yes,,\n".encode("latin-1"))
    with pytest.raises(icindex.ResponseError) as whole:
        icindex.read_responses(path, tiny)
    with pytest.raises(icindex.ResponseError) as caught:
        list(iter_encoded(path, tiny))
    assert str(caught.value) == str(whole.value)


def test_toml_cities_are_refused_before_reading(tiny, tmp_path):
    """A TOML path is refused, naming it, when iter_encoded is called (before any reading)."""
    good = write(tmp_path, WIDE + "a,,,,,yes,,\n")
    with pytest.raises(icindex.ResponseError, match=r"c\.toml: only CSV files .* read_responses"):
        iter_encoded([good, tmp_path / "c.toml"], tiny)


@pytest.mark.parametrize("rows", [0, -1, 2.5])
def test_chunk_rows_must_be_a_positive_whole_number(tiny, tmp_path, rows):
    """chunk_rows below 1 (or not whole) is a UsageError when iter_encoded is called."""
    with pytest.raises(icindex.UsageError, match="iter_encoded: chunk_rows must be a whole"):
        iter_encoded(write(tmp_path, WIDE), tiny, rows)


def test_clean_wide_chunks_are_encoded_column_by_column(icc, tmp_path, monkeypatch):
    """A clean wide CSV never falls back to reading city by city (the fast path is used)."""
    path = tmp_path / "answers.csv"
    icindex.write_wide_csv(path, icindex.synthetic_sample(icc, 30, seed=3, unknown_share=0.3), icc)
    want = in_memory(path, icc)

    def refuse(*args: object) -> None:
        raise AssertionError("read city by city")

    monkeypatch.setattr(stream, "wide_cities", refuse)
    assert streamed(path, icc, 7) == want


def test_clean_long_chunks_are_encoded_column_by_column(icc, tmp_path, monkeypatch):
    """A clean long CSV is laid out as wide rows, never read city by city (the fast path)."""
    path = tmp_path / "answers.csv"
    icindex.write_long_csv(path, icindex.synthetic_sample(icc, 30, seed=3, unknown_share=0.3))
    want = in_memory(path, icc)

    def refuse(*args: object) -> None:
        raise AssertionError("read city by city")

    monkeypatch.setattr(LongCity, "response", refuse)
    assert streamed(path, icc, 7) == want


@given(sizes=st.lists(st.integers(0, 6), max_size=6), rows=st.integers(1, 7))
def test_rechunk_gives_full_blocks_in_order(icc, sizes, rows):
    """rechunk cuts any chunks into blocks of exactly ``rows`` cities (the last fewer), in order."""
    encoded = icindex.synthetic_cities(icc, sum(sizes), seed=0)
    names = tuple(encoded.city_ids.tolist())
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    chunks = [
        Chunk(encoded.take(slice(s, s + size)), names[s : s + size])
        for s, size in zip(starts, sizes, strict=True)
    ]
    blocks = list(rechunk(chunks, rows))
    assert all(block.n_cities == rows for block in blocks[:-1])
    assert sum(block.n_cities for block in blocks) == sum(sizes)
    if blocks:
        assert 1 <= blocks[-1].n_cities <= rows
        assert Chunk.join(blocks) == Chunk(encoded, names)
