"""Value ranges: the least and greatest value a numeric answer or fact may take.

One set of checks, used by the TOML readers (:mod:`.readers`, problems placed at the file and
key path) and by :class:`~icindex.Definition` itself (problems placed at its ``source``), so
a definition built in Python obeys the same rules as one read from files:

- only ``numeric`` and ``indicator`` items and ``integer`` and ``number`` facts have a range;
- a range is ``(least, greatest)``, two numbers with ``least < greatest``; either may be
  infinite (an open end), neither NaN;
- a ``numeric`` item's thresholds lie inside its range, ``least < threshold <= greatest``, so
  that every band of points can be reached. Goalposts may lie outside: values are clipped to
  them, so a range narrower than the goalposts only means no answer reaches the far end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .definition import Definition, Fact, Item

__all__ = [
    "RANGED_FACT_TYPES",
    "RANGED_KINDS",
    "definition_range_problems",
    "fact_range_problems",
    "item_range_problems",
    "range_problem",
]

RANGED_KINDS = ("numeric", "indicator")
"""The item kinds with a ``value_range`` (required for ``numeric`` in TOML)."""
RANGED_FACT_TYPES = ("integer", "number")
"""The fact types with a ``value_range`` (required for both in TOML)."""


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def _text(value_range: Sequence[float]) -> str:
    return f"[{value_range[0]:g}, {value_range[1]:g}]"


def range_problem(value_range: object) -> str | None:
    """What is wrong with a value range, as ``must be ... (got ...)``; None when it is usable.

    Examples
    --------
    >>> range_problem((0.0, math.inf)) is None
    True
    >>> range_problem((100, 0))
    'must be [least, greatest] with least < greatest (got [100, 0])'
    """
    if not (
        isinstance(value_range, tuple | list)
        and len(value_range) == 2
        and all(_number(end) for end in value_range)
    ):
        return (
            "must be [least, greatest], two numbers (inf or -inf for an open end, "
            f"never nan) (got {value_range!r})"
        )
    if not value_range[0] < value_range[1]:
        return f"must be [least, greatest] with least < greatest (got {_text(value_range)})"
    return None


def item_range_problems(item: Item) -> list[str]:
    """The problems of an item's ``value_range``, each starting with its key (``value_range``)."""
    if item.value_range is None:
        return []
    if item.kind not in RANGED_KINDS:
        return [f"value_range: only numeric and indicator items have one (kind is {item.kind!r})"]
    problem = range_problem(item.value_range)
    if problem is not None:
        return [f"value_range: {problem}"]
    least, greatest = item.value_range
    outside = [threshold for threshold in item.thresholds if not least < threshold <= greatest]
    if outside:
        return [
            f"thresholds: must lie inside value_range {_text(item.value_range)}, least < "
            f"threshold <= greatest, so that every band can be reached (got {outside})"
        ]
    return []


def fact_range_problems(fact: Fact) -> list[str]:
    """The problems of a fact's ``value_range``, each starting with its key (``value_range``)."""
    if fact.value_range is None:
        return []
    if fact.type not in RANGED_FACT_TYPES:
        return [f"value_range: only integer and number facts have one (type is {fact.type!r})"]
    problem = range_problem(fact.value_range)
    return [] if problem is None else [f"value_range: {problem}"]


def definition_range_problems(definition: Definition) -> list[str]:
    """Every value-range problem of a built definition, placed as ``source: items['id']``."""
    source = definition.source
    problems = [
        f"{source}: items[{item.id!r}].{problem}"
        for item in definition.items
        for problem in item_range_problems(item)
    ]
    problems += [
        f"{source}: facts[{fact.id!r}].{problem}"
        for fact in definition.facts
        for problem in fact_range_problems(fact)
    ]
    return problems
