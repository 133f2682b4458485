"""The icindex CSV layout of scores (:mod:`.csv_layout`) read into labelled arrays.

The header says what each column is: the city id first, ``name``, then ``country``,
``round`` and ``fact:<id>`` when written, then the scores (``<item>:score`` for an item, the
bare id for an aggregate) and ``<id>:lower``, ``<id>:upper``, ``<id>:coverage``,
``<id>:imputed``. :func:`read_csv_table` checks every column and cell; :mod:`.read` builds the
:class:`~icindex.Scores`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._errors import ResponseError
from .._files import csv_table, parse_number, spreadsheet_text
from .csv_layout import FACT_PREFIX, ITEM_SUFFIX

__all__ = ["CsvTable", "fact_value", "read_csv_table"]

FloatArray = NDArray[np.float64]
_INTEGER = re.compile(r"[+-]?[0-9]+")
_SUFFIXES = (":lower", ":upper", ":coverage", ":imputed")


@attrs.frozen
class CsvTable:
    """What a scores CSV holds, checked: per city its text, per column its numbers."""

    city_ids: tuple[str, ...]
    names: tuple[str, ...]
    countries: tuple[str, ...] | None
    rounds: tuple[str, ...] | None
    facts: tuple[dict[str, Any], ...] | None
    fact_ids: tuple[str, ...] | None  # the fact columns, in order
    ids: tuple[str, ...]
    items: frozenset[str]
    values: FloatArray
    coverage: FloatArray
    lower: FloatArray | None
    upper: FloatArray | None
    imputed: NDArray[np.bool_] | None


def fact_value(cell: str) -> bool | int | float | str:
    """A fact read from a CSV cell (not empty, its apostrophe already removed by
    :func:`~icindex._files.spreadsheet_text`): ``true``/``false``, an int, a float or text.

    Examples
    --------
    >>> [fact_value(cell) for cell in ("true", "120000", "13.3", "=1+1", "Seoul")]
    [True, 120000, 13.3, '=1+1', 'Seoul']
    """
    if cell in ("true", "false"):
        return cell == "true"
    if _INTEGER.fullmatch(cell):
        return int(cell)
    try:
        return parse_number(cell)
    except ValueError:
        return cell


def read_csv_table(path: Path) -> CsvTable:
    """The table of the scores CSV at ``path``; ResponseError naming file and line if unreadable."""
    header, rows = csv_table(path, ResponseError, "(city_id, name, ...)")
    if header[1:2] != ["name"]:
        raise ResponseError(
            f"{path}: expected the icindex CSV layout: the city ids, then 'name' (got "
            f"{header[:2]}); COINr's layout (uCode, scores) is read with icindex.read_coinr"
        )
    for line, row in rows:
        if len(row) != len(header):
            raise ResponseError(
                f"{path}: line {line}: expected {len(header)} cells as in the header "
                f"(got {len(row)})"
            )
    text = 2
    while text < len(header) and (
        header[text] in ("country", "round") or header[text].startswith(FACT_PREFIX)
    ):
        text += 1
    cells = [[spreadsheet_text(cell) for cell in row[:text]] for _, row in rows]
    numbers = _numbers(path, header[text:], [(line, row[text:]) for line, row in rows])
    return _table(path, header[:text], cells, header[text:], numbers)


def _numbers(path: Path, header: list[str], rows: list[tuple[int, list[str]]]) -> FloatArray:
    def number(line: int, column: str, cell: str) -> float:
        if cell == "":
            return float("nan")
        try:
            return parse_number(cell)
        except ValueError as problem:
            raise ResponseError(f"{path}: line {line}: column {column!r}: {problem}") from None

    table = [
        [number(line, h, cell) for h, cell in zip(header, row, strict=True)] for line, row in rows
    ]
    return np.array(table, dtype=np.float64).reshape(len(rows), len(header))


def _table(
    path: Path, text: list[str], cells: list[list[str]], header: list[str], numbers: FloatArray
) -> CsvTable:
    columns = {name: [row[k] for row in cells] for k, name in enumerate(text)}
    if len(columns) != len(text):
        raise ResponseError(f"{path}: a text column appears twice in the header")
    facts = [name for name in text if name.startswith(FACT_PREFIX)]
    city_facts = tuple(
        {
            f.removeprefix(FACT_PREFIX): fact_value(row[text.index(f)])
            for f in facts
            if row[text.index(f)]
        }
        for row in cells
    )
    ids, items, blocks = _score_columns(path, header, numbers, len(text))
    return CsvTable(
        city_ids=tuple(columns[text[0]]),
        names=tuple(columns["name"]),
        countries=tuple(columns["country"]) if "country" in columns else None,
        rounds=tuple(columns["round"]) if "round" in columns else None,
        facts=city_facts if facts else None,
        fact_ids=tuple(f.removeprefix(FACT_PREFIX) for f in facts) if facts else None,
        ids=ids,
        items=items,
        values=blocks[""],
        coverage=blocks.get(":coverage", np.full_like(blocks[""], np.nan)),
        lower=blocks.get(":lower"),
        upper=blocks.get(":upper"),
        imputed=_imputed(path, ids, items, blocks),
    )


def _score_columns(
    path: Path, header: list[str], numbers: FloatArray, first: int
) -> tuple[tuple[str, ...], frozenset[str], dict[str, FloatArray]]:
    """The score ids (in order), the item ids, and per suffix its numbers (score ids' order)."""
    ids: list[str] = []
    items: set[str] = set()
    found: dict[str, dict[str, int]] = {"": {}, **{suffix: {} for suffix in _SUFFIXES}}
    for position, column in enumerate(header):
        base, colon, suffix = column.rpartition(":")
        if not colon or f":{suffix}" == ITEM_SUFFIX:
            column_id = base if colon else suffix
            ids.append(column_id)
            items |= {column_id} if colon else set()
            found[""][column_id] = position
        elif f":{suffix}" in found:
            found[f":{suffix}"][base] = position
        else:
            raise ResponseError(
                f"{path}: column {first + position + 1} ({column!r}) is not a column of scores"
            )
    if len(set(ids)) != len(ids) or any(
        len(found[s]) != sum(1 for c in header if c.endswith(s)) for s in _SUFFIXES
    ):
        raise ResponseError(f"{path}: a column of scores appears twice in the header")
    blocks = {}
    for suffix, positions in found.items():
        expected = [i for i in ids if i in items] if suffix == ":imputed" else ids
        if suffix and positions and list(positions) != expected:
            raise ResponseError(
                f"{path}: expected the {suffix} columns of {expected[:4]} ... in the order of the "
                f"scores (got {list(positions)[:4]} ...)"
            )
        if positions or not suffix:
            blocks[suffix] = numbers[:, list(positions.values())]
    if (":lower" in blocks) != (":upper" in blocks):
        raise ResponseError(f"{path}: expected both :lower and :upper columns, or neither")
    return tuple(ids), frozenset(items), blocks


def _imputed(
    path: Path, ids: tuple[str, ...], items: frozenset[str], blocks: dict[str, FloatArray]
) -> NDArray[np.bool_] | None:
    flags = blocks.get(":imputed")
    if flags is None:
        return None
    if not np.isin(flags, (0.0, 1.0)).all():
        raise ResponseError(f"{path}: expected every :imputed cell to be 1 or 0")
    imputed = np.zeros((len(flags), len(ids)), dtype=bool)
    imputed[:, [c for c, i in enumerate(ids) if i in items]] = flags == 1.0
    return imputed
