"""One answer or fact read from what a file gave, chosen by the item's kind from a table.

Unknown is not no: None, an empty string or ``unknown`` is no answer (None); ``no`` is an
answer. A value that cannot be read raises :class:`ResponseError` naming where it was found,
the item or fact, the value and what is accepted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._errors import ResponseError
from .._model.definition import Fact, Item

__all__ = ["ANSWER_PARSERS", "UNKNOWN", "Answer", "is_unknown", "parse_answer", "parse_fact"]

Answer = str | tuple[str, ...] | float
"""An answer: an option id (yes_no, choice), a tuple of option ids (checklist) or a float."""

UNKNOWN = "unknown"
_YES_NO = {"yes": "yes", "true": "yes", "no": "no", "false": "no"}


def is_unknown(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", UNKNOWN))


def parse_answer(item: Item, value: object, where: str) -> Answer | None:
    """Return the answer ``value`` means for ``item``, or None when it is unknown.

    ``value`` is what TOML gave (str, bool, number, list) or a CSV cell (str); the parser is
    chosen by the item's kind from :data:`ANSWER_PARSERS`.
    """
    if is_unknown(value):
        return None
    accepted = _ACCEPTED[item.kind](item)
    problem = f"{where}: item {item.id!r}: {value!r} is not an accepted answer ({accepted})"
    return ANSWER_PARSERS[item.kind](item, value, problem)


def _parse_yes_no(item: Item, value: object, problem: str) -> str:
    key = str(value).lower() if isinstance(value, bool | str) else None
    if key is None or key.strip() not in _YES_NO:
        raise ResponseError(problem)
    return _YES_NO[key.strip()]


def _parse_choice(item: Item, value: object, problem: str) -> str:
    if not isinstance(value, str) or value.strip() not in item.option_ids:
        raise ResponseError(problem)
    return value.strip()


def _parse_checklist(item: Item, value: object, problem: str) -> tuple[str, ...]:
    if isinstance(value, str):
        text = value.strip()
        ticked = [] if text.lower() == "none" else [part.strip() for part in text.split("|")]
    elif isinstance(value, list):
        ticked = value
    else:
        raise ResponseError(problem)
    if not all(isinstance(option, str) and option in item.option_ids for option in ticked):
        raise ResponseError(problem)
    if len(set(ticked)) != len(ticked):
        raise ResponseError(f"{problem}: an option is ticked twice")
    return tuple(option for option in item.option_ids if option in ticked)


def _parse_measure(item: Item, value: object, problem: str) -> float:
    number = _parse_number(value)
    if number is None:
        raise ResponseError(problem)
    return number


# Item kind -> the parser of a known answer (raising ResponseError with `problem`) and the
# words saying what it accepts.
ANSWER_PARSERS: dict[str, Callable[[Item, object, str], Answer]] = {
    "yes_no": _parse_yes_no,
    "choice": _parse_choice,
    "checklist": _parse_checklist,
    "numeric": _parse_measure,
    "indicator": _parse_measure,
}
_ACCEPTED: dict[str, Callable[[Item], str]] = {
    "yes_no": lambda item: "yes, no or unknown",
    "choice": lambda item: f"one of {list(item.option_ids)} or unknown",
    "checklist": lambda item: (
        f"a list of {list(item.option_ids)} (empty or none for nothing ticked) or unknown"
    ),
    "numeric": lambda item: "a finite number or unknown",
    "indicator": lambda item: "a finite number or unknown",
}


def _parse_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def parse_fact(fact: Fact, value: object, where: str) -> Any:
    """Return the fact's value as its declared type, or None when unknown."""
    if is_unknown(value):
        return None
    problem = f"{where}: fact {fact.id!r}: {value!r} is not {_FACT_ACCEPTS[fact.type]}"
    if fact.type == "text":
        if not isinstance(value, str):
            raise ResponseError(problem)
        return value
    if fact.type == "boolean":
        text = str(value).strip().lower() if isinstance(value, bool | str) else ""
        if text not in ("true", "false", "yes", "no"):
            raise ResponseError(problem)
        return text in ("true", "yes")
    number = _parse_number(value)
    if number is None or (fact.type == "integer" and not number.is_integer()):
        raise ResponseError(problem)
    return int(number) if fact.type == "integer" else number


_FACT_ACCEPTS = {
    "integer": "a whole number",
    "number": "a finite number",
    "text": "text",
    "boolean": "true, false, yes or no",
}
