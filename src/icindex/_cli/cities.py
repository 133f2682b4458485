"""Reading ``CITY`` files and ``--sample`` responses, shared by compare, advise and report.

The cities given are added to the sample unless the same city and round is there; a city's
peers are the sample cities in its peer group (``[[peer_bands]]``), or the whole sample when it
has none, which the caller is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._errors import ResponseError
from .._io.responses import CityResponse, read_responses
from .._model.definition import Definition
from .._report.sample import Sample

__all__ = ["peer_cities", "pick_city", "with_sample"]


def pick_city(cities: tuple[CityResponse, ...], city_id: str | None, where: Path) -> CityResponse:
    """The city ``city_id`` (or the only one) among those read from ``where``.

    Examples
    --------
    >>> cities = (CityResponse(id="a", name="A"), CityResponse(id="b", name="B"))
    >>> pick_city(cities, "b", Path("two.csv")).name
    'B'
    """
    ids = [city.id for city in cities]
    if city_id is None and len(cities) == 1:
        return cities[0]
    if city_id is None:
        raise ResponseError(
            f"{where}: holds {len(ids)} cities, expected one (pick one with --city ID: "
            f"{', '.join(ids) or 'none'})"
        )
    if city_id not in ids:
        raise ResponseError(
            f"{where}: no city {city_id!r} (expected one of: {', '.join(ids) or 'none'})"
        )
    return cities[ids.index(city_id)]


def with_sample(
    definition: Definition, cities: Sequence[CityResponse], sample_paths: Sequence[Path]
) -> tuple[CityResponse, ...]:
    """The sample's responses with ``cities`` added (a city already there, same round, is
    replaced by the one given)."""
    given = {(city.id, city.round) for city in cities}
    sample = read_responses(sample_paths, definition) if sample_paths else ()
    return (*(c for c in sample if (c.id, c.round) not in given), *cities)


def peer_cities(
    definition: Definition, city: CityResponse, sample_paths: Sequence[Path], missing: str
) -> tuple[tuple[CityResponse, ...], str]:
    """The sample cities in ``city``'s peer group (itself excluded), and a note when it has
    none and the whole sample stands in (or when there is no sample)."""
    if not sample_paths:
        return (), "No --sample given: no peers to name."
    everyone = with_sample(definition, [city], sample_paths)
    sample = Sample.of(definition, everyone, missing=missing)
    rows = sample.peers(city.id)
    if not rows.size:
        note = sample.peer_notes[sample.row(city.id)]
        return tuple(
            c for c in everyone if c.id != city.id
        ), f"{note}: peers from the whole sample."
    return tuple(everyone[r] for r in rows.tolist() if everyone[r].id != city.id), ""
