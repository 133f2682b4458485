"""The one tree engine: leaf scores in, every aggregate's score and coverage out.

Both public paths call it: questionnaires (leaves are item scores from answers) and composite
indices (leaves are normalised indicator values). Units lie along the first axis, as in the
encoded answers and in :class:`icindex.Scores`, so each level of the tree is a matrix product of
a (units x children) block with a (children x parents) weight matrix; a leading axis of the
weights holds several weight sets (the variants, or a batch of perturbed weights) at once.

Definitions, in one place (``docs/scoring.md`` section 4):

- the **coverage** of a leaf is 1 when it is measured (answered; for indicators, measured and
  not imputed) and 0 otherwise; of an aggregate, the weighted arithmetic mean of its children's
  coverage over all its children, whatever the aggregate's method;
- **min_coverage** ``m``: under ``skip`` (and the ``skip`` score of ``bounds``) any aggregate
  (node, group, or a variant's root) whose own coverage is below ``m`` is missing, and its
  parent skips it;
- **min_availability** ``a`` (COINr's ``dat_thresh``): an aggregate whose share of positively
  weighted direct children that have a value is below ``a`` is missing;
- a missing leaf is skipped (``skip``) or filled with a constant (``zero``: 0; the bounds: 0
  and 100); an aggregate whose known children all have weight 0 is missing under ``skip``;
- for every power ``p <= 0`` a known child of value 0 with positive weight makes the mean 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._errors import ScoringError
from .._model.definition import Definition
from .._model.tree import children, heights
from .levels import (
    LeafSums,
    OutOfDomainError,
    apply_thresholds,
    check_domain,
    filling,
    rows_of,
    skipping,
)

__all__ = ["Leaves", "Level", "OutOfDomainError", "State", "Tree", "evaluate"]

FloatArray = NDArray[np.float64]
Index = NDArray[np.intp]


def _index(values: Sequence[int]) -> Index:
    return np.array(values, dtype=np.intp)


@attrs.frozen
class Level:
    """Parents of one height and one power, their children, and the weight matrices.

    ``leaf_weights[s, i, j]`` is leaf child ``i``'s weight in parent ``j`` in weight set ``s``
    (0 when it is not its child); ``agg_weights`` likewise for aggregate children. A *shared*
    level has one weight set: its values are the same in every set and are computed once.
    """

    power: float
    parents: Index = attrs.field(converter=readonly, eq=ARRAY_EQ)
    leaf_children: Index = attrs.field(converter=readonly, eq=ARRAY_EQ)
    agg_children: Index = attrs.field(converter=readonly, eq=ARRAY_EQ)
    leaf_weights: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    agg_weights: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    shared: bool = False
    shared_children: bool = False
    """True when the aggregate children's values agree across weight sets: read from set 0."""
    weighted: bool = True
    """False when some parent has no weight at all in some set (its mean would be 0/0)."""
    # Derived once, on construction, for the chunk loop: slices (views) where columns are
    # contiguous, and each parent's total child weight per set, shape (sets, 1, parents).
    parent_rows: slice | Index = attrs.field(init=False, eq=False, repr=False)
    leaf_rows: slice | Index = attrs.field(init=False, eq=False, repr=False)
    agg_rows: slice | Index = attrs.field(init=False, eq=False, repr=False)
    totals: FloatArray = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        total = self.leaf_weights.sum(axis=1) + self.agg_weights.sum(axis=1)
        object.__setattr__(self, "parent_rows", rows_of(self.parents))
        object.__setattr__(self, "leaf_rows", rows_of(self.leaf_children))
        object.__setattr__(self, "agg_rows", rows_of(self.agg_children))
        object.__setattr__(self, "totals", readonly(total[:, None, :]))


@attrs.frozen
class Tree:
    """A definition's tree compiled for the engine.

    Attributes
    ----------
    leaf_ids : tuple of str
        The leaves (items), in the column order the caller gives them.
    ids : tuple of str
        The aggregate columns: every node (the root first, in definition order), then every group.
    weights : ndarray, shape (sets, n_leaves + n_aggregates)
        Each entry's weight in its parent (a group uses its members' own weights); set 0 is the
        definition's, set ``v`` (1, 2, ...) zeroes what variant ``v`` excludes.
    members : tuple of (str, tuple of str)
        Each aggregate's id and its children's ids (leaf or aggregate), for compiling levels.
    levels : tuple of Level
        In evaluation order (children before parents; groups last).
    rows : tuple of int
        The computed set of each row of ``weights``: equal rows are computed once (the ICC's
        extended index excludes nothing, so it is the definition's own set).
    """

    leaf_ids: tuple[str, ...]
    ids: tuple[str, ...]
    weights: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    members: tuple[tuple[str, tuple[str, ...]], ...]
    powers: tuple[float, ...]
    heights: tuple[int, ...]
    levels: tuple[Level, ...] = ()
    rows: tuple[int, ...] = ()

    @classmethod
    def of(cls, definition: Definition, leaf_ids: Sequence[str] | None = None) -> Tree:
        """Compile ``definition``; leaves in ``leaf_ids`` order (default: definition order)."""
        leaves = tuple(leaf_ids) if leaf_ids is not None else tuple(i.id for i in definition.items)
        below, height = children(definition), heights(definition)
        nodes, groups = definition.nodes, definition.groups
        ids = tuple(n.id for n in nodes) + tuple(g.id for g in groups)
        entry_weight = {entry.id: entry.weight for entry in definition.walk()}
        weights = np.zeros((1 + len(definition.variants), len(leaves) + len(ids)))
        weights[:] = [entry_weight[e] for e in (*leaves, *(n.id for n in nodes))] + [0.0] * len(
            groups
        )
        column = {entry_id: c for c, entry_id in enumerate((*leaves, *ids))}
        for row, variant in enumerate(definition.variants, start=1):
            weights[row, [column[e] for e in variant.exclude]] = 0.0
        top = max(height.values(), default=0)
        members = tuple((n.id, below[n.id]) for n in nodes) + tuple(
            (g.id, g.members) for g in groups
        )
        powers = tuple(n.power for n in nodes) + tuple(g.power for g in groups)
        levels = tuple(height[n.id] for n in nodes) + (top + 1,) * len(groups)
        tree = cls(leaves, ids, weights, members, powers, levels)
        return tree.with_weights(weights)

    @property
    def n_sets(self) -> int:
        """Number of distinct weight sets, the ones :func:`evaluate` computes."""
        return max(self.rows, default=0) + 1

    def with_weights(self, weights: FloatArray) -> Tree:
        """The same tree with other weights (sets, n_leaves + n_aggregates): levels recompiled.

        Cheap (no pass over units): the way to re-score with many weight sets at once.
        """
        weights = np.atleast_2d(np.asarray(weights, dtype=np.float64))
        expected = (weights.shape[0], len(self.leaf_ids) + len(self.ids))
        if weights.shape != expected or weights.shape[0] < 1:
            raise ScoringError(
                f"weights: expected shape (sets, {expected[1]}) (got {weights.shape})"
            )
        first: dict[bytes, int] = {}
        rows = tuple(first.setdefault(row.tobytes(), len(first)) for row in weights)
        distinct = weights[[rows.index(s) for s in range(len(first))]]
        return attrs.evolve(self, weights=weights, levels=_levels(self, distinct), rows=rows)


def _levels(tree: Tree, weights: FloatArray) -> tuple[Level, ...]:
    """Group aggregates by (height, power) bottom-up and build their weight matrices."""
    k = len(tree.leaf_ids)
    column = {entry_id: c for c, entry_id in enumerate((*tree.leaf_ids, *tree.ids))}
    agrees = np.all(weights == weights[0], axis=0)
    same = set(np.flatnonzero(agrees[:k]).tolist())  # leaves: values agree, weights may not
    by_key: dict[tuple[int, float], list[int]] = {}
    for a, key in enumerate(zip(tree.heights, tree.powers, strict=True)):
        by_key.setdefault(key, []).append(a)
    weightless = np.zeros((len(weights), len(tree.ids)), dtype=bool)
    levels = []
    for key, chosen in sorted(by_key.items()):
        child_cols = sorted({column[c] for a in chosen for c in tree.members[a][1]})
        shared = all(c in same and agrees[c] for c in child_cols)
        sets = weights[:1] if shared else weights
        membership = np.zeros((len(child_cols), len(chosen)))
        position = {c: i for i, c in enumerate(child_cols)}
        for j, a in enumerate(chosen):
            membership[[position[column[c]] for c in tree.members[a][1]], j] = 1.0
        matrix = sets[:, child_cols][:, :, None] * membership
        split = int(np.searchsorted(child_cols, k))
        # An aggregate left with no weight (a variant excluded all below it) has no value and
        # drops out of its parent, whose weights are renormalised: its row weighs 0 here.
        matrix[:, split:] *= ~weightless[: len(sets), [c - k for c in child_cols[split:]], None]
        weightless[:, chosen] = matrix.sum(axis=1) == 0
        levels.append(
            Level(
                key[1],
                _index(chosen),
                _index(child_cols[:split]),
                _index([c - k for c in child_cols[split:]]),
                matrix[:, :split],
                matrix[:, split:],
                shared,
                all(c in same for c in child_cols[split:]),
                bool(np.all(matrix.sum(axis=1) > 0)),
            )
        )
        if shared:
            same.update(k + a for a in chosen)
    return tuple(levels)


@attrs.frozen
class State:
    """One evaluation of the tree over a chunk of units: aggregates (sets, units, aggregates).

    ``fill`` None is the ``skip`` state (missing leaves are skipped); a number fills every
    missing leaf with it (0 for ``zero`` and the lower bound, 100 for the upper bound).
    """

    fill: float | None
    values: FloatArray


@attrs.frozen
class Leaves:
    """A chunk of leaf scores as the engine reads them: zero-filled values and 0/1 masks.

    Attributes
    ----------
    values : ndarray, shape (n, n_leaves)
        Leaf scores, 0 where missing.
    known : ndarray, shape (n, n_leaves)
        1.0 where the leaf has a value, 0.0 where it is missing.
    measured : ndarray, shape (n, n_leaves)
        1.0 where the leaf counts for coverage (``known`` unless imputed values are in).
    """

    values: FloatArray
    known: FloatArray
    measured: FloatArray

    @classmethod
    def of(cls, leaves: FloatArray, measured: NDArray[np.bool_] | None = None) -> Leaves:
        """From leaf scores with NaN where missing (and which leaves were measured)."""
        known = ~np.isnan(leaves)
        known_f = known.astype(np.float64)
        counted = known_f if measured is None else measured.astype(np.float64)
        return cls(np.where(known, leaves, 0.0), known_f, counted)

    def take(self, rows: slice) -> Leaves:
        """The leaves of some units (``measured`` stays ``known`` when it was)."""
        known = self.known[rows]
        measured = known if self.measured is self.known else self.measured[rows]
        return Leaves(self.values[rows], known, measured)


def evaluate(
    tree: Tree,
    leaves: Leaves,
    *,
    fills: Sequence[float | None] = (None,),
    min_coverage: float = 0.0,
    min_availability: float = 0.0,
    strict: bool = False,
    out: Sequence[FloatArray] | None = None,
) -> tuple[list[State], FloatArray]:
    """Every aggregate of a chunk of units, in each requested state, and their coverage.

    Parameters
    ----------
    tree : Tree
    leaves : Leaves
    fills : sequence of (None or float)
        The states: None skips missing leaves, a number fills them.
    min_coverage, min_availability : float in [0, 1]
        Thresholds of the ``skip`` state (see the module docstring).
    strict : bool
        Raise :class:`OutOfDomainError` for a child outside a mean's domain (composite indices).
    out : sequence of ndarray, optional
        Work arrays (sets, >= n, n_aggregates), one per fill and one for coverage.

    Returns
    -------
    states : list of State
        One per fill, each with values of shape (sets, n, n_aggregates): one per distinct
        weight set (row ``r`` of ``tree.weights`` is set ``tree.rows[r]``).
    coverage : ndarray, shape (sets, n, n_aggregates)
    """
    n, shape = leaves.values.shape[0], (tree.n_sets, leaves.values.shape[0], len(tree.ids))
    work = [np.empty(shape) for _ in range(len(fills) + 1)] if out is None else out
    coverage = work[-1][:, :n]
    states = [State(fill, array[:, :n]) for fill, array in zip(fills, work, strict=False)]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # 0/0 is "no value"
        for level in tree.levels:
            _level(level, leaves, states, coverage, min_coverage, min_availability, strict)
    return states, coverage


def _level(
    level: Level,
    leaves: Leaves,
    states: list[State],
    coverage: FloatArray,
    min_coverage: float,
    min_availability: float,
    strict: bool,
) -> None:
    """One level of :func:`evaluate`: its parents' coverage and values in every state."""
    part = LeafSums.of(level, leaves, min_availability > 0)
    sets = slice(0, 1) if level.shared else slice(None)
    read = slice(0, 1) if level.shared_children else sets
    parents, below = level.parent_rows, level.agg_rows
    total, cover = level.totals, part.measured
    if level.agg_children.size:
        cover = cover + np.ascontiguousarray(coverage[read][:, :, below]) @ level.agg_weights
    # A weightless aggregate's coverage is 0 (not 0/0), so that it weighs nothing above.
    share = cover / total
    coverage[:, :, parents] = share if level.weighted else np.nan_to_num(share, nan=0.0)
    for state in states:
        children = np.ascontiguousarray(state.values[read][:, :, below])
        if strict:
            check_domain(level, leaves, children)
        if state.fill is None:
            value = skipping(level, part, children)
            thresholds = (min_coverage, min_availability)
            apply_thresholds(
                value, level, part, children, coverage[sets][:, :, parents], *thresholds
            )
        else:
            value = filling(level, part, children, total, state.fill)
        state.values[:, :, parents] = value
