"""A realistic synthetic comparison sample: cities whose answers hang together, with facts.

Everything here is SYNTHETIC and must be labelled so wherever it is shown. The answers come
from a latent "commitment" model and the facts from distributions we chose to resemble the
Intercultural Cities network; neither is ICC data (see ``docs/responses.md``).

The latent model, for city ``c``, top-level indicator ``k`` and item ``j`` below it::

    z[c, j] = city[c] + indicator[c, k] + noise[c, j]
    city ~ N(0, 0.7**2),  indicator ~ N(0, 0.6**2),  noise ~ N(0, 1)
    q[c, j] = Phi(z[c, j] / sd(z))               # a quantile, uniform over cities

so a committed city gives better answers everywhere, and answers within one indicator agree
more than answers across indicators. An item's answer is the one at quantile ``q`` of its
answers ordered by points (see :data:`_DRAWS`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from .._errors import ResponseError
from .._model.definition import Definition, Item
from .answers import Answer
from .responses import CityResponse

__all__ = ["CITY_SD", "INDICATOR_SD", "ITEM_SD", "synthetic_sample"]

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


def _draw_option(item: Item, q: FloatArray, rng: np.random.Generator) -> list[Answer]:
    """yes_no and choice: the option at quantile ``q`` of the options ordered by points."""
    ordered = np.array(item.option_ids)[np.argsort([o.points for o in item.options], kind="stable")]
    rank, _ = _rank(q, len(ordered))
    return list(ordered[rank].tolist())


def _draw_checklist(item: Item, q: FloatArray, rng: np.random.Generator) -> list[Answer]:
    """checklist: each option ticked with probability ``q``."""
    ids = np.array(item.option_ids)
    ticked = rng.random((len(q), len(ids))) < q[:, None]
    return [tuple(ids[row].tolist()) for row in ticked]


def _threshold_edges(item: Item) -> FloatArray:
    """The edges of the bands the thresholds cut, with a finite band at each end.

    The outer bands are as wide as the thresholds' mean gap; when every threshold is positive
    the lowest band stops at 0 (a count or a share is not negative).
    """
    marks = np.array(item.thresholds, dtype=np.float64)
    gap = float(np.diff(marks).mean()) if len(marks) > 1 else max(abs(float(marks[0])), 1.0)
    low = marks[0] - gap
    if marks[0] > 0:
        low = max(low, 0.0)
    return np.concatenate([[low], marks, [marks[-1] + gap]])


def _draw_numeric(item: Item, q: FloatArray, rng: np.random.Generator) -> list[Answer]:
    """numeric: with goalposts, the value at ``q`` from the worst to the best goalpost (one
    decimal); with thresholds, a value in the band at ``q`` of the bands ordered by points, at
    ``q``'s place within it (whole numbers when every threshold is whole)."""
    if item.goalposts is not None:
        worst, best = item.goalposts
        return list(np.round(worst + q * (best - worst), 1).tolist())
    edges = _threshold_edges(item)
    rank, within = _rank(q, len(item.points))
    band = np.argsort(item.points, kind="stable")[rank]
    low, high = edges[band], edges[band + 1]
    # Strictly below the band's upper threshold, whatever rounding does.
    value = np.minimum(low + within * (high - low), np.nextafter(high, -np.inf))
    if all(float(mark).is_integer() for mark in item.thresholds):
        value = np.floor(value)
    return list(value.tolist())


def _draw_indicator(item: Item, q: FloatArray, rng: np.random.Generator) -> list[Answer]:
    """indicator: the value at ``q`` of its normaliser's low-high span (else 0-100), better
    values higher when its direction is +1 and lower when -1 (one decimal)."""
    span = item.normalise
    low, high = (0.0, 100.0)
    if span is not None and span.low is not None and span.high is not None:
        low, high = span.low, span.high
    worst, best = (low, high) if item.direction > 0 else (high, low)
    return list(np.round(worst + q * (best - worst), 1).tolist())


# Item kind -> the answers of all cities to one item, given their latent quantiles.
_DRAWS: dict[str, Callable[[Item, FloatArray, np.random.Generator], list[Answer]]] = {
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
) -> dict[str, list[Any]]:
    """The drawn facts the definition declares as numbers, as its declared type."""
    as_type = {"integer": lambda v: np.rint(v).astype(np.int64), "number": lambda v: v * 1.0}
    return {
        fact.id: list(as_type[fact.type](drawn[fact.id]).tolist())
        for fact in definition.facts
        if fact.id in drawn and fact.type in as_type
    }


def _check(n: object, unknown_share: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ResponseError(f"synthetic_sample: n must be a whole number >= 0 (got {n!r})")
    if (
        isinstance(unknown_share, bool)
        or not isinstance(unknown_share, int | float)
        or not 0.0 <= unknown_share <= 1.0
    ):
        raise ResponseError(
            f"synthetic_sample: unknown_share must be a number in [0, 1] (got {unknown_share!r})"
        )


def _labels(n: int, seed: object) -> tuple[list[str], str]:
    """The numbers in the cities' ids and names (``001``, ...) and the source they share."""
    numbers = [f"{row + 1:0{max(3, len(str(n)))}d}" for row in range(n)]
    return numbers, f"synthetic (seed {seed})" if isinstance(seed, int) else "synthetic"


def synthetic_sample(
    definition: Definition,
    n: int = 140,
    *,
    seed: int | np.random.Generator | None = None,
    unknown_share: float = 0.05,
    round: str = "synthetic",
) -> tuple[CityResponse, ...]:
    """Draw a realistic SYNTHETIC sample of cities to compare a city with.

    Answers are correlated through a latent commitment per city and per top-level indicator
    (module docstring); each is unknown (absent) with probability ``unknown_share``. The facts
    the definition declares among population, foreign_born_share, foreign_share,
    foreign_residents, nationalities, area and children_share are drawn from distributions we
    chose, not from ICC data (``docs/responses.md``).

    Parameters
    ----------
    definition : Definition
        The index the answers are for.
    n : int, default 140
        Number of cities, >= 0 (about the size of the ICC network).
    seed : int or numpy Generator, optional
        The same seed gives the same sample.
    unknown_share : float in [0, 1], default 0.05
    round : str, default "synthetic"

    Returns
    -------
    tuple of CityResponse
        Ids ``syn-001``, ..., names ``Synthetic city 001``, ..., no country, ``source`` saying
        synthetic. Written and read back (any format), they are unchanged.

    Examples
    --------
    >>> from icindex import load_definition
    >>> cities = synthetic_sample(load_definition("icc"), 140, seed=1)
    >>> len(cities), cities[0].id, cities[0].name, cities[0].source
    (140, 'syn-001', 'Synthetic city 001', 'synthetic (seed 1)')
    """
    _check(n, unknown_share)
    rng = np.random.default_rng(seed)
    items = definition.items
    quantiles = _latent_quantiles(definition, n, rng)
    columns = [_DRAWS[item.kind](item, quantiles[:, j], rng) for j, item in enumerate(items)]
    known = (rng.random((n, len(items))) >= unknown_share).tolist()
    facts = _declared_facts(definition, _draw_facts(n, rng))
    numbers, source = _labels(n, seed)
    return tuple(
        CityResponse(
            id=f"syn-{numbers[row]}",
            name=f"Synthetic city {numbers[row]}",
            round=round,
            facts={fact_id: values[row] for fact_id, values in facts.items()},
            answers={item.id: columns[j][row] for j, item in enumerate(items) if known[row][j]},
            source=source,
        )
        for row in range(n)
    )
