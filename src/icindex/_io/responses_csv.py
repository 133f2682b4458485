"""Cities' answers read from CSV files, wide (a row a city) or long (a row an answer).

Rows come from :func:`icindex._files.csv_records` (line numbers as an editor counts them, CSV
and UTF-8 problems named with the file and line); each city is checked by
:class:`~icindex._io.responses.AnswerReader` with ``cell=True`` (text cells, numbers as text).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .._errors import ResponseError
from .._files import csv_records

if TYPE_CHECKING:  # responses.py imports this module to read CSV files
    from .responses import AnswerReader, CityResponse

__all__ = [
    "LONG_HEADER",
    "META_COLUMNS",
    "LongCity",
    "Placed",
    "check_width",
    "csv_header",
    "first_line",
    "is_blank",
    "open_csv",
    "read_csv",
    "read_long",
    "wide_cities",
]

META_COLUMNS = ("name", "country", "round")
LONG_HEADER = ("city_id", "item", "answer")

Placed = tuple[str, "CityResponse"]
"""A city with the place it was read from (a TOML file, or a CSV file and line)."""


def read_csv(path: Path, reader: AnswerReader) -> list[Placed]:
    with open_csv(path) as handle:
        rows = csv_records(path, handle, ResponseError)
        first = next(rows, None)
        kind, header = csv_header(path, None if first is None else first[1])
        if kind == "long":
            return read_long(path, header, rows, reader)
        cities = wide_cities(path, header, rows, reader)
        return [(f"{path}: line {line}", city) for line, city in cities]


def open_csv(path: Path) -> TextIO:
    """``path`` opened for :func:`icindex._files.csv_records`: UTF-8, a byte-order mark
    skipped, newlines left to the CSV reader."""
    try:
        return path.open(newline="", encoding="utf-8-sig")
    except OSError as problem:
        raise ResponseError(f"{path}: cannot be read: {problem.strerror}") from None


def first_line(source: str, city_id: str) -> int | None:
    """The line of the first row of ``city_id`` in the CSV file ``source``, or None.

    Only a duplicate's error message asks for it, so the file is read again then; a file
    that can no longer be read gives None (the message names the file without a line).
    """
    path = Path(source)
    try:
        with open_csv(path) as handle:
            rows = csv_records(path, handle, ResponseError)
            next(rows, None)  # the header
            for line, row in rows:
                if row and row[0].strip() == city_id:
                    return line
    except ResponseError:
        return None
    return None


def csv_header(path: Path, first_row: Sequence[str] | None) -> tuple[str, list[str]]:
    """The layout (``"wide"`` or ``"long"``) and the checked header of a CSV file's first row."""
    if first_row is None:
        raise ResponseError(f"{path}: empty file (expected a header row)")
    header = [cell.strip() for cell in first_row]
    if tuple(header[:3]) == LONG_HEADER:
        if header[3:] not in ([], ["evidence"]):
            raise ResponseError(
                f"{path}: line 1: after city_id,item,answer only an evidence column may follow "
                f"(got {header[3:]})"
            )
        return "long", header
    if header[:1] == ["city_id"]:
        seen: set[str] = set()
        for column in header:
            if column in seen:
                raise ResponseError(f"{path}: line 1: column {column!r} appears twice")
            seen.add(column)
        return "wide", header
    raise ResponseError(
        f"{path}: line 1: header must start with city_id (wide) or city_id,item,answer (long) "
        f"(got {','.join(header[:3])})"
    )


def is_blank(row: Sequence[str]) -> bool:
    """Whether a CSV row has no text at all (such rows are skipped)."""
    return not any(cell.strip() for cell in row)


def check_width(path: Path, line: int, row: Sequence[str], width: int) -> None:
    if len(row) != width:
        raise ResponseError(f"{path}: line {line}: expected {width} cells (got {len(row)})")


def wide_cities(
    path: Path, header: list[str], rows: Iterable[tuple[int, list[str]]], reader: AnswerReader
) -> Iterator[tuple[int, CityResponse]]:
    """The line and city of each non-blank ``(line, row)`` of a wide CSV, in order."""
    for line, row in rows:
        if is_blank(row):
            continue
        check_width(path, line, row, len(header))
        cells = dict(zip(header, row, strict=True))
        meta = {key: cells.pop(key) for key in ("city_id", *META_COLUMNS) if key in cells}
        meta["id"] = meta.pop("city_id").strip()
        yield line, reader.city(f"{path}: line {line}", meta, cells.items(), {}, cell=True)


def read_long(
    path: Path, header: list[str], rows: Iterable[tuple[int, list[str]]], reader: AnswerReader
) -> list[Placed]:
    per_city: dict[str, LongCity] = {}
    for line, row in rows:
        if is_blank(row):
            continue
        check_width(path, line, row, len(header))
        city_id = row[0].strip()
        per_city.setdefault(city_id, LongCity(city_id, line)).add(path, line, row)
    return [(f"{path}: line {c.line}", c.response(path, reader)) for c in per_city.values()]


class LongCity:
    """One city's rows of a long CSV, gathered until they are all read."""

    def __init__(self, city_id: str, line: int) -> None:
        self.meta: dict[str, str] = {"id": city_id}
        self.values: dict[str, str] = {}
        self.evidence: dict[str, str] = {}
        self.line = line  # the city's first row: errors in its values name it

    def add(self, path: Path, line: int, row: Sequence[str]) -> None:
        """Add one row (``city_id, item, answer[, evidence]``, of the right width); the cells
        are kept as they are (:meth:`AnswerReader.city` reads them as CSV cells)."""
        key, answer = row[1].strip(), row[2]
        target = self.meta if key in META_COLUMNS else self.values
        if key in target or key == "id":
            raise ResponseError(f"{path}: line {line}: city {self.meta['id']!r} has {key!r} twice")
        target[key] = answer
        if len(row) > 3 and row[3].strip():
            self.evidence[key] = row[3]

    def response(self, path: Path, reader: AnswerReader) -> CityResponse:
        """The city's answers, each checked against the definition."""
        where = f"{path}: line {self.line}"
        return reader.city(where, self.meta, self.values.items(), self.evidence, cell=True)
