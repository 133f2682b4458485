"""The result of scoring: numbers with their labels, and their exports."""

from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._arrays import ARRAY_EQ, OPTIONAL_ARRAY_EQ, optional_readonly, readonly
from .._errors import ScoringError

__all__ = ["Scores"]

FloatArray = NDArray[np.float64]


@attrs.frozen
class Scores:
    """Scores of many cities on every item, node, group and variant of a definition.

    Attributes
    ----------
    city_ids : ndarray of str, shape (n,)
    city_names : tuple of str, length n
    ids, names, kinds : tuple of str, length m
        Column ids, human names and kinds (``item``, ``node``, ``group``, ``variant``).
    values : ndarray, shape (n, m)
        Scores 0-100; NaN where a score cannot be computed (``skip`` with nothing known).
    coverage : ndarray, shape (n, m)
        The known weight share (0-1) of each score.
    lower, upper : ndarray, shape (n, m), or None
        The lowest and highest scores reachable given the unknown answers, with
        ``missing="bounds"`` only.
    missing : str
        The missing-answer policy used.
    definition_id, root : str
        The definition scored, and the id of its index column.
    imputed : bool ndarray, shape (n, m), or None
        True where an item's value was imputed rather than measured (composite indices scored
        with imputation only; see :func:`icindex.score_composite`).
    """

    city_ids: NDArray[np.str_] = attrs.field(converter=readonly, eq=ARRAY_EQ)
    city_names: tuple[str, ...]
    ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    values: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    coverage: FloatArray = attrs.field(converter=readonly, eq=ARRAY_EQ)
    lower: FloatArray | None = attrs.field(
        default=None, converter=optional_readonly, eq=OPTIONAL_ARRAY_EQ
    )
    upper: FloatArray | None = attrs.field(
        default=None, converter=optional_readonly, eq=OPTIONAL_ARRAY_EQ
    )
    missing: str = "skip"
    definition_id: str = ""
    root: str = ""
    imputed: NDArray[np.bool_] | None = attrs.field(
        default=None, converter=optional_readonly, eq=OPTIONAL_ARRAY_EQ
    )

    def _column_index(self, column_id: str) -> int:
        try:
            return self.ids.index(column_id)
        except ValueError:
            raise ScoringError(
                f"no score {column_id!r} in definition {self.definition_id!r}"
            ) from None

    def _city_index(self, city_id: str) -> int:
        found = np.flatnonzero(self.city_ids == city_id)
        if found.size == 0:
            raise ScoringError(f"no city {city_id!r} among the scored cities") from None
        return int(found[0])

    def column(self, column_id: str) -> FloatArray:
        """Every city's score on one item, node, group or variant, shape (n,)."""
        return self.values[:, self._column_index(column_id)]

    def get(self, city_id: str, column_id: str) -> float:
        """One city's score on one item, node, group or variant."""
        return float(self.values[self._city_index(city_id), self._column_index(column_id)])

    def select(self, kinds: tuple[str, ...] = ("node", "group", "variant")) -> list[int]:
        """Column positions of the given kinds, in column order."""
        return [c for c, kind in enumerate(self.kinds) if kind in kinds]

    def to_dict(self) -> dict[str, Any]:
        """Plain Python data: definition, policy and per city its scores, coverage and bounds.

        NaN becomes None, so the result is valid JSON.
        """
        cities = []
        for row, city_id in enumerate(self.city_ids.tolist()):
            city: dict[str, Any] = {
                "id": city_id,
                "name": self.city_names[row],
                "scores": _row(self.ids, self.values[row]),
                "coverage": _row(self.ids, self.coverage[row]),
            }
            if self.lower is not None and self.upper is not None:
                city["lower"] = _row(self.ids, self.lower[row])
                city["upper"] = _row(self.ids, self.upper[row])
            if self.imputed is not None:
                flags = self.imputed[row].tolist()
                city["imputed"] = [i for i, flag in zip(self.ids, flags, strict=True) if flag]
            cities.append(city)
        columns = [
            {"id": i, "name": n, "kind": k}
            for i, n, k in zip(self.ids, self.names, self.kinds, strict=True)
        ]
        return {
            "definition": self.definition_id,
            "missing": self.missing,
            "columns": columns,
            "cities": cities,
        }

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """The :meth:`to_dict` data as JSON text (UTF-8, non-ASCII kept); written to ``path``."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def to_csv(
        self,
        path: str | Path | None = None,
        *,
        id_column: str = "city_id",
        coverage: bool = True,
        kinds: tuple[str, ...] = ("item", "node", "group", "variant"),
        names: bool = True,
        imputed: bool = True,
    ) -> str:
        """One row per city: its id, its name, then one column per score at full precision.

        With bounds, columns ``<id>:lower`` and ``<id>:upper`` follow the scores; with
        ``coverage``, then ``<id>:coverage``; with ``imputed`` and imputation, then
        ``<id>:imputed`` for every item (1.0 where imputed, else 0.0). Missing scores are empty
        cells. Without ``names`` the name column is left out (COINr's layout: ``uCode``, then
        the scores).
        """
        columns = self.select(kinds)
        header = [id_column, *(["name"] if names else []), *(self.ids[c] for c in columns)]
        blocks = [self.values[:, columns]]
        if self.lower is not None and self.upper is not None:
            header += [f"{self.ids[c]}:lower" for c in columns]
            header += [f"{self.ids[c]}:upper" for c in columns]
            blocks += [self.lower[:, columns], self.upper[:, columns]]
        if coverage:
            header += [f"{self.ids[c]}:coverage" for c in columns]
            blocks.append(self.coverage[:, columns])
        if imputed and self.imputed is not None:
            flagged = [c for c in columns if self.kinds[c] == "item"]
            header += [f"{self.ids[c]}:imputed" for c in flagged]
            blocks.append(self.imputed[:, flagged].astype(np.float64))
        numbers = np.hstack(blocks)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        for row, city_id in enumerate(self.city_ids.tolist()):
            cells = ["" if math.isnan(x) else repr(x) for x in numbers[row].tolist()]
            writer.writerow([city_id, *([self.city_names[row]] if names else []), *cells])
        text = buffer.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_dataframe(self, *, coverage: bool = False) -> Any:
        """A pandas DataFrame indexed by city id, one column per score (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ScoringError("to_dataframe needs pandas: pip install 'icindex[pandas]'") from None
        frame = pd.DataFrame(
            self.values, index=pd.Index(self.city_ids, name="city_id"), columns=self.ids
        )
        if coverage:
            cover = pd.DataFrame(self.coverage, index=frame.index, columns=self.ids)
            frame = frame.join(cover.add_suffix(":coverage"))
        return frame

    def table(self, kinds: tuple[str, ...] = ("node", "group", "variant")) -> str:
        """A readable table for the terminal: one row per score, one column per city.

        Each cell is the score, with the bounds when there are any, and the coverage in
        percent: ``54.2 [54.2-81.0] 40%``.
        """
        columns = self.select(kinds)
        header = ["score", *self.city_names]
        rows = [header]
        for c in columns:
            label = self.ids[c] if self.kinds[c] == "node" else f"{self.ids[c]} ({self.kinds[c]})"
            rows.append([label, *(self._cell(r, c) for r in range(len(self.city_ids)))])
        widths = [max(_width(row[k]) for row in rows) for k in range(len(header))]
        lines = []
        for number, row in enumerate(rows):
            cells = [_pad(row[0], widths[0], left=True)]
            cells += [_pad(cell, widths[k], left=False) for k, cell in enumerate(row[1:], start=1)]
            lines.append("  ".join(cells).rstrip())
            if number == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _cell(self, row: int, column: int) -> str:
        value = self.values[row, column]
        text = "n/a" if math.isnan(value) else f"{value:.1f}"
        if self.lower is not None and self.upper is not None:
            text += f" [{self.lower[row, column]:.1f}-{self.upper[row, column]:.1f}]"
        return f"{text} {self.coverage[row, column]:4.0%}"


def _row(ids: tuple[str, ...], numbers: FloatArray) -> dict[str, float | None]:
    return {i: (None if math.isnan(x) else x) for i, x in zip(ids, numbers.tolist(), strict=True)}


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text
