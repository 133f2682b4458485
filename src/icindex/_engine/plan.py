"""The compiled scoring plan: everything derived from a definition and its options, once.

:func:`compile` checks the options and builds a frozen :class:`Plan`; :func:`icindex.score` and
:func:`icindex.score_composite` take a plan (or compile one on the fly). A plan holds no data
about units, so one plan scores any number of batches; :meth:`Plan.with_weights` gives the same
tree with other weights (a batch of weight sets) without recompiling anything else.
"""

from __future__ import annotations

import math
from typing import Any, Literal, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._errors import ScoringError
from .._model.definition import (
    AGGREGATION_METHODS,
    Definition,
    Group,
    Node,
    Normalisation,
    Variant,
)
from .impute import GROUP_METHODS, IMPUTE_METHODS
from .items import ItemTables
from .normalise import Normalisers
from .tree import Tree

__all__ = ["DEFAULT_MEMORY", "MISSING_POLICIES", "Options", "Plan", "compile"]

FloatArray = NDArray[np.float64]

#: Missing-answer policy -> the states the engine computes: None skips unknown answers, a
#: number fills them. The first state gives ``Scores.values``; ``bounds`` adds the lower (0)
#: and upper (100) states.
POLICY_FILLS: dict[str, tuple[float | None, ...]] = {
    "skip": (None,),
    "zero": (0.0,),
    "bounds": (None, 0.0, 100.0),
}
MISSING_POLICIES = tuple(POLICY_FILLS)
DEFAULT_MEMORY = 16 * 2**20  # bytes of working memory per chunk: ~3,000 ICC cities (benchmarks)


def _share(name: str) -> Any:
    def check(_: object, __: attrs.Attribute[float], value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ScoringError(f"{name}: must be between 0 and 1 (got {value!r})")

    return check


def _one_of(name: str, allowed: tuple[str, ...]) -> Any:
    def check(_: object, __: attrs.Attribute[str], value: str) -> None:
        if value not in allowed:
            raise ScoringError(f"{name}: must be one of {list(allowed)} (got {value!r})")

    return check


@attrs.frozen
class Options:
    """How to score: the missing-answer policy, thresholds and the composite pipeline.

    Every field is checked on construction (:class:`ScoringError` naming the option). See
    :func:`compile` for their meaning.
    """

    missing: str = attrs.field(default="skip", validator=_one_of("missing", MISSING_POLICIES))
    min_coverage: float = attrs.field(default=0.0, validator=_share("min_coverage"))
    min_availability: float = attrs.field(default=0.0, validator=_share("min_availability"))
    aggregate: str | None = None
    p: float | None = None
    normalise: Normalisation | str | None = None
    impute: str = attrs.field(default="none", validator=_one_of("impute", IMPUTE_METHODS))
    impute_group: str | None = None
    shift: float = 0.0
    chunk_size: int | None = None
    memory: int = DEFAULT_MEMORY

    def __attrs_post_init__(self) -> None:
        if self.missing == "zero" and self.min_coverage > 0:
            raise ScoringError(
                f"min_coverage: applies to skip and bounds; zero scores every node "
                f"(got missing='zero', min_coverage={self.min_coverage!r})"
            )
        if not math.isfinite(self.shift):
            raise ScoringError(f"shift: must be a finite number (got {self.shift!r})")
        if (self.impute in GROUP_METHODS) != (self.impute_group is not None):
            raise ScoringError(
                f"impute_group: needed by, and only by, {' and '.join(GROUP_METHODS)} "
                f"(got impute={self.impute!r}, impute_group={self.impute_group!r})"
            )
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ScoringError(f"chunk_size: must be >= 1 (got {self.chunk_size!r})")
        if self.memory < 2**16:
            raise ScoringError(f"memory: must be at least 65536 bytes (got {self.memory!r})")
        _check_aggregate(self.aggregate, self.p)


def _check_aggregate(method: str | None, p: float | None) -> None:
    if method is None:
        if p is not None:
            raise ScoringError(f"aggregate: p is given ({p!r}) but no method")
        return
    if method not in AGGREGATION_METHODS:
        raise ScoringError(
            f"aggregate: must be one of {list(AGGREGATION_METHODS)} (got {method!r})"
        )
    if (method == "genmean") != (p is not None and math.isfinite(p) and p != 0):
        raise ScoringError(
            f"aggregate: genmean, and only genmean, takes a power p != 0 (got {p!r})"
        )


@attrs.frozen
class Plan:
    """A definition compiled with its options: reuse it to score many batches of units.

    Attributes
    ----------
    definition : Definition
    options : Options
    tree : Tree
        The compiled tree (levels, weight matrices, weight sets).
    items : ItemTables or None
        Questionnaires: the look-up tables of the items' points.
    normalisers : Normalisers or None
        Composite indices: every indicator's normaliser, checked.
    directions : ndarray, shape (n_items,)
        Composite indices: +1 or -1 per indicator (empty for questionnaires).
    """

    definition: Definition
    options: Options
    tree: Tree
    items: ItemTables | None
    normalisers: Normalisers | None
    directions: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    ids: tuple[str, ...] = attrs.field(init=False, eq=False)
    """Every output column: items, nodes (root first), groups, variants."""
    names: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    """The human name of every output column (an item's question)."""
    kinds: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    """``item``, ``node``, ``group`` or ``variant`` per output column."""

    def __attrs_post_init__(self) -> None:
        d = self.definition
        aggregates: tuple[Node | Group | Variant, ...] = (*d.nodes, *d.groups, *d.variants)
        counts = (len(d.items), len(d.nodes), len(d.groups), len(d.variants))
        kinds = ("item", "node", "group", "variant")
        object.__setattr__(self, "ids", tuple(e.id for e in (*d.items, *aggregates)))
        names = tuple(i.question for i in d.items) + tuple(e.name for e in aggregates)
        object.__setattr__(self, "names", names)
        repeated = (kind for kind, count in zip(kinds, counts, strict=True) for _ in range(count))
        object.__setattr__(self, "kinds", tuple(repeated))

    @property
    def composite(self) -> bool:
        """True for an index of numeric indicators (scored by :func:`score_composite`)."""
        return self.normalisers is not None

    def with_options(self, **changes: Any) -> Plan:
        """The plan recompiled with some options changed (the others, and its weights, kept)."""
        options = {**attrs.asdict(self.options, recurse=False), **changes}
        plan = compile(self.definition, **options)
        if plan.tree.weights.shape == self.tree.weights.shape:
            plan = plan.with_weights(self.tree.weights)
        return plan

    def with_weights(self, weights: FloatArray) -> Plan:
        """The same plan with other weight sets, shape (sets, n_leaves + n_nodes + n_groups).

        Columns follow ``tree.leaf_ids`` then ``tree.ids``; row 0 is reported, the variants'
        rows are their roots. Nothing else is recompiled (see ``Tree.with_weights``).
        """
        return attrs.evolve(self, tree=self.tree.with_weights(weights))

    def chunk_rows(self) -> int:
        """Units scored at once: ``chunk_size``, or as many as fit in ``memory``."""
        if self.options.chunk_size is not None:
            return self.options.chunk_size
        tree = self.tree
        states = len(POLICY_FILLS[self.options.missing]) + 1
        per_unit = 8 * (4 * len(tree.leaf_ids) + 2 * states * tree.n_sets * len(tree.ids))
        return max(64, self.options.memory // per_unit)


def compile(definition: Definition, **options: Any) -> Plan:
    """Compile a definition with its scoring options into a reusable :class:`Plan`.

    Parameters
    ----------
    definition : Definition
    missing : {"skip", "zero", "bounds"}, default "skip"
        Questionnaires: how unknown answers count (``docs/scoring.md``). Composite indices skip.
    min_coverage : float in [0, 1], default 0
        Under ``skip`` (and the ``skip`` score of ``bounds``), an aggregate whose coverage (the
        weight share resting on measured values) is below it is missing. Not with ``zero``.
    min_availability : float in [0, 1], default 0
        An aggregate whose share of known direct children is lower is missing (COINr's
        ``dat_thresh``).
    aggregate : {"amean", "gmean", "hmean", "genmean"}, optional
        Replaces every node's method (``genmean`` needs ``p``).
    p : float, optional
    normalise : Normalisation or str, optional
        Composite indices: the normaliser of every indicator without its own (default minmax).
    impute : str, default "none"; impute_group : str, optional
        Composite indices: how missing values are filled (:data:`icindex.IMPUTE_METHODS`).
    shift : float, default 0
        Composite indices: added before aggregating, subtracted after.
    chunk_size : int, optional; memory : int, default 16 MiB
        Units scored at once, or the working memory to size chunks by. Results do not depend
        on either (beyond the last bits of rounding).

    Returns
    -------
    Plan

    Examples
    --------
    >>> import icindex
    >>> plan = icindex.compile(icindex.load_definition("icc"), missing="bounds")
    >>> cities = icindex.synthetic_cities(plan.definition, 5, seed=0)
    >>> icindex.score(plan, cities).lower.shape
    (5, 124)
    """
    settings = _options(definition, options)
    kinds = {item.kind == "indicator" for item in definition.items}
    if kinds == {True, False}:
        raise ScoringError(
            f"definition {definition.id!r}: mixes indicators and questions; score one kind only"
        )
    composite = kinds == {True}
    _check_kind_options(settings, composite)
    chosen = with_method(definition, settings.aggregate, settings.p)
    if composite:
        directions = np.array([i.direction for i in definition.items], dtype=np.float64)
        normalisers = Normalisers.of(
            _settings(definition, settings.normalise), directions, [i.id for i in definition.items]
        )
        return Plan(definition, settings, Tree.of(chosen), None, normalisers, directions)
    tables = ItemTables.of(definition)
    tree = Tree.of(chosen, tables.leaf_ids)
    return Plan(definition, settings, tree, tables, None, np.empty(0))


def _options(definition: object, options: dict[str, Any]) -> Options:
    """The checked options; ScoringError for a definition that is none or an unknown option."""
    if not isinstance(definition, Definition):
        raise ScoringError(f"compile: expected a Definition (got {type(definition).__name__})")
    known = [field.name for field in attrs.fields(Options)]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ScoringError(f"compile: unknown options {unknown} (expected some of {known})")
    return Options(**options)


def _check_kind_options(options: Options, composite: bool) -> None:
    if composite and options.missing != "skip":
        raise ScoringError(f"missing: composite indices skip (got {options.missing!r})")
    given = [
        name
        for name, value in (
            ("normalise", options.normalise),
            ("impute", None if options.impute == "none" else options.impute),
            ("shift", options.shift or None),
        )
        if value is not None
    ]
    if given and not composite:
        raise ScoringError(f"{', '.join(given)}: only for composite indices of indicators")


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


def with_method(definition: Definition, method: str | None, p: float | None) -> Definition:
    """``definition`` with every node aggregated by ``method`` (all keep theirs if None)."""
    if method is None:
        return definition
    chosen = cast(Literal["amean", "gmean", "hmean", "genmean"], method)
    nodes = tuple(attrs.evolve(node, method=chosen, p=p) for node in definition.nodes)
    return attrs.evolve(definition, nodes=nodes)
