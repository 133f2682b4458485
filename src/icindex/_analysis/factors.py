"""Uncertainty factors: what an analysis perturbs, each mapped from points of the unit cube.

Every factor takes ``dimensions`` coordinates ``u`` in [0, 1) per replication and turns them
into a choice of the pipeline: the same mapping serves random sampling (:func:`uncertainty`,
``u`` uniform) and Sobol' designs (:func:`sensitivity`, ``u`` quasi-random). Two kinds:

- **weight factors** (:class:`WeightNoise`, :class:`DirichletWeights`, :class:`LeaveOneOut`)
  change a replication's row of weights, which the engine scores as one batch;
- **option factors** (:class:`Aggregation`, :class:`MissingPolicy`, :class:`Normaliser`) pick
  one of a few pipelines, each compiled once per analysis.

The first choice of a discrete factor, with the definition's own weights, is the nominal
pipeline. Levels follow COINr: 1 is the leaves (items or indicators), 2 the level above, ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal, cast

import attrs
import numpy as np
from numpy.typing import NDArray
from scipy import stats

from .._engine.impute import GROUP_METHODS, IMPUTE_METHODS
from .._engine.plan import with_method
from .._errors import ScoringError
from .._model.definition import AGGREGATION_METHODS, NORMALISE_METHODS, Definition
from .._model.tree import heights
from .layout import WeightLayout, pick

__all__ = [
    "Aggregation",
    "DirichletWeights",
    "Factor",
    "LeaveOneOut",
    "MissingPolicy",
    "Normaliser",
    "WeightNoise",
]

FloatArray = NDArray[np.float64]
Index = NDArray[np.intp]


class Factor:
    """What every factor has: a name, its coordinates, and (if discrete) its choices."""

    name: str
    kind: ClassVar[str]  # "weights" or "option"

    def dimensions(self, layout: WeightLayout) -> int:
        """Coordinates of the unit cube this factor reads per replication."""
        return 1

    def choices(self, layout: WeightLayout) -> tuple[str, ...] | None:
        """The discrete choices (the first is nominal), or None for a continuous factor."""
        return None

    def apply(self, layout: WeightLayout, u: FloatArray, weights: FloatArray) -> None:
        """Weight factors: change the rows of ``weights`` (r, columns) in place from ``u``."""

    def configure(
        self, definition: Definition, options: dict[str, Any], choice: str, composite: bool
    ) -> Definition:
        """Option factors: set ``options`` (in place) for ``choice``; return the definition."""
        return definition


def _noise_pairs(value: Mapping[int, float] | Sequence[tuple[int, float]]) -> tuple[Any, ...]:
    pairs = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((int(level), float(f)) for level, f in pairs))


def _check_noise(_: object, __: attrs.Attribute[Any], value: tuple[tuple[int, float], ...]) -> None:
    if not value:
        raise ScoringError("WeightNoise: give at least one level=f pair")
    for level, f in value:
        if level < 1 or not 0.0 <= f <= 1.0:
            raise ScoringError(
                f"WeightNoise: level {level}: expected a level >= 1 and 0 <= f <= 1 (got f={f!r})"
            )


@attrs.frozen
class WeightNoise(Factor):
    r"""Each weight at the chosen levels times a uniform factor in :math:`[1 - f, 1 + f]`.

    As COINr's ``get_noisy_weights``: weights perturbed independently, ``1 - f + 2 f u``.

    Parameters
    ----------
    noise : mapping of int to float
        Level (1 = leaves) to the half-width ``f`` in [0, 1].
    name : str, default "weights"

    Examples
    --------
    >>> WeightNoise({2: 0.25}).noise
    ((2, 0.25),)
    """

    noise: tuple[tuple[int, float], ...] = attrs.field(
        converter=_noise_pairs, validator=_check_noise
    )
    name: str = "weights"
    kind: ClassVar[str] = "weights"

    def _columns(self, layout: WeightLayout) -> tuple[Index, FloatArray]:
        parts = [(layout.at(level, self.name), f) for level, f in self.noise]
        columns = np.concatenate([c for c, _ in parts])
        halfwidths = np.concatenate([np.full(c.size, f) for c, f in parts])
        return columns, halfwidths

    def dimensions(self, layout: WeightLayout) -> int:
        return int(self._columns(layout)[0].size)

    def apply(self, layout: WeightLayout, u: FloatArray, weights: FloatArray) -> None:
        columns, f = self._columns(layout)
        weights[:, columns] *= 1.0 - f + 2.0 * f * u


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise ScoringError(f"DirichletWeights: {attribute.name} must be > 0 (got {value!r})")


@attrs.frozen
class DirichletWeights(Factor):
    r"""The weights of each parent's children at a level drawn from a Dirichlet distribution.

    Centred on the nominal shares: :math:`\alpha_i = c\,k\,s_i` for the ``k`` weighted
    siblings with nominal shares :math:`s_i`, so ``c = 1`` with equal nominal weights is the
    uniform distribution on the simplex and a larger ``c`` stays closer to the nominal weights.
    Drawn as normalised Gamma variates (inverse CDF of ``u``); the siblings' total is kept.

    Parameters
    ----------
    level : int, default 1
    concentration : float > 0, default 1
    name : str, default "dirichlet"

    Examples
    --------
    >>> DirichletWeights(level=2, concentration=5.0).name
    'dirichlet'
    """

    level: int = 1
    concentration: float = attrs.field(default=1.0, validator=_positive)
    name: str = "dirichlet"
    kind: ClassVar[str] = "weights"

    def dimensions(self, layout: WeightLayout) -> int:
        return int(layout.at(self.level, self.name).size)

    def apply(self, layout: WeightLayout, u: FloatArray, weights: FloatArray) -> None:
        columns = layout.at(self.level, self.name)
        parents = np.array([layout.parents[c] for c in columns])
        tiny = np.finfo(np.float64).tiny
        for parent in dict.fromkeys(parents.tolist()):
            mine = np.flatnonzero(parents == parent)
            nominal = layout.nominal[columns[mine]]
            alpha = self.concentration * mine.size * nominal / nominal.sum()
            draws = stats.gamma.ppf(np.clip(u[:, mine], tiny, 1.0 - 1e-16), alpha)
            draws = np.maximum(draws, tiny)  # every sibling keeps a positive weight
            weights[:, columns[mine]] = nominal.sum() * draws / draws.sum(axis=1, keepdims=True)


@attrs.frozen
class LeaveOneOut(Factor):
    """Leave out one entry at a time (weight 0), or none (the nominal choice).

    Parameters
    ----------
    level : int, default 1
        The candidates: every weighted entry at this level, unless ``ids`` are given.
    ids : tuple of str, optional
    name : str, default "leave_out"

    Examples
    --------
    >>> LeaveOneOut(level=2, ids=("education", "media")).ids
    ('education', 'media')
    """

    level: int = 1
    ids: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple)
    )
    name: str = "leave_out"
    kind: ClassVar[str] = "weights"

    def _columns(self, layout: WeightLayout) -> list[int]:
        if self.ids is None:
            columns: list[int] = layout.at(self.level, self.name).tolist()
            return columns
        return [layout.column(entry, self.name) for entry in self.ids]

    def choices(self, layout: WeightLayout) -> tuple[str, ...]:
        return ("none", *(layout.ids[c] for c in self._columns(layout)))

    def apply(self, layout: WeightLayout, u: FloatArray, weights: FloatArray) -> None:
        columns = np.array(self._columns(layout), dtype=np.intp)
        chosen = pick(u[:, 0], columns.size + 1)
        left = np.flatnonzero(chosen > 0)
        weights[left, columns[chosen[left] - 1]] = 0.0


def _aggregations(value: Sequence[str]) -> tuple[str, ...]:
    choices = (value,) if isinstance(value, str) else tuple(value)
    for choice in choices:
        method, _, power = choice.partition(":")
        if method not in AGGREGATION_METHODS or (method == "genmean") != bool(power):
            raise ScoringError(
                f"Aggregation: expected amean, gmean, hmean or genmean:P (got {choice!r})"
            )
    return choices


def _texts(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _at_least_one(_: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not value or len(set(value)) != len(value):
        raise ScoringError(
            f"{attribute.name}: expected one or more distinct choices (got {list(value)})"
        )


@attrs.frozen
class Aggregation(Factor):
    """A choice among aggregation methods: ``amean``, ``gmean``, ``hmean``, ``genmean:P``.

    Parameters
    ----------
    methods : sequence of str, default ("amean", "gmean")
        The first is nominal.
    levels : tuple of int, optional
        The levels (2 = the parents of the leaves, ...) whose nodes change; default all nodes.
    name : str, default "aggregation"

    Examples
    --------
    >>> Aggregation(("amean", "genmean:0.5"), levels=(3,)).methods
    ('amean', 'genmean:0.5')
    """

    methods: tuple[str, ...] = attrs.field(
        default=("amean", "gmean"), converter=_aggregations, validator=_at_least_one
    )
    levels: tuple[int, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(tuple)
    )
    name: str = "aggregation"
    kind: ClassVar[str] = "option"

    def choices(self, layout: WeightLayout) -> tuple[str, ...]:
        return self.methods

    def configure(
        self, definition: Definition, options: dict[str, Any], choice: str, composite: bool
    ) -> Definition:
        name, _, power = choice.partition(":")
        method = cast(Literal["amean", "gmean", "hmean", "genmean"], name)
        p = float(power) if power else None
        if self.levels is None:
            options.update(aggregate=method, p=p)
            return definition
        base = with_method(definition, options.pop("aggregate", None), options.pop("p", None))
        height = heights(base)
        present = {height[node.id] + 1 for node in base.nodes}
        if not set(self.levels) <= present:
            raise ScoringError(
                f"{self.name}: levels {sorted(set(self.levels) - present)} have no nodes "
                f"(nodes are at levels {sorted(present)})"
            )
        nodes = tuple(
            attrs.evolve(node, method=method, p=p) if height[node.id] + 1 in self.levels else node
            for node in base.nodes
        )
        return attrs.evolve(base, nodes=nodes)


@attrs.frozen
class MissingPolicy(Factor):
    """A choice among treatments of missing values.

    Questionnaires: ``skip`` or ``zero`` (``docs/scoring.md``). Composite indices: ``skip``
    (no imputation) or an imputation method (``mean``, ``median``, ``group_mean``,
    ``group_median``, the last two with ``group``).

    Parameters
    ----------
    policies : sequence of str, default ("skip", "zero")
    group : str, optional
        The dataset's group column for the group imputations.
    name : str, default "missing"

    Examples
    --------
    >>> MissingPolicy(("skip", "group_mean"), group="region").policies
    ('skip', 'group_mean')
    """

    policies: tuple[str, ...] = attrs.field(
        default=("skip", "zero"), converter=_texts, validator=_at_least_one
    )
    group: str | None = None
    name: str = "missing"
    kind: ClassVar[str] = "option"

    def choices(self, layout: WeightLayout) -> tuple[str, ...]:
        return self.policies

    def configure(
        self, definition: Definition, options: dict[str, Any], choice: str, composite: bool
    ) -> Definition:
        allowed = ("skip", *IMPUTE_METHODS[1:]) if composite else ("skip", "zero")
        if choice not in allowed:
            kind = "composite indices" if composite else "questionnaires"
            raise ScoringError(
                f"{self.name}: for {kind}, choices are {list(allowed)} (got {choice!r})"
            )
        if not composite:
            options["missing"] = choice
            return definition
        options["impute"] = "none" if choice == "skip" else choice
        options["impute_group"] = self.group if choice in GROUP_METHODS else None
        return definition


@attrs.frozen
class Normaliser(Factor):
    """A choice among normalisers of composite indices (indicators with their own keep it).

    Parameters
    ----------
    methods : sequence of str, default ("minmax", "zscore")
    name : str, default "normalisation"

    Examples
    --------
    >>> Normaliser(("minmax", "rank")).methods
    ('minmax', 'rank')
    """

    methods: tuple[str, ...] = attrs.field(
        default=("minmax", "zscore"), converter=_texts, validator=_at_least_one
    )
    name: str = "normalisation"
    kind: ClassVar[str] = "option"

    def choices(self, layout: WeightLayout) -> tuple[str, ...]:
        return self.methods

    def configure(
        self, definition: Definition, options: dict[str, Any], choice: str, composite: bool
    ) -> Definition:
        if not composite or choice not in NORMALISE_METHODS:
            raise ScoringError(
                f"{self.name}: normalisers apply to composite indices, one of "
                f"{list(NORMALISE_METHODS)} (got {choice!r})"
            )
        options["normalise"] = choice
        return definition
