"""Read index definitions from TOML files into validated :class:`Definition` objects.

Every problem found is collected, each naming its file and key path, and raised together as
one :class:`DefinitionError`, so ``icindex validate`` can list them all at once.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from ._definition import (
    AGGREGATION_METHODS,
    FACT_TYPES,
    ITEM_KINDS,
    NORMALISE_METHODS,
    NORMALISE_PARAMETERS,
    ROLES,
    Definition,
    Fact,
    Group,
    Item,
    Node,
    Normalisation,
    Option,
    Variant,
)
from ._errors import DefinitionError

__all__ = ["bundled_definitions", "find_definition", "load_definition", "validate_paths"]

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
_MAIN_KEYS = {"schema_version", "id", "name", "description", "root", "include"}
_TABLE_ARRAYS = ("nodes", "items", "facts", "groups", "variants")


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


def _read_table(
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


def _label(array: str, index: int, raw: object) -> str:
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
        at = f"{where}.{_label('options', index, raw_option)}"
        clean = _read_table(raw_option, _OPTION, at, problems)
        if clean is None:
            continue
        if clean["id"] in RESERVED_OPTION_IDS:
            problems.append(f"{at}.id: {clean['id']!r} is reserved (it means no answer)")
        options.append(Option(clean["id"], clean["label"], clean["points"]))
    _no_duplicates([option.id for option in options], f"{where}.options", problems)
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
    clean = _read_table(raw, spec, where, problems)
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
    clean = _read_table(raw, {**common, **_ITEM_KEYS_BY_KIND["indicator"]}, where, problems)
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
    clean = _read_table(raw, _NODE, where, problems)
    if clean is None or not _power_ok(clean["method"], clean["p"], where, problems):
        return None
    return Node(**clean)


def _read_fact(raw: Any, where: str, problems: Problems) -> Fact | None:
    clean = _read_table(raw, _FACT, where, problems)
    if clean is None or not _one_of(clean["type"], FACT_TYPES, f"{where}.type", problems):
        return None
    return Fact(**clean)


def _read_group(raw: Any, where: str, problems: Problems) -> Group | None:
    clean = _read_table(raw, _GROUP, where, problems)
    if clean is None or not _power_ok(clean["method"], clean["p"], where, problems):
        return None
    if not clean["members"]:
        problems.append(f"{where}.members: must name at least one node (got [])")
        return None
    return Group(**clean)


def _read_variant(raw: Any, where: str, problems: Problems) -> Variant | None:
    clean = _read_table(raw, _VARIANT, where, problems)
    return None if clean is None else Variant(**clean)


_READERS: dict[str, Callable[[Any, str, Problems], Any]] = {
    "nodes": _read_node,
    "items": _read_item,
    "facts": _read_fact,
    "groups": _read_group,
    "variants": _read_variant,
}


def _no_duplicates(ids: Iterable[str], where: str, problems: Problems) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            problems.append(f"{where}: duplicate id {entry_id!r}")
        seen.add(entry_id)


def _parse_file(path: Path, problems: Problems) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(f"{path}: not valid TOML: {error}")
    except OSError as error:
        problems.append(f"{path}: cannot be read: {error.strerror}")
    return None


def _read_entries(
    raw: dict[str, Any], path: Path, allowed: Iterable[str], problems: Problems
) -> dict[str, list[tuple[str, Any]]]:
    """Read the arrays of tables of one file; return (file, object) pairs per array name."""
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(f"{path}: schema_version: must be {SCHEMA_VERSION} (got {version!r})")
    allowed = set(allowed)
    for key in raw.keys() - allowed - {"schema_version"}:
        problems.append(f"{path}: unknown key {key!r} (expected one of {sorted(allowed)})")
    found: dict[str, list[tuple[str, Any]]] = {name: [] for name in _TABLE_ARRAYS}
    for name in _TABLE_ARRAYS:
        if name not in raw or name not in allowed:
            continue
        entries = raw[name]
        if not isinstance(entries, list):
            problems.append(f"{path}: {name}: must be an array of tables, [[{name}]]")
            continue
        for index, entry in enumerate(entries):
            where = f"{path}: {_label(name, index, entry)}"
            parsed = _READERS[name](entry, where, problems)
            if parsed is not None:
                found[name].append((where, parsed))
    return found


def _check_tree(
    root: str,
    nodes: list[tuple[str, Node]],
    items: list[tuple[str, Item]],
    main: Path,
    problems: Problems,
) -> None:
    """Duplicate ids, the root, parents, cycles, and nodes' children and their weights."""
    entries: list[tuple[str, Node | Item]] = [*nodes, *items]
    node_ids = {node.id for _, node in nodes}
    item_ids = {item.id for _, item in items}
    first_seen: dict[str, str] = {}
    for where, entry in entries:
        if entry.id in first_seen:
            problems.append(f"{where}.id: duplicate id (first at {first_seen[entry.id]})")
        first_seen.setdefault(entry.id, where)
    if root not in node_ids:
        problems.append(f"{main}: root: must name a node (got {root!r})")
    for where, entry in entries:
        if entry.id == root:
            if entry.parent is not None:
                problems.append(f"{where}.parent: the root has no parent (got {entry.parent!r})")
        elif entry.parent is None:
            problems.append(f"{where}: missing key 'parent' (only the root {root!r} has none)")
        elif entry.parent in item_ids:
            problems.append(f"{where}.parent: must name a node, {entry.parent!r} is an item")
        elif entry.parent not in node_ids:
            problems.append(f"{where}.parent: names no node (got {entry.parent!r})")
    parent_of = {entry.id: entry.parent for _, entry in entries}
    for where, node in nodes:
        seen, current = {node.id}, node.parent
        while current is not None and current in parent_of:
            if current in seen:
                problems.append(f"{where}.parent: the parents form a cycle through {node.id!r}")
                break
            seen.add(current)
            current = parent_of[current]
        children = [entry for _, entry in entries if entry.parent == node.id]
        if not children:
            problems.append(f"{where}: a node needs at least one child (found none)")
        elif all(child.weight == 0 for child in children):
            problems.append(f"{where}: the weights of its children are all zero")


def _check_references(
    node_weight: dict[str, float],
    entry_ids: set[str],
    root: str,
    groups: list[tuple[str, Group]],
    variants: list[tuple[str, Variant]],
    problems: Problems,
) -> None:
    for where, group in groups:
        for member in group.members:
            if member not in node_weight:
                problems.append(f"{where}.members: names no node (got {member!r})")
        if all(member in node_weight for member in group.members) and not any(
            node_weight[member] > 0 for member in group.members
        ):
            problems.append(f"{where}.members: their weights are all zero")
    for where, variant in variants:
        for excluded in variant.exclude:
            if excluded == root or excluded not in entry_ids:
                problems.append(
                    f"{where}.exclude: must name a node or item below the root (got {excluded!r})"
                )


def _check_variants_leave_weight(
    entries: list[Node | Item], variants: list[tuple[str, Variant]], problems: Problems
) -> None:
    """Every node a variant keeps must keep a child with positive weight."""
    parent_of = {entry.id: entry.parent for entry in entries}
    for where, variant in variants:

        def kept(
            entry_id: str | None, left_out: frozenset[str] = frozenset(variant.exclude)
        ) -> bool:
            while entry_id is not None:
                if entry_id in left_out:
                    return False
                entry_id = parent_of.get(entry_id)
            return True

        for node in (entry for entry in entries if isinstance(entry, Node)):
            children = [e for e in entries if e.parent == node.id]
            if (
                kept(node.id)
                and children
                and not any(kept(child.id) and child.weight > 0 for child in children)
            ):
                problems.append(
                    f"{where}.exclude: leaves node {node.id!r} with no weighted child "
                    "(exclude the node itself instead)"
                )


def _read_main(path: Path, problems: Problems) -> Definition | None:
    raw = _parse_file(path, problems)
    if raw is None:
        return None
    spec = {
        "id": ("id", True, None),
        "name": ("string", True, None),
        "description": ("string", False, ""),
        "root": ("id", True, None),
        "include": ("strings", False, ()),
    }
    header_raw = {key: raw[key] for key in spec if key in raw}
    header = _read_table(header_raw, spec, str(path), problems)
    found = _read_entries(raw, path, _MAIN_KEYS | set(_TABLE_ARRAYS), problems)
    for include in (header or {}).get("include") or ():
        included_path = path.parent / include
        included = _parse_file(included_path, problems)
        if included is not None:
            more = _read_entries(included, included_path, ("nodes", "items"), problems)
            for name in ("nodes", "items"):
                found[name].extend(more[name])
    if header is None or problems:
        return None
    _check_tree(header["root"], found["nodes"], found["items"], path, problems)
    node_ids = {node.id for _, node in found["nodes"]}
    entry_ids = node_ids | {item.id for _, item in found["items"]}
    for name in ("facts", "groups", "variants"):
        _no_duplicates([entry.id for _, entry in found[name]], f"{path}: {name}", problems)
    _check_references(
        {node.id: node.weight for _, node in found["nodes"]},
        entry_ids,
        header["root"],
        found["groups"],
        found["variants"],
        problems,
    )
    if not problems:
        everything = [entry for _, entry in [*found["nodes"], *found["items"]]]
        _check_variants_leave_weight(everything, found["variants"], problems)
    if problems:
        return None
    nodes = [node for _, node in found["nodes"]]
    nodes.sort(key=lambda node: node.id != header["root"])
    return Definition(
        id=header["id"],
        name=header["name"],
        description=header["description"],
        root=header["root"],
        nodes=tuple(nodes),
        items=tuple(item for _, item in found["items"]),
        facts=tuple(fact for _, fact in found["facts"]),
        groups=tuple(group for _, group in found["groups"]),
        variants=tuple(variant for _, variant in found["variants"]),
        source=str(path),
    )


def shipped_folder(name: str) -> Path:
    """A data folder shipped with icindex: ``indicators`` or ``examples/cities``.

    An installed wheel holds them inside the package; a source checkout or an editable
    install has them at the top of the repository.
    """
    packaged = Path(str(resources.files("icindex"))) / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def _bundled_root() -> Path:
    return shipped_folder("indicators")


def bundled_definitions() -> tuple[str, ...]:
    """Names of the definitions shipped with icindex (folders of ``indicators/``).

    Examples
    --------
    >>> "icc" in bundled_definitions()
    True
    """
    root = _bundled_root()
    return tuple(sorted(p.name for p in root.iterdir() if (p / MAIN_FILE).is_file()))


def find_definition(name_or_path: str | Path) -> Path:
    """Return the main file of a definition given a bundled name, a folder or a TOML file."""
    path = Path(name_or_path)
    if path.is_dir():
        return path / MAIN_FILE
    if path.suffix == ".toml" or path.exists():
        return path
    bundled = _bundled_root() / str(name_or_path) / MAIN_FILE
    if bundled.is_file():
        return bundled
    raise DefinitionError(
        f"{name_or_path}: no such file or folder, and no bundled definition of that name "
        f"(bundled: {', '.join(bundled_definitions())})"
    )


def load_definition(name_or_path: str | Path = "icc") -> Definition:
    """Load and validate an index definition.

    Parameters
    ----------
    name_or_path : str or path, default "icc"
        A bundled definition's name (see :func:`bundled_definitions`), a folder holding
        ``index.toml``, or a single TOML file.

    Returns
    -------
    Definition
        The validated, immutable definition.

    Raises
    ------
    DefinitionError
        Listing every problem found, each naming the file and key path.

    Examples
    --------
    >>> icc = load_definition("icc")
    >>> len(icc.children(icc.root))
    17
    """
    main = find_definition(name_or_path)
    problems: Problems = []
    definition = _read_main(main, problems)
    if definition is None:
        raise DefinitionError(problems)
    return definition


def validate_paths(paths: Iterable[str | Path]) -> dict[str, tuple[str, ...]]:
    """Validate definitions; return every problem found per definition (empty when valid)."""
    report: dict[str, tuple[str, ...]] = {}
    for path in paths:
        try:
            load_definition(path)
            report[str(path)] = ()
        except DefinitionError as error:
            report[str(path)] = error.problems
    return report
