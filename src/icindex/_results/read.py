"""Scores read back from the files the exporters write: JSON, and the icindex CSV layout.

JSON holds everything (:func:`~icindex._results.export.to_dict`) at full precision, so
``read_scores(path)`` equals the scores written (their stored columns). The CSV layout
(:mod:`.csv_layout`) holds the numbers to 15 significant digits and neither the columns'
human names and kinds (beyond ``item``) nor the definition, the policy or the evidence: give
the ``definition`` (or a plan) to have the labels back. Every problem is a
:class:`~icindex.ResponseError` naming the file and the line or city.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._engine.plan import Plan, compile
from .._errors import ResponseError
from .._files import not_utf8, parse_number, regular_file
from .._model.definition import Definition
from .csv_read import CsvTable, read_csv_table
from .scores import Scores

__all__ = ["read_scores"]

FloatArray = NDArray[np.float64]
_BOM = "\ufeff"


def read_scores(path: str | Path, definition: Definition | Plan | None = None) -> Scores:
    """Read scores written by ``Scores.to_json`` / ``export("json")`` or ``to_csv``.

    Parameters
    ----------
    path : str or Path
        A ``.json`` file (read as JSON) or any other file (read as the icindex CSV layout:
        ``city_id``, ``name``, then ``country``, ``round``, ``fact:<id>`` columns when written,
        then the scores, ``<item>:score`` for items, with their bounds, coverage and
        imputation flags).
    definition : Definition or Plan, optional
        For CSV: gives the columns' names and kinds, the definition id and root (and, a plan,
        the missing-answer policy), checking the file's columns are its own. For JSON: checked
        against the file's definition id.

    Returns
    -------
    Scores
        Every column stored. From JSON: equal to the scores written. From CSV: numbers to 15
        significant digits; without ``definition``, aggregate columns are named by their ids
        and of kind ``node``, the policy is ``bounds`` when bounds were written, else ``skip``;
        coverage is NaN when it was not written; no evidence; facts are read back as ``true``
        / ``false``, whole numbers as int, other numbers as float, anything else as text.

    Raises
    ------
    ResponseError
        Naming the file and the line or city: not found, not UTF-8, not valid JSON or CSV,
        a row of the wrong width, a cell that is not a number, a column missing or unknown.

    Examples
    --------
    >>> import icindex
    >>> icc = icindex.load_definition("icc")
    >>> scores = icindex.score(icc, icindex.synthetic_sample(icc, 3, seed=0))
    >>> _ = scores.to_json("scores.json")
    >>> read_scores("scores.json") == scores.stored()
    True
    >>> _ = scores.to_csv("scores.csv")
    >>> read_scores("scores.csv", icc).column("index").round(9).tolist() == (
    ...     scores.column("index").round(9).tolist())
    True
    """
    path = Path(path)
    regular_file(path, ResponseError)
    if path.suffix.lower() == ".json":
        scores = _from_json(path, _json(path))
        if definition is not None:
            _check_definition(path, scores.definition_id, definition)
        return scores
    return _from_csv(path, read_csv_table(path), definition)


def _check_definition(path: Path, found: str, definition: Definition | Plan) -> None:
    wanted = definition.definition.id if isinstance(definition, Plan) else definition.id
    if found != wanted:
        raise ResponseError(f"{path}: expected scores of definition {wanted!r} (got {found!r})")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows (write null for a missing score)")


def _json(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError:
        raise not_utf8(path, data, ResponseError) from None
    try:
        raw = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as problem:
        raise ResponseError(f"{path}: not valid JSON: {problem}") from None
    except RecursionError:
        raise ResponseError(f"{path}: JSON nested too deeply for saved scores") from None
    except ValueError as problem:
        raise ResponseError(f"{path}: {problem}") from None
    if not isinstance(raw, dict):
        raise ResponseError(f"{path}: expected a JSON object with 'columns' and 'cities'")
    return raw


def _field(path: Path, where: str, data: Mapping[str, Any], key: str, kind: type) -> Any:
    """``data[key]``, which must be of type ``kind``; ResponseError naming the place if not."""
    if key not in data:
        raise ResponseError(f"{path}: {where}: expected the key {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise ResponseError(
            f"{path}: {where}: {key!r} must be a JSON {_JSON_NAMES[kind]} (got {value!r:.40})"
        )
    return value


_JSON_NAMES: dict[type, str] = {str: "string", list: "array", dict: "object"}


def _from_json(path: Path, raw: dict[str, Any]) -> Scores:
    columns = _field(path, "top level", raw, "columns", list)
    cities = _field(path, "top level", raw, "cities", list)
    labels = [_column(path, number, column) for number, column in enumerate(columns, start=1)]
    ids = tuple(label[0] for label in labels)
    if len(set(ids)) != len(ids):
        raise ResponseError(f"{path}: a column id appears twice in 'columns'")
    records = [_city(path, number, city, ids) for number, city in enumerate(cities, start=1)]
    bounds = _all_or_none(path, records, "lower")
    _all_or_none(path, records, "upper")
    imputed = _all_or_none(path, records, "imputed")
    about = {key: _all_or_none(path, records, key) for key in _ABOUT}
    fact_ids = _field(path, "top level", raw, "facts", list) if "facts" in raw else None
    if fact_ids is not None and not all(isinstance(fact, str) for fact in fact_ids):
        raise ResponseError(f"{path}: top level: 'facts' must be an array of fact ids")
    return Scores(
        city_ids=np.array([r["id"] for r in records], dtype=str).reshape(len(records)),
        city_names=tuple(r["name"] for r in records),
        ids=ids,
        names=tuple(label[1] for label in labels),
        kinds=tuple(label[2] for label in labels),
        values=_matrix(records, "scores", len(ids)),
        coverage=_matrix(records, "coverage", len(ids)),
        lower=_matrix(records, "lower", len(ids)) if bounds else None,
        upper=_matrix(records, "upper", len(ids)) if bounds else None,
        missing=_field(path, "top level", raw, "missing", str),
        definition_id=_field(path, "top level", raw, "definition", str),
        root=str(raw.get("root", "")),
        imputed=np.array([r["imputed"] for r in records], dtype=bool) if imputed else None,
        countries=tuple(r["country"] for r in records) if about["country"] else None,
        rounds=tuple(r["round"] for r in records) if about["round"] else None,
        facts=tuple(r["facts"] for r in records) if about["facts"] else None,
        evidence=tuple(r["evidence"] for r in records) if about["evidence"] else None,
        fact_ids=fact_ids,
    )


def _column(path: Path, number: int, column: Any) -> tuple[str, str, str]:
    where = f"column {number}"
    if not isinstance(column, dict):
        raise ResponseError(f"{path}: {where}: expected an object with id, name and kind")
    column_id, name, kind = (
        _field(path, where, column, key, str) for key in ("id", "name", "kind")
    )
    return column_id, name, kind


# Optional per-city keys and their JSON types; each is in every city or in none.
_ABOUT: dict[str, type] = {"country": str, "round": str, "facts": dict, "evidence": dict}


def _city(path: Path, number: int, city: Any, ids: tuple[str, ...]) -> dict[str, Any]:
    """One city's record, checked: its numbers as floats (NaN for null), flags as a row."""
    if not isinstance(city, dict):
        raise ResponseError(f"{path}: city {number}: expected a JSON object")
    where = f"city {number}"
    record: dict[str, Any] = {key: _field(path, where, city, key, str) for key in ("id", "name")}
    where = f"city {number} ({record['id']!r})"
    for key in ("scores", "coverage", "lower", "upper"):
        if key in city or key in ("scores", "coverage"):
            given = _field(path, where, city, key, dict)
            record[key] = [_number(path, f"{where}: {key}", given, i) for i in ids]
    for key, kind in _ABOUT.items():
        if key in city:
            record[key] = _field(path, where, city, key, kind)
    if "evidence" in record and not all(isinstance(t, str) for t in record["evidence"].values()):
        raise ResponseError(f"{path}: {where}: every evidence must be a JSON string")
    if "imputed" in city:
        flagged = _field(path, where, city, "imputed", list)
        unknown = sorted(set(map(str, flagged)) - set(ids))
        if unknown:
            raise ResponseError(f"{path}: {where}: imputed names unknown columns {unknown[:5]}")
        record["imputed"] = [i in flagged for i in ids]
    return record


def _number(path: Path, where: str, numbers: Mapping[str, Any], column: str) -> float:
    if column not in numbers:
        raise ResponseError(f"{path}: {where}: no number for column {column!r}")
    value = numbers[column]
    if value is None:
        return float("nan")
    try:
        return parse_number(value, text=False)
    except ValueError as problem:
        reason = str(problem)
        if len(reason) > 120:  # an integer of hundreds of digits
            reason = f"{str(value)[:20]}... is not a finite number"
        raise ResponseError(f"{path}: {where}: column {column!r}: {reason}") from None


def _all_or_none(path: Path, records: list[dict[str, Any]], key: str) -> bool:
    """Whether every city has ``key``; ResponseError when only some have it."""
    having = [key in record for record in records]
    if any(having) and not all(having):
        city = records[having.index(not having[0])]["id"]
        raise ResponseError(f"{path}: city {city!r}: {key!r} given for some cities only")
    return bool(having) and all(having)


def _matrix(records: list[dict[str, Any]], key: str, width: int) -> FloatArray:
    return np.array([r[key] for r in records], dtype=np.float64).reshape(len(records), width)


def _from_csv(path: Path, table: CsvTable, definition: Definition | Plan | None) -> Scores:
    ids = table.ids
    names, kinds = ids, tuple("item" if i in table.items else "node" for i in ids)
    missing = "bounds" if table.lower is not None else "skip"
    definition_id = root = ""
    if definition is not None:
        plan = definition if isinstance(definition, Plan) else compile(definition)
        unknown = [i for i in ids if i not in plan.ids]
        if unknown:
            raise ResponseError(
                f"{path}: columns {unknown[:5]} are not in definition {plan.definition.id!r}"
            )
        position = [plan.ids.index(i) for i in ids]
        names = tuple(plan.names[p] for p in position)
        kinds = tuple(plan.kinds[p] for p in position)
        if isinstance(definition, Plan):
            missing = plan.options.missing
        definition_id, root = plan.definition.id, plan.definition.root
    return Scores(
        city_ids=np.array(table.city_ids, dtype=str).reshape(len(table.city_ids)),
        city_names=table.names,
        ids=ids,
        names=names,
        kinds=kinds,
        values=table.values,
        coverage=table.coverage,
        lower=table.lower,
        upper=table.upper,
        missing=missing,
        definition_id=definition_id,
        root=root,
        imputed=table.imputed,
        countries=table.countries,
        rounds=table.rounds,
        facts=table.facts,
        fact_ids=table.fact_ids,
    )
