"""The weight columns of a compiled plan as the uncertainty factors see them, with levels."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._engine.plan import Plan
from .._errors import ScoringError
from .._model.tree import heights

__all__ = ["WeightLayout", "pick"]

FloatArray = NDArray[np.float64]
Index = NDArray[np.intp]


def pick(u: FloatArray, k: int) -> Index:
    """Discrete choices 0..k-1 from points of [0, 1): equal sub-intervals, ``floor(u * k)``."""
    return np.minimum((np.asarray(u) * k).astype(np.intp), k - 1)


@attrs.frozen
class WeightLayout:
    """The weight columns of a plan, as weight factors see them.

    Attributes
    ----------
    ids : tuple of str
        Leaves, then nodes and groups (the columns of ``Plan.tree.weights``).
    levels : ndarray of int
        COINr's level of each column: 1 for a leaf, ``height + 1`` for a node, 0 for a group
        (a group has no weight of its own).
    parents : tuple of (str or None)
    nominal : ndarray
        The definition's weights (row 0 of the plan's weight sets).
    """

    ids: tuple[str, ...]
    levels: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    parents: tuple[str | None, ...]
    nominal: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)

    @classmethod
    def of(cls, plan: Plan) -> WeightLayout:
        d = plan.definition
        height = heights(d)
        parent = {entry.id: entry.parent for entry in d.walk()}
        ids = (*plan.tree.leaf_ids, *plan.tree.ids)
        grouped = {g.id for g in d.groups}
        levels = [0 if e in grouped else height[e] + 1 for e in ids]
        parents = tuple(None if e in grouped else parent[e] for e in ids)
        return cls(ids, np.array(levels, dtype=np.intp), parents, plan.tree.weights[0])

    def at(self, level: int, factor: str) -> Index:
        """The weighted columns (with a parent) at ``level``; ScoringError when there are none."""
        has_parent = np.array([p is not None for p in self.parents])
        columns = np.flatnonzero((self.levels == level) & has_parent & (self.nominal > 0))
        if not columns.size:
            top = int(self.levels.max(initial=1))
            raise ScoringError(
                f"{factor}: level {level} has no weighted entries (levels are 1 to {top})"
            )
        return columns

    def column(self, entry: str, factor: str) -> int:
        try:
            return self.ids.index(entry)
        except ValueError:
            raise ScoringError(f"{factor}: no entry {entry!r} in the definition") from None
