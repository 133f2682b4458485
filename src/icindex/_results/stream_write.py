"""Score CSV answers chunk by chunk and write each block of scores as soon as it is scored.

:func:`score_stream` reads with :func:`icindex._engine.stream.iter_encoded`, scores with
:func:`icindex.score` and writes with a sink chosen from :data:`STREAM_SINKS` by format name:

- ``csv``: byte for byte what ``export("csv")`` gives for the same cities scored at once from
  their ids and names (the rows are made by the CSV exporter's own
  :func:`~icindex._results.csv_layout.csv_rows`);
- ``jsonl``: one JSON object per line and city, the per-city data of the JSON exporter
  (``id``, ``name``, ``scores``, ``coverage``, with bounds ``lower`` and ``upper``), NaN as null;
- ``parquet`` (needs pyarrow): the CSV's columns, one row group per block, NaN as null.

A stream carries each city's id and name only: country, round, facts and evidence are not
read (score the cities in memory, with :func:`icindex.read_responses`, to export them).

Cities are scored in the blocks :func:`icindex.score` itself scores a whole sample in
(:meth:`icindex.Plan.chunk_rows`, about 16 MiB of work arrays), counted from the first city,
whatever ``chunk_rows`` the reading uses: the matrix products of the engine may round the last
bit of a score differently when a city sits elsewhere in a block, and this keeps every number
identical to in-memory scoring. Memory holds one chunk being read and one block being scored
and written (plus the ids read, see ``iter_encoded``), however large the files.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

import attrs
import numpy as np

from .._engine.encoding import encode
from .._engine.plan import Plan, compile
from .._engine.score import score
from .._engine.stream import DEFAULT_CHUNK_ROWS, Chunk, iter_encoded, rechunk
from .._errors import ScoringError
from .._files import atomic_write
from .._model.definition import Definition
from .csv_layout import csv_columns, csv_rows, text_columns
from .export import city_records
from .scores import Scores, definition_facts

__all__ = ["BINARY_FORMATS", "STREAM_SINKS", "StreamSummary", "score_stream"]

Output = str | Path | IO[str]


class Sink(Protocol):
    """Where streamed scores go: ``write`` each block of scores in order, then ``close``."""

    def write(self, scores: Scores) -> None:
        """Write one block of scores (every column stored)."""

    def close(self) -> None:
        """Finish the output (the caller closes a stream it gave)."""


class _CsvSink:
    def __init__(self, out: IO[Any]) -> None:
        self.handle = out
        self.header = True

    def write(self, scores: Scores) -> None:  # rows as the CSV exporter writes them
        rows = csv_rows(scores, header=self.header)
        self.handle.write("".join(",".join(row) + "\n" for row in rows))
        self.header = False

    def close(self) -> None:
        pass


class _JsonlSink:
    def __init__(self, out: IO[Any]) -> None:
        self.handle = out

    def write(self, scores: Scores) -> None:
        for city in city_records(scores):
            self.handle.write(json.dumps(city, ensure_ascii=False, allow_nan=False) + "\n")

    def close(self) -> None:
        pass


class _ParquetSink:
    """Numbers as doubles (NaN as null), text columns as strings, as they are (no apostrophe:
    Parquet cells are typed, a spreadsheet does not run them)."""

    def __init__(self, out: IO[Any]) -> None:
        try:
            self.arrow: Any = importlib.import_module("pyarrow")
            self.parquet: Any = importlib.import_module("pyarrow.parquet")
        except ImportError:
            raise ScoringError("format 'parquet' needs pyarrow: pip install pyarrow") from None
        self.out = out
        self.writer: Any = None

    def write(self, scores: Scores) -> None:
        header, numbers = csv_columns(scores)
        strings = text_columns(scores, id_column="city_id", names=True).values()
        columns = [self.arrow.array(values, type=self.arrow.string()) for values in strings]
        columns += [self.arrow.array(x, mask=np.isnan(x)) for x in numbers.T]
        table = self.arrow.Table.from_arrays(columns, names=header)
        if self.writer is None:
            self.writer = self.parquet.ParquetWriter(self.out, table.schema)
        self.writer.write_table(table, row_group_size=max(table.num_rows, 1))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


#: Format name -> the sink writing it to an open stream (text; binary for ``BINARY_FORMATS``).
STREAM_SINKS: dict[str, Callable[[IO[Any]], Sink]] = {
    "csv": _CsvSink,
    "jsonl": _JsonlSink,
    "parquet": _ParquetSink,
}
BINARY_FORMATS = frozenset({"parquet"})
"""Formats written to a binary file, so only to a path."""


@attrs.frozen
class StreamSummary:
    """What :func:`score_stream` did.

    Attributes
    ----------
    cities : int
        Cities read, scored and written.
    chunks : int
        Chunks read (at most ``chunk_rows`` cities each).
    blocks : int
        Blocks scored and written (``Plan.chunk_rows()`` cities each, the last fewer).
    """

    cities: int
    chunks: int
    blocks: int


def score_stream(
    plan: Definition | Plan,
    paths: str | Path | Iterable[str | Path],
    *,
    out: Output,
    format: str = "csv",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> StreamSummary:
    """Score the cities of large CSV files chunk by chunk, writing the scores as they come.

    Parameters
    ----------
    plan : Definition or Plan
        What to score with (a Plan carries the missing-answer policy and its options).
    paths : path or iterable of paths
        Wide or long CSV files, or folders of them (a long CSV holds a city's rows together).
    out : path or text stream
        Where to write. A path is written whole or not at all (a temporary file beside it,
        renamed at the end); ``/dev/stdout`` or a pipe directly. ``parquet`` needs a path.
    format : {"csv", "jsonl", "parquet"}
        A key of :data:`STREAM_SINKS` (see the module docstring).
    chunk_rows : int, >= 1
        The most cities read at once.

    Returns
    -------
    StreamSummary

    Raises
    ------
    ResponseError
        As :func:`iter_encoded` (nothing is left at ``out`` when it is a path).
    ScoringError
        On an unknown format, or ``parquet`` without pyarrow or without a path.
    OutputError
        When ``out`` cannot be written (a missing folder, a full disk).

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> icindex.write_wide_csv("answers.csv", icindex.synthetic_sample(icc, 5, seed=1), icc)
    >>> score_stream(icc, "answers.csv", out="scores.csv", chunk_rows=2)
    StreamSummary(cities=5, chunks=3, blocks=1)
    >>> at_once = icindex.score(icc, icindex.read_responses("answers.csv", icc))
    >>> open("scores.csv", encoding="utf-8").read() == at_once.export("csv")
    True
    """
    if format not in STREAM_SINKS:
        known = ", ".join(STREAM_SINKS)
        raise ScoringError(f"score_stream: no format {format!r} (known formats: {known})")
    compiled = plan if isinstance(plan, Plan) else compile(plan)
    if not isinstance(out, str | Path):
        if format in BINARY_FORMATS:
            raise ScoringError(f"format {format!r} is written to a file: give a path (--out FILE)")
        return _stream(compiled, paths, STREAM_SINKS[format](out), chunk_rows)
    with atomic_write(Path(out), binary=format in BINARY_FORMATS) as handle:
        return _stream(compiled, paths, STREAM_SINKS[format](handle), chunk_rows)


def _stream(
    plan: Plan, paths: str | Path | Iterable[str | Path], sink: Sink, chunk_rows: int
) -> StreamSummary:
    counts = {"cities": 0, "chunks": 0, "blocks": 0}

    def counted(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        for chunk in chunks:
            counts["chunks"] += 1
            yield chunk

    try:
        chunks = counted(iter_encoded(paths, plan.definition, chunk_rows))
        for block in rechunk(chunks, plan.chunk_rows()):
            sink.write(_scored(plan, block))
            counts["cities"] += block.n_cities
            counts["blocks"] += 1
        if counts["blocks"] == 0:  # no city: the output still has its header (or schema)
            sink.write(_scored(plan, Chunk(encode(plan.definition, []), (), (), (), (), ())))
    finally:
        sink.close()
    return StreamSummary(**counts)


# What a Chunk may carry besides names, passed on to the exports when it does.
_DETAILS = ("countries", "rounds", "facts", "evidence")


def _scored(plan: Plan, block: Chunk) -> Scores:
    """One block's scores with the cities' names (and country, round, facts and evidence when
    the chunk carries them), every column stored (as the exporters use)."""
    details = {key: getattr(block, key, None) for key in _DETAILS}
    carried = {key: value for key, value in details.items() if value is not None}
    if block.facts is not None:  # one set of fact columns for every chunk
        carried["fact_ids"] = definition_facts(plan.definition)
    return attrs.evolve(score(plan, block.encoded), city_names=block.names, **carried).stored()
