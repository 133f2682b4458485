"""Composite indices of numeric indicators: direction, imputation, normalisation, aggregation.

:func:`score_composite` runs the pipeline researchers know from COINr: each raw value is
multiplied by its indicator's direction, missing values are optionally imputed, each indicator
is normalised across the units, and the tree is aggregated level by level with the same engine
that scores the ICC (:func:`icindex.engine.aggregate` over a compiled :class:`Tree`).
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Literal, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from .._errors import ScoringError
from .._io.dataset import Dataset
from .._model.definition import AGGREGATION_METHODS, Definition, Normalisation
from .._results.scores import Scores
from . import engine
from .engine import Tree
from .impute import GROUP_METHODS
from .impute import impute as impute_values
from .normalise import Plan, normalise_rows

__all__ = ["effective_weights", "score_composite"]

FloatArray = NDArray[np.float64]
_METHOD_NAMES = {1.0: "amean", 0.0: "gmean", -1.0: "hmean"}


def effective_weights(definition: Definition) -> dict[str, float]:
    r"""Each indicator's final weight in the index: the product of renormalised weights.

    .. math:: W_i = \prod_{e \in \text{path}(i)} \frac{w_e}{\sum_{s \in \text{siblings}(e)} w_s}

    along the path from the root down to indicator :math:`i`. The weights sum to 1; with
    arithmetic means and no missing values the index is :math:`\sum_i W_i x_i`.

    Examples
    --------
    >>> from icindex import Definition, Item, Node
    >>> tree = Definition("d", "D", "r", (Node("r", "R"), Node("a", "A", "r")),
    ...     (Item("x", "r", "indicator", "X"), Item("y", "a", "indicator", "Y", weight=3),
    ...      Item("z", "a", "indicator", "Z")))
    >>> effective_weights(tree)
    {'x': 0.5, 'y': 0.375, 'z': 0.125}
    """
    tree, shares = _compiled(definition)
    root = shares[0, tree.root]
    return dict(zip((item.id for item in definition.items), root.tolist(), strict=True))


@functools.lru_cache(maxsize=32)
def _compiled(definition: Definition) -> tuple[Tree, FloatArray]:
    """The compiled tree, and each column's share of each indicator's weight per weight set.

    ``shares[s, c, i]`` is indicator ``i``'s effective weight within column ``c`` (weight set
    ``s``): the arithmetic mean is linear when nothing is missing, so unit ``i`` of ``eye(k)``,
    which knows only indicator ``i``, at value 1, has exactly that value in every column. The
    known weight share (coverage) of any data is then ``shares @ known``.
    """
    tree = Tree.of(definition)
    return tree, engine.aggregate(np.eye(len(definition.items)), tree, power=1.0)


@attrs.frozen
class _Pipeline:
    """What score_composite needs of a definition and its options, compiled once."""

    tree: Tree
    shares: FloatArray
    plan: Plan
    directions: FloatArray


# The pipelines compiled last, by the identity of their inputs (kept alive, so ids stay theirs).
_RECENT: OrderedDict[tuple[Any, ...], tuple[tuple[object, ...], _Pipeline]] = OrderedDict()


def _pipeline(
    definition: Definition,
    normalise: Normalisation | str | None,
    method: str | None,
    p: float | None,
) -> _Pipeline:
    key = (id(definition), id(normalise), method, p)
    found = _RECENT.get(key)
    if found is not None and found[0][0] is definition and found[0][1] is normalise:
        return found[1]
    tree, shares = _compiled(_with_method(definition, method, p))
    directions = np.array([item.direction for item in definition.items], dtype=np.float64)
    indicators = [item.id for item in definition.items]
    plan = Plan.of(_settings(definition, normalise), directions, indicators)
    pipeline = _Pipeline(tree, shares, plan, directions)
    _RECENT[key] = ((definition, normalise), pipeline)
    if len(_RECENT) > 8:
        _RECENT.popitem(last=False)
    return pipeline


def _settings(definition: Definition, normalise: Normalisation | str | None) -> list[Normalisation]:
    """Each indicator's normaliser: its own, else the global one; distance gets its target."""
    default = Normalisation(normalise) if isinstance(normalise, str) else normalise
    settings = []
    for item in definition.items:
        setting = item.normalise or default or Normalisation()
        if setting.method == "distance" and setting.target is None:
            if item.target is None:
                raise ScoringError(f"indicator {item.id!r}: distance needs a target (got none)")
            setting = attrs.evolve(setting, target=item.target)
        settings.append(setting)
    return settings


def _with_method(definition: Definition, method: str | None, p: float | None) -> Definition:
    """``definition`` with every node aggregated by ``method`` (all nodes keep theirs if None)."""
    if method is None:
        if p is not None:
            raise ScoringError(f"aggregate: p is given ({p!r}) but no method")
        return definition
    if method not in AGGREGATION_METHODS:
        raise ScoringError(
            f"aggregate: must be one of {list(AGGREGATION_METHODS)} (got {method!r})"
        )
    if (method == "genmean") != (p is not None and math.isfinite(p) and p != 0):
        raise ScoringError(
            f"aggregate: genmean, and only genmean, takes a power p != 0 (got {p!r})"
        )
    chosen = cast(Literal["amean", "gmean", "hmean", "genmean"], method)
    nodes = tuple(attrs.evolve(node, method=chosen, p=p) for node in definition.nodes)
    return attrs.evolve(definition, nodes=nodes)


def _children(tree: Tree) -> FloatArray:
    """``[s, p, c]`` = 1 when column ``c`` is a child of ``p`` with positive weight in set ``s``."""
    n_sets, n_columns = tree.weights.shape
    children = np.zeros((n_sets, n_columns, n_columns))
    for level in tree.levels:
        weighted = (tree.weights[:, level.children] > 0)[:, None, :] & level.membership.T
        children[:, level.parents[:, None], level.children] = weighted
    return children


def _aggregated(
    full: FloatArray,
    tree: Tree,
    coverage: FloatArray,
    min_coverage: float,
    min_availability: float,
) -> FloatArray:
    """Every column (n_sets, n_columns, n) of ``full``, whose item rows hold the leaves.

    A node below a threshold is missing (so skipped).
    """
    if min_coverage <= 0 and min_availability <= 0:
        return engine.fill_aggregates(full, tree)
    leaves = full[0, : int(np.sum(np.array(tree.kinds) == "item"))].copy()
    with np.errstate(invalid="ignore"):
        passing = (coverage >= min_coverage).astype(np.float64)
    full = engine.aggregate(leaves, tree, coverage=passing, min_coverage=0.5)
    if min_availability <= 0:
        return full
    children = _children(tree)
    counts = children.sum(axis=2)[:, :, None]
    # A node's availability depends on its children's final state: one pass per level fixes it.
    for _ in tree.levels:
        with np.errstate(invalid="ignore", divide="ignore"):
            available = (children @ (~np.isnan(full)).astype(np.float64)) / counts
            kept = passing * (available >= min_availability)
        previous, full = full, engine.aggregate(leaves, tree, coverage=kept, min_coverage=0.5)
        if np.array_equal(previous, full, equal_nan=True):
            break
    return full


def _check_domain(full: FloatArray, tree: Tree, units: Sequence[str]) -> None:
    """Raise when a geometric, harmonic or generalised mean meets a child outside its domain."""
    for level in tree.levels:
        if level.power == 1:
            continue
        with np.errstate(invalid="ignore"):
            values = full[:, level.children]
            bad = values <= 0 if level.power <= 0 else values < 0
        weighted = (tree.weights[:, level.children][:, None, :] * level.membership.T > 0).astype(
            np.float64
        )
        hit: NDArray[np.bool_] = np.any(weighted @ bad.astype(np.float64) > 0, axis=0)
        if not hit.any():
            continue
        parent = int(np.flatnonzero(np.any(hit, axis=1))[0])
        rows = np.flatnonzero(hit[parent]).tolist()
        names = ", ".join(units[r] for r in rows[:5]) + (
            f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        )
        method = _METHOD_NAMES.get(level.power, f"genmean (p = {level.power:g})")
        needs = "> 0" if level.power <= 0 else ">= 0"
        column = level.parents[parent]
        raise ScoringError(
            f"{tree.kinds[column]} {tree.ids[column]!r} aggregates with {method}, which needs "
            f"children {needs}: units {names} have a child that is not; shift the values "
            f"(shift=..., --shift) or normalise onto a range above 0"
        )


def score_composite(
    definition: Definition,
    dataset: Dataset,
    *,
    normalise: Normalisation | str | None = None,
    aggregate: str | None = None,
    p: float | None = None,
    impute: str = "none",
    impute_group: str | None = None,
    min_coverage: float = 0.0,
    min_availability: float = 0.0,
    shift: float = 0.0,
) -> Scores:
    r"""Score units on a composite index of numeric indicators.

    The pipeline: direction (each value times its indicator's direction, +1 or -1), imputation,
    normalisation across the units, then every node's weighted mean of its children, level by
    level, skipping missing children and renormalising the others' weights (``docs/composite.md``).

    Parameters
    ----------
    definition : Definition
        Every item must be an ``indicator``.
    dataset : Dataset
        A column for every indicator (more columns are ignored).
    normalise : Normalisation or str, optional
        The normaliser of every indicator that has none of its own (a method name uses that
        method's defaults). Default: min-max onto [0, 100].
    aggregate : {"amean", "gmean", "hmean", "genmean"}, optional
        Replaces every node's method; ``genmean`` needs ``p``. Default: each node's own.
    p : float, optional
        The power of ``genmean`` (not 0).
    impute : {"none", "mean", "median", "group_mean", "group_median"}
        How missing values are filled before normalising; filled cells are flagged in
        ``Scores.imputed``. The group methods need ``impute_group``, a group column of ``dataset``.
    min_coverage : float in [0, 1]
        A node whose known weight share (over the indicators below it) is lower is missing.
    min_availability : float in [0, 1]
        A node whose share of known direct children is lower is missing (COINr's ``dat_thresh``).
    shift : float
        Added to every normalised value before aggregating and subtracted from every aggregate
        after, so geometric and harmonic means can take values <= 0.

    Returns
    -------
    Scores
        Item columns hold the normalised indicators; ``coverage`` counts measured values only
        (imputed ones are not); ``imputed`` flags filled cells (None without imputation).

    Raises
    ------
    ScoringError
        Naming the indicator, node or units: an unusable normaliser, a geometric or harmonic
        mean over a value <= 0, a missing group column, out-of-range options.

    Examples
    --------
    >>> from icindex import Definition, Item, Node
    >>> index = Definition("d", "D", "r", (Node("r", "R"),),
    ...     (Item("x", "r", "indicator", "X"), Item("y", "r", "indicator", "Y", direction=-1)))
    >>> data = Dataset(["A", "B", "C"], ("x", "y"), [[1, 10], [2, 30], [3, 20]])
    >>> score_composite(definition=index, dataset=data).column("r").tolist()
    [50.0, 25.0, 75.0]
    """
    _check_options(min_coverage, min_availability, shift, impute, impute_group)
    _check_indicators(definition)
    pipeline = _pipeline(definition, normalise, aggregate, p)
    tree, shares = pipeline.tree, pipeline.shares
    # The leaves are built in place in the rows of the result (no full-size copies).
    full = np.empty((tree.weights.shape[0], len(tree.ids), dataset.n_units))
    leaves = full[0, : len(definition.items)]
    rows = _directed_rows(definition, dataset, pipeline.directions, out=leaves)
    imputed = None
    coverage = _coverage(shares, ~np.isnan(rows))
    known = coverage
    if impute != "none":
        groups = dataset.group(impute_group) if impute_group is not None else None
        filled_columns, imputed = impute_values(rows.T, impute, groups)
        leaves[...] = filled_columns.T
        if min_coverage > 0 or min_availability > 0:
            # Thresholds judge the data aggregated, imputed values included (as COINr's do).
            known = _coverage(shares, ~np.isnan(leaves))
    units = dataset.unit_ids.tolist()
    normalise_rows(leaves, pipeline.plan, units)  # in place
    if shift:
        leaves += shift
    full[1:, : len(definition.items)] = leaves
    full = _aggregated(full, tree, known, min_coverage, min_availability)
    _check_domain(full, tree, units)
    if shift:
        full[:, len(definition.items) :] -= shift
    flags = None
    if imputed is not None:
        flags = np.zeros((dataset.n_units, len(tree.ids)), dtype=bool)
        flags[:, : len(definition.items)] = imputed
    return Scores(
        city_ids=dataset.unit_ids,
        city_names=dataset.unit_names,
        ids=tree.ids,
        names=tree.names,
        kinds=tree.kinds,
        values=_collapsed(full, tree),
        coverage=_collapsed(coverage, tree),
        missing="skip",
        definition_id=definition.id,
        root=definition.root,
        imputed=flags,
    )


def _directed_rows(
    definition: Definition, dataset: Dataset, directions: FloatArray, out: FloatArray
) -> FloatArray:
    """Each indicator's values times its direction, into ``out`` (k, n_units): engine layout."""
    columns = _dataset_columns(definition, dataset)
    source = dataset.values.T  # C-contiguous: a Dataset stores its values indicator by indicator
    if not np.array_equal(columns, np.arange(source.shape[0])):
        source = source[columns]
    directed: FloatArray = np.multiply(source, directions[:, None], out=out)
    return directed


def _coverage(shares: FloatArray, known: NDArray[np.bool_]) -> FloatArray:
    """The known weight share of every column: (n_sets, n_columns, n_units)."""
    k = known.shape[0]
    coverage = np.empty((shares.shape[0], shares.shape[1], known.shape[1]))
    coverage[:, :k] = known
    coverage[:, k:] = shares[:, k:] @ coverage[0, :k]
    return coverage


def _collapsed(full: FloatArray, tree: Tree) -> FloatArray:
    """Weight set 0 as (n_units, n_columns), each variant's column from its own set."""
    if "variant" in tree.kinds:
        return engine._collapse(full, tree)
    collapsed: FloatArray = full[0].T
    return collapsed


def _check_options(
    min_coverage: float, min_availability: float, shift: float, impute: str, group: str | None
) -> None:
    for name, share in (("min_coverage", min_coverage), ("min_availability", min_availability)):
        if not 0.0 <= share <= 1.0:
            raise ScoringError(f"{name}: must be between 0 and 1 (got {share!r})")
    if not math.isfinite(shift):
        raise ScoringError(f"shift: must be a finite number (got {shift!r})")
    if (impute in GROUP_METHODS) != (group is not None):
        raise ScoringError(
            f"impute_group: needed by, and only by, {' and '.join(GROUP_METHODS)} "
            f"(got impute={impute!r}, impute_group={group!r})"
        )


def _check_indicators(definition: Definition) -> None:
    others = [item.id for item in definition.items if item.kind != "indicator"]
    if others:
        raise ScoringError(
            f"definition {definition.id!r}: score_composite scores indicators only; "
            f"items {others[:5]} are questions (score them with icindex.score)"
        )


def _dataset_columns(definition: Definition, dataset: Dataset) -> NDArray[np.intp]:
    """The dataset column of each indicator of ``definition``."""
    position = {indicator: c for c, indicator in enumerate(dataset.indicator_ids)}
    absent = [item.id for item in definition.items if item.id not in position]
    if absent:
        raise ScoringError(f"dataset: no column for indicators {absent[:5]} of {definition.id!r}")
    return np.array([position[item.id] for item in definition.items], dtype=np.intp)
