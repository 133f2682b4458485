"""Item scores from encoded answers: one look-up table per encoded array, one kernel each.

The leaves of a questionnaire are its items in *leaf order*: every coded item (``yes_no``,
``choice``), then every checklist, then every numeric item, the order of the encoded arrays
(:class:`icindex.Layout`). Each block of leaves is then written by one kernel, chosen from the
table :data:`SCORERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._model.definition import Definition, Item
from . import kernels
from .encoding import Encoded, Layout
from .tree import Leaves

__all__ = ["SCORERS", "AnswerItems", "ItemTables", "Work"]

FloatArray = NDArray[np.float64]


@attrs.frozen
class ItemTables:
    """The look-up tables that turn encoded answers into item scores (0-100).

    Attributes
    ----------
    layout : Layout
    order : int array
        Leaf order: the definition position of each leaf (coded, then checklists, then numeric).
    coded : ndarray, shape (n_coded, width + 1)
        ``coded[j, 1 + o]``: item ``j``'s score for option ``o``; ``coded[j, 0]``, what the
        unknown code -1 looks up, is 0 (the engine reads zero-filled leaves and a mask).
    checklist_points : ndarray, shape (bytes, n_checklists, 256)
        The points of each byte of a tick mask (:func:`kernels.checklist_byte_points`).
    """

    layout: Layout
    order: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    coded: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    checklist_points: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    checklist_low: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    checklist_high: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    threshold_items: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    thresholds: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    threshold_scores: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    goalpost_items: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    goalposts: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)

    @classmethod
    def of(cls, definition: Definition) -> ItemTables:
        """Build the tables of ``definition``'s items."""
        layout = Layout.of(definition)
        items = definition.items
        coded = [items[i] for i in layout.coded]
        checklists = [items[i] for i in layout.checklists]
        numeric = [items[i] for i in layout.numeric]
        by_threshold = [c for c, item in enumerate(numeric) if item.goalposts is None]
        by_goalposts = [c for c, item in enumerate(numeric) if item.goalposts is not None]
        points = _padded([[o.points for o in i.options] for i in checklists], 0, 0.0)
        return cls(
            layout=layout,
            order=np.concatenate([layout.coded, layout.checklists, layout.numeric]),
            coded=_padded([[0.0, *_rescaled(i, [o.points for o in i.options])] for i in coded], 0),
            checklist_points=kernels.checklist_byte_points(points),
            checklist_low=np.array([i.point_range[0] for i in checklists]),
            checklist_high=np.array([i.point_range[1] for i in checklists]),
            threshold_items=np.array(by_threshold, dtype=np.intp),
            thresholds=_padded([numeric[c].thresholds for c in by_threshold], 0, np.inf),
            threshold_scores=_padded(
                [_rescaled(numeric[c], numeric[c].points) for c in by_threshold], 0
            ),
            goalpost_items=np.array(by_goalposts, dtype=np.intp),
            goalposts=np.array([numeric[c].goalposts for c in by_goalposts]).reshape(-1, 2),
        )

    @property
    def leaf_ids(self) -> tuple[str, ...]:
        """The item ids in leaf order."""
        return tuple(self.layout.item_ids[i] for i in self.order.tolist())

    def leaves(
        self, encoded: Encoded, rows: slice = slice(None), work: Work | None = None
    ) -> Leaves:
        """The item scores of the cities at ``rows``, in leaf order, as the engine reads them:
        0-100, zero-filled, with a mask of the known answers; written into ``work`` if given."""
        n = len(range(encoded.n_cities)[rows])
        work = work if work is not None else Work.of(self, n)
        values, known = work.values[:n], work.known[:n]
        start = 0
        for array, scorer in SCORERS.items():
            part = getattr(encoded, array)[rows]
            block = slice(start, start + part.shape[1])
            scorer(self, part, values[:, block], known[:, block], work)
            start += part.shape[1]
        return Leaves(values, known, known)


@attrs.frozen
class Work:
    """The arrays item scoring writes into, for one chunk of up to ``rows`` cities.

    Allocated once per scoring call and reused by every chunk: on virtual machines, mapping
    fresh memory for each chunk's temporaries costs more than the arithmetic.
    """

    values: FloatArray
    known: FloatArray
    looked: FloatArray  # coded items' scores, contiguous
    index: NDArray[np.intp]  # coded items' flat table indices

    @classmethod
    def of(cls, tables: ItemTables, rows: int) -> Work:
        """Work arrays for ``rows`` cities."""
        width, coded = len(tables.order), len(tables.layout.coded)
        return cls(
            np.empty((rows, width)),
            np.empty((rows, width)),
            np.empty((rows, coded)),
            np.empty((rows, coded), dtype=np.intp),
        )


def _score_codes(
    tables: ItemTables, codes: NDArray[np.integer], out: FloatArray, known: FloatArray, work: Work
) -> None:
    n = codes.shape[0]
    out[...] = kernels.score_coded(codes, tables.coded, work.looked[:n], work.index[:n])
    np.greater_equal(codes, 0, out=known)


def _score_ticks(
    tables: ItemTables, ticks: NDArray[np.int64], out: FloatArray, known: FloatArray, work: Work
) -> None:
    out[...] = kernels.score_checklists(
        ticks, tables.checklist_points, tables.checklist_low, tables.checklist_high, 0.0
    )
    np.greater_equal(ticks, 0, out=known)


def _score_values(
    tables: ItemTables, values: FloatArray, out: FloatArray, known: FloatArray, work: Work
) -> None:
    out[:, tables.threshold_items] = kernels.score_thresholds(
        values[:, tables.threshold_items], tables.thresholds, tables.threshold_scores, 0.0
    )
    out[:, tables.goalpost_items] = kernels.score_goalposts(
        values[:, tables.goalpost_items], tables.goalposts[:, 0], tables.goalposts[:, 1], 0.0
    )
    np.logical_not(np.isnan(values), out=known)


#: Encoded array -> the kernel writing its items' scores into their block of leaves, in the
#: order of the leaves (see :class:`icindex.Layout` for which kinds each array holds).
SCORERS: dict[str, Callable[[ItemTables, Any, FloatArray, FloatArray, Work], None]] = {
    "codes": _score_codes,
    "ticks": _score_ticks,
    "values": _score_values,
}


@attrs.frozen
class AnswerItems:
    """The item columns of a questionnaire's Scores, derived from the answers when asked for.

    Keeping the encoded answers (and not 103 float64 per city) is what keeps the result small.
    """

    tables: ItemTables
    encoded: Encoded

    def item_scores(self) -> FloatArray:
        """Item scores (n, n_items) in definition order, NaN where the answer is unknown."""
        leaves = self.tables.leaves(self.encoded)
        scores = np.empty_like(leaves.values)
        scores[:, self.tables.order] = np.where(leaves.known > 0, leaves.values, np.nan)
        return scores


def _rescaled(item: Item, points: Sequence[float]) -> list[float]:
    low, high = item.point_range
    return [100.0 * (p - low) / (high - low) for p in points]


def _padded(rows: Sequence[Sequence[float]], extra: int, fill: float = np.nan) -> FloatArray:
    """Rows of unequal length as one array padded with ``fill`` (and ``extra`` more columns)."""
    width = max((len(row) for row in rows), default=0) + extra
    table = np.full((len(rows), width), fill)
    for r, row in enumerate(rows):
        table[r, : len(row)] = row
    return table
