"""A :class:`Sample` saved as CSV or JSON, and read back.

CSV: one row per city; columns ``city_id, name, round, definition, missing, peer_group,
peer_note``, then ``fact:ID`` per numeric fact, then per aggregate ``ID``, ``coverage:ID``,
``input:ID`` and ``impact:ID``. Numbers are written with ``repr`` (they read back exactly), an
unknown value is an empty cell. JSON: the same fields as one object with lists of rows.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import ResponseError
from .._model.definition import ROLES, Definition
from .sample import Sample, structure

__all__ = ["load_sample", "save_sample"]

_META = ("city_id", "name", "round", "definition", "missing", "peer_group", "peer_note")
_ARRAYS = ("values", "coverage")


def _cell(value: float) -> str:
    return "" if math.isnan(value) else repr(value)


def _header(sample: Sample) -> list[str]:
    aggregates = [
        f"{prefix}{c}"
        for c in sample.columns
        for prefix in ("", "coverage:", *(f"{r}:" for r in ROLES))
    ]
    return [*_META, *(f"fact:{f}" for f in sample.fact_ids), *aggregates]


def _numbers(sample: Sample, row: int) -> list[float]:
    cells = list(sample.facts[row])
    for c in range(len(sample.columns)):
        cells += [sample.values[row, c], sample.coverage[row, c]]
        cells += [sample.role_values[r, row, c] for r in range(len(ROLES))]
    return [float(x) for x in cells]


def save_sample(sample: Sample, path: str | Path) -> None:
    """Write ``sample`` to ``path``: CSV or JSON by its suffix (``.csv``, ``.json``).

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
    if path.suffix.lower() == ".json":
        header = _header(sample)
        records = [
            dict(zip(header, [*m, *(None if math.isnan(x) else x for x in n)], strict=True))
            for m, n in zip(metas, numbers, strict=True)
        ]
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(_header(sample))
        writer.writerows([[*m, *map(_cell, n)] for m, n in zip(metas, numbers, strict=True)])


def load_sample(path: str | Path, definition: Definition) -> Sample:
    """Read a sample written by :func:`save_sample` (CSV or JSON, by suffix) of ``definition``."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ResponseError(f"{path}: expected a JSON list of city objects")
        header = list(records[0]) if records else list(_META)
        table = [[r.get(k) for k in header] for r in records]
    else:
        with path.open(newline="", encoding="utf-8") as handle:
            header, *table = list(csv.reader(handle))
    return _sample(path, header, table, definition)


def _sample(
    path: Path, header: list[str], table: list[list[Any]], definition: Definition
) -> Sample:
    if header[: len(_META)] != list(_META):
        raise ResponseError(f"{path}: expected the columns {list(_META)} first (got {header[:7]})")
    facts = [h[5:] for h in header if h.startswith("fact:")]
    columns = [h for h in header[len(_META) + len(facts) :] if ":" not in h]
    numbers = np.array(
        [[_number(path, i, x) for x in row[len(_META) :]] for i, row in enumerate(table)]
    )
    numbers = numbers.reshape(len(table), len(header) - len(_META))
    k, per = len(facts), 2 + len(ROLES)
    blocks = numbers[:, k:].reshape(len(table), len(columns), per)
    meta = [tuple(str(row[j]) for row in table) for j in range(len(_META))]
    definitions, missing = set(meta[3]), set(meta[4])
    kinds, indicators = structure(definition)
    expected = (*(n.id for n in definition.nodes), *(g.id for g in definition.groups),
                *(v.id for v in definition.variants))  # fmt: skip
    if definitions - {definition.id} or len(missing) > 1 or tuple(columns) != expected:
        raise ResponseError(
            f"{path}: expected a sample of definition {definition.id!r} with columns "
            f"{list(expected)[:4]} ... and one policy (got {sorted(definitions)}, {columns[:4]} "
            f"..., {sorted(missing)})"
        )
    return Sample(
        definitions.pop() if definitions else "", missing.pop() if missing else "zero",
        meta[0], meta[1], meta[2], tuple(columns), blocks[:, :, 0], blocks[:, :, 1],
        np.moveaxis(blocks[:, :, 2:], 2, 0), tuple(facts), numbers[:, :k], meta[5], meta[6],
        kinds, indicators,
    )  # fmt: skip


def _number(path: Path, row: int, value: Any) -> float:
    if value is None or value == "":
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ResponseError(f"{path}: row {row + 2}: expected a number (got {value!r})") from None
