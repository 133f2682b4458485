"""The icindex CSV layout of :class:`~icindex.Scores`: its columns and the text of its cells.

One row per city. The text columns come first: the id, then (unless COINr's layout is asked
for) ``name``, ``country`` and ``round`` when the scores carry them, and one ``fact:<id>``
column per fact. Then the numbers: one column per score, an item's as ``<id>:score`` (so it is
never mistaken for the item's answer in a responses CSV) and an aggregate's as its bare id,
then ``<id>:lower`` and ``<id>:upper`` with bounds, ``<id>:coverage``, ``<id>:imputed``.

Cells follow the rules of :mod:`icindex._files`: text that a spreadsheet would run as a
formula starts with an apostrophe (:func:`~icindex._files.spreadsheet_safe`), numbers carry
15 significant digits (:func:`~icindex._files.number_text`), a missing number is an empty cell.
:mod:`.read` reads the layout back.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._files import number_text, spreadsheet_safe
from .._io.cells import csv_field

if TYPE_CHECKING:
    from .scores import Scores

__all__ = [
    "ALL_KINDS",
    "ITEM_SUFFIX",
    "csv_columns",
    "csv_rows",
    "fact_cell",
    "fact_ids",
    "text_columns",
]

FloatArray = NDArray[np.float64]

ALL_KINDS = ("item", "node", "group", "variant")
ITEM_SUFFIX = ":score"
"""The suffix of an item's score column (``commitment_budget:score``)."""
FACT_PREFIX = "fact:"
"""The prefix of a fact's column (``fact:population``)."""


def fact_ids(scores: Scores) -> list[str]:
    """The fact columns: the definition's facts (``scores.fact_ids``) when known, else every
    fact id the cities carry, in the order first met (city by city)."""
    if scores.fact_ids is not None:
        return list(scores.fact_ids)
    seen: dict[str, None] = {}
    for facts in scores.facts or ():
        seen.update(dict.fromkeys(facts))
    return list(seen)


def fact_cell(value: Any) -> str:
    """A fact as CSV text: ``true``/``false``, an int in full, a float to 15 digits, text.

    Examples
    --------
    >>> [fact_cell(v) for v in (True, 120000, 0.1 + 0.2, "=1+1", None)]
    ['true', '120000', '0.3', "'=1+1", '']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return number_text(float(value))
    return spreadsheet_safe(str(value))


def text_columns(scores: Scores, *, id_column: str, names: bool) -> dict[str, list[str]]:
    """The text columns (header -> cells as plain text, not yet made spreadsheet-safe).

    Facts are written with :func:`fact_cell`, so they are safe already.
    """
    columns = {id_column: [str(city) for city in scores.city_ids.tolist()]}
    if not names:
        return columns
    columns["name"] = list(scores.city_names)
    if scores.countries is not None:
        columns["country"] = list(scores.countries)
    if scores.rounds is not None:
        columns["round"] = list(scores.rounds)
    for fact in fact_ids(scores):
        columns[FACT_PREFIX + fact] = [fact_cell(city.get(fact)) for city in scores.facts or ()]
    return columns


def csv_columns(
    scores: Scores,
    *,
    id_column: str = "city_id",
    coverage: bool = True,
    kinds: tuple[str, ...] = ALL_KINDS,
    names: bool = True,
    imputed: bool = True,
    item_suffix: str | None = None,
) -> tuple[list[str], FloatArray]:
    """The whole header of the CSV and its numbers (n, columns after the text columns).

    ``item_suffix`` follows an item's id in its score column: by default ``:score``, or
    nothing without ``names`` (COINr's layout, whose bare codes COINr reads).
    """
    columns = scores.select(kinds)
    text = text_columns(scores, id_column=id_column, names=names)
    suffixes = {"item": (ITEM_SUFFIX if names else "") if item_suffix is None else item_suffix}
    header = [*text, *(scores.ids[c] + suffixes.get(scores.kinds[c], "") for c in columns)]
    blocks = [scores.values[:, columns]]
    if scores.lower is not None and scores.upper is not None:
        header += [f"{scores.ids[c]}:lower" for c in columns]
        header += [f"{scores.ids[c]}:upper" for c in columns]
        blocks += [scores.lower[:, columns], scores.upper[:, columns]]
    if coverage:
        header += [f"{scores.ids[c]}:coverage" for c in columns]
        blocks.append(scores.coverage[:, columns])
    if imputed and scores.imputed is not None:
        flagged = [c for c in columns if scores.kinds[c] == "item"]
        header += [f"{scores.ids[c]}:imputed" for c in flagged]
        blocks.append(scores.imputed[:, flagged].astype(np.float64))
    return header, np.hstack(blocks)


def csv_rows(
    scores: Scores,
    *,
    header: bool = True,
    id_column: str = "city_id",
    names: bool = True,
    **options: Any,
) -> Iterator[list[str]]:
    """The rows of the CSV as lists of fields, each quoted as CSV needs: the header (if
    ``header``), then one row per city. Write a row as ``",".join(row) + "\\n"``. Options as
    for :func:`csv_columns`; a stream of chunks writes the header once.

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> scores = icindex.score(icc, icindex.synthetic_cities(icc, 2, seed=0)).stored()
    >>> [row[:2] for row in csv_rows(scores, header=False)]
    [['city0', 'city0'], ['city1', 'city1']]
    """
    columns, numbers = csv_columns(scores, id_column=id_column, names=names, **options)
    if header:
        yield [csv_field(spreadsheet_safe(column)) for column in columns]
    text = text_columns(scores, id_column=id_column, names=names)
    fields = [
        [
            csv_field(cell if key.startswith(FACT_PREFIX) else spreadsheet_safe(cell))
            for cell in cells
        ]
        for key, cells in text.items()
    ]
    for row, texts in enumerate(zip(*fields, strict=True)):
        cells = ["" if math.isnan(x) else number_text(x) for x in numbers[row].tolist()]
        yield [*texts, *cells]
