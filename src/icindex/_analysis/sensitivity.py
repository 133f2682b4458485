"""Variance-based sensitivity of an index: Sobol' indices of each factor.

The factors' coordinates are sampled as a scrambled Sobol' design (:mod:`.sobol`), every row is
mapped to a replication and scored through the compiled plan (:class:`.model.Model`), and the
first-order and total indices are estimated for two outputs: the mean absolute rank shift of
each replication, and each unit's score (``docs/uncertainty.md``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._engine.encoding import Encoded
from .._engine.plan import Plan
from .._errors import ScoringError
from .._io.dataset import Dataset
from .._io.responses import CityResponse
from .._model.definition import Definition
from .factors import Factor
from .model import Model
from .progress import progress_bar
from .sobol import SobolIndices, design, estimate, sample
from .uncertainty import rank

__all__ = ["Sensitivity", "sensitivity"]

FloatArray = NDArray[np.float64]


@attrs.frozen
class Sensitivity:
    """Sobol' indices of each factor, for the rank shift and for every unit's score.

    Attributes
    ----------
    rank_shift : SobolIndices
        Of each replication's mean absolute rank shift from the nominal ranks (one output).
    scores : SobolIndices
        Of each unit's score (outputs: the unit ids), shapes (factors, units); NaN for a unit
        that has no score in some replication.
    unit_ids : ndarray of str
    target : str
    n_base : int
    runs : int
        Replications scored: ``n_base * (factors + 2)``.
    """

    rank_shift: SobolIndices
    scores: SobolIndices
    unit_ids: NDArray[np.str_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    target: str
    n_base: int
    runs: int

    def rows(self) -> list[dict[str, object]]:
        """One dict per factor: ``factor, S1, S1_conf, ST, ST_conf`` of the rank shift."""
        return self.rank_shift.rows()


def _runs(model: Model, points: FloatArray, progress: bool | None) -> tuple[FloatArray, FloatArray]:
    """Every design row's scores (runs, units) and mean absolute rank shift from nominal."""
    nominal = rank(model.run(model.nominal())[0])
    with progress_bar(points.shape[0], "replications", progress) as advance:
        scores = model.run(model.parameters(points), advance)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a run in which no unit has a score
        shift = np.nanmean(np.abs(rank(scores) - nominal), axis=1)
    return scores, shift


def _estimate(
    y: FloatArray,
    n_base: int,
    groups: int,
    n_boot: int,
    conf_level: float,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """:func:`.sobol.estimate` of the outputs that have a value in every run; NaN for the others
    (a unit left without a score in some replication has no variance to decompose)."""
    finite = np.all(np.isfinite(y), axis=0)
    if np.all(finite):
        return estimate(y, n_base, groups, n_boot=n_boot, conf_level=conf_level, rng=rng)
    shape = (groups, *y.shape[1:])
    s1, s1_conf, st, st_conf = (np.full(shape, np.nan) for _ in range(4))
    results = (s1, s1_conf, st, st_conf)
    if np.any(finite):
        found = estimate(
            y[:, finite], n_base, groups, n_boot=n_boot, conf_level=conf_level, rng=rng
        )
        for result, part in zip(results, found, strict=True):
            result[:, finite] = part
    return results


def sensitivity(
    definition: Definition | Plan,
    data: Encoded | Dataset | Sequence[CityResponse],
    factors: Sequence[Factor],
    *,
    n_base: int = 1024,
    seed: int | None = None,
    n_boot: int = 1000,
    conf_level: float = 0.95,
    target: str | None = None,
    progress: bool | None = None,
) -> Sensitivity:
    r"""First-order and total Sobol' indices of each factor (Saltelli 2010, Jansen 1999).

    Each factor is one input (a group of coordinates: a weight factor's coordinates move
    together). The design has ``n_base * (factors + 2)`` rows, each scored as a replication;
    discrete factors pick their choice from equal sub-intervals of [0, 1).

    Parameters
    ----------
    definition, data, factors, target, progress
        As :func:`icindex.uncertainty`.
    n_base : int >= 2, default 1024
        Base samples ``N`` (a power of 2 keeps the Sobol' sequence balanced).
    seed : int, optional
        Seeds the scrambling and the bootstrap.
    n_boot : int, default 1000; conf_level : float, default 0.95
        Bootstrap resamples, and the level of the confidence intervals.

    Returns
    -------
    Sensitivity

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> cities = icindex.synthetic_cities(icc, 30, seed=1)
    >>> factors = [icindex.WeightNoise({2: 0.5}), icindex.LeaveOneOut(level=2)]
    >>> result = icindex.sensitivity(icc, cities, factors, n_base=256, seed=3)
    >>> [row["factor"] for row in result.rows()]
    ['weights', 'leave_out']
    """
    if not factors:
        raise ScoringError("factors: a sensitivity analysis needs at least one factor")
    model = Model.of(definition, data, factors, target)
    rng = np.random.default_rng(seed)
    groups = [list(range(span.start, span.stop)) for span in model.spans]
    scores, shift = _runs(model, design(*sample(n_base, model.dimensions, rng), groups), progress)
    names = tuple(factor.name for factor in model.factors)
    indices = [_estimate(y, n_base, len(groups), n_boot, conf_level, rng) for y in (shift, scores)]
    units = model.unit_ids
    return Sensitivity(
        rank_shift=SobolIndices(names, *indices[0], n_base, conf_level),
        scores=SobolIndices(names, *indices[1], n_base, conf_level, tuple(units.tolist())),
        unit_ids=units,
        target=model.target,
        n_base=n_base,
        runs=int(scores.shape[0]),
    )
