"""Cities' answers read from TOML (one file a city), wide CSV or long CSV (writers: _writers).

Unknown is not no: a missing key, an empty cell or ``unknown`` leaves the answer out of
:attr:`CityResponse.answers`; ``no`` is an answer. Every unreadable value raises
:class:`ResponseError` naming the file, city, item, value and what is accepted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from .._errors import ResponseError, UsageError
from .._files import read_toml, regular_file, spreadsheet_text
from .._model.definition import Definition
from .answers import ANSWER_PARSERS, CHECKLIST_SEPARATOR, Answer, parse_answer, parse_fact
from .responses_csv import LONG_HEADER, META_COLUMNS, LongCity, Placed, read_csv
from .seen_ids import duplicate_city

# ANSWER_PARSERS, Answer, parse_answer and the CSV layout's names are re-exported: the engine
# and the writers read them from here.
__all__ = [
    "ANSWER_PARSERS",
    "CHECKLIST_SEPARATOR",
    "LONG_HEADER",
    "META_COLUMNS",
    "Answer",
    "AnswerReader",
    "CityResponse",
    "LongCity",
    "expand_paths",
    "parse_answer",
    "read_responses",
]

CITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(eq=True, hash=False)
class CityResponse:
    """One city's questionnaire: who it is, its facts, its known answers and their evidence.

    Attributes
    ----------
    id, name, country, round : str
        The city's id (unique in a sample), its name (any script), country code and survey round.
    facts : mapping of str to int, float, str or bool
        Known facts, keyed by fact id.
    answers : mapping of str to Answer
        Known answers only, keyed by item id; an unknown answer is absent.
    evidence : mapping of str to str
        The text an answer or fact rests on, keyed by item or fact id.
    source : str
        The file it was read from.
    """

    id: str
    name: str
    country: str = ""
    round: str = ""
    facts: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    answers: Mapping[str, Answer] = attrs.field(factory=dict, converter=_frozen_mapping)
    evidence: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)
    source: str = "<memory>"


class AnswerReader:
    """Turns raw keyed values into a CityResponse, checking each against the definition.

    With ``cell=True`` the values are CSV cells: numbers are parsed from text, and the text
    cells (name, country, round, text facts, evidence) lose the apostrophe a writer put
    before a formula-like start (:func:`icindex._files.spreadsheet_text`).
    """

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.items = {item.id: item for item in definition.items}
        self.facts = {fact.id: fact for fact in definition.facts}

    def city(
        self,
        where: str,
        meta: Mapping[str, object],
        values: Iterable[tuple[str, object]],
        evidence: Mapping[str, object],
        *,
        cell: bool = False,
    ) -> CityResponse:
        """The city of ``meta`` (id, name, country, round), ``values`` (answers and facts,
        by id) and ``evidence`` read at ``where``; ResponseError at the first bad value."""
        city_id = meta.get("id")
        if not isinstance(city_id, str) or not CITY_ID.match(city_id):
            raise ResponseError(f"{where}: city id must match {CITY_ID.pattern} (got {city_id!r})")
        where = f"{where}: city {city_id!r}"
        answers: dict[str, Answer] = {}
        facts: dict[str, Any] = {}
        for key, value in values:
            if key in self.items:
                answer = parse_answer(self.items[key], value, where, cell=cell)
                if answer is not None:
                    answers[key] = answer
            elif key in self.facts:
                fact_value = parse_fact(self.facts[key], value, where, cell=cell)
                if fact_value is not None:
                    facts[key] = fact_value
            else:
                raise ResponseError(
                    f"{where}: {key!r} is neither an item nor a fact of "
                    f"definition {self.definition.id!r}"
                )
        if cell:
            meta = {key: spreadsheet_text(str(value)) for key, value in meta.items()}
            evidence = {key: spreadsheet_text(str(text)) for key, text in evidence.items()}
        return CityResponse(
            id=city_id,
            name=_text(meta.get("name"), city_id, where, "name"),
            country=_text(meta.get("country"), "", where, "country"),
            round=_text(meta.get("round"), "", where, "round"),
            facts=facts,
            answers=answers,
            evidence=self._evidence(evidence, where),
            source=where.split(": ")[0],
        )

    def _evidence(self, evidence: Mapping[str, object], where: str) -> dict[str, str]:
        clean = {}
        for key, text in evidence.items():
            if key not in self.items and key not in self.facts:
                raise ResponseError(f"{where}: evidence for {key!r}, which is no item or fact")
            if not isinstance(text, str):
                raise ResponseError(f"{where}: evidence for {key!r} must be text (got {text!r})")
            if text.strip():
                clean[key] = text
        return clean


def _text(value: object, default: str, where: str, key: str) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, int) and not isinstance(value, bool) and key == "round":
        return str(value)
    if not isinstance(value, str):
        raise ResponseError(f"{where}: {key} must be text (got {value!r})")
    return value


_CITY_FILE_KEYS = {"schema_version", "index", "city", "facts", "answers", "evidence"}
_CITY_KEYS = {"id", "name", "country", "round", "year"}


def _read_toml(path: Path, reader: AnswerReader) -> list[Placed]:
    raw = read_toml(path, ResponseError)
    unknown = raw.keys() - _CITY_FILE_KEYS
    if unknown:
        raise ResponseError(
            f"{path}: unknown keys {sorted(unknown)} (expected {sorted(_CITY_FILE_KEYS)})"
        )
    if raw.get("schema_version") != 1:
        raise ResponseError(f"{path}: schema_version must be 1 (got {raw.get('schema_version')!r})")
    index = raw.get("index", reader.definition.id)
    if index != reader.definition.id:
        raise ResponseError(
            f"{path}: answers are for definition {index!r}, not {reader.definition.id!r}"
        )
    tables = {key: raw.get(key, {}) for key in ("city", "facts", "answers", "evidence")}
    for key, table in tables.items():
        if not isinstance(table, dict):
            raise ResponseError(f"{path}: [{key}] must be a table (got {table!r})")
    meta = tables["city"]
    if meta.keys() - _CITY_KEYS:
        raise ResponseError(
            f"{path}: [city] has unknown keys {sorted(meta.keys() - _CITY_KEYS)} "
            f"(expected {sorted(_CITY_KEYS)})"
        )
    if "year" in meta and "round" not in meta:
        meta = {**meta, "round": str(meta["year"])}
    values = [*tables["facts"].items(), *tables["answers"].items()]
    for key in tables["facts"].keys() & reader.items.keys():
        raise ResponseError(f"{path}: [facts] holds {key!r}, an item: move it to [answers]")
    for key in tables["answers"].keys() & reader.facts.keys():
        raise ResponseError(f"{path}: [answers] holds {key!r}, a fact: move it to [facts]")
    return [(str(path), reader.city(str(path), meta, values, tables["evidence"]))]


_FORMATS = {".toml": _read_toml, ".csv": read_csv}


def read_responses(
    paths: str | Path | Iterable[str | Path], definition: Definition
) -> tuple[CityResponse, ...]:
    """Read cities' answers from TOML and CSV files, checking each value against the definition.

    Parameters
    ----------
    paths : path or iterable of paths
        ``.toml`` files (one city each) and ``.csv`` files (wide or long, told apart by the
        header), or folders, whose ``.toml`` and ``.csv`` files are read in name order.
    definition : Definition
        The index the answers are for.

    Returns
    -------
    tuple of CityResponse
        In the order read.

    Raises
    ------
    ResponseError
        On any unreadable value, unknown key or duplicate city id, naming file (and line),
        city and item; a duplicate names both places it was read from.
    UsageError
        When ``definition`` is not a Definition or ``paths`` no path.

    Examples
    --------
    >>> from icindex import load_definition
    >>> icc = load_definition("icc")
    >>> cities = read_responses("examples/cities", icc)   # doctest: +SKIP
    """
    check_definition("read_responses", definition)
    reader = AnswerReader(definition)
    cities: list[CityResponse] = []
    where_seen: dict[str, str] = {}
    for path in expand_paths(paths, "read_responses"):
        read = _FORMATS.get(path.suffix.lower())
        if read is None:
            raise ResponseError(f"{path}: unknown file type (expected .toml or .csv)")
        regular_file(path, ResponseError)
        for place, city in read(path, reader):
            if city.id in where_seen:
                raise duplicate_city(city.id, place, where_seen[city.id])
            where_seen[city.id] = place
            cities.append(city)
    return tuple(cities)


def check_definition(caller: str, definition: object) -> None:
    """Raise :class:`UsageError` unless ``definition`` is a :class:`Definition`."""
    if not isinstance(definition, Definition):
        raise UsageError(
            f"{caller}: definition must be a Definition, as icindex.load_definition returns "
            f"(got {type(definition).__name__} {definition!r:.60})"
        )


def expand_paths(
    paths: str | Path | Iterable[str | Path], caller: str = "expand_paths"
) -> list[Path]:
    """The files ``paths`` names, a folder's ``.toml`` and ``.csv`` files in name order."""
    if isinstance(paths, str | os.PathLike):
        listed = [Path(paths)]
    elif isinstance(paths, Iterable) and not isinstance(paths, bytes | Mapping):
        listed = [_path(path, caller) for path in paths]
    else:
        raise UsageError(
            f"{caller}: paths must be a path or an iterable of paths "
            f"(got {type(paths).__name__} {paths!r:.60})"
        )
    expanded: list[Path] = []
    for path in listed:
        if path.is_dir():
            expanded.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in _FORMATS))
        else:
            expanded.append(path)
    return expanded


def _path(path: object, caller: str) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise UsageError(
            f"{caller}: paths must be a path or an iterable of paths (got {type(path).__name__} "
            f"{path!r:.60} among them)"
        )
    return Path(path)
