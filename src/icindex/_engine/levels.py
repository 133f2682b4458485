"""The arithmetic of one level of the tree engine, for each state (see :mod:`.tree`).

A level's parents are computed from two parts: the sums over its leaf children
(:class:`LeafSums`, shared by every state) and the matrix products over its aggregate children
(per state). ``skipping`` gives the ``skip`` state, ``filling`` a state whose missing leaves
count as a constant, ``apply_thresholds`` blanks what min-coverage or min-availability rejects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np
from numpy.typing import NDArray

from . import kernels

if TYPE_CHECKING:
    from .tree import Leaves, Level

__all__ = [
    "LeafSums",
    "OutOfDomainError",
    "apply_thresholds",
    "check_domain",
    "filling",
    "skipping",
]

FloatArray = NDArray[np.float64]
Index = NDArray[np.intp]


def rows_of(columns: Index) -> slice | Index:
    """A slice (a view, no copy) when ``columns`` are contiguous, else the index array."""
    if columns.size and np.array_equal(columns, np.arange(columns[0], columns[0] + columns.size)):
        return slice(int(columns[0]), int(columns[0]) + columns.size)
    return columns


@attrs.frozen
class LeafSums:
    """The sums over a level's leaf children: shared by every state of the evaluation.

    Each is (sets, n, parents), or the scalar 0.0 when the level has no leaf children.
    """

    transformed: FloatArray | float  # sum of w * T(x) over known leaves
    known: FloatArray | float  # sum of w over known leaves
    measured: FloatArray | float  # sum of w over measured leaves
    zeros: FloatArray | float  # count of weighted known leaves at 0 (p <= 0)
    unknown: FloatArray | float  # count of weighted missing leaves (p <= 0)
    available: FloatArray | float  # count of weighted known leaves (with min_availability)
    counted: FloatArray | float  # count of weighted leaf children
    missing: FloatArray | float  # sum of w over missing leaves (what a fill replaces)

    @classmethod
    def of(cls, level: Level, leaves: Leaves, availability: bool) -> LeafSums:
        if not level.leaf_children.size:
            return cls(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        rows = level.leaf_rows
        values, weights = leaves.values[:, rows], level.leaf_weights
        known = leaves.known[:, rows]
        known_sum = known @ weights
        measured = known_sum
        if leaves.measured is not leaves.known:
            measured = leaves.measured[:, rows] @ weights
        positive = (weights > 0).astype(np.float64)
        low_power = level.power <= 0
        return cls(
            kernels.transform(values, level.power, filled=True) @ weights,
            known_sum,
            measured,
            ((values == 0) * known) @ positive if low_power else 0.0,
            (1.0 - known) @ positive if low_power else 0.0,
            known @ positive if availability else 0.0,
            positive.sum(axis=1)[:, None, :],
            weights.sum(axis=1)[:, None, :] - known_sum,
        )


def skipping(level: Level, part: LeafSums, children: FloatArray) -> FloatArray:
    """The ``skip`` state of a level's parents: missing children skipped, weights renormalised."""
    weights = level.agg_weights
    present, summed, zeros = part.known, part.transformed, part.zeros
    if level.agg_children.size:
        present = present + (~np.isnan(children)).astype(np.float64) @ weights
        summed = summed + kernels.transform(children, level.power) @ weights
        if level.power <= 0:
            zeros = zeros + kernels.zero_hits(children, weights)
    present = np.asarray(present, dtype=np.float64)
    value = kernels.untransform(summed / present, level.power)
    if level.power <= 0:
        value[(np.asarray(zeros) > 0) & (present > 0)] = 0.0
    value[~(present > 0)] = np.nan
    return value


def filling(
    level: Level, part: LeafSums, children: FloatArray, total: FloatArray, fill: float
) -> FloatArray:
    """A filled state of a level's parents: every missing leaf counts as ``fill``.

    Every aggregate has a value in a filled state; one left without any weight scores 0 (not
    0/0), so that it weighs nothing in its parent's sums.
    """
    weights = level.agg_weights
    summed, hits = part.transformed, part.zeros
    if level.agg_children.size:
        summed = summed + kernels.transform(children, level.power, filled=True) @ weights
        if level.power <= 0:
            hits = hits + kernels.zero_hits(children, weights)
    if fill > 0 or level.power > 0:
        constant = kernels.transform(np.array([fill]), level.power)[0]
        summed = summed + constant * part.missing
    value = kernels.untransform(np.asarray(summed / total, dtype=np.float64), level.power)
    if not level.weighted:
        value[np.broadcast_to(~(total > 0), value.shape)] = 0.0
    if level.power <= 0:
        if fill == 0:
            hits = hits + part.unknown
        value[np.broadcast_to(np.asarray(hits) > 0, value.shape)] = 0.0
    return value


def apply_thresholds(
    value: FloatArray,
    level: Level,
    part: LeafSums,
    children: FloatArray,
    cover: FloatArray,
    min_coverage: float,
    min_availability: float,
) -> None:
    """Blank (NaN) the parents below ``min_coverage`` or ``min_availability``, in place."""
    if min_coverage > 0:
        value[np.broadcast_to(cover < min_coverage, value.shape)] = np.nan
    if min_availability > 0:
        positive = (level.agg_weights > 0).astype(np.float64)
        available = part.available + (~np.isnan(children)).astype(np.float64) @ positive
        counted = part.counted + positive.sum(axis=1)[:, None, :]
        value[np.broadcast_to(available < min_availability * counted, value.shape)] = np.nan


class OutOfDomainError(Exception):
    """A power mean met a child outside its domain: the caller names the units."""

    def __init__(self, parent: int, power: float, rows: Index) -> None:
        super().__init__(parent, power, rows)
        self.parent, self.power, self.rows = parent, power, rows


def check_domain(level: Level, leaves: Leaves, children: FloatArray) -> None:
    """Raise OutOfDomainError when a weighted child is <= 0 (p <= 0) or < 0 (other p != 1)."""
    if level.power == 1:
        return
    rows = level.leaf_rows
    leaf_values = leaves.values[:, rows]
    bad_leaf = (leaf_values <= 0 if level.power <= 0 else leaf_values < 0) & (
        leaves.known[:, rows] > 0
    )
    bad_agg = children <= 0 if level.power <= 0 else children < 0  # NaN compares False
    hits = bad_leaf.astype(np.float64) @ (level.leaf_weights > 0)
    hits = hits + bad_agg.astype(np.float64) @ (level.agg_weights > 0)
    hit = np.any(hits > 0, axis=0)  # (units, parents)
    if hit.any():
        parent = int(np.flatnonzero(hit.any(axis=0))[0])
        rows = np.flatnonzero(hit[:, parent])
        raise OutOfDomainError(int(level.parents[parent]), level.power, rows)
