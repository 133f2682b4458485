"""Variance-based (Sobol') sensitivity analysis: first-order and total effects of input factors.

:func:`sobol` is the generic entry point (a model, the bounds of its inputs, a sample size); the
pieces it is built from are public too, so that index-specific code can run its own model on the
same design: :func:`sample` draws the base matrices A and B, :func:`design` stacks the model runs,
:func:`estimate` turns the outputs into indices with bootstrap confidence half-widths.

The estimators are those of SALib's ``sobol.analyze`` with ``calc_second_order=False``, so both
give the same indices on the same sample (``docs/sobol.md``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import norm, qmc

from .._arrays import ARRAY_EQ, readonly
from .._errors import ScoringError
from . import sobol_kernels as kernels

__all__ = ["SobolIndices", "design", "estimate", "sample", "sobol"]

FloatArray = NDArray[np.float64]

#: scipy's Sobol' engine has at most 21,201 dimensions, and the design uses two per factor.
_MAX_FACTORS = 10_600
_ESTIMATES = ("S1", "S1_conf", "ST", "ST_conf")


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class SobolIndices:
    """First-order and total Sobol indices per factor, with bootstrap confidence half-widths.

    Attributes
    ----------
    factors : tuple of str
        The factors (input columns, or groups of them), in the order of the arrays' rows.
    S1, S1_conf, ST, ST_conf : ndarray, shape (d,) or (d, m)
        First-order and total indices, and the half-width of their ``conf_level`` interval
        (``z * `` the bootstrap standard deviation); one column per output for m outputs. NaN
        for an output that is constant over the base samples (its variance is 0).
    n_base : int
        Base samples N; the model ran ``N * (d + 2)`` times.
    conf_level : float
    outputs : tuple of str, optional
        The names of the m outputs (arrays of shape (d, m) only).

    Examples
    --------
    >>> indices = SobolIndices(("x1", "x2"), [0.3, 0.7], [0.01, 0.02], [0.3, 0.7],
    ...                        [0.01, 0.02], n_base=1024, conf_level=0.95)
    >>> indices.rows()[1]["ST"]
    0.7
    """

    factors: tuple[str, ...] = attrs.field(converter=_strings)
    S1: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    S1_conf: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    ST: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    ST_conf: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    n_base: int
    conf_level: float
    outputs: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_strings)
    )

    def __attrs_post_init__(self) -> None:
        shapes = [getattr(self, name).shape for name in _ESTIMATES]
        shape = shapes[0]
        if len(set(shapes)) > 1 or len(shape) not in (1, 2) or shape[0] != len(self.factors):
            raise ScoringError(
                f"SobolIndices: S1, S1_conf, ST, ST_conf must share one shape (d,) or (d, m), "
                f"d = {len(self.factors)} factors (got {shapes})"
            )
        if self.outputs is not None and (len(shape) == 1 or len(self.outputs) != shape[1]):
            raise ScoringError(
                f"SobolIndices: outputs must name the columns of S1, shape {shape} "
                f"(got {len(self.outputs)} names)"
            )

    def rows(self) -> list[dict[str, object]]:
        """One dict per factor (and per output first, for m outputs), e.g. for a table.

        Keys are ``factor, S1, S1_conf, ST, ST_conf``, with ``output`` first for indices of
        shape (d, m); outputs without names are called ``y1 .. ym``.
        """
        d = len(self.factors)
        arrays = [getattr(self, name).reshape(d, -1) for name in _ESTIMATES]
        outputs = self.outputs or tuple(f"y{j + 1}" for j in range(arrays[0].shape[1]))
        rows: list[dict[str, object]] = []
        for j, output in enumerate(outputs):
            for i, factor in enumerate(self.factors):
                row: dict[str, object] = {"output": output} if self.S1.ndim == 2 else {}
                row["factor"] = factor
                rows.append(
                    row | {k: float(a[i, j]) for k, a in zip(_ESTIMATES, arrays, strict=True)}
                )
        return rows


def sample(
    n_base: int, d: int, seed: int | np.random.Generator | None
) -> tuple[FloatArray, FloatArray]:
    """The base matrices A and B: one scrambled Sobol' sequence of dimension 2d, split in two.

    Parameters
    ----------
    n_base : int, >= 2
        Rows N of each matrix. Powers of 2 are best: only they keep the balance properties of
        the Sobol' sequence (other sizes take its first N points).
    d : int, 1 to 10,600
        Columns (factors).
    seed : int, Generator or None
        Seeds the scrambling (``numpy.random.default_rng(seed)``; a Generator is used as is).

    Returns
    -------
    A, B : ndarray, shape (n_base, d)
        Points in [0, 1): A is the sequence's first d coordinates, B its last d.

    Examples
    --------
    >>> A, B = sample(8, 3, seed=0)
    >>> A.shape, bool((A < 1).all() and (B >= 0).all())
    ((8, 3), True)
    """
    _check_integer("n_base", n_base, 2)
    _check_integer("d", d, 1)
    if d > _MAX_FACTORS:
        raise ScoringError(f"d: at most {_MAX_FACTORS} factors for scipy's Sobol' (got {d})")
    n_base, d = int(n_base), int(d)
    engine = qmc.Sobol(d=2 * d, scramble=True, seed=np.random.default_rng(seed))
    if n_base & (n_base - 1) == 0:
        points = engine.random_base2(n_base.bit_length() - 1)
    else:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "The balance properties", UserWarning)
            points = engine.random(n_base)
    return points[:, :d], points[:, d:]


def design(A: FloatArray, B: FloatArray, groups: Sequence[Sequence[int]]) -> FloatArray:
    """Every model run: A, B, then for each group g the matrix AB_g.

    AB_g is A with the columns of group g taken from B.

    Parameters
    ----------
    A, B : ndarray, shape (N, d)
    groups : sequence of G sequences of column indices
        Usually each column alone (``[[0], [1], ...]``); a group moves its columns together.

    Returns
    -------
    ndarray, shape (N * (G + 2), d)
        Rows ``A``, ``B``, ``AB_1``, ..., ``AB_G``, N each.

    Examples
    --------
    >>> A, B = np.zeros((2, 2)), np.ones((2, 2))
    >>> design(A, B, [[0], [1]])[4:].tolist()
    [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    """
    if np.shape(A) != np.shape(B) or np.ndim(A) != 2:
        raise ScoringError(
            f"design: A and B must be matrices of one shape (got {np.shape(A)}, {np.shape(B)})"
        )
    n = len(A)
    runs = np.empty((n * (len(groups) + 2), np.shape(A)[1]))
    runs[:n], runs[n : 2 * n] = A, B
    for g, columns in enumerate(groups):
        block = runs[(g + 2) * n : (g + 3) * n]
        block[:] = A
        block[:, list(columns)] = B[:, list(columns)]
    return runs


def estimate(
    y: ArrayLike,
    n_base: int,
    n_groups: int,
    *,
    n_boot: int = 1000,
    conf_level: float = 0.95,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    r"""First-order and total indices from the outputs of a :func:`design`, with bootstrap CIs.

    Each output is first centred on its mean over all runs (as SALib does: the first-order
    estimator is biased for outputs far from 0). With :math:`V` the variance (ddof 0) of
    :math:`f(A)` and :math:`f(B)` together, and means over the N base rows,

    .. math:: S_g = \frac{\overline{f(B)\,(f(AB_g) - f(A))}}{V}, \qquad
              S_{T,g} = \frac{\overline{(f(A) - f(AB_g))^2}}{2V}

    (Saltelli et al. 2010; Jansen 1999). The confidence half-width is
    ``norm.ppf(0.5 + conf_level / 2)`` times the standard deviation (ddof 1) of both estimators
    over ``n_boot`` resamples of the base rows with replacement (a resample whose outputs are
    all equal counts 0, as in SALib). An output constant over A and B has no variance to share
    out: its indices and half-widths are NaN.

    Parameters
    ----------
    y : ndarray, shape (N * (G + 2),) or (N * (G + 2), m)
        Model outputs, rows in :func:`design` order; finite.
    n_base, n_groups : int
        N and G.
    n_boot : int, >= 2
    conf_level : float in (0, 1)
    rng : Generator
        Draws the resamples.

    Returns
    -------
    S1, S1_conf, ST, ST_conf : ndarray, shape (G,) or (G, m)

    Examples
    --------
    >>> A, B = sample(256, 2, seed=1)
    >>> x = design(A, B, [[0], [1]])
    >>> S1, _, ST, _ = estimate(x[:, 0] + 2 * x[:, 1], 256, 2, rng=np.random.default_rng(1))
    >>> np.round(ST, 2).tolist()   # shares 1/5 and 4/5 of the variance
    [0.2, 0.8]
    """
    _check_integer("n_base", n_base, 2)
    _check_integer("n_groups", n_groups, 1)
    values = _check_output(y, n_base * (n_groups + 2), "y")
    _check_integer("n_boot", n_boot, 2)
    _check_level(conf_level)
    return _estimate(values, n_base, n_groups, n_boot, conf_level, rng)


def sobol(
    model: Callable[[FloatArray], ArrayLike],
    bounds: Sequence[tuple[float, float]],
    n_base: int,
    *,
    seed: int | np.random.Generator | None = None,
    n_boot: int = 1000,
    conf_level: float = 0.95,
    groups: Mapping[str, Sequence[int]] | None = None,
    names: Sequence[str] | None = None,
) -> SobolIndices:
    """Sobol' first-order and total indices of a model's inputs, with bootstrap CIs.

    Draws a scrambled Sobol' design (:func:`sample`, :func:`design`), scales it onto the
    bounds (``low + u * (high - low)``, inputs independent and uniform), calls ``model`` once
    on all ``n_base * (G + 2)`` rows and estimates the indices (:func:`estimate`).

    Parameters
    ----------
    model : callable
        Maps inputs of shape (n, d) to outputs of shape (n,) or (n, m), finite.
    bounds : sequence of d pairs (low, high)
        Finite, with low < high.
    n_base : int, >= 2
        Base samples N; a power of 2 is best (:func:`sample`).
    seed : int, Generator or None
        One generator, ``numpy.random.default_rng(seed)``, scrambles the sequence and then
        draws the resamples: one seed reproduces everything.
    n_boot : int, >= 2; conf_level : float in (0, 1)
        Bootstrap resamples; the level of the confidence intervals.
    groups : mapping of name to column indices, optional
        Factors made of several inputs moved together; every column in exactly one group.
        Without it each input is a factor.
    names : sequence of d str, optional (default ``x1 .. xd``)

    Returns
    -------
    SobolIndices
        One row per input (or group), one column per output for (n, m) outputs.

    Examples
    --------
    >>> indices = sobol(lambda x: x[:, 0] + 2 * x[:, 1], [(0, 1), (0, 1)], 1024, seed=0)
    >>> [round(row["ST"], 2) for row in indices.rows()]
    [0.2, 0.8]
    """
    low, high = _check_bounds(bounds)
    columns = _check_names(names, len(low))
    if groups is None:
        factors, members = columns, _singles(low)
    else:
        factors, members = _check_groups(groups, len(low))
    _check_integer("n_boot", n_boot, 2)
    _check_level(conf_level)
    rng = np.random.default_rng(seed)
    A, B = sample(n_base, len(low), rng)
    inputs = low + design(A, B, members) * (high - low)
    outputs = _check_output(model(inputs), len(inputs), "model output")
    estimates = _estimate(outputs, n_base, len(members), n_boot, conf_level, rng)
    return SobolIndices(factors, *estimates, n_base=int(n_base), conf_level=conf_level)


def _estimate(
    values: FloatArray,
    n_base: int,
    n_groups: int,
    n_boot: int,
    conf_level: float,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """:func:`estimate` on checked outputs: the blocks as a table for the kernel."""
    table = values.reshape(n_groups + 2, n_base, -1)
    z = float(norm.ppf(0.5 + conf_level / 2))
    first, first_conf, total, total_conf = kernels.indices(table, n_boot, z, rng)
    if values.ndim == 1:
        return first[:, 0], first_conf[:, 0], total[:, 0], total_conf[:, 0]
    return first, first_conf, total, total_conf


def _singles(low: FloatArray) -> list[list[int]]:
    return [[column] for column in range(len(low))]


def _check_integer(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ScoringError(f"{name}: must be an integer >= {minimum} (got {value!r})")


def _check_level(conf_level: float) -> None:
    if not 0 < conf_level < 1:
        raise ScoringError(f"conf_level: must be between 0 and 1, exclusive (got {conf_level!r})")


def _check_bounds(bounds: Sequence[tuple[float, float]]) -> tuple[FloatArray, FloatArray]:
    try:
        pairs = np.asarray(bounds, dtype=np.float64)
    except (TypeError, ValueError):
        pairs = np.empty(0)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or len(pairs) == 0:
        raise ScoringError(f"bounds: expected d >= 1 pairs (low, high) (got {bounds!r})")
    wrong = ~(np.isfinite(pairs).all(axis=1) & (pairs[:, 0] < pairs[:, 1]))
    if wrong.any():
        column = int(np.flatnonzero(wrong)[0])
        raise ScoringError(
            f"bounds: column {column} must be finite with low < high "
            f"(got {tuple(pairs[column].tolist())})"
        )
    return pairs[:, 0], pairs[:, 1]


def _check_names(names: Sequence[str] | None, d: int) -> tuple[str, ...]:
    if names is None:
        return tuple(f"x{i + 1}" for i in range(d))
    if isinstance(names, str) or len(names) != d or len(set(names)) != d:
        raise ScoringError(f"names: expected {d} distinct names, one per bound (got {names!r})")
    return tuple(names)


def _check_groups(
    groups: Mapping[str, Sequence[int]], d: int
) -> tuple[tuple[str, ...], list[list[int]]]:
    owner: dict[int, str] = {}
    for name, columns in groups.items():
        if len(columns) == 0:
            raise ScoringError(f"groups: {name!r} must list column indices (got {columns!r})")
        for column in columns:
            if isinstance(column, bool) or not isinstance(column, int | np.integer):
                raise ScoringError(f"groups: {name!r} lists {column!r}, not a column index")
            if not 0 <= column < d:
                raise ScoringError(f"groups: {name!r} lists column {column}, not in 0..{d - 1}")
            if int(column) in owner:
                first = owner[int(column)]
                raise ScoringError(f"groups: column {column} is in both {first!r} and {name!r}")
            owner[int(column)] = name
    missing = sorted(set(range(d)) - set(owner))
    if missing:
        raise ScoringError(f"groups: columns {missing} are in no group (each must be in one)")
    return tuple(groups), [[int(c) for c in columns] for columns in groups.values()]


def _check_output(y: ArrayLike, rows: int, what: str) -> FloatArray:
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ScoringError(f"{what}: expected an array of numbers ({error})") from None
    if values.ndim not in (1, 2) or len(values) != rows or values.size == 0:
        raise ScoringError(
            f"{what}: expected shape ({rows},) or ({rows}, m), one row per run (got {values.shape})"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad.reshape(rows, -1).any(axis=1))[0])
        raise ScoringError(
            f"{what}: must be finite (got {int(bad.sum())} NaN or infinite values, "
            f"the first in row {row})"
        )
    return values
