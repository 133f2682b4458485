"""COINr's CSV tables: their columns, and reading their cells (shared by reader and writer)."""

from __future__ import annotations

from pathlib import Path

from .. import _files
from .._errors import IcindexError
from .._files import csv_records, regular_file, spreadsheet_text

__all__ = [
    "META_COLUMNS",
    "MISSING",
    "REQUIRED_META",
    "TYPES",
    "UNIT_COLUMNS",
    "Row",
    "cell",
    "number",
    "read_table",
]

META_COLUMNS = (
    "Level",
    "iCode",
    "iName",
    "Direction",
    "Weight",
    "Unit",
    "Target",
    "Denominator",
    "Parent",
    "Type",
)
REQUIRED_META = ("Level", "iCode", "Direction", "Weight", "Parent", "Type")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
UNIT_COLUMNS = ("uCode", "uName", "Time")
MISSING = ("", "NA", "NaN")
Row = dict[str, str | None]


def read_table(path: Path, error: type[IcindexError]) -> tuple[list[str], list[tuple[int, Row]]]:
    """The header and the rows (each with the line it starts on) of a COINr CSV table.

    Read with :func:`icindex._files.csv_records`: UTF-8 with or without a byte-order mark,
    fields of bounded length, a malformed row named by its line. A column named twice, or a row
    with more or fewer cells than the header, raises ``error`` naming the file and line; blank
    lines are skipped.
    """
    if not path.exists():
        raise error(f"{path}: cannot be read: file not found")
    regular_file(path, error)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            records = list(csv_records(path, handle, error))
    except OSError as problem:
        raise error(f"{path}: cannot be read: {problem.strerror}") from None
    if not records:
        return [], []
    header = [name.strip() for name in records[0][1]]
    _no_repeated_columns(path, header, error)
    rows: list[tuple[int, Row]] = []
    for line, cells in records[1:]:
        if not cells:
            continue
        if len(cells) != len(header):
            raise error(
                f"{path}: line {line}: has {len(cells)} cells, the header has {len(header)} "
                "(a missing or extra comma?)"
            )
        rows.append((line, dict(zip(header, cells, strict=True))))
    return header, rows


def _no_repeated_columns(path: Path, header: list[str], error: type[IcindexError]) -> None:
    """Raise ``error`` for a column named twice: which copy is meant cannot be known."""
    first: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in first:
            raise error(
                f"{path}: line 1 (the header): column {name!r} is named twice, columns "
                f"{first[name]} and {position} (each column is named once)"
            )
        first[name] = position


def cell(row: Row, column: str) -> str | None:
    """The text of a cell, or None where it is missing (``NA``, empty or absent).

    Surrounding whitespace is removed, then the apostrophe the writer puts before formula-like
    text (:func:`icindex._files.spreadsheet_safe`) is removed again.
    """
    value = row.get(column)
    if value is None or value.strip() in MISSING:
        return None
    return spreadsheet_text(value.strip())


def number(row: Row, column: str) -> float | None:
    """The number in a cell, None where it is missing; ValueError (the reason) for anything else.

    The one number grammar (:func:`icindex._files.parse_number`), read from the cell as it is:
    an apostrophe before it makes it text, not a number.
    """
    value = row.get(column)
    if value is None or value.strip() in MISSING:
        return None
    return _files.parse_number(value)
