"""The definition format's keys and value checks, and the reader of each kind of table.

Every check appends a problem (``file: key path: expected (got found)``) instead of raising,
so that a whole definition is checked at once; see :mod:`icindex._loader`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from .definition import (
    AGGREGATION_METHODS,
    FACT_TYPES,
    ITEM_KINDS,
    NORMALISE_METHODS,
    NORMALISE_PARAMETERS,
    ROLES,
    Fact,
    Group,
    Item,
    Node,
    Normalisation,
    Option,
    Variant,
)

SCHEMA_VERSION = 1
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
RESERVED_OPTION_IDS = frozenset({"unknown", "none"})
MAIN_FILE = "index.toml"

Problems = list[str]

# One table per kind of TOML table: key -> (checker name, required, default).
_ANY_ITEM = {
    "id": ("id", True, None),
    "parent": ("id", True, None),
    "kind": ("string", True, None),
    "question": ("string", True, None),
    "weight": ("weight", False, 1.0),
    "role": ("string", False, "input"),
    "note": ("string", False, ""),
}
_ITEM_KEYS_BY_KIND: dict[str, dict[str, tuple[str, bool, Any]]] = {
    "yes_no": {"points": ("yes_no_points", False, {"yes": 1.0, "no": 0.0})},
    "choice": {"options": ("options", True, None)},
    "checklist": {"options": ("options", True, None), "cap": ("points_value", False, None)},
    "numeric": {
        "unit": ("string", False, ""),
        "thresholds": ("numbers", False, None),
        "points": ("numbers", False, None),
        "goalposts": ("numbers", False, None),
    },
    # An indicator is labelled by `name` and has no `question` (see _read_indicator).
    "indicator": {
        "name": ("string", True, None),
        "unit": ("string", False, ""),
        "direction": ("direction", False, 1),
        "target": ("number", False, None),
        "normalise": ("normalise", False, None),
        "denominator": ("id", False, ""),
    },
}
# Parameter of a `normalise` table -> its checker.
_NORMALISE_KEYS = {
    "range": "numbers",
    "mean": "number",
    "sd": "number",
    "low": "number",
    "high": "number",
    "truncate": "boolean",
    "target": "number",
    "cap": "boolean",
}
_NODE = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "parent": ("id", False, None),
    "weight": ("weight", False, 1.0),
    "method": ("string", False, "amean"),
    "p": ("number", False, None),
    "description": ("string", False, ""),
}
_FACT = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "type": ("string", True, None),
    "unit": ("string", False, ""),
    "description": ("string", False, ""),
}
_GROUP = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "members": ("ids", True, None),
    "method": ("string", False, "amean"),
    "p": ("number", False, None),
    "description": ("string", False, ""),
}
_VARIANT = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "exclude": ("ids", False, ()),
    "description": ("string", False, ""),
}
_OPTION = {
    "id": ("id", True, None),
    "label": ("string", True, None),
    "points": ("points_value", True, None),
}
MAIN_KEYS = {"schema_version", "id", "name", "description", "root", "include"}
TABLE_ARRAYS = ("nodes", "items", "facts", "groups", "variants")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    return _is_number(value) and math.isfinite(value)


def _check_number(value: Any, least: float | None) -> tuple[Any, str | None]:
    if not _finite(value):
        return None, "a finite number"
    if least is not None and value < least:
        return None, f"a number >= {least:g}"
    return float(value), None


def _check_list(value: Any, accept: Callable[[Any], bool], expected: str) -> tuple[Any, str | None]:
    ok = isinstance(value, list) and all(accept(entry) for entry in value)
    return (tuple(value), None) if ok else (None, expected)


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def _check_yes_no_points(value: Any) -> tuple[Any, str | None]:
    ok = (
        isinstance(value, dict)
        and set(value) == {"yes", "no"}
        and all(_finite(v) and v >= 0 for v in value.values())
    )
    return (value, None) if ok else (None, "a table {yes = points, no = points}, points >= 0")


def _check_normalise(value: Any) -> tuple[Any, str | None]:
    method = value.get("method") if isinstance(value, dict) else None
    if not isinstance(method, str) or method not in NORMALISE_PARAMETERS:
        return None, f"a table whose method is one of {list(NORMALISE_METHODS)}"
    allowed = NORMALISE_PARAMETERS[method]
    unknown = sorted(value.keys() - {"method", *allowed})
    if unknown:
        return None, f"a {method} table with keys among {['method', *allowed]} (unknown {unknown})"
    fields: dict[str, Any] = {}
    for key in allowed:
        if key in value:
            clean, expected = _CHECKERS[_NORMALISE_KEYS[key]](value[key])
            if expected is not None:
                return None, f"a table whose {key} is {expected}"
            fields[key] = clean
    if len(fields.get("range", (0, 1))) != 2:
        return None, "a table whose range is [lowest, highest]"
    normalisation = Normalisation(method, **fields)
    found = normalisation.problems()
    return (None, f"a valid {method} table: {'; '.join(found)}") if found else (normalisation, None)


# Checker name -> function returning (clean value, None) or (None, what was expected).
_CHECKERS: dict[str, Callable[[Any], tuple[Any, str | None]]] = {
    "string": lambda v: (v, None) if isinstance(v, str) else (None, "a string"),
    "id": lambda v: (v, None) if _is_id(v) else (None, f"an id matching {ID_PATTERN.pattern}"),
    "ids": lambda v: _check_list(v, _is_id, "an array of ids"),
    "strings": lambda v: _check_list(v, lambda e: isinstance(e, str), "an array of strings"),
    "number": lambda v: _check_number(v, None),
    "weight": lambda v: _check_number(v, 0.0),
    "points_value": lambda v: _check_number(v, 0.0),
    "numbers": lambda v: (
        (tuple(float(e) for e in v), None)
        if isinstance(v, list) and all(_finite(e) for e in v)
        else (None, "an array of finite numbers")
    ),
    "options": lambda v: (v, None) if isinstance(v, list) else (None, "an array of option tables"),
    "yes_no_points": _check_yes_no_points,
    "boolean": lambda v: (v, None) if isinstance(v, bool) else (None, "true or false"),
    "direction": lambda v: (int(v), None) if _is_number(v) and v in (1, -1) else (None, "1 or -1"),
    "normalise": _check_normalise,
}


def read_table(
    raw: object,
    spec: dict[str, tuple[str, bool, Any]],
    where: str,
    problems: Problems,
) -> dict[str, Any] | None:
    """Check one TOML table against ``spec``; append problems; return clean values or None."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table (got {type(raw).__name__})")
        return None
    clean: dict[str, Any] = {}
    ok = True
    for key in raw.keys() - spec.keys():
        problems.append(f"{where}: unknown key {key!r} (expected one of {sorted(spec)})")
        ok = False
    for key, (checker, required, default) in spec.items():
        if key not in raw:
            if required:
                problems.append(f"{where}: missing key {key!r}")
                ok = False
            clean[key] = default
            continue
        value, expected = _CHECKERS[checker](raw[key])
        if expected is not None:
            problems.append(f"{where}.{key}: must be {expected} (got {raw[key]!r})")
            ok = False
        clean[key] = value
    return clean if ok else None


def entry_label(array: str, index: int, raw: object) -> str:
    entry_id = raw.get("id") if isinstance(raw, dict) else None
    return f"{array}[{entry_id!r}]" if isinstance(entry_id, str) else f"{array}[{index}]"


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
        clean = read_table(raw_option, _OPTION, at, problems)
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
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and not (isinstance(kind, str) and kind in ITEM_KINDS):
        problems.append(f"{where}.kind: must be one of {list(ITEM_KINDS)} (got {kind!r})")
        return None
    if kind == "indicator":
        return _read_indicator(raw, where, problems)
    spec = {**_ANY_ITEM, **_ITEM_KEYS_BY_KIND[kind]} if isinstance(kind, str) else _ANY_ITEM
    clean = read_table(raw, spec, where, problems)
    if clean is None or not _one_of(clean["role"], ROLES, f"{where}.role", problems):
        return None
    fields: dict[str, Any] = {key: clean[key] for key in _ANY_ITEM}
    if kind == "yes_no":
        points = clean["points"]
        fields["options"] = (
            Option("yes", "Yes", float(points["yes"])),
            Option("no", "No", float(points["no"])),
        )
    elif kind in ("choice", "checklist"):
        fields["options"] = _read_options(
            raw["options"], where, problems, 2 if kind == "choice" else 1
        )
        fields["cap"] = clean.get("cap")
        if not fields["options"]:
            return None
    else:
        if not _read_numeric_scale(clean, where, problems):
            return None
        goalposts = clean["goalposts"]
        fields.update(
            unit=clean["unit"],
            thresholds=clean["thresholds"] or (),
            points=clean["points"] or (),
            goalposts=None if goalposts is None else (goalposts[0], goalposts[1]),
        )
    item = Item(**fields)
    low, high = item.point_range
    if not high > low:
        problems.append(
            f"{where}: the best answer must earn more points than the worst "
            f"(got {low:g} and {high:g})"
        )
        return None
    return item


def _read_indicator(raw: Any, where: str, problems: Problems) -> Item | None:
    """An ``indicator`` item: a raw number per unit, named by ``name`` (it asks no question)."""
    common = {key: entry for key, entry in _ANY_ITEM.items() if key != "question"}
    clean = read_table(raw, {**common, **_ITEM_KEYS_BY_KIND["indicator"]}, where, problems)
    if clean is None or not _one_of(clean["role"], ROLES, f"{where}.role", problems):
        return None
    normalise = clean["normalise"]
    no_target = clean["target"] is None and (normalise is None or normalise.target is None)
    if no_target and normalise is not None and normalise.method == "distance":
        problems.append(f"{where}.normalise: distance needs a target, here or in the item")
        return None
    return Item(
        **{key: clean[key] for key in common},
        question=clean["name"],
        unit=clean["unit"],
        direction=clean["direction"],
        target=clean["target"],
        normalise=normalise,
        denominator=clean["denominator"],
    )


def _read_node(raw: Any, where: str, problems: Problems) -> Node | None:
    clean = read_table(raw, _NODE, where, problems)
    if clean is None or not _power_ok(clean["method"], clean["p"], where, problems):
        return None
    return Node(**clean)


def _read_fact(raw: Any, where: str, problems: Problems) -> Fact | None:
    clean = read_table(raw, _FACT, where, problems)
    if clean is None or not _one_of(clean["type"], FACT_TYPES, f"{where}.type", problems):
        return None
    return Fact(**clean)


def _read_group(raw: Any, where: str, problems: Problems) -> Group | None:
    clean = read_table(raw, _GROUP, where, problems)
    if clean is None or not _power_ok(clean["method"], clean["p"], where, problems):
        return None
    if not clean["members"]:
        problems.append(f"{where}.members: must name at least one node (got [])")
        return None
    return Group(**clean)


def _read_variant(raw: Any, where: str, problems: Problems) -> Variant | None:
    clean = read_table(raw, _VARIANT, where, problems)
    return None if clean is None else Variant(**clean)


READERS: dict[str, Callable[[Any, str, Problems], Any]] = {
    "nodes": _read_node,
    "items": _read_item,
    "facts": _read_fact,
    "groups": _read_group,
    "variants": _read_variant,
}


def no_duplicates(ids: Iterable[str], where: str, problems: Problems) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            problems.append(f"{where}: duplicate id {entry_id!r}")
        seen.add(entry_id)
