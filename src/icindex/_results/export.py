"""Exports of :class:`~icindex.Scores`: one table from a format name to the function writing it.

Every exporter takes the scores and keyword options and returns text; :data:`EXPORTERS` maps
each format name to its exporter, so callers (``Scores.export``, the command line) choose a
format by look-up, never by an if-chain. The exporters read only the public attributes of
``Scores`` (``city_ids``, ``city_names``, ``ids``, ``names``, ``kinds``, ``values``,
``coverage``, ``lower``, ``upper``, ``imputed``, ``missing``, ``definition_id``, ``root``,
``countries``, ``rounds``, ``facts``, ``evidence``) and ``Scores.select``. The CSV layout
lives in :mod:`.csv_layout`; :func:`icindex._results.read.read_scores` reads CSV and JSON back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .._errors import ScoringError
from .._files import atomic_write, terminal_width, visible
from .csv_layout import ALL_KINDS, csv_columns, csv_rows

if TYPE_CHECKING:
    from .scores import Scores

__all__ = [
    "EXPORTERS",
    "Exporter",
    "city_records",
    "coinr_csv",
    "csv_columns",
    "csv_rows",
    "to_csv",
    "to_dataframe",
    "to_dict",
    "to_json",
    "to_table",
    "write",
]

FloatArray = NDArray[np.float64]

#: An exporter: ``exporter(scores, **options) -> text``. Each takes its own keyword options, so
#: the type says only "scores first, text back".
Exporter = Callable[..., str]

AGGREGATE_KINDS = ("node", "group", "variant")


def write(text: str, path: str | Path | None) -> str:
    """Write ``text`` to ``path`` (UTF-8, ending in a newline) when a path is given; return it.

    The file is written whole or not at all (:func:`icindex._files.atomic_write`): a failure
    leaves an older file as it was. A missing folder or a failed write raises
    :class:`~icindex.OutputError` naming the path.
    """
    if path is not None:
        with atomic_write(Path(path)) as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    return text


def to_dict(scores: Scores) -> dict[str, Any]:
    """Plain Python data: definition, policy and per city its scores, coverage and bounds.

    NaN becomes None, so the result is valid JSON.

    Parameters
    ----------
    scores : Scores
        The scores to export.

    Returns
    -------
    dict
        ``{"definition", "missing", "root", "columns": [{"id", "name", "kind"}],
        "facts": [fact ids, when known], "cities": [...]}``; each city has ``id``,
        ``name``, ``country``, ``round``, ``facts`` and ``evidence`` when the scores carry
        them, ``scores`` and ``coverage`` (column id -> number or None), ``lower`` and
        ``upper`` with bounds, ``imputed`` (item ids) with imputation. Numbers are kept at
        full precision.
    """
    columns = [
        {"id": i, "name": n, "kind": k}
        for i, n, k in zip(scores.ids, scores.names, scores.kinds, strict=True)
    ]
    return {
        "definition": scores.definition_id,
        "missing": scores.missing,
        "root": scores.root,
        "columns": columns,
        **({} if scores.fact_ids is None else {"facts": list(scores.fact_ids)}),
        "cities": list(city_records(scores)),
    }


def city_records(scores: Scores) -> Iterator[dict[str, Any]]:
    """The per-city data of :func:`to_dict`, one dict per city (NaN as None).

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> scores = icindex.score(icc, icindex.synthetic_cities(icc, 2, seed=0)).stored()
    >>> [city["id"] for city in city_records(scores)]
    ['city0', 'city1']
    """
    for row in range(len(scores.city_ids)):
        yield _city(scores, row)


def _city(scores: Scores, row: int) -> dict[str, Any]:
    city: dict[str, Any] = {"id": str(scores.city_ids[row]), "name": scores.city_names[row]}
    about = {
        "country": scores.countries,
        "round": scores.rounds,
        "facts": scores.facts,
        "evidence": scores.evidence,
    }
    for key, carried in about.items():
        if carried is not None:
            value = carried[row]
            city[key] = value if isinstance(value, str) else dict(value)
    city |= {
        "scores": _labelled(scores.ids, scores.values[row]),
        "coverage": _labelled(scores.ids, scores.coverage[row]),
    }
    if scores.lower is not None and scores.upper is not None:
        city["lower"] = _labelled(scores.ids, scores.lower[row])
        city["upper"] = _labelled(scores.ids, scores.upper[row])
    if scores.imputed is not None:
        flags = scores.imputed[row].tolist()
        city["imputed"] = [i for i, flag in zip(scores.ids, flags, strict=True) if flag]
    return city


def _labelled(ids: tuple[str, ...], numbers: FloatArray) -> dict[str, float | None]:
    return {i: (None if math.isnan(x) else x) for i, x in zip(ids, numbers.tolist(), strict=True)}


def to_json(scores: Scores, *, indent: int | None = 2) -> str:
    """The :func:`to_dict` data as JSON text: UTF-8 with non-ASCII kept, NaN as ``null``.

    Examples
    --------
    >>> import json, icindex
    >>> icc = icindex.load_definition("icc")
    >>> scores = icindex.score(icc, icindex.synthetic_cities(icc, 2, seed=0))
    >>> len(json.loads(to_json(scores))["cities"])
    2
    """
    return json.dumps(to_dict(scores), ensure_ascii=False, indent=indent, allow_nan=False)


def to_csv(
    scores: Scores,
    *,
    id_column: str = "city_id",
    coverage: bool = True,
    kinds: tuple[str, ...] = ALL_KINDS,
    names: bool = True,
    imputed: bool = True,
    item_suffix: str | None = None,
) -> str:
    """One row per city: its id, name, country, round and facts, then one column per score.

    The layout is described in :mod:`icindex._results.csv_layout` and ``docs/scale.md``.

    Parameters
    ----------
    scores : Scores
        The scores to export.
    id_column : str
        Header of the first column, the city ids.
    coverage : bool
        Add ``<id>:coverage`` columns (0-1) after the scores and bounds.
    kinds : tuple of str
        The kinds of columns to write, in column order.
    names : bool
        Add the ``name`` column after the ids, then ``country`` and ``round`` and a
        ``fact:<id>`` column per fact when the scores carry them. Without it: COINr's layout
        (``uCode``, scores).
    imputed : bool
        With imputation, add ``<id>:imputed`` per item (1 where imputed, else 0).
    item_suffix : str, optional
        Appended to an item's id in its score column header: ``:score`` by default, nothing
        without ``names`` (COINr's layout keeps COINr's bare codes).

    Returns
    -------
    str
        CSV text; with bounds, ``<id>:lower`` and ``<id>:upper`` follow the scores. Numbers
        carry 15 significant digits (``21.000000000000004`` is ``21``); missing scores are
        empty cells; a text cell a spreadsheet would run as a formula starts with ``'``.

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> scores = icindex.score(icc, icindex.synthetic_sample(icc, 2, seed=0))
    >>> to_csv(scores).split(",")[:4]
    ['city_id', 'name', 'country', 'round']
    """
    rows = csv_rows(
        scores,
        id_column=id_column,
        coverage=coverage,
        kinds=kinds,
        names=names,
        imputed=imputed,
        item_suffix=item_suffix,
    )
    return "".join(",".join(row) + "\n" for row in rows)


def coinr_csv(scores: Scores, *, kinds: tuple[str, ...] = ALL_KINDS, imputed: bool = True) -> str:
    """COINr's layout: ``uCode``, then the scores under COINr's bare codes; no names, no
    coverage (see :func:`to_csv`)."""
    return to_csv(
        scores,
        id_column="uCode",
        coverage=False,
        kinds=kinds,
        names=False,
        imputed=imputed,
    )


def to_table(scores: Scores, *, kinds: tuple[str, ...] = AGGREGATE_KINDS) -> str:
    """A readable table for the terminal: one row per score, one column per city.

    Each cell is the score, with the bounds when there are any, and the coverage in percent:
    ``54.2 [54.2-81.0] 40%``. Columns are padded to their display width, East Asian wide
    characters counting two. Control characters in names are shown as escapes
    (:func:`icindex._files.visible`), so a name cannot clear the screen or break a row.
    """
    header = ["score", *(visible(name) for name in scores.city_names)]
    rows = [header]
    for c in scores.select(kinds):
        kind = scores.kinds[c]
        label = scores.ids[c] if kind == "node" else f"{scores.ids[c]} ({kind})"
        rows.append([label, *(_cell(scores, r, c) for r in range(len(scores.city_ids)))])
    widths = [max(terminal_width(row[k]) for row in rows) for k in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        cells = [_pad(row[0], widths[0], left=True)]
        cells += [_pad(cell, widths[k], left=False) for k, cell in enumerate(row[1:], start=1)]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(scores: Scores, row: int, column: int) -> str:
    value = float(scores.values[row, column])
    text = "n/a" if math.isnan(value) else f"{value:.1f}"
    if scores.lower is not None and scores.upper is not None:
        text += f" [{scores.lower[row, column]:.1f}-{scores.upper[row, column]:.1f}]"
    return f"{text} {scores.coverage[row, column]:4.0%}"


def _pad(text: str, width: int, *, left: bool) -> str:
    fill = " " * (width - terminal_width(text))
    return text + fill if left else fill + text


def to_dataframe(scores: Scores, *, coverage: bool = False) -> Any:
    """A pandas DataFrame indexed by city id, one column per score (needs pandas).

    With ``coverage``, ``<id>:coverage`` columns follow the scores. Not in :data:`EXPORTERS`:
    it returns a frame, not text.
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ScoringError("to_dataframe needs pandas: pip install 'icindex[pandas]'") from None
    index = pd.Index(scores.city_ids, name="city_id")
    frame = pd.DataFrame(scores.values, index=index, columns=scores.ids)
    if coverage:
        cover = pd.DataFrame(scores.coverage, index=index, columns=scores.ids)
        frame = frame.join(cover.add_suffix(":coverage"))
    return frame


#: Format name -> exporter. ``Scores.export`` and ``icindex score --format`` look formats up here.
EXPORTERS: dict[str, Exporter] = {
    "table": to_table,
    "csv": to_csv,
    "json": to_json,
    "coinr-csv": coinr_csv,
}
