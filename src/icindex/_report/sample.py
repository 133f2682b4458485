"""A sample of scored cities with their facts and peer groups, to compare a city with.

A :class:`Sample` holds, per city, every aggregate's score and coverage (the index, the
indicators, groups and variants), the same split by the items' role (policy ``input`` or
``impact``), its numeric facts and its peer group from the definition's ``[[peer_bands]]``.
It is saved and loaded as CSV or JSON (``docs/compare-and-report.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from .._analysis.uncertainty import rank
from .._arrays import ARRAY_EQ, readonly
from .._engine.plan import Plan, compile
from .._engine.score import score
from .._errors import ScoringError, UnknownIdError
from .._io.responses import CityResponse
from .._model.definition import ROLES, Definition

__all__ = ["Sample", "peer_groups", "role_masks", "structure"]

FloatArray = NDArray[np.float64]


def peer_groups(
    definition: Definition, facts: FloatArray, fact_ids: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each city's peer group label ("" if none) and, if none, why (which facts are unknown).

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> facts = np.array([[150_000.0, 12.0], [np.nan, 30.0]])
    >>> groups, notes = peer_groups(icc, facts, ("population", "foreign_born_share"))
    >>> groups[0], notes[1]
    ('100,000 to 199,999; foreign-born 10 to 15 %', 'no peer group: population unknown')
    """
    n = facts.shape[0]
    if not definition.peer_bands:
        return ("",) * n, ("the definition declares no peer bands",) * n
    columns = {fact: c for c, fact in enumerate(fact_ids)}
    bands, labels = [], []
    for band in definition.peer_bands:
        values = facts[:, columns[band.fact]] if band.fact in columns else np.full(n, np.nan)
        bands.append(band.band(values))
        labels.append(band.labels)
    groups, notes = [], []
    for city in range(n):
        unknown = [b.fact for b, found in zip(definition.peer_bands, bands, strict=True)
                   if found[city] < 0]  # fmt: skip
        names = [names[found[city]] for names, found in zip(labels, bands, strict=True)]
        groups.append("" if unknown else "; ".join(names))
        notes.append(f"no peer group: {', '.join(unknown)} unknown" if unknown else "")
    return tuple(groups), tuple(notes)


def structure(definition: Definition) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The kind of every aggregate column (nodes, groups, variants) and the root's child nodes."""
    kinds = ("node",) * len(definition.nodes) + ("group",) * len(definition.groups)
    indicators = tuple(n.id for n in definition.nodes if n.parent == definition.root)
    return (*kinds, *("variant",) * len(definition.variants)), indicators


def role_masks(definition: Definition, columns: Sequence[str]) -> dict[str, NDArray[np.bool_]]:
    """Per role, which aggregate columns have items of that role below them."""
    below = {node.id: definition.items_under(node.id) for node in definition.nodes}
    for group in definition.groups:
        below[group.id] = tuple(i for m in group.members for i in definition.items_under(m))
    for variant in definition.variants:
        below[variant.id] = below[definition.root]
    return {
        role: np.array([any(item.role == role for item in below[c]) for c in columns])
        for role in ROLES
    }


def _role_values(plan: Plan, cities: Sequence[CityResponse], columns: Sequence[str]) -> FloatArray:
    """Each aggregate scored on one role's items only: (roles, n, columns), NaN where none."""
    definition = plan.definition
    masks = role_masks(definition, columns)
    leaf = {item.id: item.role for item in definition.items}
    out = np.full((len(ROLES), len(cities), len(columns)), np.nan)
    for r, role in enumerate(ROLES):
        weights = np.array(plan.tree.weights)
        other = [c for c, e in enumerate(plan.tree.leaf_ids) if leaf[e] != role]
        weights[:, other] = 0.0
        if not masks[role].any():
            continue
        scores = score(plan.with_weights(weights), cities)
        values = np.column_stack([scores.column(c) for c in columns])
        out[r][:, masks[role]] = values[:, masks[role]]
    return out


@attrs.frozen
class Sample:
    """Scored cities with their facts and peer groups.

    Attributes
    ----------
    definition_id, missing : str
        The definition scored, and the missing-answer policy used.
    city_ids, names, rounds : tuple of str
    columns : tuple of str
        The aggregates: the root, every node, group and variant.
    values, coverage : ndarray, shape (n, columns)
    role_values : ndarray, shape (2, n, columns)
        The same scored on the ``input`` items only, then on the ``impact`` items only (NaN
        where an aggregate has no item of that role).
    fact_ids : tuple of str
        The numeric facts; ``facts`` (n, facts) holds them, NaN where unknown.
    peer_groups, peer_notes : tuple of str
        Each city's peer group ("" if none) and why it has none.
    kinds : tuple of str
        ``node``, ``group`` or ``variant`` per column.
    indicators : tuple of str
        The root's child nodes (the ICC's 17 indicators).
    """

    definition_id: str
    missing: str
    city_ids: tuple[str, ...]
    names: tuple[str, ...]
    rounds: tuple[str, ...]
    columns: tuple[str, ...]
    values: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    coverage: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    role_values: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    fact_ids: tuple[str, ...]
    facts: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    peer_groups: tuple[str, ...]
    peer_notes: tuple[str, ...]
    kinds: tuple[str, ...]
    indicators: tuple[str, ...]

    @classmethod
    def of(
        cls, definition: Definition, cities: Sequence[CityResponse], *, missing: str = "zero"
    ) -> Sample:
        """Score ``cities`` (default ``zero``: an unreported policy earns nothing, as in the
        ICC questionnaire) and place each in its peer group.

        Examples
        --------
        >>> import icindex
        >>> icc = icindex.load_definition("icc")
        >>> a = icindex.CityResponse("a", "A", facts={"population": 150_000})
        >>> b = icindex.CityResponse("b", "B", answers={"commitment_strategy": "adopted"})
        >>> sample = Sample.of(icc, [a, b])
        >>> sample.column("index").round(2).tolist(), sample.peer_notes[0]
        ([0.0, 0.87], 'no peer group: foreign_born_share unknown')
        """
        _check_unique(cities)
        plan = compile(definition, missing=missing)
        scores = score(plan, cities)
        columns = tuple(
            c for c, kind in zip(scores.ids, scores.kinds, strict=True) if kind != "item"
        )
        where = [scores.ids.index(c) for c in columns]
        numeric = [f.id for f in definition.facts if f.type in ("integer", "number")]
        facts = np.array(
            [[float(city.facts.get(f, np.nan)) for f in numeric] for city in cities]
        ).reshape(len(cities), len(numeric))
        groups, notes = peer_groups(definition, facts, numeric)
        return cls(
            definition.id, missing, tuple(c.id for c in cities), tuple(c.name for c in cities),
            tuple(c.round for c in cities), columns, scores.values[:, where],
            scores.coverage[:, where], _role_values(plan, cities, columns), tuple(numeric),
            facts, groups, notes, *structure(definition),
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.city_ids)

    def row(self, city: str) -> int:
        """The row of ``city``; :class:`UnknownIdError` naming the sample's cities if absent."""
        try:
            return self.city_ids.index(city)
        except ValueError:
            shown = ", ".join(self.city_ids[:5]) + (" ..." if len(self) > 5 else "")
            raise UnknownIdError(f"sample: no city {city!r} (cities: {shown})") from None

    def column(self, column: str, role: str | None = None) -> FloatArray:
        """Every city's score on ``column`` (on one ``role``'s items if given)."""
        if column not in self.columns:
            raise UnknownIdError(
                f"sample: no aggregate {column!r} (expected one of {self.columns[:6]} ...)"
            )
        c = self.columns.index(column)
        if role is None:
            return np.asarray(self.values[:, c])
        if role not in ROLES:
            raise ScoringError(f"role: expected one of {list(ROLES)} (got {role!r})")
        return np.asarray(self.role_values[ROLES.index(role), :, c])

    def peers(self, city: str) -> NDArray[np.intp]:
        """The rows of ``city``'s peer group, itself included (empty if it has none)."""
        group = self.peer_groups[self.row(city)]
        if not group:
            return np.zeros(0, dtype=np.intp)
        return np.flatnonzero(np.array(self.peer_groups) == group)

    def ranks(self, column: str, among: NDArray[np.intp] | None = None) -> FloatArray:
        """Ranks on ``column`` (1 = best, ties share the lowest, NaN unranked), in the whole
        sample or ``among`` some rows (NaN outside them)."""
        values = self.column(column)
        out = np.full(len(self), np.nan)
        rows = np.arange(len(self)) if among is None else among
        out[rows] = rank(values[rows])
        return out

    def percentiles(self, column: str) -> FloatArray:
        """The share (in %) of scored cities whose score is at most each city's; NaN unscored."""
        values = self.column(column)
        scored = np.sort(values[~np.isnan(values)])
        at_most = np.searchsorted(scored, values, side="right")
        return np.where(np.isnan(values), np.nan, 100.0 * at_most / max(scored.size, 1))

    def stats(self, column: str, among: NDArray[np.intp] | None = None) -> dict[str, float]:
        """Count, mean, median and quartiles of ``column`` (of ``among`` rows if given)."""
        values = self.column(column)
        values = values if among is None else values[among]
        values = values[~np.isnan(values)]
        if not values.size:
            return dict.fromkeys(("n", "mean", "median", "q1", "q3"), np.nan) | {"n": 0.0}
        q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
        return {"n": float(values.size), "mean": float(values.mean()), "median": float(median),
                "q1": float(q1), "q3": float(q3)}  # fmt: skip


def _check_unique(cities: Sequence[CityResponse]) -> None:
    seen: set[tuple[str, str]] = set()
    for city in cities:
        key = (city.id, city.round)
        if key in seen:
            raise ScoringError(
                f"sample: city {city.id!r} appears twice in round {city.round!r}"
                f" ({city.source or 'no file'})"
            )
        seen.add(key)
