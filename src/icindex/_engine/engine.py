"""The vectorised scorer: compile a definition once, then score all cities level by level.

Columns of the full score matrix: every item (definition order), then every node (the root
first), then every group, then every variant. Each level of the tree is one weighted power mean
per aggregation method over all cities at once (:func:`icindex.kernels.power_mean_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._errors import ScoringError
from .._io.responses import CityResponse
from .._model.definition import Definition, Item, Node
from .._results.scores import Scores
from . import kernels
from .encoding import Encoded, Layout, encode

__all__ = ["MISSING_POLICIES", "ItemTables", "Tree", "aggregate", "fill_aggregates", "score"]

MissingPolicy = Literal["zero", "skip", "bounds"]
MISSING_POLICIES = ("skip", "zero", "bounds")
DEFAULT_CHUNK = 8_192  # keeps a chunk's working set near the CPU caches (benchmarks)
FloatArray = NDArray[np.float64]


@attrs.frozen
class Level:
    """Parents of one height and one aggregation power, with their children (column indices)."""

    power: float
    parents: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    children: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    membership: NDArray[np.bool_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    shared: bool = False
    """True when every weight set agrees on all weights below these parents: computed once."""

    @property
    def rows(self) -> slice | NDArray[np.intp]:
        """The children's rows: a slice (a view, no copy) when they are contiguous."""
        first = int(self.children[0])
        if np.array_equal(self.children, np.arange(first, first + len(self.children))):
            return slice(first, first + len(self.children))
        return self.children


@attrs.frozen
class Tree:
    """A definition compiled for scoring: column ids, base weights and levels bottom-up.

    Attributes
    ----------
    ids, names, kinds : tuple of str
        Per column: items, then nodes (root first), then groups, then variants; ``kinds`` is
        ``"item"``, ``"node"``, ``"group"`` or ``"variant"``.
    weights : ndarray, shape (n_variants + 1, n_columns)
        Each column's weight in its parent (or its group); row 0 uses every node, row ``v``
        zeroes the entries variant ``v`` excludes.
    levels : tuple of Level
        In evaluation order; groups form the last levels.
    root : int
        Column of the root.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    weights: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    levels: tuple[Level, ...] = ()
    root: int = 0

    @classmethod
    def of(cls, definition: Definition) -> Tree:
        """Compile ``definition``."""
        entries: list[Item | Node] = [*definition.items, *definition.nodes]
        groups, variants = definition.groups, definition.variants
        ids = [e.id for e in entries] + [g.id for g in groups] + [v.id for v in variants]
        names = [_name(e) for e in entries] + [g.name for g in groups] + [v.name for v in variants]
        kinds = ["item"] * len(definition.items) + ["node"] * len(definition.nodes)
        kinds += ["group"] * len(groups) + ["variant"] * len(variants)
        column = {entry_id: c for c, entry_id in enumerate(ids)}
        weights = np.zeros((1 + len(variants), len(ids)))
        weights[:, : len(entries)] = [e.weight for e in entries]
        for row, variant in enumerate(variants, start=1):
            for excluded in variant.exclude:
                weights[row, column[excluded]] = 0.0
        levels = _tree_levels(definition, column) + _group_levels(definition, column)
        levels = _mark_shared(levels, weights)
        return cls(
            tuple(ids), tuple(names), tuple(kinds), weights, tuple(levels), column[definition.root]
        )


def _name(entry: Item | Node) -> str:
    return entry.question if isinstance(entry, Item) else entry.name


def _tree_levels(definition: Definition, column: dict[str, int]) -> list[Level]:
    height: dict[str, int] = {item.id: 0 for item in definition.items}
    children: dict[str, list[str]] = {node.id: [] for node in definition.nodes}
    for entry in definition.walk():
        if entry.parent is not None:
            children[entry.parent].append(entry.id)

    def height_of(node_id: str) -> int:
        if node_id not in height:
            height[node_id] = 1 + max(height_of(child) for child in children[node_id])
        return height[node_id]

    keyed = [(height_of(n.id), n.power, n.id) for n in definition.nodes]
    levels = []
    for key in sorted({(h, p) for h, p, _ in keyed}):
        parents = [node_id for h, p, node_id in keyed if (h, p) == key]
        levels.append(_level(key[1], parents, [children[p] for p in parents], column))
    return levels


def _group_levels(definition: Definition, column: dict[str, int]) -> list[Level]:
    levels = []
    for power in sorted({group.power for group in definition.groups}):
        chosen = [g for g in definition.groups if g.power == power]
        levels.append(_level(power, [g.id for g in chosen], [g.members for g in chosen], column))
    return levels


def _mark_shared(levels: list[Level], weights: FloatArray) -> list[Level]:
    """Flag the levels whose values are the same in every weight set.

    A level is shared when each child's weight agrees across the sets and each child's own
    values do (items always do; a node does when its level was shared).
    """
    agrees = np.all(weights == weights[0], axis=0)
    identical = set(np.flatnonzero(agrees & (np.arange(weights.shape[1]) < _first_node(levels))))
    marked = []
    for level in levels:
        shared = all(agrees[c] and c in identical for c in level.children)
        if shared:
            identical.update(level.parents.tolist())
        marked.append(attrs.evolve(level, shared=shared))
    return marked


def _first_node(levels: list[Level]) -> int:
    """The first column that is not an item (every parent of every level is an aggregate)."""
    return min((int(level.parents.min()) for level in levels), default=0)


def _level(
    power: float, parents: list[str], children: Sequence[Sequence[str]], column: dict[str, int]
) -> Level:
    child_ids = sorted({child for group in children for child in group}, key=column.__getitem__)
    membership = np.zeros((len(child_ids), len(parents)), dtype=bool)
    position = {child: i for i, child in enumerate(child_ids)}
    for j, group in enumerate(children):
        membership[[position[child] for child in group], j] = True
    return Level(
        power,
        np.array([column[p] for p in parents], dtype=np.intp),
        np.array([column[c] for c in child_ids], dtype=np.intp),
        membership,
    )


@attrs.frozen
class ItemTables:
    """Lookup tables that turn encoded answers into item scores (0-100), one per item kind."""

    layout: Layout
    coded: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    checklist_points: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    checklist_low: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    checklist_high: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    threshold_items: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    thresholds: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    threshold_scores: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    goalpost_items: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    goalposts: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)

    @classmethod
    def of(cls, definition: Definition) -> ItemTables:
        """Build the tables of ``definition``'s items."""
        layout = Layout.of(definition)
        items = definition.items
        coded = [items[i] for i in layout.coded]
        checklists = [items[i] for i in layout.checklists]
        numeric = [items[i] for i in layout.numeric]
        by_threshold = [c for c, item in enumerate(numeric) if item.goalposts is None]
        by_goalposts = [c for c, item in enumerate(numeric) if item.goalposts is not None]
        return cls(
            layout=layout,
            coded=_padded([_rescaled(i, [o.points for o in i.options]) for i in coded], 1),
            checklist_points=_padded([[o.points for o in i.options] for i in checklists], 0, 0.0),
            checklist_low=np.array([i.point_range[0] for i in checklists]),
            checklist_high=np.array([i.point_range[1] for i in checklists]),
            threshold_items=np.array(by_threshold, dtype=np.intp),
            thresholds=_padded([numeric[c].thresholds for c in by_threshold], 0, np.inf),
            threshold_scores=_padded(
                [_rescaled(numeric[c], numeric[c].points) for c in by_threshold], 0
            ),
            goalpost_items=np.array(by_goalposts, dtype=np.intp),
            goalposts=np.array([numeric[c].goalposts for c in by_goalposts]).reshape(-1, 2),
        )

    def item_scores(self, encoded: Encoded) -> FloatArray:
        """Item scores (n, n_items) in 0-100, NaN where the answer is unknown."""
        scores = np.empty((encoded.n_cities, len(self.layout.item_ids)))
        scores[:, self.layout.coded] = kernels.score_coded(encoded.codes, self.coded)
        scores[:, self.layout.checklists] = kernels.score_checklists(
            encoded.ticks, self.checklist_points, self.checklist_low, self.checklist_high
        )
        numeric = self.layout.numeric
        scores[:, numeric[self.threshold_items]] = kernels.score_thresholds(
            encoded.values[:, self.threshold_items], self.thresholds, self.threshold_scores
        )
        scores[:, numeric[self.goalpost_items]] = kernels.score_goalposts(
            encoded.values[:, self.goalpost_items], self.goalposts[:, 0], self.goalposts[:, 1]
        )
        return scores


def _rescaled(item: Item, points: Sequence[float]) -> list[float]:
    low, high = item.point_range
    return [100.0 * (p - low) / (high - low) for p in points]


def _padded(rows: Sequence[Sequence[float]], extra: int, fill: float = np.nan) -> FloatArray:
    """Rows of unequal length as one array padded with ``fill`` (and ``extra`` more columns)."""
    width = max((len(row) for row in rows), default=0) + extra
    table = np.full((len(rows), width), fill)
    for r, row in enumerate(rows):
        table[r, : len(row)] = row
    return table


def aggregate(
    leaves: FloatArray,
    tree: Tree,
    *,
    power: float | None = None,
    coverage: FloatArray | None = None,
    min_coverage: float = 0.0,
) -> FloatArray:
    """Scores of every column for each weight set of ``tree``, units along the last axis.

    Parameters
    ----------
    leaves : ndarray, shape (n_items, n)
        Item scores, one row per item, NaN where unknown (skipped and renormalised).
    tree : Tree
    power : float, optional
        Overrides every level's method (1 with 0/1 leaves gives the known-weight shares).
    coverage : ndarray, shape (n_sets, n_columns, n), optional
        Where below ``min_coverage``, an aggregate is set to NaN.

    Returns
    -------
    ndarray, shape (n_sets, n_columns, n)
        Rows of item columns are the leaves themselves in every set.
    """
    n_sets, n_columns = tree.weights.shape
    full = np.empty((n_sets, n_columns, leaves.shape[1]))
    full[:, : leaves.shape[0]] = leaves
    return fill_aggregates(full, tree, power=power, coverage=coverage, min_coverage=min_coverage)


def fill_aggregates(
    full: FloatArray,
    tree: Tree,
    *,
    power: float | None = None,
    coverage: FloatArray | None = None,
    min_coverage: float = 0.0,
) -> FloatArray:
    """:func:`aggregate` in place: ``full`` (n_sets, n_columns, n) holds the leaves in its item
    rows (in every set); every other row is computed and ``full`` is returned.

    Lets a caller build its leaves directly in the result and spare a full-size copy.
    """
    for level in tree.levels:
        sets = slice(0, 1) if level.shared else slice(None)
        weights = tree.weights[sets, level.children][:, None, :] * level.membership.T
        values = kernels.power_mean_rows(
            full[sets, level.rows], weights, level.power if power is None else power
        )
        if coverage is not None and min_coverage > 0:
            values[coverage[sets][:, level.parents] < min_coverage] = np.nan
        full[:, level.parents] = values
    return full


def _collapse(full: FloatArray, tree: Tree) -> FloatArray:
    """One (n, n_columns) matrix: weight set 0, but set ``v`` for variant ``v``'s column."""
    result: FloatArray = full[0].T.copy()
    variant_columns = [c for c, kind in enumerate(tree.kinds) if kind == "variant"]
    for offset, column in enumerate(variant_columns, start=1):
        result[:, column] = full[offset, tree.root]
    return result


Chunk = tuple[FloatArray, FloatArray, FloatArray | None, FloatArray | None]


def _score_chunk(
    encoded: Encoded, tables: ItemTables, tree: Tree, missing: str, min_coverage: float
) -> Chunk:
    items = tables.item_scores(encoded).T
    known = ~np.isnan(items)
    full_coverage = aggregate(known.astype(np.float64), tree, power=1.0)
    coverage = _collapse(full_coverage, tree)
    if missing == "zero":
        return _collapse(aggregate(np.where(known, items, 0.0), tree), tree), coverage, None, None
    values = aggregate(items, tree, coverage=full_coverage, min_coverage=min_coverage)
    if missing == "skip":
        return _collapse(values, tree), coverage, None, None
    lowest = _collapse(aggregate(np.where(known, items, 0.0), tree), tree)
    highest = _collapse(aggregate(np.where(known, items, 100.0), tree), tree)
    return _collapse(values, tree), coverage, lowest, highest


def score(
    definition: Definition,
    cities: Encoded | Sequence[CityResponse],
    *,
    missing: MissingPolicy = "skip",
    min_coverage: float = 0.0,
    chunk_size: int | None = None,
) -> Scores:
    r"""Score cities on every item, node, group and variant of a definition.

    Item scores are the points earned rescaled to 0-100 between the worst and the best answer;
    each node is the weighted power mean of its children (see ``docs/scoring.md``).

    Parameters
    ----------
    definition : Definition
    cities : Encoded or sequence of CityResponse
        Encoded answers (see :func:`encode`), or responses, which are encoded first.
    missing : {"skip", "zero", "bounds"}
        ``skip``: unknown answers are left out and the weights of the known siblings
        renormalised; a node below ``min_coverage`` becomes NaN. ``zero``: an unknown answer
        scores like the worst answer. ``bounds``: the ``skip`` scores, plus the lowest
        (``Scores.lower``, equal to ``zero``) and the highest (``Scores.upper``) scores
        reachable whatever the unknown answers turn out to be.
    min_coverage : float in [0, 1]
        With ``skip`` and ``bounds``: the known weight share below which a node's ``skip``
        score becomes NaN. With the default 0 a node is NaN only when nothing under it is known.
    chunk_size : int, optional
        Cities scored at once (default 8,192); results do not depend on it (beyond the last
        bits of rounding in BLAS).

    Returns
    -------
    Scores

    Examples
    --------
    >>> from icindex import load_definition, synthetic_cities
    >>> icc = load_definition("icc")
    >>> scores = score(icc, synthetic_cities(icc, 10, seed=0))
    >>> scores.column("index").shape
    (10,)
    """
    if missing not in MISSING_POLICIES:
        raise ScoringError(f"missing: must be one of {list(MISSING_POLICIES)} (got {missing!r})")
    if not 0.0 <= min_coverage <= 1.0:
        raise ScoringError(f"min_coverage: must be between 0 and 1 (got {min_coverage!r})")
    if chunk_size is not None and chunk_size < 1:
        raise ScoringError(f"chunk_size: must be >= 1 (got {chunk_size!r})")
    indicators = [item.id for item in definition.items if item.kind == "indicator"]
    if indicators:
        raise ScoringError(
            f"definition {definition.id!r}: items {indicators[:5]} are numeric indicators, "
            "normalised across units: score them with icindex.score_composite"
        )
    names: tuple[str, ...] | None = None
    if not isinstance(cities, Encoded):
        names = tuple(city.name for city in cities)
        cities = encode(definition, cities)
    tables, tree = ItemTables.of(definition), Tree.of(definition)
    if cities.layout != tables.layout:
        raise ScoringError(f"the encoded answers were not made for definition {definition.id!r}")
    step = chunk_size or DEFAULT_CHUNK
    shape = (cities.n_cities, len(tree.ids))
    values, coverage = np.empty(shape), np.empty(shape)
    lower, upper = (np.empty(shape), np.empty(shape)) if missing == "bounds" else (None, None)
    for start in range(0, cities.n_cities, step):
        rows = slice(start, start + step)
        part = _score_chunk(cities.take(rows), tables, tree, missing, min_coverage)
        for target, chunk in zip((values, coverage, lower, upper), part, strict=True):
            if target is not None and chunk is not None:
                target[rows] = chunk
    return Scores(
        city_ids=cities.city_ids,
        city_names=names or tuple(cities.city_ids.tolist()),
        ids=tree.ids,
        names=tree.names,
        kinds=tree.kinds,
        values=values,
        coverage=coverage,
        lower=lower,
        upper=upper,
        missing=missing,
        definition_id=definition.id,
        root=definition.root,
    )
