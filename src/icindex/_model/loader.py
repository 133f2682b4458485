"""Read index definitions from TOML files into validated :class:`Definition` objects.

Every problem found is collected, each naming its file and key path, and raised together as
one :class:`DefinitionError`, so ``icindex validate`` can list them all at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from .._errors import DefinitionError, UsageError
from .._files import read_toml
from .definition import (
    Definition,
    Group,
    Item,
    Node,
    Variant,
)
from .readers import READERS
from .schema import (
    MAIN_FILE,
    MAIN_KEYS,
    SCHEMA_VERSION,
    TABLE_ARRAYS,
    Problems,
    entry_label,
    no_duplicates,
    read_table,
)
from .tree import children, tree_problems

__all__ = ["bundled_definitions", "find_definition", "load_definition", "validate_paths"]


def _parse_file(path: Path, problems: Problems) -> dict[str, Any] | None:
    """The TOML of ``path`` read by the one untrusted-file reader; its problem collected."""
    try:
        return read_toml(path, DefinitionError)
    except DefinitionError as error:
        problems.extend(error.problems)
        return None


_INCLUDE_RULE = "a relative path to a regular file inside the definition's folder"


def _include_problem(folder: Path, include: str, seen: dict[Path, str]) -> tuple[Path, str]:
    """Where ``include`` leads (resolved) and what is wrong with it ("" when nothing is)."""
    if PurePath(include).is_absolute():
        return folder, "an absolute path"
    if "\0" in include:
        return folder, "a name holding a NUL character"
    try:
        target = (folder / include).resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        return folder, "a symbolic link that leads nowhere (a loop)"
    if not target.is_relative_to(folder):
        return target, f"it leads outside {str(folder)!r}, to {str(target)!r}"
    if target in seen:
        return target, seen[target]
    try:
        if target.exists() and not target.is_file():
            return target, "not a regular file (a folder, device or pipe)"
    except OSError as error:  # a name too long for the file system, ...
        return target, f"it cannot be opened: {error.strerror}"
    return target, ""


def _include_paths(main: Path, includes: Sequence[str], problems: Problems) -> list[Path]:
    """The files the main file includes: each inside its folder, a regular file, named once.

    A file already named (or the main file itself) is a repeated include or a cycle, reported
    by name; a missing file is left for the reader to report.
    """
    folder = main.parent.resolve()
    seen = {main.resolve(): f"the main file {main.name!r} itself: an include cycle"}
    paths = []
    for index, include in enumerate(includes):
        target, problem = _include_problem(folder, include, seen)
        if problem:
            problems.append(
                f"{main}: include[{index}]: must be {_INCLUDE_RULE}, named once "
                f"(got {include!r}: {problem})"
            )
            continue
        seen[target] = f"a repeated include, already include[{index}]"
        paths.append(main.parent / include)
    return paths


def _nested_include(raw: dict[str, Any], path: Path, main: Path, problems: Problems) -> None:
    """An included file may not include more: say so, naming a file that includes itself."""
    if "include" not in raw:
        return
    names = raw["include"] if isinstance(raw["include"], list) else []
    own = path.resolve()
    itself = [n for n in names if isinstance(n, str) and (path.parent / n).resolve() == own]
    cycle = f" ({itself[0]!r} is this file itself, an include cycle)" if itself else ""
    problems.append(
        f"{path}: include: only the main file {main.name!r} includes files, includes do not "
        f"nest{cycle}"
    )


def _read_entries(
    raw: dict[str, Any], path: Path, allowed: Iterable[str], problems: Problems
) -> dict[str, list[tuple[str, Any]]]:
    """Read the arrays of tables of one file; return (file, object) pairs per array name."""
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        problems.append(f"{path}: schema_version: must be {SCHEMA_VERSION} (got {version!r})")
    allowed = set(allowed)
    # An included file's `include` is reported by _nested_include.
    for key in raw.keys() - allowed - {"schema_version", "include"}:
        problems.append(f"{path}: unknown key {key!r} (expected one of {sorted(allowed)})")
    found: dict[str, list[tuple[str, Any]]] = {name: [] for name in TABLE_ARRAYS}
    for name in TABLE_ARRAYS:
        if name not in raw or name not in allowed:
            continue
        entries = raw[name]
        if not isinstance(entries, list):
            problems.append(f"{path}: {name}: must be an array of tables, [[{name}]]")
            continue
        for index, entry in enumerate(entries):
            where = f"{path}: {entry_label(name, index, entry)}"
            parsed = READERS[name](entry, where, problems)
            if parsed is not None:
                found[name].append((where, parsed))
    return found


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
    entries: list[Node | Item], root: str, variants: list[tuple[str, Variant]], problems: Problems
) -> None:
    """Every node a variant keeps must keep a child with positive weight (the tree is valid)."""
    below = children(entries)
    weight = {entry.id: entry.weight for entry in entries}
    nodes = [entry.id for entry in entries if isinstance(entry, Node)]
    for where, variant in variants:
        left_out = set(variant.exclude)
        # Walk down from the root: an entry is kept when neither it nor an ancestor is left out.
        kept, stack = set(), [root] if root not in left_out else []
        while stack:
            node_id = stack.pop()
            kept.add(node_id)
            stack.extend(child for child in below.get(node_id, ()) if child not in left_out)
        for node_id in nodes:
            child_ids = below[node_id]
            if (
                node_id in kept
                and child_ids
                and not any(child in kept and weight[child] > 0 for child in child_ids)
            ):
                problems.append(
                    f"{where}.exclude: leaves node {node_id!r} with no weighted child "
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
    header = read_table(header_raw, spec, str(path), problems)
    found = _read_entries(raw, path, MAIN_KEYS | set(TABLE_ARRAYS), problems)
    for included_path in _include_paths(path, (header or {}).get("include") or (), problems):
        included = _parse_file(included_path, problems)
        if included is not None:
            _nested_include(included, included_path, path, problems)
            more = _read_entries(included, included_path, ("nodes", "items"), problems)
            for name in ("nodes", "items"):
                found[name].extend(more[name])
    if header is None or problems:
        return None
    problems.extend(tree_problems(header["root"], found["nodes"], found["items"], str(path)))
    node_ids = {node.id for _, node in found["nodes"]}
    entry_ids = node_ids | {item.id for _, item in found["items"]}
    for name in ("facts", "groups", "variants", "peer_bands"):
        no_duplicates([entry.id for _, entry in found[name]], f"{path}: {name}", problems)
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
        _check_variants_leave_weight(everything, header["root"], found["variants"], problems)
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
        peer_bands=tuple(band for _, band in found["peer_bands"]),
    )


def shipped_folder(name: str) -> Path:
    """A data folder shipped with icindex: ``indicators`` or ``examples/cities``.

    An installed wheel holds them inside the package; a source checkout or an editable
    install has them at the top of the repository.
    """
    packaged = Path(str(resources.files("icindex"))) / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / name


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


def _checked_name(name_or_path: object, function: str) -> str:
    """``name_or_path`` as text if it is a non-empty str or path; else UsageError."""
    text = os.fspath(name_or_path) if isinstance(name_or_path, str | os.PathLike) else None
    if not isinstance(text, str) or not text:
        raise UsageError(
            f"{function}(name_or_path): expected a bundled definition's name such as 'icc', or "
            f"the path of a folder or TOML file (got {name_or_path!r})"
        )
    return text


def find_definition(name_or_path: str | Path) -> Path:
    """Return the main file of a definition given a bundled name, a folder or a TOML file.

    A ``name_or_path`` that is no non-empty str or path raises :class:`UsageError`.
    """
    name = _checked_name(name_or_path, "find_definition")
    path = Path(name)
    if path.is_dir():
        return path / MAIN_FILE
    if path.suffix == ".toml" or path.exists():
        return path
    if name in bundled_definitions():
        return _bundled_root() / name / MAIN_FILE
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
    UsageError
        ``name_or_path`` is no non-empty str or path (``None``, ``""``, a number).

    Examples
    --------
    >>> icc = load_definition("icc")
    >>> len(icc.children(icc.root))
    17
    """
    main = find_definition(_checked_name(name_or_path, "load_definition"))
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
