"""Uncertainty analysis: how each unit's score and rank move under the factors' choices.

N replications are sampled (seeded), mapped to parameters by the factors, scored as batches of
weight sets (:class:`.model.Model`) and summarised per unit (``docs/uncertainty.md``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray
from scipy import stats

from .._arrays import ARRAY_EQ, readonly
from .._engine.encoding import Encoded
from .._engine.plan import Plan
from .._errors import ScoringError
from .._io.dataset import Dataset
from .._io.responses import CityResponse
from .._model.definition import Definition
from .factors import Factor
from .model import Model, Progress, Replications
from .progress import progress_bar

__all__ = [
    "SUMMARY_COLUMNS",
    "Runner",
    "Uncertainty",
    "analyse",
    "rank",
    "score_and_rank",
    "uncertainty",
]

FloatArray = NDArray[np.float64]
#: Scores and ranks replications under a model (:func:`score_and_rank`, the default); the Dask
#: backend (``icindex._scale``) passes one that does both on a cluster's workers.
Runner = Callable[[Model, Replications, Progress | None], tuple[FloatArray, FloatArray]]

#: Rows ranked at once by :func:`rank` (each row is ranked alone: any number gives the same).
RANK_ROWS = 1000

#: The per-unit columns of :meth:`Uncertainty.rows`, in order (``p_top{k}`` follow).
SUMMARY_COLUMNS = (
    "unit",
    "nominal_rank",
    "mean_rank",
    "median_rank",
    "q05_rank",
    "q95_rank",
    "name",
    "nominal_score",
    "mean_score",
    "median_score",
    "q05_score",
    "q95_score",
    "mean_abs_rank_shift",
)


def rank(scores: FloatArray) -> FloatArray:
    """Ranks along the last axis: 1 = highest score, ties share the lowest rank, NaN stays NaN.

    Examples
    --------
    >>> rank(np.array([[50.0, 70.0, 50.0, np.nan]])).tolist()
    [[2.0, 1.0, 2.0, nan]]
    """
    scores = np.asarray(scores)
    if scores.ndim < 2:
        return _rank_rows(scores)
    # Rows at a time: scipy ranks a large array several times slower per row (benchmarks).
    ranks = np.empty(scores.shape)
    for start in range(0, scores.shape[0], RANK_ROWS):
        ranks[start : start + RANK_ROWS] = _rank_rows(scores[start : start + RANK_ROWS])
    return ranks


def _rank_rows(scores: FloatArray) -> FloatArray:
    ranks: FloatArray = stats.rankdata(-scores, method="min", axis=-1, nan_policy="omit")
    return ranks.astype(np.float64)


def score_and_rank(
    model: Model, replications: Replications, progress: Progress | None = None
) -> tuple[FloatArray, FloatArray]:
    """Every replication's scores (``Model.run``) and ranks (:func:`rank`), both (reps, units).

    A replication's ranks depend on its own scores only, so they can be computed block by block.
    """
    scores = model.run(replications, progress)
    return scores, rank(scores)


def _quiet(function, array: FloatArray, *args: object) -> FloatArray:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column is NaN
        return np.asarray(function(array, *args, axis=0), dtype=np.float64)


@attrs.frozen
class Uncertainty:
    """The replications of an uncertainty analysis and their summary per unit.

    Attributes
    ----------
    unit_ids : ndarray of str, shape (n,)
    unit_names : tuple of str
    target : str
        The aggregate analysed (the index by default).
    factors : tuple of Factor
    nominal_scores, nominal_ranks : ndarray, shape (n,)
        The unperturbed pipeline (the definition's weights, every factor's first choice).
    scores, ranks : ndarray, shape (reps, n)
        Every replication's score and rank of every unit (NaN: no score).
    replications : Replications
        Every replication's sampled parameters (``parameters()`` names them).
    choice_names : tuple of str
        The discrete factors' names (the columns of ``replications.choices``).
    labels : tuple of tuple of str
        Each discrete factor's choices.
    weight_ids : tuple of str
        The columns of ``replications.weights`` (leaves, nodes, groups).
    top : tuple of int
        The k of the ``p_top{k}`` columns.
    seed : int or None
    """

    unit_ids: NDArray[np.str_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    unit_names: tuple[str, ...]
    target: str
    factors: tuple[Factor, ...]
    nominal_scores: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    nominal_ranks: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    scores: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    ranks: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    replications: Replications
    choice_names: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    weight_ids: tuple[str, ...]
    top: tuple[int, ...] = (1, 3, 10)
    seed: int | None = None
    model: Model | None = attrs.field(default=None, eq=False, repr=False)
    """The analysis' model (plan, data, factors), to re-score a replication (:meth:`plan`)."""

    @classmethod
    def of(
        cls,
        model: Model,
        points: FloatArray,
        *,
        top: Sequence[int] = (1, 3, 10),
        seed: int | None = None,
        progress: Progress | None = None,
        run: Runner | None = None,
    ) -> Uncertainty:
        """Score the replications at ``points`` (reps, dimensions) of the unit cube (with
        ``run``, default :func:`score_and_rank`; the nominal pipeline is always scored here)."""
        replications = model.parameters(points)
        nominal = model.run(model.nominal())[0]
        scores, ranks = (run or score_and_rank)(model, replications, progress)
        names = model.data.unit_names if isinstance(model.data, Dataset) else model.unit_ids
        return cls(
            unit_ids=model.unit_ids,
            unit_names=tuple(str(name) for name in names),
            target=model.target,
            factors=model.factors,
            nominal_scores=nominal,
            nominal_ranks=rank(nominal),
            scores=scores,
            ranks=ranks,
            replications=replications,
            choice_names=tuple(model.factors[i].name for i in model.discrete),
            labels=model.labels,
            weight_ids=model.layout.ids,
            top=tuple(int(k) for k in top),
            seed=seed,
            model=model,
        )

    def plan(self, replication: int) -> Plan:
        """A plan scoring replication ``replication`` alone: ``icindex.score(result.plan(i),
        result.model.data)`` (or ``score_composite``) reproduces row ``i`` of ``scores``."""
        if self.model is None:
            raise ScoringError("plan: this result carries no model to re-score with")
        if not 0 <= replication < len(self.replications):
            raise ScoringError(
                f"replication: expected 0 to {len(self.replications) - 1} (got {replication})"
            )
        return self.model.plan_of(self.replications, replication)

    @property
    def rank_shift(self) -> FloatArray:
        r"""Each replication's mean absolute rank shift over the units (Saisana et al. 2005):
        :math:`\bar R_S = \frac1n \sum_c |r_c - r_c^{\text{nominal}}|` (units ranked both times)."""
        return _quiet(np.nanmean, np.abs(self.ranks - self.nominal_ranks).T)

    def summary(self) -> dict[str, FloatArray]:
        """Per unit: nominal, mean, median, 5 % and 95 % quantiles of rank and score, the
        probability of a rank within each ``top`` k, and the mean absolute rank shift."""
        ranks, scores = self.ranks, self.scores
        columns = {
            "nominal_rank": np.asarray(self.nominal_ranks),
            "mean_rank": _quiet(np.nanmean, ranks),
            "median_rank": _quiet(np.nanmedian, ranks),
            "q05_rank": _quiet(np.nanquantile, ranks, 0.05),
            "q95_rank": _quiet(np.nanquantile, ranks, 0.95),
            "nominal_score": np.asarray(self.nominal_scores),
            "mean_score": _quiet(np.nanmean, scores),
            "median_score": _quiet(np.nanmedian, scores),
            "q05_score": _quiet(np.nanquantile, scores, 0.05),
            "q95_score": _quiet(np.nanquantile, scores, 0.95),
            "mean_abs_rank_shift": _quiet(np.nanmean, np.abs(ranks - self.nominal_ranks)),
        }
        for k in self.top:
            columns[f"p_top{k}"] = np.mean(ranks <= k, axis=0)
        return columns

    def rows(self) -> list[dict[str, object]]:
        """One dict per unit, keys :data:`SUMMARY_COLUMNS` then ``p_top{k}``."""
        summary = self.summary()
        rows = []
        for i, unit in enumerate(self.unit_ids.tolist()):
            row: dict[str, object] = {"unit": unit, "name": self.unit_names[i]}
            row.update({key: float(values[i]) for key, values in summary.items()})
            order = [*SUMMARY_COLUMNS, *(f"p_top{k}" for k in self.top)]
            rows.append({key: row[key] for key in order})
        return rows

    def parameters(self) -> list[dict[str, object]]:
        """One dict per replication: its discrete choices by factor name and its weights by
        entry id (``weight:ID``), the parameters that reproduce it."""
        names = self.choice_names
        table = []
        for r in range(len(self.replications)):
            row: dict[str, object] = {"replication": r}
            choices = self.replications.choices[r].tolist()
            for name, labels, choice in zip(names, self.labels, choices, strict=True):
                row[name] = labels[choice]
            weights = self.replications.weights[r].tolist()
            row.update({f"weight:{e}": w for e, w in zip(self.weight_ids, weights, strict=True)})
            table.append(row)
        return table


def uncertainty(
    definition: Definition | Plan,
    data: Encoded | Dataset | Sequence[CityResponse],
    factors: Sequence[Factor],
    *,
    reps: int = 1000,
    seed: int | None = None,
    target: str | None = None,
    top: Sequence[int] = (1, 3, 10),
    progress: bool | None = None,
) -> Uncertainty:
    r"""Re-score every unit under ``reps`` random draws of the factors; summarise the ranks.

    Each replication draws a point ``u`` uniform in the unit cube (``numpy.random.Generator``
    seeded with ``seed``); the factors map it to weights and discrete choices
    (``docs/uncertainty.md``). Replications sharing the same discrete choices are scored as one
    batch of weight sets through the compiled plan, in chunks sized by the plan's ``memory``.

    Parameters
    ----------
    definition : Definition or Plan
        A plan carries the scoring options (``icindex.compile``).
    data : Encoded, sequence of CityResponse, or Dataset
        Questionnaire answers, or a composite index's indicator values.
    factors : sequence of Factor
        :class:`WeightNoise`, :class:`DirichletWeights`, :class:`LeaveOneOut`,
        :class:`Aggregation`, :class:`MissingPolicy`, :class:`Normaliser`.
    reps : int >= 1, default 1000
    seed : int, optional
        The same seed gives the same replications (the first ``r`` of them for any ``reps >= r``).
    target : str, optional
        The aggregate to analyse: the root (default), a node, a group or a variant.
    top : sequence of int, default (1, 3, 10)
        The k of the probabilities of ranking within the top k.
    progress : bool, optional
        A progress bar on standard error (needs ``tqdm``); default: when it is a terminal.

    Returns
    -------
    Uncertainty

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> cities = icindex.synthetic_cities(icc, 20, seed=1)
    >>> result = icindex.uncertainty(icc, cities, [icindex.WeightNoise({2: 0.25})], reps=200)
    >>> result.scores.shape
    (200, 20)
    """
    return analyse(
        definition, data, factors, reps=reps, seed=seed, target=target, top=top, progress=progress
    )


def analyse(
    definition: Definition | Plan,
    data: Encoded | Dataset | Sequence[CityResponse],
    factors: Sequence[Factor],
    *,
    reps: int,
    seed: int | None,
    target: str | None,
    top: Sequence[int],
    progress: bool | None,
    run: Runner | None = None,
) -> Uncertainty:
    """:func:`uncertainty`, with the replications scored by ``run`` (default ``Model.run``)."""
    if reps < 1 or any(k < 1 for k in top):
        raise ScoringError(f"reps, top: expected numbers >= 1 (got {reps!r}, {list(top)})")
    model = Model.of(definition, data, factors, target)
    points = np.random.default_rng(seed).random((reps, model.dimensions))
    with progress_bar(reps, "replications", progress) as advance:
        result = Uncertainty.of(model, points, top=top, seed=seed, progress=advance, run=run)
    if isinstance(data, Sequence):  # responses carry the cities' names
        result = attrs.evolve(result, unit_names=tuple(city.name for city in data))
    return result
