"""Imputation: fill missing indicator values, and say exactly which cells were filled.

The kernels are bare: each takes the (n_units, k) matrix, NaN where a value is missing, and an
integer group code per unit (-1 for a unit without a group; ignored by the plain methods), and
returns a filled copy. A known value is never changed. A cell with nothing to fill it from (a
column, or a column within a group, with no known value) stays missing. :func:`impute` checks
its input once and dispatches through the plain table :data:`IMPUTERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import ScoringError

__all__ = ["GROUP_METHODS", "IMPUTERS", "IMPUTE_METHODS", "impute"]

FloatArray = NDArray[np.float64]
Codes = NDArray[np.intp]


def _filled(values: FloatArray, fill: FloatArray) -> FloatArray:
    return np.where(np.isnan(values), fill, values)


def keep(values: FloatArray, groups: Codes) -> FloatArray:
    """No imputation: a copy of ``values``."""
    return values.copy()


def by_mean(values: FloatArray, groups: Codes) -> FloatArray:
    """Fill each column's gaps with the mean of its known values."""
    with np.errstate(invalid="ignore", divide="ignore"):
        known = ~np.isnan(values)
        means = np.where(known, values, 0.0).sum(axis=0) / known.sum(axis=0)
    return _filled(values, means)


def by_median(values: FloatArray, groups: Codes) -> FloatArray:
    """Fill each column's gaps with the median of its known values."""
    return _filled(values, _nanmedian(values))


def by_group_mean(values: FloatArray, groups: Codes) -> FloatArray:
    """Fill each gap with the mean of the known values of the unit's group in that column."""
    member = (groups[:, None] == np.arange(groups.max(initial=-1) + 1)).astype(np.float64)
    known = ~np.isnan(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (member.T @ np.where(known, values, 0.0)) / (member.T @ known)
    return _filled(values, _per_unit(means, groups))


def by_group_median(values: FloatArray, groups: Codes) -> FloatArray:
    """Fill each gap with the median of the known values of the unit's group in that column."""
    medians = np.array(
        [_nanmedian(values[groups == g]) for g in range(groups.max(initial=-1) + 1)]
    ).reshape(-1, values.shape[1])
    return _filled(values, _per_unit(medians, groups))


def _nanmedian(values: FloatArray) -> FloatArray:
    """Column medians of the known values; NaN for a column with none (and no warning)."""
    result = np.full(values.shape[1], np.nan)
    some = ~np.all(np.isnan(values), axis=0)
    result[some] = np.nanmedian(values[:, some], axis=0)
    return result


def _per_unit(per_group: FloatArray, groups: Codes) -> FloatArray:
    """Row ``groups[i]`` of ``per_group`` for each unit ``i``; NaN for units without a group."""
    padded = np.vstack([per_group, np.full((1, per_group.shape[1]), np.nan)])
    return padded[np.where(groups < 0, len(per_group), groups)]


#: Imputation method -> kernel ``(values (n, k), group codes (n,)) -> filled (n, k)``.
IMPUTERS: dict[str, Callable[[FloatArray, Codes], FloatArray]] = {
    "none": keep,
    "mean": by_mean,
    "median": by_median,
    "group_mean": by_group_mean,
    "group_median": by_group_median,
}
IMPUTE_METHODS = tuple(IMPUTERS)
GROUP_METHODS = ("group_mean", "group_median")


def impute(
    values: ArrayLike, method: str = "none", groups: Sequence[str] | None = None
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Fill missing values column by column; return the filled values and where they were filled.

    Parameters
    ----------
    values : array_like, shape (n_units, k)
        NaN where missing.
    method : {"none", "mean", "median", "group_mean", "group_median"}
        ``mean``/``median``: of the column's known values. ``group_mean``/``group_median``: of
        the known values of the unit's own group in that column.
    groups : sequence of n str, optional
        Each unit's group label (``""`` for none); required by the group methods.

    Returns
    -------
    filled : ndarray, shape (n_units, k)
        Known values unchanged; a gap with nothing to fill it from stays NaN.
    imputed : bool ndarray, shape (n_units, k)
        True exactly where a missing value was filled.

    Examples
    --------
    >>> filled, imputed = impute([[1.0], [float("nan")], [5.0]], "mean")
    >>> filled.ravel().tolist(), imputed.ravel().tolist()
    ([1.0, 3.0, 5.0], [False, True, False])
    """
    if method not in IMPUTERS:
        raise ScoringError(f"impute: must be one of {list(IMPUTE_METHODS)} (got {method!r})")
    matrix = np.asarray(values, dtype=np.float64)
    if method == "none":
        return matrix.copy(), np.zeros(matrix.shape, dtype=bool)
    if method in GROUP_METHODS and groups is None:
        raise ScoringError(f"impute: {method} needs a group column (got none)")
    labels = np.asarray(groups if groups is not None else [""] * len(matrix), dtype=str)
    if labels.shape != matrix.shape[:1]:
        raise ScoringError(
            f"impute: expected one group label per unit, {len(matrix)} (got {labels.size})"
        )
    names, codes = np.unique(labels, return_inverse=True)
    codes = np.where(labels == "", -1, codes - int(names[0] == "" if names.size else 0))
    filled = IMPUTERS[method](matrix, codes.astype(np.intp))
    return filled, np.isnan(matrix) & ~np.isnan(filled)
