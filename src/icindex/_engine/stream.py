"""Read wide and long CSV answers chunk by chunk, as encoded arrays, in bounded memory.

:func:`iter_encoded` reads each file row by row (``csv.reader`` over the open file, never the
whole file) and yields :class:`Chunk` objects of at most ``chunk_rows`` cities: their encoded
answers, ids and names. It makes the checks of :func:`icindex.read_responses` and
:func:`icindex.encode`, with the same messages (file, line, city, item, value, what is
accepted), plus one of its own:

- **Long CSV: each city's rows together.** A city whose rows are split by another city's
  cannot be gathered without holding every city until the end of the file, so it is refused
  (naming the file, the line where it comes back and the city), never merged or dropped. Sort
  such a file by ``city_id`` (``read_responses`` reads it whole in any order).
- **Duplicate ids** across files and chunks are refused as ``read_responses`` refuses them. To
  find them the reader keeps the id of every city read (ids only, compactly: memory grows by
  about the length of an id plus 2 bytes a city; see :mod:`icindex._io.seen_ids`).

With several problems in one file the stream reports the first it meets, which may not be
the one ``read_responses`` (which reads a file whole before checking its cities) reports.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import numpy as np
from numpy.typing import NDArray

from .._errors import ResponseError, UsageError
from .._files import csv_records, regular_file
from .._io.responses import AnswerReader, CityResponse, check_definition, expand_paths
from .._io.responses_csv import (
    LongCity,
    check_width,
    csv_header,
    first_line,
    is_blank,
    open_csv,
    wide_cities,
)
from .._io.seen_ids import SeenIds
from .._model.definition import Definition
from .encoding import Encoded, encode
from .stream_wide import WideColumns

__all__ = ["DEFAULT_CHUNK_ROWS", "Chunk", "iter_encoded", "rechunk"]

#: Cities a chunk holds by default. A chunk of ICC cities read from a wide CSV takes about
#: 7 MB while it is parsed (its cells as Python strings); its encoded answers about 0.2 MB.
DEFAULT_CHUNK_ROWS = 1024

Numbered = Iterator[tuple[int, list[str]]]
_T = TypeVar("_T")


@attrs.frozen
class Chunk:
    """Some cities' encoded answers with their names, as :func:`iter_encoded` yields them.

    Attributes
    ----------
    encoded : Encoded
        The cities' answers (``encoded.city_ids``: their ids), in file order.
    names : tuple of str
        Each city's name (its id when the file gives none).
    countries, rounds : tuple of str or None
        Each city's country and round ("" when not given), as ``CityResponse`` holds them;
        None when the chunk does not carry them (a chunk built from encoded arrays alone).
    facts, evidence : tuple of mappings or None
        Each city's known facts and its evidence by item, likewise.
    """

    encoded: Encoded
    names: tuple[str, ...]
    countries: tuple[str, ...] | None = None
    rounds: tuple[str, ...] | None = None
    facts: tuple[Mapping[str, Any], ...] | None = None
    evidence: tuple[Mapping[str, str], ...] | None = None

    @property
    def n_cities(self) -> int:
        """Number of cities."""
        return self.encoded.n_cities

    def take(self, rows: slice) -> Chunk:
        """The cities at ``rows``, as a new Chunk."""
        details = {key: None if part is None else part[rows] for key, part in self.details()}
        return Chunk(self.encoded.take(rows), self.names[rows], **details)

    def details(self) -> list[tuple[str, tuple[Any, ...] | None]]:
        """``(field, values)`` of what the chunk carries besides answers and names."""
        return [(key, getattr(self, key)) for key in _DETAILS]

    @classmethod
    def of_cities(cls, encoded: Encoded, cities: Sequence[CityResponse]) -> Chunk:
        """The chunk of ``cities`` (their answers already ``encoded``), with all they carry."""
        return cls(
            encoded,
            tuple(city.name for city in cities),
            tuple(city.country for city in cities),
            tuple(city.round for city in cities),
            tuple(city.facts for city in cities),
            tuple(city.evidence for city in cities),
        )

    @classmethod
    def join(cls, chunks: list[Chunk]) -> Chunk:
        """The cities of ``chunks`` (at least one, all of one layout), in order, as one chunk."""
        if len(chunks) == 1:
            return chunks[0]
        parts = [chunk.encoded for chunk in chunks]

        def joined(name: str) -> NDArray[Any]:
            return np.concatenate([getattr(part, name) for part in parts])

        encoded = Encoded(
            joined("city_ids"), parts[0].layout, joined("codes"), joined("ticks"), joined("values")
        )
        details = {
            key: None
            if any(getattr(chunk, key) is None for chunk in chunks)
            else tuple(itertools.chain.from_iterable(getattr(chunk, key) for chunk in chunks))
            for key in _DETAILS
        }
        names = tuple(itertools.chain.from_iterable(c.names for c in chunks))
        return cls(encoded, names, **details)


_DETAILS = ("countries", "rounds", "facts", "evidence")


def iter_encoded(
    paths: str | Path | Iterable[str | Path],
    definition: Definition,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[Chunk]:
    """Read CSV answers chunk by chunk, each chunk's cities encoded, in bounded memory.

    Parameters
    ----------
    paths : path or iterable of paths
        Wide or long ``.csv`` files (told apart by the header), or folders of them, read in
        order (a folder's files in name order). TOML cities are read whole by
        :func:`icindex.read_responses`, not here.
    definition : Definition
        The index the answers are for.
    chunk_rows : int, >= 1
        The most cities a chunk holds. A chunk never spans two files.

    Yields
    ------
    Chunk
        Cities in file order: the same cities, ids, names and encoded answers as
        ``encode(definition, read_responses(paths, definition))``, cut into chunks.

    Raises
    ------
    ResponseError
        At once, on a path that is not a CSV file; as the chunks are read, on anything
        ``read_responses`` or ``encode`` refuses, with the same message, and on a long-CSV
        city whose rows are not together (naming the line where it comes back).
    UsageError
        At once, when ``definition`` is not a Definition, ``paths`` no path or ``chunk_rows``
        not a whole number >= 1.

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> cities = icindex.synthetic_sample(icc, 5, seed=1)
    >>> icindex.write_long_csv("answers.csv", cities)
    >>> [chunk.n_cities for chunk in iter_encoded("answers.csv", icc, chunk_rows=2)]
    [2, 2, 1]
    """
    check_definition("iter_encoded", definition)
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise UsageError(
            f"iter_encoded: chunk_rows must be a whole number >= 1 (got {chunk_rows!r})"
        )
    return _chunks(_csv_paths(paths), definition, chunk_rows)  # the checks above come first


def _chunks(files: list[Path], definition: Definition, chunk_rows: int) -> Iterator[Chunk]:
    reader = AnswerReader(definition)
    template = encode(definition, [])
    seen = SeenIds(locate=first_line)
    for path in files:
        seen.open(_source(path))
        rows = _numbered_rows(path)
        first = next(rows, None)
        layout, header = csv_header(path, None if first is None else first[1])
        if layout == "long":
            long_columns = WideColumns.for_long(reader, template)
            for batch in _long_batches(path, header, rows, seen, chunk_rows):
                chunk = _long_chunk(path, batch, reader, long_columns)
                seen.flush()
                yield chunk
        else:
            columns = WideColumns.of(header, reader, template)
            for numbered in _batches(_filled(rows), chunk_rows):
                yield _wide_chunk(path, header, numbered, reader, seen, columns)


def _csv_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Every file to read, checked before the first is read."""
    files = expand_paths(paths, "iter_encoded")
    for path in files:
        suffix = path.suffix.lower()
        if suffix == ".toml":
            raise ResponseError(
                f"{path}: only CSV files are read chunk by chunk (got a TOML city): "
                "read TOML cities whole with read_responses"
            )
        if suffix != ".csv":
            raise ResponseError(f"{path}: unknown file type (expected .toml or .csv)")
        regular_file(path, ResponseError)
    return files


def _numbered_rows(path: Path) -> Numbered:
    """Each row of a CSV file with the line it starts on (1: the header), read as it is
    asked for."""
    with open_csv(path) as handle:
        yield from csv_records(path, handle, ResponseError)


def _filled(rows: Numbered) -> Numbered:
    """The rows that hold some text (blank rows are skipped, as ``read_responses`` skips them)."""
    return ((line, row) for line, row in rows if not is_blank(row))


def _batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _source(path: Path) -> str:
    """The file a city was read from, as ``CityResponse.source`` gives it."""
    return f"{path}: ".split(": ")[0]


def _wide_chunk(
    path: Path,
    header: list[str],
    numbered: list[tuple[int, list[str]]],
    reader: AnswerReader,
    seen: SeenIds,
    columns: WideColumns | None,
) -> Chunk:
    """One chunk of a wide CSV: encoded column by column when every cell is good, else (to
    raise the first problem as ``read_responses`` would) city by city."""
    fast = columns.encode([row for _, row in numbered]) if columns is not None else None
    if fast is not None:
        encoded, fields = fast
        seen.add(encoded.city_ids.tolist(), [line for line, _ in numbered])
        seen.flush()
        return Chunk(encoded, **fields)
    placed = list(wide_cities(path, header, iter(numbered), reader))
    cities = [city for _, city in placed]
    seen.add([city.id for city in cities], [line for line, _ in placed])
    seen.flush()
    return Chunk.of_cities(encode(reader.definition, cities), cities)


def _long_batches(
    path: Path, header: list[str], rows: Numbered, seen: SeenIds, size: int
) -> Iterator[list[LongCity]]:
    """The cities of a long CSV, ``size`` at a time: a city is complete when a row of the next
    city (or the end) comes. A city that comes back is refused at the line where it does."""
    batch: list[LongCity] = []
    in_batch: set[str] = set()
    current: LongCity | None = None
    for line, row in rows:
        if is_blank(row):
            continue
        check_width(path, line, row, len(header))
        city_id = row[0].strip()
        if current is None or city_id != current.meta["id"]:
            if current is not None:
                batch.append(current)
                in_batch.add(current.meta["id"])
            if len(batch) == size:
                yield _new_cities(path, batch, seen)
                batch, in_batch = [], set()
            if city_id in in_batch:
                raise _comes_back(path, line, city_id)
            current = LongCity(city_id, line)
        current.add(path, line, row)
    if current is not None:
        batch.append(current)
    if batch:
        yield _new_cities(path, batch, seen)


def _new_cities(path: Path, batch: list[LongCity], seen: SeenIds) -> list[LongCity]:
    """``batch``, its ids noted as read; refused if one was read before (in another file, as
    ``read_responses`` refuses it; earlier in this file, as a city that comes back)."""
    ids = [city.meta["id"] for city in batch]
    for city, where in zip(batch, seen.earlier(ids), strict=True):
        if where == seen.current:
            raise _comes_back(path, city.line, city.meta["id"])
    seen.add(ids, [city.line for city in batch])
    return batch


def _comes_back(path: Path, line: int, city_id: str) -> ResponseError:
    return ResponseError(
        f"{path}: line {line}: city {city_id!r} comes back after other cities' rows; a long "
        "CSV is read chunk by chunk only when each city's rows are together: sort the file "
        "by city_id (read_responses reads it whole)"
    )


def _long_chunk(
    path: Path, batch: list[LongCity], reader: AnswerReader, columns: WideColumns
) -> Chunk:
    """One chunk of a long CSV: laid out as wide rows and encoded column by column when every
    value is good, else (to raise the first problem as ``read_responses`` would) city by city."""
    fast = columns.encode_long(batch)
    if fast is not None:
        return Chunk(fast[0], **fast[1])
    cities = [city.response(path, reader) for city in batch]
    return Chunk.of_cities(encode(reader.definition, cities), cities)


def rechunk(chunks: Iterable[Chunk], rows: int) -> Iterator[Chunk]:
    """The cities of ``chunks`` in chunks of exactly ``rows`` (the last may hold fewer).

    Scoring uses it to score in the blocks in-memory scoring uses (see ``score_stream``).

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> chunk = Chunk(icindex.synthetic_cities(icc, 5, seed=0), ("a", "b", "c", "d", "e"))
    >>> [part.names for part in rechunk([chunk, chunk.take(slice(0, 0))], 2)]
    [('a', 'b'), ('c', 'd'), ('e',)]
    """
    pending: list[Chunk] = []
    held = 0
    for chunk in chunks:
        if chunk.n_cities == 0:
            continue
        pending.append(chunk)
        held += chunk.n_cities
        while held >= rows:
            joined = Chunk.join(pending)
            yield joined.take(slice(0, rows))
            rest = joined.take(slice(rows, None))
            pending, held = ([rest] if rest.n_cities else []), rest.n_cities
    if pending:
        yield Chunk.join(pending)
