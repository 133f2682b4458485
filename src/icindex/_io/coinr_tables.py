"""COINr's CSV tables: their columns, and reading their cells (shared by reader and writer)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from .._errors import IcindexError

__all__ = [
    "META_COLUMNS",
    "MISSING",
    "REQUIRED_META",
    "TYPES",
    "UNIT_COLUMNS",
    "Row",
    "cell",
    "parse_number",
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


def read_table(path: Path, error: type[IcindexError]) -> tuple[list[str], list[Row]]:
    """The header and rows of a CSV file; ``error`` names the file when it cannot be read."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            return list(reader.fieldnames or []), list(reader)
    except OSError as problem:
        raise error(f"{path}: cannot be read: {problem.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as problem:
        raise error(f"{path}: not a UTF-8 CSV file: {problem}") from None


def cell(row: Row, column: str) -> str | None:
    """The text of a cell, or None where it is missing (``NA``, empty or absent)."""
    value = row.get(column)
    return None if value is None or value.strip() in MISSING else value.strip()


def parse_number(text: str | None) -> float | None:
    """A finite number, None for a missing cell; ValueError for anything else."""
    if text is None:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value
