"""The definition format's keys and value checks (the readers of its tables: :mod:`.readers`).

Every check appends a problem (``file: key path: expected (got found)``) instead of raising,
so that a whole definition is checked at once; see :mod:`.loader`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from .definition import (
    NORMALISE_METHODS,
    NORMALISE_PARAMETERS,
    Normalisation,
)
from .ranges import range_problem

SCHEMA_VERSION = 1
ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
RESERVED_OPTION_IDS = frozenset({"unknown", "none"})
MAIN_FILE = "index.toml"

Problems = list[str]

# One table per kind of TOML table: key -> (checker name, required, default).
ANY_ITEM_KEYS = {
    "id": ("id", True, None),
    "parent": ("id", True, None),
    "kind": ("string", True, None),
    "question": ("string", True, None),
    "weight": ("weight", False, 1.0),
    "role": ("string", False, "input"),
    "note": ("string", False, ""),
}
ITEM_KEYS_BY_KIND: dict[str, dict[str, tuple[str, bool, Any]]] = {
    "yes_no": {"points": ("yes_no_points", False, {"yes": 1.0, "no": 0.0})},
    "choice": {"options": ("options", True, None)},
    "checklist": {"options": ("options", True, None), "cap": ("points_value", False, None)},
    "numeric": {
        "unit": ("string", False, ""),
        "thresholds": ("numbers", False, None),
        "points": ("numbers", False, None),
        "goalposts": ("numbers", False, None),
        # Required: _numeric_fields says so with an example.
        "value_range": ("value_range", False, None),
    },
    # An indicator is labelled by `name` and has no `question` (see _read_indicator).
    "indicator": {
        "name": ("string", True, None),
        "unit": ("string", False, ""),
        "direction": ("direction", False, 1),
        "target": ("number", False, None),
        "normalise": ("normalise", False, None),
        "denominator": ("id", False, ""),
        "value_range": ("value_range", False, None),
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
NODE_KEYS = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "parent": ("id", False, None),
    "weight": ("weight", False, 1.0),
    "method": ("string", False, "amean"),
    "p": ("number", False, None),
    "description": ("string", False, ""),
}
FACT_KEYS = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "type": ("string", True, None),
    "unit": ("string", False, ""),
    "description": ("string", False, ""),
    # Required for integer and number facts, refused for others: see _read_fact.
    "value_range": ("value_range", False, None),
}
GROUP_KEYS = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "members": ("ids", True, None),
    "method": ("string", False, "amean"),
    "p": ("number", False, None),
    "description": ("string", False, ""),
}
VARIANT_KEYS = {
    "id": ("id", True, None),
    "name": ("string", True, None),
    "exclude": ("ids", False, ()),
    "description": ("string", False, ""),
}
PEER_BAND_KEYS = {
    "id": ("id", True, None),
    "fact": ("id", True, None),
    "edges": ("numbers", True, None),
    "names": ("strings", False, ()),
    "description": ("string", False, ""),
}
OPTION_KEYS = {
    "id": ("id", True, None),
    "label": ("string", True, None),
    "points": ("points_value", True, None),
}
MAIN_KEYS = {"schema_version", "id", "name", "description", "root", "include"}
TABLE_ARRAYS = ("nodes", "items", "facts", "groups", "variants", "peer_bands")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    # an int past float's range (TOML integers have no size limit) is not a usable number
    return _is_number(value) and abs(value) < 2**1024 and math.isfinite(value)


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


def _check_value_range(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, list) and range_problem(value) is None:
        return (float(value[0]), float(value[1])), None
    return None, (
        "[least, greatest], two numbers with least < greatest (inf or -inf for an open end, "
        "never nan)"
    )


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
    "value_range": _check_value_range,
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


def no_duplicates(ids: Iterable[str], where: str, problems: Problems) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            problems.append(f"{where}: duplicate id {entry_id!r}")
        seen.add(entry_id)
