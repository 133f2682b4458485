"""The result of scoring: numbers with their labels; exports live in :mod:`.export`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, OPTIONAL_ARRAY_EQ, optional_readonly, readonly
from .._errors import ScoringError, UsageError
from . import export as exports

if TYPE_CHECKING:
    from .._io.responses import CityResponse
    from .._model.definition import Definition

__all__ = ["ItemSource", "Scores", "city_details"]

FloatArray = NDArray[np.float64]
# What an unknown item scores in ``values``, per missing-answer policy (None: stays NaN).
_ITEM_FILLS: dict[str, float | None] = {"skip": None, "bounds": None, "zero": 0.0}


def _optional_texts(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(str(text) for text in value)


def _optional_mappings(
    value: Iterable[Mapping[str, Any]] | None,
) -> tuple[Mapping[str, Any], ...] | None:
    """Per-city mappings, each a read-only copy (a frozen result cannot change under us)."""
    return None if value is None else tuple(MappingProxyType(dict(city)) for city in value)


def definition_facts(definition: Definition) -> tuple[str, ...]:
    """The ids of the facts ``definition`` declares, in order (``Scores.fact_ids``)."""
    return tuple(fact.id for fact in definition.facts)


def city_details(
    cities: Sequence[CityResponse] | object, definition: Definition | None = None
) -> dict[str, Any]:
    """What :class:`Scores` carries about each city besides its id, as the arguments of
    ``attrs.evolve`` (``city_names``, ``countries``, ``rounds``, ``facts``, ``evidence``, and
    with ``definition`` its ``fact_ids``), from the cities' responses; nothing from encoded
    answers (which hold none of it)."""
    if not isinstance(cities, Sequence):
        return {}
    declared = {} if definition is None else {"fact_ids": definition_facts(definition)}
    return {
        **declared,
        "city_names": tuple(city.name for city in cities),
        "countries": tuple(city.country for city in cities),
        "rounds": tuple(city.round for city in cities),
        "facts": tuple(city.facts for city in cities),
        "evidence": tuple(city.evidence for city in cities),
    }


class ItemSource(Protocol):
    """Derives the item columns of a result when they are asked for (see ``Scores.items``)."""

    def item_scores(self) -> FloatArray:
        """Item scores (n, n_items) in column order, NaN where unknown."""


@attrs.frozen
class Scores:
    """Scores of many cities on every item, node, group and variant of a definition.

    Attributes
    ----------
    city_ids : ndarray of str, shape (n,)
    city_names : tuple of str, length n
    ids, names, kinds : tuple of str, length m
        Column ids, human names and kinds (``item``, ``node``, ``group``, ``variant``).
    values : ndarray, shape (n, m)
        Scores 0-100; NaN where a score cannot be computed (``skip`` with nothing known).
    coverage : ndarray, shape (n, m)
        The known weight share (0-1) of each score.
    lower, upper : ndarray, shape (n, m), or None
        The lowest and highest scores reachable given the unknown answers, with
        ``missing="bounds"`` only.
    missing : str
        The missing-answer policy used.
    definition_id, root : str
        The definition scored, and the id of its index column.
    imputed : bool ndarray, shape (n, m), or None
        True where an item's value was imputed rather than measured (composite indices scored
        with imputation only; see :func:`icindex.score_composite`).
    countries, rounds : tuple of str, length n, or None
        Each city's country code and survey round, when the scores were made from
        :class:`~icindex.CityResponse` objects (None when not known, e.g. streamed scoring).
    facts : tuple of mappings, length n, or None
        Each city's known facts (fact id -> int, float, str or bool).
    evidence : tuple of mappings, length n, or None
        Each city's evidence (item or fact id -> text).
    """

    city_ids: NDArray[np.str_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    _city_names: tuple[str, ...] | None
    ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    _values: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    _coverage: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    _lower: FloatArray | None = attrs.field(
        default=None, converter=optional_readonly, eq=OPTIONAL_ARRAY_EQ
    )
    _upper: FloatArray | None = attrs.field(
        default=None, converter=optional_readonly, eq=OPTIONAL_ARRAY_EQ
    )
    missing: str = "skip"
    definition_id: str = ""
    root: str = ""
    imputed: NDArray[np.bool_] | None = attrs.field(
        default=None, converter=optional_readonly, eq=OPTIONAL_ARRAY_EQ
    )
    items: ItemSource | None = attrs.field(default=None, eq=False)
    """Where the item columns come from when they are not stored: then ``values`` (and the
    other arrays) given to the constructor hold the other columns only."""
    countries: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_texts)
    rounds: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_texts)
    facts: tuple[Mapping[str, Any], ...] | None = attrs.field(
        default=None, converter=_optional_mappings
    )
    evidence: tuple[Mapping[str, str], ...] | None = attrs.field(
        default=None, converter=_optional_mappings
    )
    fact_ids: tuple[str, ...] | None = attrs.field(default=None, converter=_optional_texts)
    """The facts the definition declares, in its order: the CSV's ``fact:<id>`` columns, the
    same for every chunk of a stream (None: the facts the cities carry, as first met)."""

    def __attrs_post_init__(self) -> None:
        n = len(self.city_ids)
        about = {
            "city_names": self._city_names,
            "countries": self.countries,
            "rounds": self.rounds,
            "facts": self.facts,
            "evidence": self.evidence,
        }
        for name, given in about.items():
            if given is not None and len(given) != n:
                raise UsageError(
                    f"Scores: {name} must have one entry per city ({n} cities, got {len(given)})"
                )

    @property
    def city_names(self) -> tuple[str, ...]:
        """Each city's name (its id when it was scored from encoded answers)."""
        if self._city_names is None:
            return tuple(self.city_ids.tolist())
        return self._city_names

    @property
    def values(self) -> FloatArray:
        """Scores (n, m), 0-100; NaN where a score cannot be computed."""
        return self._with_items(self._values, _ITEM_FILLS[self.missing])

    @property
    def coverage(self) -> FloatArray:
        """The coverage (n, m) of each score: the weight share resting on measured values."""
        return self._with_items(self._coverage, "known")

    @property
    def lower(self) -> FloatArray | None:
        """The lowest scores (n, m) the unknown answers allow (``bounds`` only)."""
        return None if self._lower is None else self._with_items(self._lower, 0.0)

    @property
    def upper(self) -> FloatArray | None:
        """The highest scores (n, m) the unknown answers allow (``bounds`` only)."""
        return None if self._upper is None else self._with_items(self._upper, 100.0)

    def _with_items(self, stored: FloatArray, fill: float | str | None) -> FloatArray:
        """``stored`` with the item columns in front, derived from the answers if need be."""
        if self.items is None:
            return stored
        scores = self.items.item_scores()
        if fill == "known":
            scores = (~np.isnan(scores)).astype(np.float64)
        elif fill is not None:
            scores[np.isnan(scores)] = fill
        combined: FloatArray = readonly(np.hstack([scores, stored]))
        return combined

    def _column_index(self, column_id: str) -> int:
        try:
            return self.ids.index(column_id)
        except ValueError:
            raise ScoringError(
                f"no score {column_id!r} in definition {self.definition_id!r}"
            ) from None

    def _city_index(self, city_id: str) -> int:
        found = np.flatnonzero(self.city_ids == city_id)
        if found.size == 0:
            raise ScoringError(f"no city {city_id!r} among the scored cities") from None
        return int(found[0])

    def column(self, column_id: str) -> FloatArray:
        """Every city's score on one item, node, group or variant, shape (n,)."""
        column = self._column_index(column_id)
        stored = self._values.shape[1]
        if column >= len(self.ids) - stored:
            return self._values[:, column - (len(self.ids) - stored)]
        return self.values[:, column]

    def get(self, city_id: str, column_id: str) -> float:
        """One city's score on one item, node, group or variant."""
        return float(self.column(column_id)[self._city_index(city_id)])

    def stored(self) -> Scores:
        """These scores with every column stored (item columns derived now, once).

        The exports use it, so that a large result derives its item columns once per export.
        """
        if self.items is None:
            return self
        return attrs.evolve(
            self,
            values=self.values,
            coverage=self.coverage,
            lower=self.lower,
            upper=self.upper,
            items=None,
            city_names=self.city_names,
        )

    def select(self, kinds: tuple[str, ...] = ("node", "group", "variant")) -> list[int]:
        """Column positions of the given kinds, in column order."""
        return [c for c, kind in enumerate(self.kinds) if kind in kinds]

    def to_dict(self) -> dict[str, Any]:
        """Plain Python data: definition, policy and per city its scores, coverage and bounds.

        NaN becomes None, so the result is valid JSON.
        """
        return exports.to_dict(self.stored())

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """The :meth:`to_dict` data as JSON text (UTF-8, non-ASCII kept, every float at full
        precision); written to ``path`` whole or not at all."""
        return exports.write(exports.to_json(self.stored(), indent=indent), path)

    def to_csv(
        self,
        path: str | Path | None = None,
        *,
        id_column: str = "city_id",
        coverage: bool = True,
        kinds: tuple[str, ...] = ("item", "node", "group", "variant"),
        names: bool = True,
        imputed: bool = True,
    ) -> str:
        """One row per city: id, name, country, round and facts, then one column per score.

        An item's score column is ``<id>:score`` (never mistaken for its answer), an
        aggregate's its bare id. ``country``, ``round`` and one ``fact:<id>`` column per fact
        follow the name when the scores carry them (scored from responses). With bounds,
        columns ``<id>:lower`` and ``<id>:upper`` follow the scores; with ``coverage``, then
        ``<id>:coverage``; with ``imputed`` and imputation, then ``<id>:imputed`` for every
        item (1 where imputed, else 0). Numbers carry 15 significant digits, missing scores
        are empty cells, and text a spreadsheet would run as a formula starts with ``'``.
        Without ``names``: COINr's layout (``uCode``-like ids, then the scores under bare
        codes). Written to ``path`` whole or not at all (:class:`~icindex.OutputError` when it
        cannot be). Read it back with :func:`icindex._results.read.read_scores`.
        """
        text = exports.to_csv(
            self.stored(),
            id_column=id_column,
            coverage=coverage,
            kinds=kinds,
            names=names,
            imputed=imputed,
        )
        return exports.write(text, path)

    def to_dataframe(self, *, coverage: bool = False) -> Any:
        """A pandas DataFrame indexed by city id, one column per score (needs pandas)."""
        return exports.to_dataframe(self.stored(), coverage=coverage)

    def table(self, kinds: tuple[str, ...] = ("node", "group", "variant")) -> str:
        """A readable table for the terminal: one row per score, one column per city.

        Each cell is the score, with the bounds when there are any, and the coverage in
        percent: ``54.2 [54.2-81.0] 40%``.
        """
        return exports.to_table(self.stored(), kinds=kinds)

    def export(self, format: str, path: str | Path | None = None, **options: Any) -> str:
        """The scores as text in a named format, looked up in ``EXPORTERS``; written to ``path``.

        Parameters
        ----------
        format : str
            A key of :data:`icindex._results.export.EXPORTERS`: ``"table"``, ``"csv"``,
            ``"json"`` or ``"coinr-csv"`` (COINr's layout: ``uCode``, then the scores).
        path : str or Path, optional
            Also write the text there (UTF-8, ending in a newline).
        **options
            Passed to the exporter (e.g. ``kinds=("node",)``, ``indent=None``).

        Raises
        ------
        ScoringError
            When ``format`` is not a known format.

        Examples
        --------
        >>> import icindex
        >>> icc = icindex.load_definition("icc")
        >>> scores = icindex.score(icc, icindex.synthetic_cities(icc, 2, seed=0))
        >>> scores.export("coinr-csv").split(",")[0]
        'uCode'
        """
        try:
            exporter = exports.EXPORTERS[format]
        except KeyError:
            known = ", ".join(exports.EXPORTERS)
            raise ScoringError(
                f"Scores.export: no format {format!r} (known formats: {known})"
            ) from None
        return exports.write(exporter(self.stored(), **options), path)
