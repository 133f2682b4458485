"""The scoring model of an analysis: points of the unit cube in, one score per unit out.

:class:`Model` ties a compiled plan, the units and the factors together. It maps each
replication's coordinates to its parameters (:class:`Replications`: a row of weights and the
index of each discrete choice), then scores all replications that share the same pipeline as one
batch of weight sets through the tree engine, chunked by the plan's memory budget. A
replication's scores depend on its own parameters only, so results do not depend on the chunk
size, nor on which other replications are scored with it, up to rounding: a batch's matrix
products may round a score's last bit differently in a batch of other replications. So that
another process can reproduce :meth:`Model.run` bit for bit, the batches are explicit
(:meth:`Model.batches`) and each is scored alone (:meth:`Model.score_batch`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._engine.encoding import Encoded, encode
from .._engine.plan import POLICY_FILLS, Plan, compile
from .._engine.score import domain_error, unit_leaves
from .._engine.tree import Leaves, OutOfDomainError, evaluate
from .._errors import ScoringError
from .._io.dataset import Dataset
from .._io.responses import CityResponse
from .._model.definition import Definition
from .factors import Factor
from .layout import WeightLayout, pick

__all__ = ["Model", "Progress", "Replications"]

FloatArray = NDArray[np.float64]
Index = NDArray[np.intp]
Progress = Callable[[int], object]
#: Each combination of discrete choices' plan and leaves, computed once (``Model.score_batch``).
Prepared = dict[tuple[int, ...], tuple[Plan, Leaves]]


@attrs.frozen
class Replications:
    """The sampled parameters of every replication: enough to re-score any one alone.

    Attributes
    ----------
    u : ndarray, shape (r, d)
        The points of the unit cube the parameters were mapped from.
    weights : ndarray, shape (r, columns)
        Each replication's weights, columns as ``Model.layout.ids``.
    choices : ndarray of int, shape (r, discrete factors)
        The index of each discrete factor's choice (0 is nominal).
    """

    u: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    weights: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    choices: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)

    def __len__(self) -> int:
        return int(self.weights.shape[0])


@attrs.frozen
class Model:
    """A plan, its units and the factors: scores replications as batches of weight sets.

    Attributes
    ----------
    plan : Plan
    data : Encoded or Dataset
    factors : tuple of Factor
    target : str
        The scored aggregate: the root (default), a node, a group or a variant.
    layout : WeightLayout
    spans : tuple of slice
        Each factor's coordinates in a replication's row of ``u``.
    labels : tuple of tuple of str
        Each discrete factor's choices, in the order of ``Replications.choices``' columns.
    """

    plan: Plan
    data: Encoded | Dataset
    factors: tuple[Factor, ...]
    target: str
    layout: WeightLayout
    spans: tuple[slice, ...]
    labels: tuple[tuple[str, ...], ...]
    discrete: tuple[int, ...]
    """The factors with choices, by position in ``factors``."""

    @classmethod
    def of(
        cls,
        definition: Definition | Plan,
        data: Encoded | Dataset | Sequence[CityResponse],
        factors: Sequence[Factor],
        target: str | None = None,
    ) -> Model:
        plan = definition if isinstance(definition, Plan) else compile(definition)
        if not plan.composite and not isinstance(data, Encoded | Dataset):
            data = encode(plan.definition, list(data))
        if isinstance(data, Sequence):
            raise ScoringError("a composite index needs a Dataset of indicator values")
        layout = WeightLayout.of(plan)
        factors = tuple(factors)
        _check_names(factors)
        sizes = [factor.dimensions(layout) for factor in factors]
        ends = np.cumsum([0, *sizes]).tolist()
        spans = tuple(slice(a, b) for a, b in itertools.pairwise(ends))
        choices = [factor.choices(layout) for factor in factors]
        discrete = tuple(i for i, c in enumerate(choices) if c is not None)
        labels = tuple(c for c in choices if c is not None)
        model = cls(
            plan, data, factors, target or plan.definition.root, layout, spans, labels, discrete
        )
        model.target_column()  # checks the target
        return model

    @property
    def dimensions(self) -> int:
        """Coordinates per replication (all factors)."""
        return self.spans[-1].stop if self.spans else 0

    @property
    def unit_ids(self) -> NDArray[np.str_]:
        if isinstance(self.data, Dataset):
            return self.data.unit_ids
        return self.data.city_ids

    def target_column(self) -> tuple[int, list[int]]:
        """The target's aggregate column and the weight columns its variant (if any) zeroes."""
        tree, d = self.plan.tree, self.plan.definition
        if self.target in tree.ids:
            return tree.ids.index(self.target), []
        variants = [v.id for v in d.variants]
        if self.target in variants:
            row = 1 + variants.index(self.target)
            zeroed = np.flatnonzero((tree.weights[0] > 0) & (tree.weights[row] == 0))
            return 0, zeroed.tolist()
        raise ScoringError(
            f"target: expected a node, group or variant of {d.id!r} (got {self.target!r})"
        )

    def parameters(self, u: FloatArray) -> Replications:
        """Map points ``u`` (r, dimensions) of the unit cube to each replication's parameters."""
        u = np.atleast_2d(np.asarray(u, dtype=np.float64))
        if u.shape[1] != self.dimensions or np.any((u < 0) | (u > 1)):
            raise ScoringError(
                f"u: expected points of [0, 1] with {self.dimensions} coordinates "
                f"(got shape {u.shape})"
            )
        weights = np.repeat(self.layout.nominal[None, :], u.shape[0], axis=0)
        for factor, span in zip(self.factors, self.spans, strict=True):
            factor.apply(self.layout, u[:, span], weights)
        picks = [
            pick(u[:, self.spans[i].start], len(k))
            for i, k in zip(self.discrete, self.labels, strict=True)
        ]
        choices = np.stack(picks, axis=1) if picks else np.zeros((u.shape[0], 0), dtype=np.intp)
        return Replications(u, weights, choices)

    def nominal(self) -> Replications:
        """The unperturbed pipeline: the definition's weights and every first choice."""
        weights = self.layout.nominal[None, :]
        return Replications(
            np.full((1, self.dimensions), np.nan),
            weights,
            np.zeros((1, len(self.labels)), dtype=np.intp),
        )

    def pipeline(self, choices: Sequence[int]) -> Plan:
        """The plan of one combination of discrete choices (compiled; weights nominal)."""
        options: dict[str, Any] = attrs.asdict(self.plan.options, recurse=False)
        definition = self.plan.definition
        for position, choice in zip(self.discrete, choices, strict=True):
            factor = self.factors[position]
            label = self.labels[self.discrete.index(position)][choice]
            definition = factor.configure(definition, options, label, self.plan.composite)
        return compile(definition, **options)

    def plan_of(self, replications: Replications, row: int) -> Plan:
        """A plan that scores replication ``row`` alone with :func:`icindex.score`."""
        plan = self.pipeline(replications.choices[row].tolist())
        weights = replications.weights[row]
        rows = np.repeat(weights[None, :], plan.tree.weights.shape[0], axis=0)
        rows[plan.tree.weights == 0] = 0.0  # each variant excludes what it excluded
        return plan.with_weights(rows)

    def run(self, replications: Replications, progress: Progress | None = None) -> FloatArray:
        """Score every replication: the target of every unit, shape (r, units), batch by batch."""
        out = np.empty((len(replications), len(self.unit_ids)))
        prepared: Prepared = {}
        for combo, rows in self.batches(replications):
            out[rows] = self.score_batch(combo, replications.weights[rows], prepared)
            if progress is not None:
                progress(rows.size)
        return out

    def batches(self, replications: Replications) -> list[tuple[tuple[int, ...], Index]]:
        """How :meth:`run` splits the replications: (discrete choices, rows) per batch.

        The replications sharing the same choices, in order, in runs of :meth:`batch_size`.
        """
        combos, which = np.unique(replications.choices, axis=0, return_inverse=True)
        step = self.batch_size(self.plan)  # the factors change methods and options, not sizes
        batches = []
        for c, combo in enumerate(combos.tolist()):
            members = np.flatnonzero(np.ravel(which) == c)
            for start in range(0, members.size, step):
                batches.append((tuple(combo), members[start : start + step]))
        return batches

    def score_batch(
        self, combo: Sequence[int], weights: FloatArray, prepared: Prepared | None = None
    ) -> FloatArray:
        """The scores (replications, units) of one batch: choices ``combo``, rows of weights.

        ``prepared`` keeps each combination's plan and leaves between calls.
        """
        prepared = {} if prepared is None else prepared
        key = tuple(int(choice) for choice in combo)
        if key not in prepared:
            plan = self.pipeline(key)
            prepared[key] = (plan, unit_leaves(plan, self.data))
        plan, leaves = prepared[key]
        column, zeroed = self.target_column()
        weights = np.array(weights, dtype=np.float64)
        weights[:, zeroed] = 0.0
        return self._score(plan, leaves, weights, column)

    def batch_size(self, plan: Plan) -> int:
        """Replications per batch: their work arrays fit the plan's memory budget."""
        n, k = len(self.unit_ids), len(plan.tree.leaf_ids)
        tree = plan.tree
        per_set = 8 * (2 * n * len(tree.ids) + 2 * k * len(tree.ids))
        return max(1, int(plan.options.memory // per_set))

    def _score(self, plan: Plan, leaves: Leaves, weights: FloatArray, column: int) -> FloatArray:
        tree = plan.tree.with_weights(weights)
        options = plan.options
        fill = POLICY_FILLS[options.missing][0]
        try:
            states, _ = evaluate(
                tree,
                leaves,
                fills=(fill,),
                min_coverage=options.min_coverage if fill is None else 0.0,
                min_availability=options.min_availability,
                strict=plan.composite,
            )
        except OutOfDomainError as error:
            raise domain_error(plan, error, self.unit_ids.tolist()) from None
        scores = states[0].values[list(tree.rows), :, column]
        return scores - options.shift if options.shift else scores


def _check_names(factors: tuple[Factor, ...]) -> None:
    names = [getattr(f, "name", None) for f in factors]
    if not all(isinstance(f, Factor) for f in factors):
        raise ScoringError(
            f"factors: expected icindex factors (got {[type(f).__name__ for f in factors]})"
        )
    if len(set(names)) != len(names):
        raise ScoringError(
            f"factors: names must differ (got {names}); pass name=... to tell them apart"
        )
