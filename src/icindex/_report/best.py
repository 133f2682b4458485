"""Each item kind's best answer, and answers written as in a response file, from a table.

An encoded answer (a :data:`Cell`) is an option index (``yes_no``, ``choice``), a tick mask
(``checklist``, -1 for unknown) or a number (``numeric``, NaN for unknown), as in
:class:`icindex.Encoded`. :data:`ANSWERS` maps an item kind to two functions: its best answer
(encoded, and as text) given the current one, and the text of a known answer.

Examples
--------
>>> from icindex import Item, Option
>>> options = tuple(Option(o, o.upper(), 1.0) for o in ("a", "b", "c"))
>>> item = Item("t", "r", "checklist", "Which?", options=options, cap=2.0)
>>> ANSWERS["checklist"].best(item, 0b100)  # c ticked: tick a too, to reach the cap
(5, 'a|c')
>>> ANSWERS["checklist"].text(item, 0)
'none'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._model.definition import Item

__all__ = ["ANSWERS", "Answers", "Cell"]

Cell = int | float
"""An encoded answer: an option index, a tick mask or a number."""


def _option_text(item: Item, code: Cell) -> str:
    return item.options[int(code)].id


def _best_option(item: Item, code: Cell) -> tuple[Cell, str]:
    points = [option.points for option in item.options]
    best = points.index(max(points))
    return best, item.options[best].id


def _ticks_text(item: Item, mask: Cell) -> str:
    ticked = [option.id for j, option in enumerate(item.options) if int(mask) >> j & 1]
    return "|".join(ticked) or "none"


def _best_ticks(item: Item, mask: Cell) -> tuple[Cell, str]:
    """The ticks kept, plus the fewest options (most points first) that reach the cap."""
    ticked = max(int(mask), 0)
    earned = sum(option.points for j, option in enumerate(item.options) if ticked >> j & 1)
    most = item.point_range[1]
    for j in sorted(range(len(item.options)), key=lambda j: -item.options[j].points):
        if earned >= most:
            break
        if not ticked >> j & 1:
            ticked |= 1 << j
            earned += item.options[j].points
    return ticked, _ticks_text(item, ticked)


def _unit(item: Item) -> str:
    return f" {item.unit}" if item.unit else ""


def _number_text(item: Item, value: Cell) -> str:
    return f"{float(value):g}{_unit(item)}"


def _best_number(item: Item, value: Cell) -> tuple[Cell, str]:
    """Goalposts: the best one; thresholds: the lowest value of the band earning most points."""
    unit = _unit(item)
    if item.goalposts is not None:
        worst, best = item.goalposts
        return best, f"{best:g}{unit} or {'more' if best > worst else 'less'}"
    band = item.points.index(max(item.points))
    edges = (-math.inf, *item.thresholds, math.inf)
    low, high = edges[band], edges[band + 1]
    if low == -math.inf:
        return float(np.nextafter(high, -math.inf)), f"under {high:g}{unit}"
    if high == math.inf:
        return low, f"{low:g}{unit} or more"
    return low, f"{low:g} to under {high:g}{unit}"


class Answers(NamedTuple):
    """How to write an item kind's answers, and its best answer given the current one."""

    best: Callable[[Item, Cell], tuple[Cell, str]]
    text: Callable[[Item, Cell], str]


#: Item kind -> its best answer (encoded, and as text) given the current one, and the text of
#: a known answer.
ANSWERS: dict[str, Answers] = {
    "yes_no": Answers(_best_option, _option_text),
    "choice": Answers(_best_option, _option_text),
    "checklist": Answers(_best_ticks, _ticks_text),
    "numeric": Answers(_best_number, _number_text),
}
