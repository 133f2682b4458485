"""COINr interop: read a COINr project's ``iData`` and ``iMeta`` tables (the writer: _coinr_write).

COINr (the EU JRC's R toolkit for composite indicators) describes an index with two tables:
``iMeta``, one row per indicator or aggregate (``Level``, ``iCode``, ``Parent``, ``Direction``,
``Weight``, ``Type``, ...), and ``iData``, one row per unit (``uCode``, ``uName``, then a column
per indicator, group and denominator). :func:`read_coinr` maps them onto a :class:`Definition`
and a :class:`Dataset`; anything it cannot map is an error naming the file, row and column.
Rows are counted as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
from numpy.typing import NDArray

from .._errors import DefinitionError, ResponseError
from .._model.definition import Definition, Fact, Item, Node
from .._model.schema import ID_PATTERN
from .._model.tree import tree_problems
from .coinr_tables import (
    META_COLUMNS,
    REQUIRED_META,
    TYPES,
    UNIT_COLUMNS,
    Row,
    cell,
    number,
    read_table,
)
from .dataset import Dataset

__all__ = ["read_coinr"]

# The tree checker's problems in iMeta's words (see icindex._model.tree.LOADER_MESSAGES).
_NEEDS_CHILD = "{where}, column 'iCode': an Aggregate needs a child of positive weight"
_TREE_MESSAGES = {
    "duplicate": "{where}, column 'iCode': is used twice (first at {first})",
    "root_missing": "{where}, column 'Parent': exactly one Aggregate has no Parent (got {root!r})",
    "root_has_parent": "{where}, column 'Parent': the index has no Parent (got {parent!r})",
    "no_parent": "{where}, column 'Parent': only the index {root!r} has no Parent (got NA)",
    "parent_is_item": "{where}, column 'Parent': must name an Aggregate (got {parent!r})",
    "parent_missing": "{where}, column 'Parent': must name an Aggregate (got {parent!r})",
    "cycle": "{where}, column 'Parent': the parents form a cycle through {cycle}",
    "childless": _NEEDS_CHILD,
    "zero_weights": _NEEDS_CHILD,
}


class _Meta:
    """The rows of an iMeta table, checked; problems collected with their places."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.types: dict[str, str] = {}
        header, self.rows = read_table(path, DefinitionError)
        for column in header:
            if column not in META_COLUMNS:
                self.problem(
                    1, None, column, f"is not a column icindex can map ({list(META_COLUMNS)})"
                )
        for column in REQUIRED_META:
            if column not in header:
                self.problem(1, None, column, "is required (missing from the header)")

    def problem(self, row: int, code: str | None, column: str, text: str) -> None:
        where = f"row {row}" + (
            f" (iCode {code!r})" if code else " (the header)" if row == 1 else ""
        )
        self.problems.append(f"{self.path}: {where}, column {column!r}: {text}")

    def value(self, line: int, row: Row, column: str) -> float | None:
        try:
            return number(row, column)
        except ValueError as reason:
            self.problem(line, cell(row, "iCode"), column, f"must be a number or NA ({reason})")
            return None


def _tree_entry(meta: _Meta, line: int, row: Row, code: str) -> Node | Item | None:
    """The node or indicator of one Indicator or Aggregate row."""
    kind = cell(row, "Type")
    level, weight = meta.value(line, row, "Level"), meta.value(line, row, "Weight")
    direction, target = meta.value(line, row, "Direction"), meta.value(line, row, "Target")
    ok = True
    if level is None or level != int(level) or level < 1:
        meta.problem(line, code, "Level", f"must be a whole number >= 1 (got {row.get('Level')!r})")
        ok = False
    elif kind == "Indicator" and level != 1:
        meta.problem(line, code, "Level", f"an Indicator is at level 1 (got {row['Level']!r})")
        ok = False
    if weight is None or weight < 0:
        meta.problem(line, code, "Weight", f"must be a number >= 0 (got {row.get('Weight')!r})")
        ok = False
    allowed = (1.0, -1.0) if kind == "Indicator" else (None, 1.0)
    if direction not in allowed:
        expected = "1 or -1" if kind == "Indicator" else "1 or NA (an aggregate has no direction)"
        meta.problem(line, code, "Direction", f"must be {expected} (got {row.get('Direction')!r})")
        ok = False
    if kind == "Aggregate" and (target is not None or cell(row, "Denominator") is not None):
        column = "Target" if target is not None else "Denominator"
        meta.problem(line, code, column, f"must be NA for an Aggregate (got {row[column]!r})")
        ok = False
    if not ok or weight is None:
        return None
    name, parent = cell(row, "iName") or code, cell(row, "Parent")
    if kind == "Aggregate":
        return Node(code, name, parent, weight)
    return Item(
        code,
        parent or "",
        "indicator",
        name,
        weight=weight,
        unit=cell(row, "Unit") or "",
        direction=int(direction or 1),
        target=target,
        denominator=cell(row, "Denominator") or "",
    )


def _check_tree(
    meta: _Meta, entries: list[tuple[int, Node | Item]], levels: dict[str, int], tops: list[str]
) -> None:
    """Check parents and levels, then (if all is well so far) the tree, with :func:`tree_problems`.

    ``levels`` holds the rows read without problems; ``tops`` the Aggregates without a Parent.
    """
    if len(tops) != 1:
        meta.problem(
            1, None, "Parent", f"exactly one Aggregate has no Parent, the index (got {tops})"
        )
    aggregates = {code for code, kind in meta.types.items() if kind == "Aggregate"}
    for line, entry in entries:
        if isinstance(entry, Item) and not entry.parent:
            meta.problem(line, entry.id, "Parent", "an Indicator needs a Parent (got NA)")
        elif entry.parent is not None and entry.parent not in aggregates:
            meta.problem(line, entry.id, "Parent", f"must name an Aggregate (got {entry.parent!r})")
        elif entry.parent in levels and levels[entry.parent] != levels[entry.id] + 1:
            meta.problem(
                line,
                entry.id,
                "Parent",
                f"{entry.parent!r} is at level {levels[entry.parent]}, not one above "
                f"this row's level {levels[entry.id]}",
            )
    if meta.problems:
        return
    placed = [(f"{meta.path}: row {line} (iCode {entry.id!r})", entry) for line, entry in entries]
    meta.problems += tree_problems(
        tops[0],
        [(where, entry) for where, entry in placed if isinstance(entry, Node)],
        [(where, entry) for where, entry in placed if isinstance(entry, Item)],
        f"{meta.path}: row 1 (the header)",
        _TREE_MESSAGES,
    )


def _read_meta(path: Path) -> tuple[Definition, dict[str, str]]:
    """The definition of an iMeta table and the Type of each of its columns for iData."""
    meta = _Meta(path)
    entries: list[tuple[int, Node | Item]] = []
    facts: list[Fact] = []
    types = meta.types
    levels: dict[str, int] = {}
    tops: list[str] = []
    if meta.problems:
        raise DefinitionError(meta.problems)
    for line, row in meta.rows:
        code, kind = cell(row, "iCode"), cell(row, "Type")
        if code is None or ID_PATTERN.match(code) is None:
            meta.problem(
                line, None, "iCode", f"must match {ID_PATTERN.pattern} (got {row['iCode']!r})"
            )
            continue
        if code in types or code in UNIT_COLUMNS:
            meta.problem(line, code, "iCode", "is used twice (iCodes are unique)")
            continue
        if kind not in TYPES:
            meta.problem(line, code, "Type", f"must be one of {list(TYPES)} (got {row['Type']!r})")
            continue
        types[code] = kind
        if kind == "Aggregate" and cell(row, "Parent") is None:
            tops.append(code)
        if kind in ("Indicator", "Aggregate"):
            entry = _tree_entry(meta, line, row, code)
            if entry is not None:
                entries.append((line, entry))
                levels[code] = int(meta.value(line, row, "Level") or 0)
            continue
        for column in ("Level", "Parent"):
            if cell(row, column) is not None:
                meta.problem(line, code, column, f"must be NA for a {kind} (got {row[column]!r})")
        name, unit = cell(row, "iName") or code, cell(row, "Unit") or ""
        facts.append(Fact(code, name, "text" if kind == "Group" else "number", unit))
    _check_tree(meta, entries, levels, tops)
    _check_denominators(meta, entries, {f.id for f in facts if types[f.id] == "Denominator"})
    if meta.problems:
        raise DefinitionError(meta.problems)
    return _definition(path, tops[0], [entry for _, entry in entries], facts), types


def _check_denominators(
    meta: _Meta, entries: list[tuple[int, Node | Item]], denominators: set[str]
) -> None:
    for line, entry in entries:
        if isinstance(entry, Item) and entry.denominator and entry.denominator not in denominators:
            meta.problem(
                line,
                entry.id,
                "Denominator",
                f"names no Denominator row (got {entry.denominator!r})",
            )


def _definition(path: Path, root: str, entries: list[Node | Item], facts: list[Fact]) -> Definition:
    """The definition of checked iMeta rows: the root node first."""
    nodes = [entry for entry in entries if isinstance(entry, Node)]
    nodes.sort(key=lambda node: node.id != root)
    return Definition(
        id=root,
        name=nodes[0].name,
        root=root,
        nodes=tuple(nodes),
        items=tuple(entry for entry in entries if isinstance(entry, Item)),
        facts=tuple(facts),
        source=str(path),
    )


def _read_data(path: Path, definition: Definition, types: dict[str, str]) -> Dataset:
    header, lined = read_table(path, ResponseError)
    rows = [row for _, row in lined]
    _check_header(path, header, types)
    columns = {kind: [c for c in header if types.get(c) == kind] for kind in TYPES}
    numeric = columns["Indicator"] + columns["Denominator"] + (["Time"] if "Time" in header else [])
    numeric += [c for c in columns["Other"] if _all_numbers(rows, c)]
    text = columns["Group"] + [c for c in columns["Other"] if c not in numeric]
    values, codes, problems = _parse_rows(path, lined, numeric)
    times = {time for row in rows if (time := cell(row, "Time")) is not None}
    if len(times) > 1:
        problems.append(f"{path}: column 'Time': one time point per file (got {sorted(times)})")
    if problems:
        raise ResponseError("\n".join(problems))
    if not rows:
        raise ResponseError(f"{path}: no units: a header and no rows (expected one row a unit)")
    indicators = [item.id for item in definition.items]
    position = {column: c for c, column in enumerate(numeric)}
    facts = [c for c in numeric if c not in indicators]
    return Dataset(
        unit_ids=codes,
        indicator_ids=tuple(indicators),
        values=values[:, [position[i] for i in indicators]].reshape(len(rows), -1),
        unit_names=tuple(cell(row, "uName") or code for row, code in zip(rows, codes, strict=True)),
        group_ids=tuple(text),
        groups=np.array([[cell(row, c) or "" for c in text] for row in rows], dtype=str).reshape(
            len(rows), -1
        ),
        fact_ids=tuple(facts),
        facts=values[:, [position[f] for f in facts]].reshape(len(rows), -1),
    )


def _check_header(path: Path, header: list[str], types: dict[str, str]) -> None:
    """Every iData column is an iCode of iMeta, and every non-aggregate iCode has a column."""
    problems = [
        f"{path}: row 1 (the header), column {column!r}: is no iCode of iMeta"
        for column in header
        if column not in types and column not in UNIT_COLUMNS
    ]
    problems += [
        f"{path}: row 1 (the header), column {code!r}: is missing ({kind} in iMeta)"
        for code, kind in types.items()
        if kind != "Aggregate" and code not in header
    ]
    if "uCode" not in header:
        problems.append(f"{path}: row 1 (the header), column 'uCode': is missing (one per unit)")
    if problems:
        raise ResponseError("\n".join(problems))


def _parse_rows(
    path: Path, rows: list[tuple[int, Row]], numeric: list[str]
) -> tuple[NDArray[np.float64], list[str], list[str]]:
    """The numeric columns of every row, the unit codes, and the problems found."""
    values = np.full((len(rows), len(numeric)), np.nan)
    codes: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for r, (line, row) in enumerate(rows):
        where = f"{path}: row {line} (uCode {row.get('uCode')!r})"
        unit = cell(row, "uCode")
        if unit is None or unit in seen:
            problems.append(
                f"{where}, column 'uCode': must be a unit code used once (got {unit!r})"
            )
        codes.append(unit or "")
        seen.add(unit or "")
        for c, column in enumerate(numeric):
            try:
                value = number(row, column)
            except ValueError as reason:
                problems.append(f"{where}, column {column!r}: must be a number or NA ({reason})")
                continue
            values[r, c] = np.nan if value is None else value
    return values, codes, problems


def _all_numbers(rows: list[Row], column: str) -> bool:
    try:
        for row in rows:
            number(row, column)
    except ValueError:
        return False
    return True


def read_coinr(idata_csv: str | Path, imeta_csv: str | Path) -> tuple[Definition, Dataset]:
    """Read a COINr project's ``iData`` and ``iMeta`` tables (CSV files, as COINr's users export).

    ``iMeta`` becomes the definition: ``Indicator`` rows become ``indicator`` items (``iName``
    their name, ``Direction``, ``Weight``, ``Unit``, ``Target``, ``Denominator``), ``Aggregate``
    rows nodes (the one without a ``Parent`` is the root, and names the definition), and
    ``Group``, ``Denominator`` and ``Other`` rows facts. ``iData`` becomes the dataset: ``uCode``
    and ``uName`` name the units, indicator columns hold the raw values (``NA`` missing), group
    columns become unit groups and denominator columns (and ``Time``) numeric facts; an
    ``Other`` column is a fact when all its cells are numbers, else a unit group.

    Parameters
    ----------
    idata_csv, imeta_csv : str or Path
        The two tables, with a header row; ``NA`` or an empty cell is missing.

    Returns
    -------
    (Definition, Dataset)

    Raises
    ------
    DefinitionError
        ``iMeta`` problems, all of them, each naming the file, row (the header is row 1) and
        column: an unknown Type or column, a Direction other than 1 or -1, a Parent that names
        no Aggregate or is not one level up, duplicate iCodes, an Aggregate without children.
    ResponseError
        ``iData`` problems, each naming the file, row, uCode and column: a column iMeta does not
        describe, a value that is not a line, a repeated uCode, several Time points.

    Examples
    --------
    >>> definition, data = read_coinr("asem_idata.csv", "asem_imeta.csv")  # doctest: +SKIP
    >>> score_composite(definition, data).column("Index")  # doctest: +SKIP
    """
    definition, types = _read_meta(Path(imeta_csv))
    dataset = _read_data(Path(idata_csv), definition, types)
    facts = [
        fact if fact.id not in dataset.group_ids else Fact(fact.id, fact.name, "text", fact.unit)
        for fact in definition.facts
    ]
    if "Time" in dataset.fact_ids:
        facts.append(Fact("Time", "Time", "number"))
    return attrs.evolve(definition, facts=tuple(facts)), dataset
