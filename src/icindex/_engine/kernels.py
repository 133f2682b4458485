"""Bare numpy kernels: arrays in, arrays out, no checking, no Python loop over cities.

The public layer (:mod:`icindex._engine`) validates once and calls these.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "checklist_byte_points",
    "score_checklists",
    "score_coded",
    "score_goalposts",
    "score_thresholds",
    "transform",
    "untransform",
    "zero_hits",
]

FloatArray = NDArray[np.float64]


def transform(values: FloatArray, power: float, *, filled: bool = False) -> FloatArray:
    r"""The power map of a weighted power mean, with unusable values mapped to 0.

    ``x`` for ``p = 1``, ``ln x`` for ``p = 0`` and ``x ** p`` otherwise; NaN (missing) maps to
    0, and so does 0 for ``p <= 0`` (where the mean collapses to 0 instead: see
    :func:`zero_hits`). Summing the result with weights gives the numerator of the mean.
    With ``filled`` the values hold 0 (not NaN) where missing: ``p = 1`` returns them as they
    are, without a copy.
    """
    if power == 1:
        return values if filled else np.where(np.isnan(values), 0.0, values)
    if power == 0:
        return np.log(np.where(values > 0, values, 1.0))
    usable = np.abs(values) > 0  # False for NaN and 0
    return np.where(usable, np.where(usable, values, 1.0) ** power, 0.0)


def untransform(mean: FloatArray, power: float) -> FloatArray:
    """The inverse power map, in place: ``mean``, ``exp(mean)`` or ``mean ** (1 / p)``.

    Like :func:`transform`, it leaves floating-point warnings to its caller (the tree engine
    silences them once per evaluation: an empty mean is 0/0 by design, then set to NaN).
    """
    if power == 0:
        np.exp(mean, out=mean)
    elif power != 1:
        np.power(mean, 1.0 / power, out=mean)
    return mean


def zero_hits(values: FloatArray, weights: FloatArray) -> FloatArray:
    """How many known children of value 0 with positive weight each parent has, (..., n, m)."""
    hits: FloatArray = (values == 0).astype(np.float64) @ (weights > 0).astype(np.float64)
    return hits


def score_coded(
    codes: NDArray[np.integer],
    table: FloatArray,
    out: FloatArray | None = None,
    index: NDArray[np.intp] | None = None,
) -> FloatArray:
    """Scores of yes_no and choice answers by table look-up.

    Parameters
    ----------
    codes : int array, shape (n, c)
        Option index per city and item, -1 for unknown.
    table : ndarray, shape (c, width + 1), C-contiguous
        ``table[j, 1 + o]`` is item ``j``'s score for option ``o``; ``table[j, 0]`` is what the
        unknown code -1 looks up (NaN, or 0 for zero-filled leaves).
    out, index : ndarray, shape (n, c), optional
        Where to write the scores, and scratch for the flat indices (float64 and intp,
        C-contiguous): given, the look-up allocates nothing.
    """
    offsets = np.arange(table.shape[0], dtype=np.intp) * table.shape[1] + 1
    flat = np.add(codes, offsets, out=index, dtype=np.intp, casting="unsafe")
    scores: FloatArray = np.take(table, flat, out=out, mode="wrap")  # indices are in range
    return scores


def checklist_byte_points(option_points: FloatArray) -> FloatArray:
    """Points earned by each value of each byte of a tick mask, shape (bytes, c, 256).

    ``result[b, j, v]`` is the sum of the points of checklist ``j``'s options ``8 b + i`` for
    each bit ``i`` set in ``v``: a mask's points are then one look-up per byte.
    """
    c, width = option_points.shape
    n_bytes = max(1, -(-width // 8))
    padded = np.zeros((c, 8 * n_bytes))
    padded[:, :width] = option_points
    bits = (np.arange(256)[:, None] >> np.arange(8)) & 1  # (256, 8)
    per_byte = padded.reshape(c, n_bytes, 8).transpose(1, 0, 2)  # (bytes, c, 8)
    points: FloatArray = per_byte @ bits.T.astype(np.float64)  # (bytes, c, 256)
    return points


def score_checklists(
    ticks: NDArray[np.int64],
    byte_points: FloatArray,
    low: FloatArray,
    high: FloatArray,
    unknown: float = np.nan,
) -> FloatArray:
    """Scores of checklist answers: ticked points summed, capped, rescaled to 0-100.

    Parameters
    ----------
    ticks : int64 array, shape (n, c)
        Bit mask of ticked options per city and checklist, -1 for unknown.
    byte_points : ndarray, shape (bytes, c, 256)
        :func:`checklist_byte_points` of the options' points.
    low, high : ndarray, shape (c,)
        Fewest points (0) and the cap.
    unknown : float
        What an unknown answer scores (NaN, or 0 for zero-filled leaves).
    """
    n_bytes, c, _ = byte_points.shape
    offsets = np.arange(c, dtype=np.int64) * 256
    earned = np.zeros(ticks.shape)
    for b in range(n_bytes):  # a checklist has at most 62 options: at most 8 bytes
        index = (ticks >> (8 * b)) & 255
        index += offsets
        earned += np.take(byte_points[b], index)
    scores = 100.0 * (np.minimum(earned, high) - low) / (high - low)
    return np.where(ticks < 0, unknown, scores)


def score_thresholds(
    values: FloatArray, thresholds: FloatArray, table: FloatArray, unknown: float = np.nan
) -> FloatArray:
    """Scores of numeric answers by ascending thresholds.

    Parameters
    ----------
    values : ndarray, shape (n, c); NaN for unknown
    thresholds : ndarray, shape (c, t), ascending per row, padded with +inf
    table : ndarray, shape (c, t + 1), the score of each band
    unknown : float, what an unknown answer scores (NaN, or 0 for zero-filled leaves)
    """
    band = (values[..., None] >= thresholds).sum(axis=-1)
    scores = table[np.arange(table.shape[0]), band]
    return np.where(np.isnan(values), unknown, scores)


def score_goalposts(
    values: FloatArray, worst: FloatArray, best: FloatArray, unknown: float = np.nan
) -> FloatArray:
    """Scores of numeric answers between goalposts: ``100 * clip((x - worst) / (best - worst))``.

    An unknown answer (NaN) scores ``unknown`` (NaN, or 0 for zero-filled leaves).
    """
    scores = 100.0 * np.clip((values - worst) / (best - worst), 0.0, 1.0)
    return scores if np.isnan(unknown) else np.where(np.isnan(values), unknown, scores)
