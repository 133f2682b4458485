"""Encode answers once into compact arrays the engine scores without touching Python objects.

Layout (``n`` cities):

- ``codes``: ``int8`` or ``int16`` ``(n, number of yes_no and choice items)``, the index of the
  chosen option, ``-1`` for unknown;
- ``ticks``: ``int64`` ``(n, number of checklist items)``, a bit mask of the ticked options
  (bit ``j`` is option ``j``), ``-1`` for unknown;
- ``values``: ``float64`` ``(n, number of numeric items)``, NaN for unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, readonly
from .._errors import ResponseError, UsageError
from .._io.answers import parse_fact
from .._io.dataset import Dataset
from .._io.responses import CityResponse, check_definition, parse_answer
from .._io.synthetic import check_sample
from .._model.definition import Definition, Item

__all__ = ["Encoded", "Layout", "check_cities", "encode", "synthetic_cities"]

UNKNOWN_CODE = -1
MAX_CHECKLIST_OPTIONS = 62


@attrs.frozen
class Layout:
    """Which item of a definition sits in which column of which encoded array.

    Attributes
    ----------
    item_ids : tuple of str
        Every item, in definition order.
    coded, checklists, numeric : int arrays
        Positions (in ``item_ids``) of the items in ``codes``, ``ticks`` and ``values``.
    """

    item_ids: tuple[str, ...]
    coded: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    checklists: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    numeric: NDArray[np.intp] = attrs.field(converter=readonly, eq=ARRAY_EQ)

    @classmethod
    def of(cls, definition: Definition) -> Layout:
        """The layout of ``definition``'s items."""
        kinds = [item.kind for item in definition.items]

        def where(*wanted: str) -> NDArray[np.intp]:
            return np.array([i for i, kind in enumerate(kinds) if kind in wanted], dtype=np.intp)

        return cls(
            item_ids=tuple(item.id for item in definition.items),
            coded=where("yes_no", "choice"),
            checklists=where("checklist"),
            numeric=where("numeric"),
        )


@attrs.frozen
class Encoded:
    """Answers of many cities as compact arrays (see the module docstring for the layout).

    Attributes
    ----------
    city_ids : ndarray of str, shape (n,)
    layout : Layout
    codes : ndarray of int8 or int16, shape (n, len(layout.coded))
    ticks : ndarray of int64, shape (n, len(layout.checklists))
    values : ndarray of float64, shape (n, len(layout.numeric))
    """

    city_ids: NDArray[np.str_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    layout: Layout
    codes: NDArray[np.integer] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    ticks: NDArray[np.int64] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    values: NDArray[np.float64] = attrs.field(converter=readonly, eq=ARRAY_EQ)

    def __attrs_post_init__(self) -> None:
        n = len(self.city_ids)
        expected = {
            "codes": (n, len(self.layout.coded)),
            "ticks": (n, len(self.layout.checklists)),
            "values": (n, len(self.layout.numeric)),
        }
        for name, shape in expected.items():
            found = getattr(self, name).shape
            if found != shape:
                raise ResponseError(f"encoded {name}: expected shape {shape} (got {found})")
        if len(set(self.city_ids.tolist())) != n:
            raise ResponseError("encoded city_ids: every city id must be unique")

    @property
    def n_cities(self) -> int:
        """Number of cities."""
        return len(self.city_ids)

    def take(self, rows: NDArray[np.intp] | slice) -> Encoded:
        """The cities at ``rows`` (an index array or a slice), as a new Encoded."""
        return Encoded(
            self.city_ids[rows], self.layout, self.codes[rows], self.ticks[rows], self.values[rows]
        )


def _code_dtype(definition: Definition) -> type[np.integer]:
    most = max((len(item.options) for item in definition.items), default=0)
    return np.int8 if most < 127 else np.int16


def check_cities(caller: str, cities: object) -> None:
    """Raise :class:`UsageError` unless ``cities`` is a sequence of :class:`CityResponse`,
    saying what to call for the usual mistakes (file paths, a COINr Dataset, one city)."""
    hint = ""
    if isinstance(cities, str | Path):
        hint = ": read the files first with icindex.read_responses(paths, definition)"
    elif isinstance(cities, Dataset):
        hint = ": a Dataset holds indicator values; score it with icindex.score_composite"
    elif isinstance(cities, CityResponse):
        hint = ": give a list of cities, [city]"
    elif isinstance(cities, Sequence):
        wrong = [i for i, city in enumerate(cities) if not isinstance(city, CityResponse)]
        if not wrong:
            return
        hint = f" (cities[{wrong[0]}] is a {type(cities[wrong[0]]).__name__})"
    raise UsageError(
        f"{caller}: cities must be a sequence of CityResponse (or Encoded answers) "
        f"(got {type(cities).__name__} {cities!r:.60}){hint}"
    )


def encode(definition: Definition, cities: Sequence[CityResponse]) -> Encoded:
    """Encode cities' answers into the compact arrays the engine scores.

    Answers and facts built in Python are checked here as a TOML file's are (accepted answers,
    finite numbers inside their ``value_range``, declared facts of their type and range).

    Parameters
    ----------
    definition : Definition
        The index the answers are for.
    cities : sequence of CityResponse
        As returned by :func:`read_responses` or built in Python.

    Returns
    -------
    Encoded
        One row per city, in the given order.

    Examples
    --------
    >>> from icindex import load_definition, CityResponse
    >>> icc = load_definition("icc")
    >>> city = CityResponse(id="x", name="X", answers={"welcoming_one_stop_service": "yes"})
    >>> encode(icc, [city]).n_cities
    1
    """
    _check_input(definition, cities)
    layout = Layout.of(definition)
    items = definition.items
    n = len(cities)
    codes = np.full((n, len(layout.coded)), UNKNOWN_CODE, dtype=_code_dtype(definition))
    ticks = np.full((n, len(layout.checklists)), UNKNOWN_CODE, dtype=np.int64)
    values = np.full((n, len(layout.numeric)), np.nan)
    option_index = [{o: j for j, o in enumerate(item.option_ids)} for item in items]
    columns = {
        **{items[i].id: ("codes", c) for c, i in enumerate(layout.coded)},
        **{items[i].id: ("ticks", c) for c, i in enumerate(layout.checklists)},
        **{items[i].id: ("values", c) for c, i in enumerate(layout.numeric)},
    }
    position = {item.id: i for i, item in enumerate(items)}
    for row, city in enumerate(cities):
        for item_id, answer in city.answers.items():
            if item_id not in columns:
                raise ResponseError(
                    f"{city.source}: city {city.id!r}: {item_id!r} is no item of {definition.id!r}"
                )
            array, column = columns[item_id]
            options = option_index[position[item_id]]
            where = f"{city.source}: city {city.id!r}"
            clean = parse_answer(items[position[item_id]], answer, where)
            if clean is None:
                continue
            if array == "codes":
                codes[row, column] = options[str(clean)]
            elif isinstance(clean, tuple):
                ticks[row, column] = sum(1 << options[o] for o in clean)
            else:
                values[row, column] = clean
    city_ids = np.array([city.id for city in cities], dtype=str)
    return Encoded(city_ids, layout, codes, ticks, values)


def _check_input(definition: Definition, cities: Sequence[CityResponse]) -> None:
    """UsageError for a wrong kind of argument; ResponseError for a city's declared fact that
    a TOML file could not hold (type, grammar, range). Answers are checked as they are coded."""
    check_definition("encode", definition)
    check_cities("encode", cities)
    facts = {fact.id: fact for fact in definition.facts}
    for city in cities:
        for fact_id, value in city.facts.items():
            if fact_id in facts:
                parse_fact(facts[fact_id], value, f"{city.source}: city {city.id!r}")


def synthetic_cities(
    definition: Definition,
    n: int,
    *,
    seed: int | np.random.Generator | None = None,
    unknown_share: float = 0.0,
) -> Encoded:
    """Draw ``n`` random cities' answers directly as arrays, for tests and benchmarks.

    Each answer is uniform over the item's options (checklists: each option ticked with
    probability 1/2; numeric: uniform over the span of its thresholds or goalposts, widened by
    half on each side, cut to its ``value_range``); each answer is unknown with probability
    ``unknown_share``.

    Parameters
    ----------
    definition : Definition
    n : int
        Number of cities, >= 0.
    seed : int or numpy Generator, optional
    unknown_share : float in [0, 1]

    Examples
    --------
    >>> from icindex import load_definition
    >>> synthetic_cities(load_definition("icc"), 1000, seed=1).codes.shape[0]
    1000
    """
    check_definition("synthetic_cities", definition)
    check_sample("synthetic_cities", n, unknown_share)
    rng = np.random.default_rng(seed)
    layout = Layout.of(definition)
    items = definition.items
    n_options = np.array([len(items[i].options) for i in layout.coded], dtype=np.int64)
    codes = (rng.random((n, len(n_options))) * n_options).astype(_code_dtype(definition))
    widths = np.array([len(items[i].options) for i in layout.checklists], dtype=np.int64)
    if np.any(widths > MAX_CHECKLIST_OPTIONS):
        raise ResponseError(f"a checklist has more than {MAX_CHECKLIST_OPTIONS} options")
    full = (np.int64(1) << widths) - 1
    ticks = rng.integers(0, np.iinfo(np.int64).max, (n, len(widths)), dtype=np.int64) & full
    spans = np.array([_numeric_span(items[i]) for i in layout.numeric]).reshape(-1, 2)
    values = spans[:, 0] + rng.random((n, len(spans))) * (spans[:, 1] - spans[:, 0])
    values = np.clip(values, spans[:, 0], spans[:, 1])  # not an ulp outside the range
    if unknown_share > 0:
        codes[rng.random(codes.shape) < unknown_share] = UNKNOWN_CODE
        ticks[rng.random(ticks.shape) < unknown_share] = UNKNOWN_CODE
        values[rng.random(values.shape) < unknown_share] = np.nan
    city_ids = np.char.add("city", np.arange(n).astype(str))
    return Encoded(city_ids, layout, codes, ticks, values)


def _numeric_span(item: Item) -> tuple[float, float]:
    """The span a numeric answer is drawn from: its marks widened by half, cut to its range."""
    marks = item.goalposts or item.thresholds
    low, high = min(marks), max(marks)
    margin = (high - low) / 2 or 1.0
    low, high = low - margin, high + margin
    if item.value_range is not None:
        least, most = item.value_range
        low, high = min(max(low, least), most), max(min(high, most), least)
    return low, high
