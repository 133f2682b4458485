"""Encode a chunk of CSV cities column by column, reading each distinct cell of a column once.

This is the fast path of :func:`icindex._engine.stream.iter_encoded`, for wide rows and for
long-CSV cities laid out as wide rows. A column of a chunk holds few distinct answers (``yes``,
``no``, an option id), so each is parsed once with the parsers of :mod:`icindex._io.answers`
and the column encoded by look-up. Every cell is checked, and at the first it cannot read (or
any other doubt) it gives up and returns None; the caller then reads the chunk city by city,
through :func:`icindex.read_responses`' own code, which raises the exact error. So it never
decides what is an error, and it gives the arrays :func:`icindex.encode` gives
(tests/test_engine_stream.py checks both on random files).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from .._errors import ResponseError
from .._files import spreadsheet_text
from .._io.answers import Answer, parse_answer, parse_fact
from .._io.responses import CITY_ID, AnswerReader
from .._io.responses_csv import META_COLUMNS, LongCity
from .._model.definition import Fact, Item
from .encoding import UNKNOWN_CODE, Encoded

__all__ = ["Fields", "WideColumns"]

Fields = tuple[Encoded, dict[str, tuple[Any, ...]]]
"""A chunk's encoded answers and the rest of what it carries (the Chunk fields: names,
countries, rounds, facts, evidence), as the rows gave them."""


def _option_code(answer: Answer, options: dict[str, int]) -> int:
    return options[str(answer)]


def _tick_mask(answer: Answer, options: dict[str, int]) -> int:
    return sum(1 << options[option] for option in cast(tuple[str, ...], answer))


def _number(answer: Answer, options: dict[str, int]) -> float:
    return float(cast(float, answer))


# Encoded array -> the code of a known answer of one of its items (given the item's option
# positions, as ``encode`` codes it), and the code of an unknown answer.
_CODERS: dict[str, Callable[[Answer, dict[str, int]], int | float]] = {
    "codes": _option_code,
    "ticks": _tick_mask,
    "values": _number,
}
_UNKNOWN: dict[str, int | float] = {"codes": UNKNOWN_CODE, "ticks": UNKNOWN_CODE, "values": np.nan}
# Encoded array -> the Layout attribute listing its items.
_ARRAYS = {"codes": "coded", "ticks": "checklists", "values": "numeric"}
_META = frozenset(META_COLUMNS)


def _positions(template: Encoded) -> list[int]:
    """The definition positions of the items the encoded arrays hold, in definition order."""
    return sorted(i for name in _ARRAYS.values() for i in getattr(template.layout, name).tolist())


@attrs.frozen
class _ItemColumn:
    """Where one item's column of the file goes: which encoded array, which column of it."""

    position: int  # in the file's header
    item: Item
    array: str  # "codes", "ticks" or "values"
    column: int
    options: dict[str, int]  # option id -> its position in the item


@attrs.frozen
class WideColumns:
    """What each column of one wide CSV holds, worked out once from its header."""

    header: tuple[str, ...]
    name: int | None  # position of the name column
    facts: tuple[tuple[int, Fact], ...]
    items: tuple[_ItemColumn, ...]
    template: Encoded  # no cities: the layout and dtypes of the arrays

    @classmethod
    def of(
        cls, header: Sequence[str], reader: AnswerReader, template: Encoded
    ) -> WideColumns | None:
        """The columns of a checked wide header; None when one is neither metadata, a fact
        nor an item the arrays hold (``read_responses`` and ``encode`` name it)."""
        layout = template.layout
        places = {
            layout.item_ids[i]: (array, column)
            for array, positions in _ARRAYS.items()
            for column, i in enumerate(getattr(layout, positions).tolist())
        }
        facts, items = [], []
        for position, key in enumerate(header):
            if key == "city_id" or key in META_COLUMNS:
                continue
            if key in reader.items and key in places:
                item = reader.items[key]
                array, column = places[key]
                options = {option: j for j, option in enumerate(item.option_ids)}
                items.append(_ItemColumn(position, item, array, column, options))
            elif key in reader.facts and key not in reader.items:
                facts.append((position, reader.facts[key]))
            else:
                return None
        name = header.index("name") if "name" in header else None
        return cls(tuple(header), name, tuple(facts), tuple(items), template)

    @classmethod
    def for_long(cls, reader: AnswerReader, template: Encoded) -> WideColumns:
        """The columns of the wide rows :meth:`encode_long` lays long-CSV cities out in: the
        metadata, every fact, every item the arrays hold."""
        items = [template.layout.item_ids[i] for i in _positions(template)]
        facts = [fact for fact in reader.facts if fact not in reader.items]
        columns = cls.of(["city_id", *META_COLUMNS, *facts, *items], reader, template)
        assert columns is not None  # every column is metadata, a fact or an item of the arrays
        return columns

    def encode_long(self, cities: Sequence[LongCity]) -> Fields | None:
        """Long-CSV cities (under :meth:`for_long`'s columns) encoded; None at the first doubt,
        such as a key that is no fact or item of the arrays, or evidence for metadata."""
        keys = self.header[1 + len(META_COLUMNS) :]
        known = set(keys)
        rows = []
        for city in cities:
            if not known.issuperset(city.values) or not known.issuperset(city.evidence):
                return None
            meta = [city.meta.get(key, "") for key in META_COLUMNS]
            rows.append([city.meta["id"], *meta, *(city.values.get(key, "") for key in keys)])
        fields = self.encode(rows)
        if fields is not None:  # evidence as read_responses keeps it: unescaped, not blank
            fields[1]["evidence"] = tuple(_evidence(city.evidence) for city in cities)
        return fields

    def encode(self, rows: list[list[str]]) -> Fields | None:
        """The rows' cities encoded, with their names; None at the first doubt."""
        if any(len(row) != len(self.header) for row in rows):
            return None
        columns = list(zip(*rows, strict=True))
        ids = [cell.strip() for cell in columns[0]]
        if len(set(ids)) != len(ids) or not all(CITY_ID.match(city_id) for city_id in ids):
            return None
        facts = self._facts(columns, len(rows))
        if facts is None:
            return None
        arrays = {  # an item without a column is unknown for every city
            name: np.full((len(rows), template.shape[1]), _UNKNOWN[name], dtype=template.dtype)
            for name, template in (
                ("codes", self.template.codes),
                ("ticks", self.template.ticks),
                ("values", self.template.values),
            )
        }
        for target in self.items:
            array = arrays[target.array]
            codes = _column_codes(target, columns[target.position], array.dtype)
            if codes is None:
                return None
            array[:, target.column] = codes
        given = columns[self.name] if self.name is not None else ("",) * len(ids)
        names = tuple(
            spreadsheet_text(name) or city_id for name, city_id in zip(given, ids, strict=True)
        )
        encoded = Encoded(np.array(ids, dtype=str), self.template.layout, **arrays)
        texts = {key: self._texts(columns, key, len(rows)) for key in ("country", "round")}
        return encoded, {
            "names": names,
            "countries": texts["country"],
            "rounds": texts["round"],
            "facts": facts,
            "evidence": tuple({} for _ in ids),
        }

    def _texts(self, columns: list[tuple[str, ...]], key: str, n: int) -> tuple[str, ...]:
        """The ``key`` column's text as ``CityResponse`` holds it ("" when not given)."""
        if key not in self.header:
            return ("",) * n
        return tuple(spreadsheet_text(cell) for cell in columns[self.header.index(key)])

    def _facts(self, columns: list[tuple[str, ...]], n: int) -> tuple[dict[str, Any], ...] | None:
        """Each city's known facts, each distinct cell parsed once; None at a cell it cannot
        read (the caller reads the chunk city by city to raise the exact error)."""
        facts: tuple[dict[str, Any], ...] = tuple({} for _ in range(n))
        for position, fact in self.facts:
            try:
                parsed = {
                    cell: parse_fact(fact, cell, "", cell=True) for cell in set(columns[position])
                }
            except ResponseError:
                return None
            for city, cell in zip(facts, columns[position], strict=True):
                if parsed[cell] is not None:
                    city[fact.id] = parsed[cell]
        return facts


def _evidence(evidence: dict[str, str]) -> dict[str, str]:
    unescaped = {key: spreadsheet_text(text) for key, text in evidence.items()}
    return {key: text for key, text in unescaped.items() if text.strip()}


def _column_codes(
    target: _ItemColumn, cells: tuple[str, ...], dtype: np.dtype[Any]
) -> NDArray[Any] | None:
    """The code of each cell of one item's column; None when a cell is not an answer."""
    coder, unknown = _CODERS[target.array], _UNKNOWN[target.array]
    table: dict[str, int | float] = {}
    try:
        for cell in set(cells):
            answer = parse_answer(target.item, cell, "", cell=True)
            table[cell] = unknown if answer is None else coder(answer, target.options)
    except ResponseError:
        return None
    return np.fromiter(map(table.__getitem__, cells), dtype=dtype, count=len(cells))
