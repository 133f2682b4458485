"""The two public scoring paths, both through one compiled plan and the one tree engine.

:func:`score` scores questionnaire answers (leaves: item scores from encoded answers);
:func:`score_composite` scores numeric indicators (leaves: directed, imputed and normalised
values). Each validates once, then runs :func:`icindex._engine.tree.evaluate` chunk by chunk
into preallocated results.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from .._errors import ScoringError
from .._io.dataset import Dataset
from .._io.responses import CityResponse
from .._model.definition import Definition, Normalisation
from .._results.scores import Scores, city_details
from .encoding import Encoded, encode
from .impute import impute as impute_values
from .items import AnswerItems, ItemTables, Work
from .normalise import normalise_rows
from .plan import POLICY_FILLS, Plan, compile
from .tree import Leaves, OutOfDomainError, Tree, evaluate
from .usage import check_composite_arguments, check_score_arguments
from .weights import effective_weights

__all__ = [
    "domain_error",
    "effective_weights",
    "score",
    "score_composite",
    "scores_of",
    "unit_leaves",
]

FloatArray = NDArray[np.float64]
_METHOD_NAMES = {1.0: "amean", 0.0: "gmean", -1.0: "hmean"}


def _plan(definition: Definition | Plan, **options: object) -> Plan:
    """``definition`` compiled with ``options``, or the plan given with the options changed."""
    given = {name: value for name, value in options.items() if value is not None}
    if isinstance(definition, Plan):
        return definition.with_options(**given) if given else definition
    if not isinstance(definition, Definition):
        raise ScoringError(
            f"definition: expected a Definition or a Plan (got {type(definition).__name__})"
        )
    return compile(definition, **given)


def score(
    definition: Definition | Plan,
    cities: Encoded | Sequence[CityResponse],
    *,
    missing: str | None = None,
    min_coverage: float | None = None,
    chunk_size: int | None = None,
) -> Scores:
    r"""Score cities on every item, node, group and variant of a questionnaire definition.

    Item scores are the points earned rescaled to 0-100 between the worst and the best answer;
    each node is the weighted power mean of its children (see ``docs/scoring.md``).

    Parameters
    ----------
    definition : Definition or Plan
        A definition, or a plan from :func:`icindex.compile` (compiled once, reused).
    cities : Encoded or sequence of CityResponse
        Encoded answers (see :func:`encode`), or responses, which are encoded first.
    missing : {"skip", "zero", "bounds"}, default "skip" (or the plan's)
        ``skip``: unknown answers are left out and the weights of the known siblings
        renormalised. ``zero``: an unknown answer scores like the worst answer. ``bounds``:
        the ``skip`` scores, plus the lowest (``Scores.lower``, equal to ``zero``) and the
        highest (``Scores.upper``) scores reachable whatever the unknown answers turn out to be.
    min_coverage : float in [0, 1], default 0 (or the plan's)
        With ``skip`` and ``bounds``: an aggregate (node, group or variant) whose coverage is
        below it is NaN in the ``skip`` score. An error with ``zero``.
    chunk_size : int, optional
        Cities scored at once (default: as many as fit in 16 MiB); results do not depend on it.

    Returns
    -------
    Scores
        Node, group and variant columns are stored; item columns are derived from the answers
        when asked for (``Scores.values``, ``column``, the exports).

    Examples
    --------
    >>> from icindex import load_definition, synthetic_cities
    >>> icc = load_definition("icc")
    >>> score(icc, synthetic_cities(icc, 10, seed=0)).column("index").shape
    (10,)
    """
    check_score_arguments("score", definition, cities)
    plan = _plan(definition, missing=missing, min_coverage=min_coverage, chunk_size=chunk_size)
    if plan.items is None:
        indicators = [item.id for item in plan.definition.items]
        raise ScoringError(
            f"definition {plan.definition.id!r}: items {indicators[:5]} are numeric indicators, "
            "normalised across units: score them with icindex.score_composite"
        )
    details = city_details(cities, plan.definition)  # names, countries, ...: to the exports
    if not isinstance(cities, Encoded):
        cities = encode(plan.definition, cities)
    if cities.layout != plan.items.layout:
        raise ScoringError(
            f"the encoded answers were not made for definition {plan.definition.id!r}"
        )
    return attrs.evolve(_score_encoded(plan, plan.items, cities, None), **details)


def _score_encoded(
    plan: Plan, tables: ItemTables, cities: Encoded, names: tuple[str, ...] | None
) -> Scores:
    """Score encoded answers chunk by chunk into preallocated results."""
    fills = POLICY_FILLS[plan.options.missing]
    results = _results(plan, cities.n_cities, len(fills))
    step = min(plan.chunk_rows(), max(cities.n_cities, 1))
    buffers = _workspace(plan, tables, step, len(fills))
    for start in range(0, cities.n_cities, step):
        rows = slice(start, start + step)
        leaves = tables.leaves(cities, rows, work=buffers.items)
        states, coverage = evaluate(
            plan.tree,
            leaves,
            fills=fills,
            min_coverage=plan.options.min_coverage,
            out=buffers.states,
        )
        _collapse(plan.tree, [state.values for state in states] + [coverage], results, rows)
    values, *bounds, coverage = results
    return scores_of(
        plan,
        cities.city_ids,
        names,
        values,
        coverage,
        bounds,
        items=AnswerItems(tables, cities),
    )


@attrs.frozen
class _Workspace:
    """Work arrays for one chunk, allocated once per call and reused by every chunk."""

    items: Work
    states: list[FloatArray]


def _workspace(plan: Plan, tables: ItemTables, rows: int, states: int) -> _Workspace:
    shape = (plan.tree.n_sets, rows, len(plan.tree.ids))
    return _Workspace(Work.of(tables, rows), [np.empty(shape) for _ in range(states + 1)])


def _results(plan: Plan, n: int, states: int, leaves: int = 0) -> list[FloatArray]:
    """Preallocated result columns (n, leaves + nodes + groups + variants), one per state and
    one for coverage (``leaves``: how many leaf columns are stored in front)."""
    width = leaves + len(plan.tree.ids) + len(plan.definition.variants)
    return list(np.empty((states + 1, n, width)))  # one block: fewer, larger allocations


def _collapse(tree: Tree, computed: list[FloatArray], into: list[FloatArray], rows: slice) -> None:
    """Write weight set 0, then each variant's root (set ``v``), into the result rows."""
    width = len(tree.ids)
    for values, target in zip(computed, into, strict=True):
        variants = target.shape[1] - width  # further weight sets (a batch) are not reported
        target[rows, :width] = values[0]
        target[rows, width:] = values[list(tree.rows[1 : 1 + variants]), :, 0].T


def scores_of(
    plan: Plan,
    city_ids: NDArray[np.str_],
    names: tuple[str, ...] | None,
    values: FloatArray,
    coverage: FloatArray,
    bounds: list[FloatArray],
    *,
    items: AnswerItems | None = None,
    imputed: NDArray[np.bool_] | None = None,
) -> Scores:
    """The :class:`Scores` of computed columns, labelled by the plan."""
    return Scores(
        city_ids=city_ids,
        city_names=names,
        ids=plan.ids,
        names=plan.names,
        kinds=plan.kinds,
        values=values,
        coverage=coverage,
        lower=bounds[0] if bounds else None,
        upper=bounds[1] if bounds else None,
        missing=plan.options.missing,
        definition_id=plan.definition.id,
        root=plan.definition.root,
        imputed=imputed,
        items=items,
    )


def score_composite(
    definition: Definition | Plan,
    dataset: Dataset,
    *,
    normalise: Normalisation | str | None = None,
    aggregate: str | None = None,
    p: float | None = None,
    impute: str | None = None,
    impute_group: str | None = None,
    min_coverage: float | None = None,
    min_availability: float | None = None,
    shift: float | None = None,
) -> Scores:
    r"""Score units on a composite index of numeric indicators.

    The pipeline: direction (each value times its indicator's direction, +1 or -1), imputation,
    normalisation across the units, then every node's weighted mean of its children, level by
    level, skipping missing children and renormalising the others' weights (``docs/composite.md``).

    Parameters
    ----------
    definition : Definition or Plan
        Every item must be an ``indicator``. A plan from :func:`icindex.compile` carries the
        options below; any option given here replaces the plan's.
    dataset : Dataset
        A column for every indicator (more columns are ignored).
    normalise, aggregate, p, impute, impute_group, min_coverage, min_availability, shift
        The pipeline's options, as in :func:`icindex.compile` (``docs/composite.md``); None
        keeps the plan's (or the default: min-max onto [0, 100], each node's own method, no
        imputation, no thresholds, no shift).

    Returns
    -------
    Scores
        Item columns: the normalised indicators; ``imputed`` flags filled cells.

    Raises
    ------
    ScoringError
        Naming the indicator, node or units (a bad normaliser or option, a mean's domain).

    Examples
    --------
    >>> from icindex import Definition, Item, Node
    >>> index = Definition("d", "D", "r", (Node("r", "R"),),
    ...     (Item("x", "r", "indicator", "X"), Item("y", "r", "indicator", "Y", direction=-1)))
    >>> data = Dataset(["A", "B", "C"], ("x", "y"), [[1, 10], [2, 30], [3, 20]])
    >>> score_composite(definition=index, dataset=data).column("r").tolist()
    [50.0, 25.0, 75.0]
    """
    check_composite_arguments(definition, dataset)
    options = {"normalise": normalise, "aggregate": aggregate, "p": p, "impute": impute}
    options.update(impute_group=impute_group, min_coverage=min_coverage, shift=shift)
    plan = _plan(definition, min_availability=min_availability, **options)
    return _composite(plan, dataset)


def _composite(plan: Plan, dataset: Dataset) -> Scores:
    """Direction, imputation, normalisation, then the tree engine."""
    if plan.normalisers is None:
        questions = [item.id for item in plan.definition.items]
        raise ScoringError(
            f"definition {plan.definition.id!r}: score_composite scores indicators only; "
            f"items {questions[:5]} are questions (score them with icindex.score)"
        )
    rows, measured, imputed = _leaf_rows(plan, dataset)
    units = dataset.unit_ids.tolist()
    normalise_rows(rows, plan.normalisers, units)  # in place
    k = rows.shape[0]
    values, cover = _results(plan, dataset.n_units, 1, leaves=k)
    values[:, :k] = rows.T
    leaves = _leaves(rows, measured, imputed is not None, plan.options.shift)
    cover[:, :k] = leaves.measured
    _aggregate(plan, leaves, [values[:, k:], cover[:, k:]], units)
    flags = None
    if imputed is not None:
        flags = np.zeros(values.shape, dtype=bool)
        flags[:, :k] = imputed.T
    names = dataset.unit_names
    return scores_of(plan, dataset.unit_ids, names, values, cover, [], imputed=flags)


def unit_leaves(plan: Plan, data: Encoded | Dataset) -> Leaves:
    """Every unit's leaves under ``plan``: item scores, or directed, imputed, normalised values.

    For analyses that score the same units many times over (the leaves are computed once).
    """
    if plan.normalisers is None:
        if not isinstance(data, Encoded) or plan.items is None or data.layout != plan.items.layout:
            raise ScoringError(
                f"the data are not encoded answers for definition {plan.definition.id!r}"
            )
        return plan.items.leaves(data)
    if not isinstance(data, Dataset):
        raise ScoringError(
            f"definition {plan.definition.id!r} is a composite index: expected a Dataset "
            f"(got {type(data).__name__})"
        )
    rows, measured, imputed = _leaf_rows(plan, data)
    normalise_rows(rows, plan.normalisers, data.unit_ids.tolist())
    return _leaves(rows, measured, imputed is not None, plan.options.shift)


def _leaves(rows: FloatArray, measured: NDArray[np.bool_], imputed: bool, shift: float) -> Leaves:
    """The engine's leaves from normalised rows (k, n), as (n, k) views: no transposing copy."""
    known = ~np.isnan(rows) if imputed else measured
    known_f = known.astype(np.float64).T
    counted = measured.astype(np.float64).T if imputed else known_f  # one object: one matmul
    zero_filled = np.where(known, rows + shift if shift else rows, 0.0)
    return Leaves(zero_filled.T, known_f, counted)


def _leaf_rows(
    plan: Plan, dataset: Dataset
) -> tuple[FloatArray, NDArray[np.bool_], NDArray[np.bool_] | None]:
    """Directed (and imputed) values (k, n), which are measured, and which were imputed."""
    definition = plan.definition
    position = {indicator: c for c, indicator in enumerate(dataset.indicator_ids)}
    absent = [item.id for item in definition.items if item.id not in position]
    if absent:
        raise ScoringError(f"dataset: no column for indicators {absent[:5]} of {definition.id!r}")
    columns = np.array([position[item.id] for item in definition.items], dtype=np.intp)
    source = dataset.values.T  # C-contiguous: a Dataset stores its values indicator by indicator
    if not np.array_equal(columns, np.arange(source.shape[0])):
        source = source[columns]
    rows = source * plan.directions[:, None]
    measured = ~np.isnan(rows)
    options = plan.options
    if options.impute == "none":
        return rows, measured, None
    groups = dataset.group(options.impute_group) if options.impute_group is not None else None
    filled, imputed = impute_values(rows.T, options.impute, groups)
    return np.ascontiguousarray(filled.T), measured, imputed.T


def _aggregate(plan: Plan, leaves: Leaves, into: list[FloatArray], units: Sequence[str]) -> None:
    """Every aggregate (nodes, groups, variants) and its coverage, chunk by chunk, ``into``."""
    options, tree = plan.options, plan.tree
    n = leaves.values.shape[0]
    step = plan.chunk_rows()
    for start in range(0, n, step):
        chunk = slice(start, start + step)
        try:
            states, cover = evaluate(
                tree,
                leaves.take(chunk),
                min_coverage=options.min_coverage,
                min_availability=options.min_availability,
                strict=True,
            )
        except OutOfDomainError as error:
            raise domain_error(plan, error, units[start:]) from None
        _collapse(tree, [states[0].values, cover], into, chunk)
    if options.shift:
        into[0] -= options.shift


def domain_error(plan: Plan, error: OutOfDomainError, units: Sequence[str]) -> ScoringError:
    rows = error.rows.tolist()
    names = ", ".join(units[r] for r in rows[:5]) + (
        f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    )
    method = _METHOD_NAMES.get(error.power, f"genmean (p = {error.power:g})")
    needs = "> 0" if error.power <= 0 else ">= 0"
    kind = "node" if error.parent < len(plan.definition.nodes) else "group"
    return ScoringError(
        f"{kind} {plan.tree.ids[error.parent]!r} aggregates with {method}, which needs "
        f"children {needs}: units {names} have a child that is not; shift the values "
        f"(shift=..., --shift) or normalise onto a range above 0"
    )
