"""Checks of the arguments of the public functions taking cities or data: a wrong kind of
argument is a :class:`UsageError` naming the function, the argument, what it expects, what it
got and, for the usual mistakes, what to call instead."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._errors import UsageError
from .._io.dataset import Dataset
from .._io.responses import CityResponse

__all__ = ["check_cities", "check_dataset"]


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


def check_dataset(dataset: object) -> None:
    """Raise :class:`UsageError` unless ``dataset`` (of ``score_composite``) is a Dataset.

    Examples
    --------
    >>> try:
    ...     check_dataset("idata.csv")
    ... except UsageError as error:
    ...     print(error)
    score_composite: dataset must be a Dataset (got str 'idata.csv'): read COINr's tables
    first with icindex.read_coinr
    """
    if isinstance(dataset, Dataset):
        return
    hint = ""
    if isinstance(dataset, Sequence) and any(isinstance(c, CityResponse) for c in dataset):
        hint = ": questionnaire answers are scored with icindex.score"
    elif isinstance(dataset, str | Path):
        hint = ": read COINr's tables first with icindex.read_coinr"
    raise UsageError(
        f"score_composite: dataset must be a Dataset (got {type(dataset).__name__} "
        f"{dataset!r:.60}){hint}"
    )
