"""The bare numpy kernels behind :func:`icindex._analysis.sobol.estimate`: no checking here.

Outputs come as a table of shape (G + 2, N, m): the blocks f(A), f(B), f(AB_1) .. f(AB_G) of
N base rows each, for m outputs. Every estimate is a mean over base rows, so a bootstrap
resample is a row of counts (how often each base row is drawn) and its estimates are matrix
products: ``counts @ per_row_terms``. Resamples and outputs are taken in chunks that fit in
:data:`_MEMORY`.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

__all__ = ["indices"]

FloatArray = NDArray[np.float64]

#: Bytes of working memory, beyond the outputs themselves. Results do not depend on it (beyond
#: the last bits of rounding); tests shrink it to force chunking.
_MEMORY = 128 * 2**20
#: A resample whose variance is below this share of its mean square saw a constant output.
_CONSTANT = 1e-10


def indices(
    table: FloatArray, n_boot: int, z: float, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """S1, S1_conf, ST, ST_conf, each (G, m); NaN for outputs constant over A and B.

    ``z`` is the normal quantile of the confidence level; ``rng`` draws the resamples.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        first, total = _point_estimates(table)
        spread = z * _bootstrap_std(table, n_boot, rng)
    results = (first, spread[0], total, spread[1])
    constant = np.ptp(table[:2], axis=(0, 1)) == 0
    for result in results:
        result[:, constant] = np.nan
    return results


def _point_estimates(table: FloatArray) -> tuple[FloatArray, FloatArray]:
    """S1 and ST, shape (G, m), for every output: one chunk of outputs at a time."""
    groups, n, m = table.shape[0] - 2, table.shape[1], table.shape[2]
    first, total = np.empty((groups, m)), np.empty((groups, m))
    for columns in _column_chunks(m, _chunk_sizes(n, groups, 1, m)[1]):
        z = _standardised(table[:, :, columns])
        variance = np.var(z[:2].reshape(2 * n, -1), axis=0)
        for g in range(groups):
            change = z[g + 2] - z[0]
            first[g, columns] = np.mean(z[1] * change, axis=0) / variance
            total[g, columns] = 0.5 * np.mean(change**2, axis=0) / variance
    return first, total


def _bootstrap_std(table: FloatArray, n_boot: int, rng: np.random.Generator) -> FloatArray:
    """Standard deviation (ddof 1) of S1 and ST over resamples, shape (2, G, m).

    Resamples are drawn in chunks (in order, so chunking does not change them) and folded into
    running means and sums of squared deviations (Chan et al.'s pairwise update).
    """
    groups, n, m = table.shape[0] - 2, table.shape[1], table.shape[2]
    resamples, width = _chunk_sizes(n, groups, n_boot, m)
    mean, squares = np.zeros((2, groups, m)), np.zeros((2, groups, m))
    for seen in range(0, n_boot, resamples):
        counts = _counts(rng, n, min(resamples, n_boot - seen))
        for columns in _column_chunks(m, width):
            batch = _resampled(_standardised(table[:, :, columns]), counts)
            batch_mean = batch.mean(axis=0)
            delta = batch_mean - mean[:, :, columns]
            total = seen + len(batch)
            mean[:, :, columns] += delta * len(batch) / total
            squares[:, :, columns] += ((batch - batch_mean) ** 2).sum(axis=0)
            squares[:, :, columns] += delta**2 * seen * len(batch) / total
    result: FloatArray = np.sqrt(squares / (n_boot - 1))
    return result


def _resampled(z: FloatArray, counts: FloatArray) -> FloatArray:
    """S1 and ST of each resample, shape (R, 2, G, m), from how often each base row is drawn."""
    n, groups = z.shape[1], z.shape[0] - 2
    both = 2.0 * n
    level = counts @ (z[0] + z[1]) / both
    square = counts @ (z[0] ** 2 + z[1] ** 2) / both
    variance = square - level**2
    varies = variance > _CONSTANT * square
    variance = np.where(varies, variance, 1.0)
    batch = np.empty((len(counts), 2, groups, z.shape[2]))
    for g in range(groups):
        change = z[g + 2] - z[0]
        batch[:, 0, g] = counts @ (z[1] * change) / n / variance
        batch[:, 1, g] = 0.5 * (counts @ change**2) / n / variance
    result: FloatArray = np.where(varies[:, None, None, :], batch, 0.0)
    return result


def _standardised(block: FloatArray) -> FloatArray:
    """Outputs (G + 2, N, m) centred on their mean and scaled to unit variance, as SALib does."""
    centre = block.mean(axis=(0, 1))
    scale = block.std(axis=(0, 1))
    result: FloatArray = (block - centre) / np.where(scale > 0, scale, 1.0)
    return result


def _counts(rng: np.random.Generator, n: int, resamples: int) -> FloatArray:
    """How often each of n rows is drawn, shape (resamples, n), n draws with replacement each."""
    picks = rng.integers(n, size=(resamples, n))
    picks += n * np.arange(resamples)[:, None]
    counts = np.bincount(picks.ravel(), minlength=resamples * n)
    return counts.reshape(resamples, n).astype(np.float64)


def _chunk_sizes(n: int, groups: int, n_boot: int, m: int) -> tuple[int, int]:
    """Resamples and outputs taken at once so that the work fits in :data:`_MEMORY`."""
    resamples = min(max(1, _MEMORY // 2 // (24 * n)), n_boot)
    per_output = 8 * ((3 * groups + 9) * n + (8 * groups + 6) * resamples)
    width = min(max(1, (_MEMORY - 24 * n * resamples) // per_output), m)
    return resamples, width


def _column_chunks(m: int, width: int) -> Iterator[slice]:
    return (slice(start, min(start + width, m)) for start in range(0, m, width))
