"""Text cells of many rows at once, as byte matrices: the vectorised side of writing CSV.

A column of ``rows`` cells is a ``(rows, width)`` uint8 matrix holding each cell's UTF-8 bytes
in order, NUL bytes padding it to the column's width: usually at the end, but anywhere in the
row (text never holds a NUL, so the padding is unambiguous). Cells are made by indexing
tables, by numpy's own number formatting and by masking; CSV rows are the columns side by side
with delimiters, the padding squeezed out in one boolean pass (:func:`csv_rows`). Nothing here
loops over rows in Python.

Every cell is written as :func:`csv.writer` writes it (``QUOTE_MINIMAL``) when ``quoted``:
a cell holding a comma, a quote or a line break is quoted, its quotes doubled. The rules of
:mod:`icindex._files` hold here as in the Python writers, vectorised: numbers carry 15
significant digits (:func:`number_cells`, the text of :func:`~icindex._files.number_text`),
and a text cell a spreadsheet would run as a formula starts with an apostrophe
(:func:`spreadsheet_cells`, the bytes of :func:`~icindex._files.spreadsheet_safe`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from .._files import CSV_DIGITS, FORMULA_STARTS, LARGEST_15

__all__ = [
    "Cells",
    "arrow_buffers",
    "checklist_cells",
    "csv_field",
    "csv_line",
    "csv_rows",
    "digit_cells",
    "joined",
    "number_cells",
    "spreadsheet_cells",
    "table_cells",
    "text_cells",
]

Cells = NDArray[np.uint8]
"""A column of cells: (rows, width) UTF-8 bytes, each row's NUL bytes padding."""


_SPECIAL = re.compile('[,"\r\n]')


def csv_field(text: str) -> str:
    """``text`` as one field of a row :func:`csv.writer` writes (quoted only when it must be).

    A field holding a comma, a quote, a carriage return or a line feed is quoted, its quotes
    doubled; the same whatever the rows end with (Python 3.11's csv.writer leaves a lone
    carriage return unquoted when rows end with ``\\n``, and a reader then splits the row).

    Examples
    --------
    >>> csv_field("adopted"), csv_field('say "hi", then'), csv_field("line\\n"), csv_field("")
    ('adopted', '"say ""hi"", then"', '"line\\n"', '')
    """
    if _SPECIAL.search(text) is None:
        return text  # alone on a row csv.writer writes '""'; among other cells, nothing
    return '"' + text.replace('"', '""') + '"'


def csv_line(fields: Iterable[str], end: str = "\n") -> str:
    """One CSV row of text ``fields`` (each quoted by :func:`csv_field`), ended by ``end``.

    Examples
    --------
    >>> csv_line(["a", "b,c", "x\\ry"])
    'a,"b,c","x\\ry"\\n'
    """
    return ",".join(map(csv_field, fields)) + end


def _as_bytes(texts: Sequence[str]) -> Cells:
    """Each text's UTF-8 bytes, NUL-padded to the longest: (len(texts), width)."""
    encoded = [text.encode("utf-8") for text in texts]
    table = np.array(encoded, dtype=f"S{max((len(e) for e in encoded), default=0) or 1}")
    return table.view(np.uint8).reshape(len(encoded), -1)


def text_cells(text: str, rows: int) -> Cells:
    """The same text in every one of ``rows`` cells (a read-only broadcast view).

    Examples
    --------
    >>> text_cells("ab", 2).tolist()
    [[97, 98], [97, 98]]
    """
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    return np.broadcast_to(raw, (rows, len(raw)))


def table_cells(table: Sequence[str], index: NDArray[np.intp]) -> Cells:
    """``table[index]`` for each row, as cells; an index of ``len(table)`` is an empty cell.

    Examples
    --------
    >>> cells = table_cells(["no", "yes"], np.array([1, 2, 0]))
    >>> csv_rows([cells])
    b'yes\\r\\n\\r\\nno\\r\\n'
    """
    return _as_bytes([*table, ""])[index]


def joined(parts: Sequence[Cells]) -> Cells:
    """Each row's cells of ``parts`` concatenated into one cell (``"syn-"`` + digits)."""
    return np.concatenate(parts, axis=1)


def _trimmed(cells: Cells) -> Cells:
    # For padding at the ends of rows only: the columns that hold any byte are a prefix.
    return cells[:, : int(np.count_nonzero(cells.any(axis=0)))]


def number_cells(
    values: NDArray[np.float64] | NDArray[np.int64], known: NDArray[np.bool_]
) -> Cells:
    """Numbers as the Python writers write them: a float as
    :func:`~icindex._files.number_text` (15 significant digits, ``-0`` as ``0``), an int in
    full; empty where not ``known``.

    Examples
    --------
    >>> cells = number_cells(np.array([12.5, 0.1 + 0.2, 3.0]), np.array([True, True, False]))
    >>> csv_rows([cells]).decode()
    '12.5\\r\\n0.3\\r\\n\\r\\n'
    >>> csv_rows([number_cells(np.array([7, -12]), np.array([True, True]))])
    b'7\\r\\n-12\\r\\n'
    """
    if values.dtype.kind == "f":
        text = np.char.mod(f"%.{CSV_DIGITS}g", values).astype("S")
        text[text == b"-0"] = b"0"
        huge = np.abs(values) > LARGEST_15  # 15 digits would round past the largest float
        if huge.any():
            wide = text.astype(f"S{max(text.itemsize, 24)}")
            wide[huge] = [repr(float(x)).encode() for x in values[huge]]  # as number_text
            text = wide
    else:
        text = np.ascontiguousarray(values).astype("S")
    cells = text.view(np.uint8).reshape(len(text), -1)
    return _trimmed(np.where(known[:, None], cells, np.uint8(0)))


_FORMULA_BYTES = np.array(sorted(ord(char) for char in FORMULA_STARTS), dtype=np.uint8)
_QUOTE, _APOSTROPHE = ord('"'), ord("'")


def spreadsheet_cells(cells: Cells) -> Cells:
    """Text cells as :func:`~icindex._files.spreadsheet_safe` makes them: an apostrophe before
    a first character a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
    carriage return, an apostrophe).

    ``cells`` are CSV fields (quoted by :func:`csv_field` where they must be): in a quoted
    field the apostrophe goes after the opening quote. The first byte of each row is found
    with a mask, wherever the padding is; no loop over rows. Number cells are not text: do
    not pass them (``-5`` must stay a number).

    Examples
    --------
    >>> cells = table_cells(["=1+1", "Ansan", csv_field("-a,b")], np.array([0, 1, 2]))
    >>> print(" | ".join(csv_rows([spreadsheet_cells(cells)]).decode().splitlines()))
    '=1+1 | Ansan | "'-a,b"
    """
    filled = cells != 0
    order = np.cumsum(filled, axis=1)
    first = np.where(filled & (order == 1), cells, np.uint8(0)).max(axis=1, initial=0)
    second = np.where(filled & (order == 2), cells, np.uint8(0)).max(axis=1, initial=0)
    quoted = first == _QUOTE
    risky = np.isin(np.where(quoted, second, first), _FORMULA_BYTES)
    if not risky.any():
        return cells
    opened = risky & quoted
    body = np.array(cells)  # a copy: the opening quote of a quoted risky field moves ahead
    body[np.flatnonzero(opened), np.argmax(filled[opened], axis=1)] = 0
    head = np.stack([np.where(opened, _QUOTE, 0), np.where(risky, _APOSTROPHE, 0)], axis=1).astype(
        np.uint8
    )
    return np.concatenate([head, body], axis=1)


def digit_cells(numbers: NDArray[np.int64], width: int) -> Cells:
    """Whole numbers >= 0 as ``width`` decimal digits, zero-padded (``7`` -> ``007``).

    Examples
    --------
    >>> csv_rows([digit_cells(np.array([7, 140]), 3)])
    b'007\\r\\n140\\r\\n'
    """
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((numbers[:, None] // powers) % 10 + ord("0")).astype(np.uint8)


def checklist_cells(
    option_ids: Sequence[str],
    ticked: NDArray[np.bool_],
    known: NDArray[np.bool_],
    *,
    separator: str,
    nothing: str,
    quoted: bool,
) -> Cells:
    """The ticked options of each row joined by ``separator``, ``nothing`` when none is ticked,
    empty where not ``known``.

    ``ticked`` is (rows, options). An option's cell part is the separator and its id, the
    separator kept only after an earlier tick; a row with a part needing quotes is quoted.

    Examples
    --------
    >>> ticks = np.array([[True, False, True], [False, False, False], [True, True, True]])
    >>> cells = checklist_cells(["a", "b", "c"], ticks, np.array([True, True, False]),
    ...                         separator="|", nothing="none", quoted=True)
    >>> csv_rows([cells])
    b'a|c\\r\\nnone\\r\\n\\r\\n'
    """
    ticks: NDArray[np.bool_] = np.logical_and(ticked, known[:, None])
    after = np.greater(np.cumsum(ticks, axis=1) - ticks, 0)  # a tick came before
    count = np.count_nonzero(ticks, axis=1)
    quote = np.zeros(len(known), dtype=bool)
    if quoted:  # as csv.writer would: only a row whose text holds a special character
        special = np.array([_special(text) for text in option_ids], dtype=bool)
        quote = ticks[:, special].any(axis=1) | (_special(separator) & (count >= 2))
        quote |= _special(nothing) & known & (count == 0)

    def escape(text: str) -> str:
        return text.replace('"', '""') if quoted else text

    parts = [_where(quote, '"'), _where(known & (count == 0), escape(nothing))]
    for column, option in enumerate(option_ids):
        parts.append(_where(ticks[:, column] & after[:, column], escape(separator)))
        parts.append(_where(ticks[:, column], escape(option)))
    return np.concatenate([*parts, _where(quote, '"')], axis=1)


def _special(text: str) -> bool:
    return csv_field(text) != text


def _where(rows: NDArray[np.bool_], text: str) -> Cells:
    """``text`` in the rows where ``rows`` is true, nothing elsewhere."""
    return np.where(rows[:, None], text_cells(text, 1), np.uint8(0))


def csv_rows(columns: Sequence[Cells], delimiter: str = ",", end: str = "\r\n") -> bytes:
    """The CSV text of the rows the columns make: cells joined by ``delimiter``, each row ended
    by ``end`` (csv.writer's default), padding removed.

    Examples
    --------
    >>> ids = text_cells("syn-", 2), digit_cells(np.array([1, 2]), 3)
    >>> csv_rows([joined(ids), number_cells(np.array([5, 70]), np.array([True, True]))])
    b'syn-001,5\\r\\nsyn-002,70\\r\\n'
    """
    rows = len(columns[0])
    comma = text_cells(delimiter, rows)
    parts: list[Cells] = []
    for column in columns:
        parts += [column, comma]
    parts[-1] = text_cells(end, rows)
    matrix = np.concatenate(parts, axis=1)
    return bytes(matrix[matrix != 0].tobytes())


def arrow_buffers(cells: Cells) -> tuple[NDArray[np.int32], Cells, NDArray[np.bool_]]:
    """A column as Arrow lays out strings: int32 offsets (rows + 1), the bytes, and validity
    (false for an empty cell, which Arrow then holds as null).

    Examples
    --------
    >>> offsets, data, valid = arrow_buffers(table_cells(["no", "yes"], np.array([1, 2, 0])))
    >>> offsets.tolist(), data.tobytes(), valid.tolist()
    ([0, 3, 3, 5], b'yesno', [True, False, True])
    """
    filled = cells != 0
    lengths = np.count_nonzero(filled, axis=1)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    return offsets, cells[filled], lengths > 0
