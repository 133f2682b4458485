"""The reader of each kind of table of the definition format, chosen from plain tables.

Items are read by kind (:data:`ITEM_READERS`), every other table by its array's name
(:data:`READERS`); each appends its problems (``file: key path: expected (got found)``) and
returns None when the table is unusable. The keys and value checks live in :mod:`.schema`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from .definition import (
    AGGREGATION_METHODS,
    FACT_TYPES,
    ITEM_KINDS,
    ROLES,
    Fact,
    Group,
    Item,
    Node,
    Option,
    PeerBand,
    Variant,
)
from .ranges import RANGED_FACT_TYPES, fact_range_problems, item_range_problems
from .schema import (
    ANY_ITEM_KEYS,
    FACT_KEYS,
    GROUP_KEYS,
    ITEM_KEYS_BY_KIND,
    NODE_KEYS,
    OPTION_KEYS,
    PEER_BAND_KEYS,
    RESERVED_OPTION_IDS,
    VARIANT_KEYS,
    Problems,
    entry_label,
    no_duplicates,
    read_table,
)

__all__ = ["ITEM_READERS", "READERS"]


def _one_of(value: str, allowed: Iterable[str], where: str, problems: Problems) -> bool:
    allowed = tuple(allowed)
    if value not in allowed:
        problems.append(f"{where}: must be one of {list(allowed)} (got {value!r})")
        return False
    return True


def _power_ok(method: str, p: float | None, where: str, problems: Problems) -> bool:
    if not _one_of(method, AGGREGATION_METHODS, f"{where}.method", problems):
        return False
    if method == "genmean" and (p is None or p == 0):
        problems.append(f"{where}.p: genmean needs a power p that is not 0 (got {p!r})")
        return False
    if method != "genmean" and p is not None:
        problems.append(f"{where}.p: only genmean takes p (method is {method!r})")
        return False
    return True


def _read_options(raw: Any, where: str, problems: Problems, least: int) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < least:
        problems.append(f"{where}.options: must be an array of at least {least} option tables")
        return ()
    options = []
    before = len(problems)
    for index, raw_option in enumerate(raw):
        at = f"{where}.{entry_label('options', index, raw_option)}"
        clean = read_table(raw_option, OPTION_KEYS, at, problems)
        if clean is None:
            continue
        if clean["id"] in RESERVED_OPTION_IDS:
            problems.append(f"{at}.id: {clean['id']!r} is reserved (it means no answer)")
        options.append(Option(clean["id"], clean["label"], clean["points"]))
    no_duplicates([option.id for option in options], f"{where}.options", problems)
    # A bad option makes the item unusable; checking it further would only echo the problem.
    return tuple(options) if len(problems) == before else ()


def _read_numeric_scale(clean: dict[str, Any], where: str, problems: Problems) -> bool:
    thresholds, points, goalposts = clean["thresholds"], clean["points"], clean["goalposts"]
    if goalposts is not None:
        if thresholds is not None or points is not None:
            problems.append(f"{where}: give either goalposts or thresholds with points, not both")
            return False
        if len(goalposts) != 2 or goalposts[0] == goalposts[1]:
            problems.append(
                f"{where}.goalposts: must be [worst, best] with worst != best (got {goalposts!r})"
            )
            return False
        return True
    if thresholds is None or points is None:
        problems.append(f"{where}: a numeric item needs goalposts, or thresholds with points")
        return False
    ok = True
    if any(b <= a for a, b in itertools.pairwise(thresholds)):
        problems.append(f"{where}.thresholds: must be strictly ascending (got {list(thresholds)})")
        ok = False
    if len(points) != len(thresholds) + 1:
        problems.append(
            f"{where}.points: must have one more entry than thresholds, "
            f"{len(thresholds) + 1} (got {len(points)})"
        )
        ok = False
    if any(value < 0 for value in points):
        problems.append(f"{where}.points: must all be >= 0 (got {list(points)})")
        ok = False
    return ok


def _read_item(raw: Any, where: str, problems: Problems) -> Item | None:
    if not isinstance(raw, dict):
        read_table(raw, ANY_ITEM_KEYS, where, problems)  # reports that it is no table
        return None
    kind = raw.get("kind")
    if not (isinstance(kind, str) and kind in ITEM_KINDS):
        problems.append(f"{where}.kind: must be one of {list(ITEM_KINDS)} (got {kind!r})")
        return None
    return ITEM_READERS[kind](raw, where, problems)


def _read_scored(raw: dict[str, Any], where: str, problems: Problems) -> Item | None:
    """An item whose answers earn points: the keys of every item, then those of its kind."""
    kind = raw["kind"]
    clean = read_table(raw, {**ANY_ITEM_KEYS, **ITEM_KEYS_BY_KIND[kind]}, where, problems)
    if clean is None or not _one_of(clean["role"], ROLES, f"{where}.role", problems):
        return None
    fields = _KIND_FIELDS[kind](clean, where, problems)
    if fields is None:
        return None
    item = Item(**{key: clean[key] for key in ANY_ITEM_KEYS}, **fields)
    if not _ranges_ok(item, where, problems):
        return None
    low, high = item.point_range
    if not high > low:
        problems.append(
            f"{where}: the best answer must earn more points than the worst "
            f"(got {low:g} and {high:g})"
        )
        return None
    return item


def _ranges_ok(item: Item, where: str, problems: Problems) -> bool:
    found = item_range_problems(item)
    problems.extend(f"{where}.{problem}" for problem in found)
    return not found


def _yes_no_fields(clean: dict[str, Any], where: str, problems: Problems) -> dict[str, Any]:
    points = clean["points"]
    return {
        "options": (
            Option("yes", "Yes", float(points["yes"])),
            Option("no", "No", float(points["no"])),
        )
    }


def _option_fields(clean: dict[str, Any], where: str, problems: Problems) -> dict[str, Any] | None:
    least = 2 if clean["kind"] == "choice" else 1
    options = _read_options(clean["options"], where, problems, least)
    return {"options": options, "cap": clean.get("cap")} if options else None


_RANGE_EXAMPLE = "e.g. [0, 100] for a percentage, [0, inf] for a count, [-inf, inf] for any"


def _numeric_fields(clean: dict[str, Any], where: str, problems: Problems) -> dict[str, Any] | None:
    scale_ok = _read_numeric_scale(clean, where, problems)
    if clean["value_range"] is None:
        problems.append(
            f"{where}: missing key 'value_range': a numeric item needs value_range = "
            f"[least, greatest], the values an answer may take ({_RANGE_EXAMPLE})"
        )
        return None
    if not scale_ok:
        return None
    goalposts = clean["goalposts"]
    return {
        "unit": clean["unit"],
        "thresholds": clean["thresholds"] or (),
        "points": clean["points"] or (),
        "goalposts": None if goalposts is None else (goalposts[0], goalposts[1]),
        "value_range": clean["value_range"],
    }


# Scored item kind -> the Item fields its own keys give (None, with problems, when unusable).
_KIND_FIELDS: dict[str, Callable[[dict[str, Any], str, Problems], dict[str, Any] | None]] = {
    "yes_no": _yes_no_fields,
    "choice": _option_fields,
    "checklist": _option_fields,
    "numeric": _numeric_fields,
}


def _read_indicator(raw: dict[str, Any], where: str, problems: Problems) -> Item | None:
    """An ``indicator`` item: a raw number per unit, named by ``name`` (it asks no question)."""
    common = {key: entry for key, entry in ANY_ITEM_KEYS.items() if key != "question"}
    clean = read_table(raw, {**common, **ITEM_KEYS_BY_KIND["indicator"]}, where, problems)
    if clean is None or not _one_of(clean["role"], ROLES, f"{where}.role", problems):
        return None
    normalise = clean["normalise"]
    no_target = clean["target"] is None and (normalise is None or normalise.target is None)
    if no_target and normalise is not None and normalise.method == "distance":
        problems.append(f"{where}.normalise: distance needs a target, here or in the item")
        return None
    item = Item(
        **{key: clean[key] for key in common},
        question=clean["name"],
        unit=clean["unit"],
        direction=clean["direction"],
        target=clean["target"],
        normalise=normalise,
        denominator=clean["denominator"],
        value_range=clean["value_range"],
    )
    return item if _ranges_ok(item, where, problems) else None


def _read_node(raw: Any, where: str, problems: Problems) -> Node | None:
    clean = read_table(raw, NODE_KEYS, where, problems)
    if clean is None or not _power_ok(clean["method"], clean["p"], where, problems):
        return None
    return Node(**clean)


def _read_fact(raw: Any, where: str, problems: Problems) -> Fact | None:
    clean = read_table(raw, FACT_KEYS, where, problems)
    if clean is None or not _one_of(clean["type"], FACT_TYPES, f"{where}.type", problems):
        return None
    if clean["type"] in RANGED_FACT_TYPES and clean["value_range"] is None:
        problems.append(
            f"{where}: missing key 'value_range': a fact of type {clean['type']!r} needs "
            f"value_range = [least, greatest], the values a city's fact may take "
            f"({_RANGE_EXAMPLE})"
        )
        return None
    fact = Fact(**clean)
    found = fact_range_problems(fact)
    problems.extend(f"{where}.{problem}" for problem in found)
    return None if found else fact


def _read_group(raw: Any, where: str, problems: Problems) -> Group | None:
    clean = read_table(raw, GROUP_KEYS, where, problems)
    if clean is None or not _power_ok(clean["method"], clean["p"], where, problems):
        return None
    if not clean["members"]:
        problems.append(f"{where}.members: must name at least one node (got [])")
        return None
    return Group(**clean)


def _read_variant(raw: Any, where: str, problems: Problems) -> Variant | None:
    clean = read_table(raw, VARIANT_KEYS, where, problems)
    return None if clean is None else Variant(**clean)


def _read_peer_band(raw: Any, where: str, problems: Problems) -> PeerBand | None:
    clean = read_table(raw, PEER_BAND_KEYS, where, problems)
    return None if clean is None else PeerBand(**clean)


# Item kind -> the reader of an item table of that kind.
ITEM_READERS: dict[str, Callable[[dict[str, Any], str, Problems], Item | None]] = {
    "yes_no": _read_scored,
    "choice": _read_scored,
    "checklist": _read_scored,
    "numeric": _read_scored,
    "indicator": _read_indicator,
}

READERS: dict[str, Callable[[Any, str, Problems], Any]] = {
    "nodes": _read_node,
    "items": _read_item,
    "facts": _read_fact,
    "groups": _read_group,
    "variants": _read_variant,
    "peer_bands": _read_peer_band,
}
