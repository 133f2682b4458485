"""Checks of the arguments of the public functions taking cities or data: a wrong kind of
argument is a :class:`UsageError` naming the function, the argument, what it expects, what it
got and, for the usual mistakes, what to call instead."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .._errors import UsageError
from .._io.dataset import Dataset
from .._io.responses import CityResponse
from .._model.definition import Definition
from .encoding import Encoded, check_cities
from .plan import Plan

__all__ = ["check_composite_arguments", "check_score_arguments"]


def check_score_arguments(caller: str, definition: object, cities: object) -> None:
    """Raise :class:`UsageError` unless ``definition`` is a Definition or a Plan and
    ``cities`` Encoded answers or a sequence of CityResponse."""
    _check_plan(caller, definition)
    if not isinstance(cities, Encoded):
        check_cities(caller, cities)


def check_composite_arguments(definition: object, dataset: object) -> None:
    """Raise :class:`UsageError` unless ``definition`` is a Definition or a Plan and
    ``dataset`` a Dataset (of ``score_composite``)."""
    _check_plan("score_composite", definition)
    _check_dataset(dataset)


def _check_plan(caller: str, definition: object) -> None:
    if not isinstance(definition, Definition | Plan):
        raise UsageError(
            f"{caller}: definition must be a Definition (icindex.load_definition) or a Plan "
            f"(icindex.compile) (got {type(definition).__name__} {definition!r:.60})"
        )


def _check_dataset(dataset: object) -> None:
    """Raise :class:`UsageError` unless ``dataset`` (of ``score_composite``) is a Dataset.

    Examples
    --------
    >>> try:
    ...     _check_dataset("idata.csv")
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
