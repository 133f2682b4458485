"""COINr interop, the other way: write a definition and data set as COINr's ``iData`` and ``iMeta``.

Reading the two tables back with :func:`icindex.read_coinr` gives the same definition and data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from .._errors import DefinitionError
from .._files import atomic_write, exact_text, spreadsheet_safe
from .._model.definition import Definition, Fact
from .._model.tree import heights
from .cells import csv_line
from .coinr_tables import META_COLUMNS
from .dataset import Dataset

__all__ = ["write_coinr"]


def _levels(definition: Definition) -> dict[str, int]:
    """COINr's Level of each entry: indicators 1, a node one above its children (all alike).

    Computed from :func:`heights` (explicit stacks), so a tree of any depth works.
    """
    height = heights(definition)
    problems = []
    for node in definition.nodes:
        below = sorted({height[child.id] + 1 for child in definition.children(node.id)})
        if len(below) > 1:
            problems.append(
                f"{definition.source}: node {node.id!r}: COINr needs all children of an "
                f"aggregate on one level (found children at levels {below})"
            )
    if problems:
        raise DefinitionError(problems)
    return {entry_id: entry_height + 1 for entry_id, entry_height in height.items()}


def _check_writable(definition: Definition) -> None:
    """Raise for anything COINr's two tables cannot record (and so would score differently)."""
    problems = [
        f"{definition.source}: item {item.id!r}: COINr's iMeta holds numeric indicators only "
        f"(kind is {item.kind!r})"
        for item in definition.items
        if item.kind != "indicator"
    ]
    problems += [
        f"{definition.source}: item {item.id!r}: COINr's iMeta has no per-indicator normaliser "
        f"(normalise is {item.normalise.method!r}; pass it to Normalise(indiv_specs=...))"
        for item in definition.items
        if item.normalise is not None
    ]
    problems += [
        f"{definition.source}: item {item.id!r}: COINr's iMeta has no value range "
        f"(value_range is {list(item.value_range)}; leave it out to write the project)"
        for item in definition.items
        if item.value_range is not None
    ]
    problems += [
        f"{definition.source}: node {node.id!r}: COINr's iMeta has no aggregation method "
        f"(method is {node.method!r}; pass it to Aggregate(f_ag=...))"
        for node in definition.nodes
        if node.method != "amean"
    ]
    if definition.groups or definition.variants:
        problems.append(
            f"{definition.source}: groups and variants: COINr's iMeta cannot hold them "
            f"(found {len(definition.groups)} groups, {len(definition.variants)} variants)"
        )
    if problems:
        raise DefinitionError(problems)


def write_coinr(
    definition: Definition, dataset: Dataset, idata_csv: str | Path, imeta_csv: str | Path
) -> None:
    """Write a definition and its dataset as COINr's ``iData`` and ``iMeta`` tables (CSV).

    The reverse of :func:`read_coinr`: reading the files back gives the same definition and
    dataset (up to ``source``), numbers exactly. Numbers are written with
    :func:`~icindex._files.exact_text` (the shortest text that reads back as the same float),
    missing values as ``NA``; a text cell a spreadsheet would run as a formula starts with an
    apostrophe. Each file is written whole or not at all.

    Raises
    ------
    OutputError
        When a file cannot be written (a missing folder, a full disk), naming it.
    DefinitionError
        For what COINr's tables cannot record: items that are not ``indicator`` items, a
        per-indicator normaliser, a node method other than ``amean``, groups or variants,
        boolean facts, or children of one node on different levels.
    """
    _check_writable(definition)
    booleans = [fact.id for fact in definition.facts if fact.type == "boolean"]
    if booleans:
        raise DefinitionError(
            f"{definition.source}: facts {booleans}: COINr has no boolean columns"
        )
    facts = [f for f in dataset.fact_ids if f != "Time"]
    _write(Path(imeta_csv), list(META_COLUMNS), _meta_rows(definition, dataset, facts))
    times = ["Time"] if "Time" in dataset.fact_ids else []
    header = ["uName", "uCode", *dataset.group_ids, *times, *facts, *dataset.indicator_ids]
    position = {f: c for c, f in enumerate(dataset.fact_ids)}
    numbers = dataset.facts[:, [position[f] for f in [*times, *facts]]]
    data_rows = [
        [name, code, *groups, *fact_values, *indicator_values]
        for name, code, groups, fact_values, indicator_values in zip(
            dataset.unit_names,
            dataset.unit_ids.tolist(),
            [[g or None for g in row] for row in dataset.groups.tolist()],
            numbers.tolist(),
            dataset.values.tolist(),
            strict=True,
        )
    ]
    _write(Path(idata_csv), header, data_rows)


def _meta_rows(definition: Definition, dataset: Dataset, facts: list[str]) -> list[list[object]]:
    """iMeta's rows: indicators, aggregates by level, then group and denominator columns."""
    levels = _levels(definition)
    declared = {fact.id: fact for fact in definition.facts}
    rows: list[list[object]] = [
        [
            1,
            item.id,
            item.question,
            item.direction,
            item.weight,
            item.unit,
            item.target,
            item.denominator or None,
            item.parent,
            "Indicator",
        ]
        for item in definition.items
    ]
    nodes = sorted(definition.nodes, key=lambda node: levels[node.id])
    rows += [
        [levels[n.id], n.id, n.name, 1, n.weight, None, None, None, n.parent, "Aggregate"]
        for n in nodes
    ]
    for kind, ids in (("Group", dataset.group_ids), ("Denominator", facts)):
        for column in ids:
            fact = declared.get(column, Fact(column, column, "text"))
            rows.append(
                [None, column, fact.name, None, None, fact.unit or None, None, None, None, kind]
            )
    return rows


def _write(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    with atomic_write(path) as handle:
        handle.write(csv_line(spreadsheet_safe(column) for column in header))
        for row in rows:
            handle.write(csv_line(_text(value) for value in row))


def _text(value: object) -> str:
    """A cell of COINr's tables: ``NA`` for nothing, a number exactly, safe text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return exact_text(float(value))
    return spreadsheet_safe(str(value))
