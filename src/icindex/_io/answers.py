"""One answer or fact read from what a file gave, chosen by the item's kind from a table.

The rules (docs/responses.md, "Accepted answers", has them as tables):

- **Unknown is not no**: None, an empty or blank string, or ``unknown`` (any case) is no
  answer (None); ``no`` is an answer.
- **Words** (``yes``, ``no``, ``true``, ``false``, ``none``) are matched in any case, with
  surrounding whitespace ignored; **option ids** exactly (case matters) after trimming.
- **Numbers** follow the one grammar of :func:`icindex._files.parse_number`. A CSV cell is text,
  so it is parsed (``cell=True``); a TOML value or a Python value must already be a number
  (a quoted ``"5"`` is refused, saying to write it without quotes).
- **Ranges**: a numeric or indicator answer, or a number fact, outside its ``value_range`` is
  refused, never clipped.

A value that cannot be read raises :class:`ResponseError` naming where it was found, the item
or fact, the value and what is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._errors import ResponseError
from .._files import number_text, parse_number, spreadsheet_text
from .._model.definition import Fact, Item

__all__ = [
    "ANSWER_PARSERS",
    "UNKNOWN",
    "Answer",
    "check_range",
    "is_unknown",
    "parse_answer",
    "parse_fact",
]

Answer = str | tuple[str, ...] | float
"""An answer: an option id (yes_no, choice), a tuple of option ids (checklist) or a float."""

UNKNOWN = "unknown"
NOTHING_TICKED = "none"
CHECKLIST_SEPARATOR = "|"
_YES_NO = {"yes": "yes", "true": "yes", "no": "no", "false": "no"}
_BOOLEAN = {"yes": True, "true": True, "no": False, "false": False}


def is_unknown(value: object) -> bool:
    """Whether ``value`` means "not known": None, a blank string or ``unknown`` (any case)."""
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", UNKNOWN))


def parse_answer(item: Item, value: object, where: str, *, cell: bool = False) -> Answer | None:
    """Return the answer ``value`` means for ``item``, or None when it is unknown.

    ``value`` is what TOML or Python gave (str, bool, number, list) or, with ``cell``, a CSV
    cell (text, whose numbers are parsed); the parser is chosen by the item's kind from
    :data:`ANSWER_PARSERS`. ``where`` (file, line, city) starts every error message.

    Examples
    --------
    >>> from icindex import load_definition
    >>> item = load_definition("icc").item("welcoming_one_stop_service")
    >>> parse_answer(item, " TRUE ", "x.csv: line 2"), parse_answer(item, "Unknown", "")
    ('yes', None)
    """
    if is_unknown(value):
        return None
    return ANSWER_PARSERS[item.kind](item, value, f"{where}: item {item.id!r}", cell)


def _refused(item: Item, value: object, where: str, detail: str = "") -> ResponseError:
    return ResponseError(
        f"{where}: {value!r} is not an accepted answer ({_accepted(item)}){detail}"
    )


def _parse_yes_no(item: Item, value: object, where: str, cell: bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    word = value.strip().lower() if isinstance(value, str) else ""
    if word not in _YES_NO:
        raise _refused(item, value, where)
    return _YES_NO[word]


def _parse_choice(item: Item, value: object, where: str, cell: bool) -> str:
    if not isinstance(value, str) or value.strip() not in item.option_ids:
        raise _refused(item, value, where)
    return value.strip()


def _parse_checklist(item: Item, value: object, where: str, cell: bool) -> tuple[str, ...]:
    ticked: list[object]
    if isinstance(value, str):
        text = value.strip()
        ticked = [] if text.lower() == NOTHING_TICKED else list(text.split(CHECKLIST_SEPARATOR))
    elif isinstance(value, list | tuple):
        ticked = list(value)
    else:
        raise _refused(item, value, where)
    if not all(isinstance(option, str) for option in ticked):
        raise _refused(item, value, where)
    options = [str(option).strip() for option in ticked]
    if not set(options) <= set(item.option_ids):
        raise _refused(item, value, where)
    for option in options:
        if options.count(option) > 1:
            raise _refused(item, value, where, f": option {option!r} is ticked twice")
    return tuple(option for option in item.option_ids if option in options)


def _parse_measure(item: Item, value: object, where: str, cell: bool) -> float:
    try:
        number = parse_number(value, text=cell)
    except ValueError as reason:
        raise ResponseError(f"{where}: {reason}; expected {_accepted(item)}") from None
    check_range(number, item.value_range, lambda: f"{where}: {value!r}")
    return number


def check_range(
    number: float, value_range: tuple[float, float] | None, what: Callable[[], str]
) -> None:
    """Raise :class:`ResponseError` ``"<what()> is outside the range [low, high]"`` unless
    ``number`` is in ``value_range`` (None: any finite number)."""
    if value_range is not None and not value_range[0] <= number <= value_range[1]:
        low, high = (number_text(bound) for bound in value_range)
        raise ResponseError(
            f"{what()} is outside the range [{low}, {high}] the definition allows "
            "(values are never clipped: correct the value or the range)"
        )


# Item kind -> the parser of a known answer: (item, value, where, cell) -> the answer, or a
# ResponseError starting with `where`; `cell` says whether the value is a CSV cell (text).
ANSWER_PARSERS: dict[str, Callable[[Item, object, str, bool], Answer]] = {
    "yes_no": _parse_yes_no,
    "choice": _parse_choice,
    "checklist": _parse_checklist,
    "numeric": _parse_measure,
    "indicator": _parse_measure,
}


def _accepted(item: Item) -> str:
    """What ``item`` accepts, in words, for error messages."""
    if item.kind == "yes_no":
        return "yes, no or unknown"
    if item.kind == "choice":
        return f"one of {list(item.option_ids)} or unknown"
    if item.kind == "checklist":
        return f"a list of {list(item.option_ids)} (empty or none for nothing ticked) or unknown"
    return f"{_number_words(item.value_range)} or unknown"


def _number_words(value_range: tuple[float, float] | None) -> str:
    if value_range is None:
        return "a finite number"
    low, high = (number_text(bound) for bound in value_range)
    return f"a number in [{low}, {high}]"


def parse_fact(fact: Fact, value: object, where: str, *, cell: bool = False) -> Any:
    """Return the fact's value as its declared type, or None when unknown.

    With ``cell`` (a CSV cell) numbers are parsed from text and a text fact loses the
    apostrophe a writer put before a formula-like start (:func:`spreadsheet_text`).

    Examples
    --------
    >>> from icindex import load_definition
    >>> population = load_definition("icc").facts[0]
    >>> parse_fact(population, "728000", "x.csv: line 2", cell=True)
    728000
    """
    if is_unknown(value):
        return None
    problem = f"{where}: fact {fact.id!r}: {value!r} is not {_fact_accepts(fact)}"
    if fact.type == "text":
        if not isinstance(value, str):
            raise ResponseError(problem)
        return spreadsheet_text(value) if cell else value
    if fact.type == "boolean":
        word = value.strip().lower() if isinstance(value, str) else value
        if isinstance(word, bool):
            return word
        if word not in _BOOLEAN:
            raise ResponseError(problem)
        return _BOOLEAN[word]
    try:
        number = parse_number(value, text=cell)
    except ValueError as reason:
        raise ResponseError(
            f"{where}: fact {fact.id!r}: {reason}; expected {_fact_accepts(fact)}"
        ) from None
    if fact.type == "integer" and not number.is_integer():
        raise ResponseError(problem)
    check_range(number, fact.value_range, lambda: f"{where}: fact {fact.id!r}: {value!r}")
    return int(number) if fact.type == "integer" else number


def _fact_accepts(fact: Fact) -> str:
    if fact.type == "text":
        return "text"
    if fact.type == "boolean":
        return "true, false, yes or no"
    if fact.type == "number":
        return _number_words(fact.value_range)
    if fact.value_range is None:
        return "a whole number"
    low, high = (number_text(bound) for bound in fact.value_range)
    return f"a whole number in [{low}, {high}]"
