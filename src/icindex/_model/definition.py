"""The validated, immutable model of an index definition.

The loader (:mod:`icindex._loader`) turns TOML files into these objects; nothing else creates
them from files. All collections are tuples, so a definition can be shared and hashed freely.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Literal

import attrs

from .._errors import DefinitionError, UnknownIdError

# A module import, not a name import: tree.py reads the classes defined here.
from . import ranges as _ranges
from . import tree as _tree
from .peers import PeerBand

__all__ = [
    "AGGREGATION_METHODS",
    "AGGREGATORS",
    "FACT_TYPES",
    "ITEM_KINDS",
    "NORMALISE_METHODS",
    "NORMALISE_PARAMETERS",
    "ROLES",
    "Definition",
    "Fact",
    "Group",
    "Item",
    "Node",
    "Normalisation",
    "Option",
    "PeerBand",
    "Variant",
    "power_of",
]

ITEM_KINDS = ("yes_no", "choice", "checklist", "numeric", "indicator")
# Aggregation method -> the power of the equivalent generalised mean (None: genmean, given p).
AGGREGATORS: dict[str, float | None] = {"amean": 1.0, "gmean": 0.0, "hmean": -1.0, "genmean": None}
AGGREGATION_METHODS = tuple(AGGREGATORS)
ROLES = ("input", "impact")
FACT_TYPES = ("integer", "number", "text", "boolean")

ItemKind = Literal["yes_no", "choice", "checklist", "numeric", "indicator"]

# Normaliser -> the parameters it reads (the keys its TOML table may have besides `method`).
NORMALISE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "none": (),
    "minmax": ("range",),
    "zscore": ("mean", "sd"),
    "goalposts": ("low", "high", "truncate", "range"),
    "rank": (),
    "percentile": ("range",),
    "distance": ("target", "cap", "range"),
    "fixed": ("low", "high", "range"),
}
NORMALISE_METHODS = tuple(NORMALISE_PARAMETERS)


@attrs.frozen
class Normalisation:
    """How an indicator's values are brought onto a common scale (see ``docs/composite.md``).

    Bounds and targets are given on the indicator's own scale, before its direction is applied.

    Attributes
    ----------
    method : str
        One of :data:`NORMALISE_METHODS`.
    range : (float, float)
        The output scale of ``minmax``, ``goalposts``, ``percentile``, ``distance`` and
        ``fixed``, lowest first.
    mean, sd : float
        The mean and standard deviation ``zscore`` produces.
    low, high : float or None
        ``goalposts``: the bounds; ``fixed``: the ends of the scale the values already have.
    truncate : bool
        ``goalposts``: clip values beyond the bounds to the ends of ``range``.
    target : float or None
        ``distance``: the target (the indicator's own ``target`` when None).
    cap : bool
        ``distance``: values beyond the target score like the target.
    """

    method: str = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    mean: float = 0.0
    sd: float = 1.0
    low: float | None = None
    high: float | None = None
    truncate: bool = True
    target: float | None = None
    cap: bool = False

    def problems(self) -> list[str]:
        """What is wrong with these settings, one sentence each (empty when they are usable)."""
        if self.method not in NORMALISE_PARAMETERS:
            return [f"method must be one of {list(NORMALISE_METHODS)} (got {self.method!r})"]
        found = []
        if not self.range[0] < self.range[1]:
            found.append(f"range must be [lowest, highest], lowest first (got {list(self.range)})")
        if self.method == "zscore" and not self.sd > 0:
            found.append(f"sd must be > 0 (got {self.sd!r})")
        if self.method in ("goalposts", "fixed") and (
            self.low is None or self.high is None or not self.low < self.high
        ):
            found.append(
                f"{self.method} needs low and high with low < high "
                f"(got low={self.low!r}, high={self.high!r})"
            )
        return found


@attrs.frozen
class Option:
    """One answer an item offers: an id, a label and the points it earns."""

    id: str
    label: str
    points: float


@attrs.frozen
class Item:
    """A question: a leaf of the tree whose answer earns points.

    ``yes_no`` items are stored as two options, ``yes`` and ``no``, so that they encode and score
    exactly like ``choice`` items. An ``indicator`` is a raw number measured per unit (a share, a
    count): its ``question`` holds its name, ``direction`` says whether higher is better (1) or
    worse (-1), and ``normalise``, when set, overrides the normaliser chosen for the whole index.
    """

    id: str
    parent: str
    kind: ItemKind
    question: str
    weight: float = 1.0
    role: Literal["input", "impact"] = "input"
    note: str = ""
    options: tuple[Option, ...] = ()
    cap: float | None = None
    unit: str = ""
    thresholds: tuple[float, ...] = ()
    points: tuple[float, ...] = ()
    goalposts: tuple[float, float] | None = None
    direction: int = 1
    target: float | None = None
    normalise: Normalisation | None = None
    denominator: str = ""
    value_range: tuple[float, float] | None = None
    """``numeric`` and ``indicator``: the least and greatest value an answer may take (either
    may be infinite); None accepts any finite number. A value outside is an error, never
    clipped. Checked when a :class:`Definition` is built: ``least < greatest``, and a numeric
    item's thresholds lie inside (see :mod:`icindex._model.ranges`)."""

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The ids of the options, in order."""
        return tuple(option.id for option in self.options)

    @property
    def point_range(self) -> tuple[float, float]:
        """The fewest and the most points any answer can earn (goalposts: 0 and 1).

        An ``indicator`` earns no points (it is normalised across units): ``DefinitionError``.
        """
        return _POINT_RANGE[self.kind](self)


def _no_point_range(item: Item) -> tuple[float, float]:
    raise DefinitionError(f"item {item.id!r} is an indicator: it has no point range")


def _options_range(item: Item) -> tuple[float, float]:
    values = [option.points for option in item.options]
    return min(values), max(values)


def _checklist_range(item: Item) -> tuple[float, float]:
    total = sum(option.points for option in item.options)
    return 0.0, total if item.cap is None else min(item.cap, total)


def _numeric_range(item: Item) -> tuple[float, float]:
    if item.goalposts is not None:
        return 0.0, 1.0
    return min(item.points), max(item.points)


# Item kind -> the fewest and most points an answer can earn (see Item.point_range).
_POINT_RANGE: dict[str, Callable[[Item], tuple[float, float]]] = {
    "yes_no": _options_range,
    "choice": _options_range,
    "checklist": _checklist_range,
    "numeric": _numeric_range,
    "indicator": _no_point_range,
}


def power_of(method: str, p: float | None = None) -> float:
    """The power of the generalised mean an aggregation method computes.

    Parameters
    ----------
    method : str
        One of :data:`AGGREGATION_METHODS`.
    p : float or None
        The power of ``genmean`` (ignored by the other methods).

    Returns
    -------
    float
        amean 1, gmean 0, hmean -1, genmean ``p``; NaN for ``genmean`` without ``p`` (and for
        an unknown method without ``p``).

    Examples
    --------
    >>> power_of("hmean"), power_of("genmean", 2.0), power_of("genmean")
    (-1.0, 2.0, nan)
    """
    power = AGGREGATORS.get(method)
    if power is not None:
        return power
    return p if p is not None else math.nan


@attrs.frozen
class Node:
    """An aggregate: combines its children's scores with their weights and a method."""

    id: str
    name: str
    parent: str | None = None
    weight: float = 1.0
    method: Literal["amean", "gmean", "hmean", "genmean"] = "amean"
    p: float | None = None
    description: str = ""

    @property
    def power(self) -> float:
        """The power of the equivalent generalised mean (amean 1, hmean -1, gmean 0)."""
        return power_of(self.method, self.p)


@attrs.frozen
class Fact:
    """Something known about a city that is not scored (population, foreign-born share, ...)."""

    id: str
    name: str
    type: Literal["integer", "number", "text", "boolean"]
    unit: str = ""
    description: str = ""
    value_range: tuple[float, float] | None = None
    """``integer`` and ``number``: the least and greatest value allowed (either may be
    infinite, ``least < greatest``); None accepts any finite number."""


@attrs.frozen
class Group:
    """A named set of nodes whose scores are combined and reported (e.g. the intercultural lens)."""

    id: str
    name: str
    members: tuple[str, ...]
    method: Literal["amean", "gmean", "hmean", "genmean"] = "amean"
    p: float | None = None
    description: str = ""

    @property
    def power(self) -> float:
        """The power of the equivalent generalised mean."""
        return power_of(self.method, self.p)


@attrs.frozen
class Variant:
    """A version of the index that leaves some nodes or items out."""

    id: str
    name: str
    exclude: tuple[str, ...] = ()
    description: str = ""


@attrs.frozen
class Definition:
    """A complete, validated index definition.

    Attributes
    ----------
    id, name, description : str
        What the definition is called.
    root : str
        Id of the node whose score is the index.
    nodes : tuple of Node
        Every aggregate, the root first, then in file order.
    items : tuple of Item
        Every question, in file order.
    facts, groups, variants : tuples
        Facts about a city, named groups of nodes, and versions of the index.
    peer_bands : tuple of PeerBand
        How cities are put in peer groups: a city's band of each fact, crossed.
    source : str
        Where the definition was loaded from (a path, or ``"<memory>"``).
    """

    id: str
    name: str
    root: str
    nodes: tuple[Node, ...]
    items: tuple[Item, ...]
    facts: tuple[Fact, ...] = ()
    groups: tuple[Group, ...] = ()
    variants: tuple[Variant, ...] = ()
    description: str = ""
    source: str = "<memory>"
    peer_bands: tuple[PeerBand, ...] = ()
    # Look-ups built once, on construction, so that each query costs O(1) or O(answer); private,
    # never handed out, and plain dicts so that a definition still pickles.
    _by_id: dict[str, Node | Item] = attrs.field(init=False, repr=False, eq=False)
    _children: dict[str, tuple[Node | Item, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        """Refuse a malformed tree: :class:`DefinitionError` listing every problem."""
        problems = _tree.definition_problems(self) + _ranges.definition_range_problems(self)
        fact_types = {fact.id: fact.type for fact in self.facts}
        for band in self.peer_bands:
            problems += band.problems(fact_types, f"{self.source}: peer_bands[{band.id!r}]")
        if problems:
            raise DefinitionError(problems)
        by_id = {entry.id: entry for entry in self.walk()}
        below = {
            node_id: tuple(by_id[child] for child in child_ids)
            for node_id, child_ids in _tree.children(self).items()
        }
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_children", below)

    def item(self, item_id: str) -> Item:
        """Return the item with this id; :class:`UnknownIdError` (a KeyError) if there is none."""
        entry = self._by_id.get(item_id)
        if not isinstance(entry, Item):
            raise UnknownIdError(f"{self.source}: no item {item_id!r} in definition {self.id!r}")
        return entry

    def node(self, node_id: str) -> Node:
        """Return the node with this id; :class:`UnknownIdError` (a KeyError) if there is none."""
        entry = self._by_id.get(node_id)
        if not isinstance(entry, Node):
            raise UnknownIdError(f"{self.source}: no node {node_id!r} in definition {self.id!r}")
        return entry

    def children(self, node_id: str) -> tuple[Node | Item, ...]:
        """The nodes and items whose parent is ``node_id``, nodes first, each in file order."""
        return self._children.get(node_id, ())

    def walk(self) -> Iterator[Node | Item]:
        """Every node, then every item."""
        yield from self.nodes
        yield from self.items

    def items_under(self, node_id: str) -> tuple[Item, ...]:
        """The items below ``node_id`` at any depth, in file order (none below an item)."""
        below: set[str] = set()
        stack = [node_id]
        while stack:
            for child in self._children.get(stack.pop(), ()):
                below.add(child.id)
                stack.append(child.id)
        return tuple(item for item in self.items if item.id in below)
