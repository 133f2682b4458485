"""The draws of a realistic synthetic sample: answers that hang together, and facts.

Everything here is SYNTHETIC and must be labelled so wherever it is shown. The answers come
from a latent "commitment" model and the facts from distributions we chose to resemble the
Intercultural Cities network; neither is ICC data (see ``docs/responses.md``).

The latent model, for city ``c``, top-level indicator ``k`` and item ``j`` below it::

    z[c, j] = city[c] + indicator[c, k] + noise[c, j]
    city ~ N(0, 0.7**2),  indicator ~ N(0, 0.6**2),  noise ~ N(0, 1)
    q[c, j] = Phi(z[c, j] / sd(z))               # a quantile, uniform over cities

so a committed city gives better answers everywhere, and answers within one indicator agree
more than answers across indicators. An item's answer is the one at quantile ``q`` of its
answers ordered by points (see :data:`_DRAWS`). A number is drawn inside the item's or fact's
``value_range``: the support of the draw is cut to it. The sample and its blocks:
:mod:`.synthetic`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from .._model.definition import Definition, Fact, Item

__all__ = ["CITY_SD", "INDICATOR_SD", "ITEM_SD", "draw_answers", "draw_facts"]

FloatArray = NDArray[np.float64]

#: Standard deviations of the latent model's city, city-by-indicator and item terms.
CITY_SD, INDICATOR_SD, ITEM_SD = 0.7, 0.6, 1.0
_LATENT_SD = math.sqrt(CITY_SD**2 + INDICATOR_SD**2 + ITEM_SD**2)

# Our choices, not ICC data: the network runs from small towns to capitals.
_POPULATION = {"low": 20_000, "high": 4_000_000, "median": 150_000, "log_sd": 1.1}
_FOREIGN_BORN = {"low": 2.0, "high": 40.0, "a": 2.0, "b": 5.0}  # percent, a scaled beta
_NATIONALS_FRACTION = (0.4, 0.8)  # foreign nationals as a fraction of the foreign-born
_DENSITY = {"median": 2_500.0, "log_sd": 0.5}  # residents per km2
_CHILDREN = {"mean": 18.0, "sd": 2.5, "low": 12.0, "high": 26.0}  # percent under 18


def _top_indicators(definition: Definition) -> NDArray[np.intp]:
    """For each item, the column of the top-level node (a child of the root) above it; an item
    right under the root is an indicator of its own."""
    parents = {node.id: node.parent for node in definition.nodes}

    def top(entry: str, parent: str | None) -> str:
        while parent not in (definition.root, None):
            entry, parent = parent, parents[parent]
        return entry

    owners = [top(item.id, item.parent) for item in definition.items]
    columns = {owner: column for column, owner in enumerate(dict.fromkeys(owners))}
    return np.array([columns[owner] for owner in owners], dtype=np.intp)


def _latent_quantiles(definition: Definition, n: int, rng: np.random.Generator) -> FloatArray:
    """``q``, shape (n, items): each city's latent commitment on each item, as a quantile."""
    owners = _top_indicators(definition)
    city = rng.normal(0.0, CITY_SD, (n, 1))
    indicator = rng.normal(0.0, INDICATOR_SD, (n, int(owners.max(initial=-1)) + 1))
    noise = rng.normal(0.0, ITEM_SD, (n, len(owners)))
    latent = city + indicator[:, owners] + noise
    return np.asarray(ndtr(latent / _LATENT_SD), dtype=np.float64)


def _rank(q: FloatArray, count: int) -> tuple[NDArray[np.intp], FloatArray]:
    """Which of ``count`` equal slices of [0, 1] each quantile falls in, and where within it."""
    position = q * count
    rank = np.minimum(position.astype(np.intp), count - 1)
    return rank, np.clip(position - rank, 0.0, 1.0)


def _draw_option(item: Item, q: FloatArray, rng: np.random.Generator) -> NDArray[np.intp]:
    """yes_no and choice: the option at quantile ``q`` of the options ordered by points, as
    its index in ``item.option_ids``."""
    ordered = np.argsort([o.points for o in item.options], kind="stable")
    rank, _ = _rank(q, len(ordered))
    return np.asarray(ordered[rank], dtype=np.intp)


def _draw_checklist(item: Item, q: FloatArray, rng: np.random.Generator) -> NDArray[np.bool_]:
    """checklist: each option ticked with probability ``q``; (cities, options)."""
    return rng.random((len(q), len(item.options))) < q[:, None]


def _within(values: NDArray[Any], value_range: tuple[float, float] | None) -> NDArray[Any]:
    """``values`` cut to ``value_range`` (None: left as they are)."""
    if value_range is None:
        return values
    return np.asarray(np.clip(values, *value_range))


def _threshold_edges(item: Item) -> FloatArray:
    """The edges of the bands the thresholds cut, with a finite band at each end, cut to the
    item's range.

    The outer bands are as wide as the thresholds' mean gap; when every threshold is positive
    the lowest band stops at 0 (a count or a share is not negative).
    """
    marks = np.array(item.thresholds, dtype=np.float64)
    gap = float(np.diff(marks).mean()) if len(marks) > 1 else max(abs(float(marks[0])), 1.0)
    low = marks[0] - gap
    if marks[0] > 0:
        low = max(low, 0.0)
    return _within(np.concatenate([[low], marks, [marks[-1] + gap]]), item.value_range)


def _draw_numeric(item: Item, q: FloatArray, rng: np.random.Generator) -> FloatArray:
    """numeric: with goalposts, the value at ``q`` from the worst to the best goalpost (one
    decimal); with thresholds, a value in the band at ``q`` of the bands ordered by points, at
    ``q``'s place within it (whole numbers when every threshold is whole)."""
    if item.goalposts is not None:
        worst, best = _within(np.array(item.goalposts, dtype=np.float64), item.value_range)
        return _within(np.round(worst + q * (best - worst), 1), item.value_range)
    edges = _threshold_edges(item)
    rank, within = _rank(q, len(item.points))
    band = np.argsort(item.points, kind="stable")[rank]
    low, high = edges[band], edges[band + 1]
    # Strictly below the band's upper threshold, whatever rounding does.
    value = np.minimum(low + within * (high - low), np.nextafter(high, -np.inf))
    if all(float(mark).is_integer() for mark in item.thresholds):
        value = np.floor(value)
    return _within(value, item.value_range)  # flooring may step below a fractional least


def _draw_indicator(item: Item, q: FloatArray, rng: np.random.Generator) -> FloatArray:
    """indicator: the value at ``q`` of its normaliser's low-high span (else 0-100), better
    values higher when its direction is +1 and lower when -1 (one decimal)."""
    span = item.normalise
    low, high = (0.0, 100.0)
    if span is not None and span.low is not None and span.high is not None:
        low, high = span.low, span.high
    worst, best = _within(
        np.array((low, high) if item.direction > 0 else (high, low)), item.value_range
    )
    return _within(np.round(worst + q * (best - worst), 1), item.value_range)


# Item kind -> the answers of all cities to one item, given their latent quantiles.
_DRAWS: dict[str, Callable[[Item, FloatArray, np.random.Generator], NDArray[Any]]] = {
    "yes_no": _draw_option,
    "choice": _draw_option,
    "checklist": _draw_checklist,
    "numeric": _draw_numeric,
    "indicator": _draw_indicator,
}


def _draw_facts(n: int, rng: np.random.Generator) -> dict[str, NDArray[Any]]:
    """Facts resembling the ICC network (our choices, not ICC data), keyed by fact id."""
    pop = _POPULATION
    log_median, log_sd = math.log(pop["median"]), pop["log_sd"]
    ends = ndtr((np.log([pop["low"], pop["high"]]) - log_median) / log_sd)
    # A lognormal truncated by drawing its quantile between the two ends: no pile at a bound.
    quantile = ends[0] + rng.random(n) * (ends[1] - ends[0])
    population = np.rint(np.exp(log_median + log_sd * ndtri(quantile))).astype(np.int64)
    born = _FOREIGN_BORN
    born_share = np.round(
        born["low"] + (born["high"] - born["low"]) * rng.beta(born["a"], born["b"], n), 1
    )
    foreign_share = np.round(born_share * rng.uniform(*_NATIONALS_FRACTION, n), 1)
    foreign_residents = np.rint(population * foreign_share / 100).astype(np.int64)
    # More countries of origin in larger and more diverse cities: about 45 in a town of
    # 20,000, 170 in a capital of 4 million.
    diversity = 0.8 + 0.4 * (born_share - born["low"]) / (born["high"] - born["low"])
    spread = (45 + 55 * np.log10(population / pop["low"])) * diversity + rng.normal(0, 8, n)
    nationalities = np.minimum(np.clip(np.rint(spread), 10, 195), foreign_residents)
    density = _DENSITY["median"] * np.exp(rng.normal(0.0, _DENSITY["log_sd"], n))
    kids = _CHILDREN
    children = np.clip(rng.normal(kids["mean"], kids["sd"], n), kids["low"], kids["high"])
    return {
        "population": population,
        "foreign_born_share": born_share,
        "foreign_share": foreign_share,
        "foreign_residents": foreign_residents,
        "nationalities": nationalities.astype(np.int64),
        "area": np.round(population / density, 1),
        "children_share": np.round(children, 1),
    }


def _declared_facts(
    definition: Definition, drawn: Mapping[str, NDArray[Any]]
) -> dict[str, NDArray[Any]]:
    """The drawn facts the definition declares as numbers, as its declared type, cut to their
    ranges."""
    as_type = {"integer": _whole_in_range, "number": _number_in_range}
    return {
        fact.id: as_type[fact.type](fact, drawn[fact.id])
        for fact in definition.facts
        if fact.id in drawn and fact.type in as_type
    }


def _number_in_range(fact: Fact, values: NDArray[Any]) -> NDArray[np.float64]:
    return np.asarray(_within(values * 1.0, fact.value_range), dtype=np.float64)


def _whole_in_range(fact: Fact, values: NDArray[Any]) -> NDArray[np.int64]:
    whole = np.rint(values * 1.0)
    if fact.value_range is not None:  # the whole numbers of the range
        low, high = fact.value_range
        whole = np.clip(
            whole,
            math.ceil(low) if low > -math.inf else low,
            math.floor(high) if high < math.inf else high,
        )
    return whole.astype(np.int64)


def draw_answers(
    definition: Definition, rows: int, rng: np.random.Generator
) -> tuple[NDArray[Any], ...]:
    """Every item's answers for ``rows`` cities, one array an item (what :data:`_DRAWS` gives).

    Examples
    --------
    >>> from icindex import load_definition
    >>> answers = draw_answers(load_definition("icc"), 4, np.random.default_rng(0))
    >>> len(answers), answers[0].shape
    (103, (4,))
    """
    quantiles = _latent_quantiles(definition, rows, rng)
    items = definition.items
    return tuple(_DRAWS[item.kind](item, quantiles[:, j], rng) for j, item in enumerate(items))


def draw_facts(
    definition: Definition, rows: int, rng: np.random.Generator
) -> dict[str, NDArray[Any]]:
    """The facts the definition declares among those drawn, for ``rows`` cities, as its types.

    Examples
    --------
    >>> from icindex import load_definition
    >>> facts = draw_facts(load_definition("icc"), 4, np.random.default_rng(0))
    >>> sorted(facts)[:3], facts["population"].dtype
    (['area', 'children_share', 'foreign_born_share'], dtype('int64'))
    """
    return _declared_facts(definition, _draw_facts(rows, rng))
