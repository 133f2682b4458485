"""A :class:`Sample` saved as CSV or JSON, and read back.

CSV: one row per city; columns ``city_id, name, round, definition, missing, peer_group,
peer_note``, then ``fact:ID`` per numeric fact, then per aggregate ``ID``, ``coverage:ID``,
``input:ID`` and ``impact:ID``. Numbers carry 15 significant digits
(:func:`~icindex._files.number_text`), an unknown value is an empty cell, and a text cell a
spreadsheet would run as a formula starts with an apostrophe, removed again on reading
(:func:`~icindex._files.spreadsheet_safe`). JSON: the same fields as one object per city, at
full precision. Files are written whole or not at all; reading one that is not a saved sample
of the definition raises :class:`~icindex.ResponseError` naming the file and line or record.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import ResponseError
from .._files import (
    atomic_write,
    csv_table,
    not_utf8,
    number_text,
    parse_number,
    regular_file,
    spreadsheet_safe,
    spreadsheet_text,
)
from .._io.cells import csv_line
from .._model.definition import ROLES, Definition
from .sample import Sample, structure

__all__ = ["load_sample", "save_sample"]

_META = ("city_id", "name", "round", "definition", "missing", "peer_group", "peer_note")
_BOM = "\ufeff"


def _cell(value: float) -> str:
    return "" if math.isnan(value) else number_text(value)


def _aggregate_header(columns: tuple[str, ...]) -> list[str]:
    return [
        f"{prefix}{c}" for c in columns for prefix in ("", "coverage:", *(f"{r}:" for r in ROLES))
    ]


def _header(sample: Sample) -> list[str]:
    return [*_META, *(f"fact:{f}" for f in sample.fact_ids), *_aggregate_header(sample.columns)]


def _numbers(sample: Sample, row: int) -> list[float]:
    cells = list(sample.facts[row])
    for c in range(len(sample.columns)):
        cells += [sample.values[row, c], sample.coverage[row, c]]
        cells += [sample.role_values[r, row, c] for r in range(len(ROLES))]
    return [float(x) for x in cells]


def save_sample(sample: Sample, path: str | Path) -> None:
    """Write ``sample`` to ``path``: CSV or JSON by its suffix (``.csv``, ``.json``).

    Raises
    ------
    OutputError
        When ``path`` cannot be written (a missing folder, a full disk), naming it.

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> sample = icindex.Sample.of(icc, [icindex.CityResponse("a", "A")])
    >>> save_sample(sample, "sample.csv")
    >>> load_sample("sample.csv", icc) == sample
    True
    """
    path = Path(path)
    metas = [
        [sample.city_ids[i], sample.names[i], sample.rounds[i], sample.definition_id,
         sample.missing, sample.peer_groups[i], sample.peer_notes[i]]
        for i in range(len(sample))
    ]  # fmt: skip
    numbers = [_numbers(sample, i) for i in range(len(sample))]
    header = _header(sample)
    with atomic_write(path) as handle:
        if path.suffix.lower() == ".json":
            records = [
                dict(zip(header, [*m, *(None if math.isnan(x) else x for x in n)], strict=True))
                for m, n in zip(metas, numbers, strict=True)
            ]
            handle.write(json.dumps(records, ensure_ascii=False, indent=1))
            return
        handle.write(csv_line(spreadsheet_safe(column) for column in header))
        for meta, row in zip(metas, numbers, strict=True):
            handle.write(csv_line([*map(spreadsheet_safe, meta), *map(_cell, row)]))


def load_sample(path: str | Path, definition: Definition) -> Sample:
    """Read a sample written by :func:`save_sample` (CSV or JSON, by suffix) of ``definition``.

    Raises
    ------
    ResponseError
        Naming the file (and line or record) when it is missing, not UTF-8, not valid CSV or
        JSON, has a row of the wrong width or a cell that is not a number where one is
        expected, or is not a sample of ``definition``.
    """
    path = Path(path)
    regular_file(path, ResponseError)
    if path.suffix.lower() == ".json":
        header, table = _json_table(path)
    else:
        header, table = _csv_table(path)
    return _sample(path, header, table, definition)


# A table read from a file: the header, then (where, cells) per city, ``where`` naming the line
# or record for errors.
_Rows = list[tuple[str, list[Any]]]


def _csv_table(path: Path) -> tuple[list[str], _Rows]:
    header, rows = csv_table(path, ResponseError, f"{list(_META)} ...")
    table: _Rows = []
    for line, row in rows:
        if len(row) != len(header):
            raise ResponseError(
                f"{path}: line {line}: expected {len(header)} cells as in the header "
                f"(got {len(row)})"
            )
        meta = [spreadsheet_text(cell) for cell in row[: len(_META)]]
        table.append((f"line {line}", [*meta, *row[len(_META) :]]))
    return header, table


def _json_table(path: Path) -> tuple[list[str], _Rows]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError:
        raise not_utf8(path, data, ResponseError) from None
    try:
        records = json.loads(text)
    except ValueError as problem:  # JSONDecodeError, or an integer of over 4,300 digits
        raise ResponseError(f"{path}: not valid JSON: {problem}") from None
    except RecursionError:
        raise ResponseError(f"{path}: JSON nested too deeply for a saved sample") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ResponseError(f"{path}: expected a JSON list of city objects")
    header = list(records[0]) if records else list(_META)
    table: _Rows = []
    for number, record in enumerate(records, start=1):
        if list(record) != header:
            raise ResponseError(
                f"{path}: city {number}: expected the keys of the first city "
                f"{header[:8]} ... (got {list(record)[:8]} ...)"
            )
        meta = record[header[0]] if header else None
        for key in _META:
            if not isinstance(record.get(key, ""), str):
                raise ResponseError(
                    f"{path}: city {number} ({meta!r}): {key!r} must be text "
                    f"(got {record[key]!r:.40})"
                )
        table.append((f"city {number}", list(record.values())))
    return header, table


def _sample(path: Path, header: list[str], table: _Rows, definition: Definition) -> Sample:
    if header[: len(_META)] != list(_META):
        raise ResponseError(f"{path}: expected the columns {list(_META)} first (got {header[:7]})")
    facts = [h.removeprefix("fact:") for h in header[len(_META) :] if h.startswith("fact:")]
    kinds, indicators = structure(definition)
    expected = (*(n.id for n in definition.nodes), *(g.id for g in definition.groups),
                *(v.id for v in definition.variants))  # fmt: skip
    want = [*_META, *(f"fact:{f}" for f in facts), *_aggregate_header(expected)]
    if header != want:
        differ = [k for k, (h, w) in enumerate(zip(header, want, strict=False)) if h != w]
        at = differ[0] if differ else min(len(header), len(want))
        found = header[at] if at < len(header) else "the end of the header"
        raise ResponseError(
            f"{path}: expected a sample of definition {definition.id!r}: column {at + 1} should "
            f"be {want[at] if at < len(want) else 'the last'!r} (got {found!r})"
        )
    width = len(header) - len(_META)
    numbers = np.array(
        [[_number(path, where, header[len(_META) + j], x) for j, x in enumerate(row[len(_META) :])]
         for where, row in table],
        dtype=np.float64,
    ).reshape(len(table), width)  # fmt: skip
    k, per = len(facts), 2 + len(ROLES)
    blocks = numbers[:, k:].reshape(len(table), len(expected), per)
    meta = [tuple(str(row[j]) for _, row in table) for j in range(len(_META))]
    definitions, missing = set(meta[3]), set(meta[4])
    if definitions - {definition.id} or len(missing) > 1:
        raise ResponseError(
            f"{path}: expected a sample of definition {definition.id!r} scored with one policy "
            f"(got definitions {sorted(definitions)}, policies {sorted(missing)})"
        )
    return Sample(
        definitions.pop() if definitions else "", missing.pop() if missing else "zero",
        meta[0], meta[1], meta[2], expected, blocks[:, :, 0], blocks[:, :, 1],
        np.moveaxis(blocks[:, :, 2:], 2, 0), tuple(facts), numbers[:, :k], meta[5], meta[6],
        kinds, indicators,
    )  # fmt: skip


def _number(path: Path, where: str, column: str, value: Any) -> float:
    if value is None or value == "":
        return math.nan
    try:
        return parse_number(value)
    except ValueError as problem:
        reason = str(problem) if len(str(problem)) < 120 else f"{str(value)[:40]}... is too large"
        raise ResponseError(f"{path}: {where}: column {column!r}: {reason}") from None
