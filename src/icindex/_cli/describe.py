"""How an answer scores, in words: shared by ``icindex items`` and ``icindex template``.

One describer per item kind (:data:`DESCRIBERS`), each giving the accepted answers and their
points as one line of text, e.g. ``<5: 0 · 5–10: 1 · ≥10: 2`` for a numeric item's bands.
Every piece of text taken from the definition passes through :func:`icindex._files.visible`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .._files import visible
from .._model.definition import Fact, Item

__all__ = ["DESCRIBERS", "answers_text", "bands", "fact_kind", "fact_text", "range_text"]


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def _options(item: Item) -> str:
    return ", ".join(
        f"{visible(o.id)}={o.points:g}"
        + (f" ({visible(o.label)})" if _says_more(o.label, o.id) else "")
        for o in item.options
    )


def _says_more(label: str, option_id: str) -> bool:
    """Whether a label adds to its id (``No strategy`` adds nothing to ``no_strategy``)."""
    return bool(label) and label.lower().replace(" ", "_") != option_id.lower()


def _checklist(item: Item) -> str:
    total = sum(option.points for option in item.options)
    cap = f"at most {_points(item.cap)}" if item.cap is not None and item.cap < total else ""
    return f"tick any of {_options(item)}; points add up" + (f", {cap}" if cap else "")


def bands(thresholds: tuple[float, ...], points: tuple[float, ...]) -> str:
    """A numeric item's bands and their points: ``<5: 0 · 5–10: 1 · ≥10: 2``.

    ``points[j]`` is earned when ``j`` thresholds are <= the value.

    Examples
    --------
    >>> bands((5.0, 10.0), (0.0, 1.0, 2.0))
    '<5: 0 · 5–10: 1 · ≥10: 2'
    """
    parts = [f"<{thresholds[0]:g}: {points[0]:g}"]
    for low, high, earned in zip(thresholds, thresholds[1:], points[1:], strict=False):
        parts.append(f"{low:g}–{high:g}: {earned:g}")
    parts.append(f"≥{thresholds[-1]:g}: {points[-1]:g}")
    return " · ".join(parts)


def _numeric(item: Item) -> str:
    number = f"a number{_unit(item.unit)}"
    if item.goalposts is not None:
        worst, best = item.goalposts
        return f"{number}; scored linearly from {worst:g} (worst, 0) to {best:g} (best, 100)"
    return f"{number}; points {bands(item.thresholds, item.points)}"


def _indicator(item: Item) -> str:
    better = "higher is better" if item.direction > 0 else "lower is better"
    return f"a number{_unit(item.unit)}, {better} (normalised across units)"


def _unit(unit: str) -> str:
    return f" ({visible(unit)})" if unit else ""


#: Item kind -> the accepted answers and their points, in words.
DESCRIBERS: dict[str, Callable[[Item], str]] = {
    "yes_no": _options,
    "choice": _options,
    "checklist": _checklist,
    "numeric": _numeric,
    "indicator": _indicator,
}


def range_text(value_range: tuple[float, float] | None, unit: str = "") -> str:
    """The values accepted, e.g. ``from 0 to 100 percent``; ``""`` when any number is.

    Examples
    --------
    >>> range_text((0.0, math.inf), "persons"), range_text((0.0, 100.0))
    ('from 0 persons', 'from 0 to 100')
    """
    if value_range is None:
        return ""
    low, high = value_range
    unit = f" {visible(unit)}" if unit else ""
    if math.isinf(low) and math.isinf(high):
        return ""
    if math.isinf(high):
        return f"from {low:g}{unit}"
    if math.isinf(low):
        return f"up to {high:g}{unit}"
    return f"from {low:g} to {high:g}{unit}"


def answers_text(item: Item) -> str:
    """The answers ``item`` accepts and how each scores, with the values allowed.

    Examples
    --------
    >>> from icindex._model.definition import Item
    >>> item = Item("trips", "r", "numeric", "Trips?", unit="per year",
    ...             thresholds=(5.0, 10.0), points=(0.0, 1.0, 2.0), value_range=(0.0, 365.0))
    >>> answers_text(item)
    'a number (per year); points <5: 0 · 5–10: 1 · ≥10: 2; values from 0 to 365 per year'
    """
    text = DESCRIBERS[item.kind](item)
    allowed = range_text(item.value_range, item.unit)
    return f"{text}; values {allowed}" if allowed else text


def fact_kind(fact: Fact) -> str:
    """A fact's type, unit and range, e.g. ``integer (persons), from 0 persons``."""
    unit = f" ({visible(fact.unit)})" if fact.unit else ""
    allowed = range_text(fact.value_range, fact.unit)
    return f"{fact.type}{unit}" + (f", {allowed}" if allowed else "")


def fact_text(fact: Fact) -> str:
    """A fact's id, type, unit and range on one line, e.g. ``population: integer (persons)``."""
    return f"{visible(fact.id)}: {fact_kind(fact)}"
