"""Write cities' answers as TOML (one file a city), wide CSV or long CSV.

Reading any of them back with :func:`icindex.read_responses` gives the same cities, numbers
exactly. Files are written whole or not at all (:func:`~icindex._files.atomic_write`). CSV
cells follow :mod:`icindex._files`: numbers as :func:`~icindex._files.exact_text`, text a
spreadsheet would run as a formula after an apostrophe (:func:`~icindex._files.spreadsheet_safe`).
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._files import atomic_write, exact_text, spreadsheet_safe
from .._model.definition import Definition
from .responses import CHECKLIST_SEPARATOR, LONG_HEADER, META_COLUMNS, CityResponse

__all__ = ["write_city_toml", "write_long_csv", "write_wide_csv"]


def _checklist_cell(ticked: tuple[str, ...]) -> str:
    return CHECKLIST_SEPARATOR.join(ticked) if ticked else "none"


# The type of an answer or fact -> its CSV cell. A writer of long CSV is given no definition,
# so it goes by the value's type, which stands for the item's kind: a checklist's tuple, a
# numeric or indicator float, a yes_no or choice option id (str); facts add bool and int.
_CELLS: dict[type, Callable[[Any], str]] = {
    tuple: _checklist_cell,
    bool: lambda flag: "true" if flag else "false",
    float: exact_text,
    int: str,
    str: spreadsheet_safe,
    object: lambda value: spreadsheet_safe(str(value)),
}


def _cell(answer: Any) -> str:
    # The nearest type in the value's ancestry, as isinstance would choose (a bool is an int).
    kind = next(kind for kind in type(answer).__mro__ if kind in _CELLS)
    return _CELLS[kind](answer)


def write_wide_csv(
    path: str | Path, cities: Sequence[CityResponse], definition: Definition
) -> None:
    """Write cities as a wide CSV (one row a city); unknown answers are empty cells.

    The wide layout has one cell per answer and no place for evidence: the cities' evidence is
    not written. To keep it, write a long CSV (:func:`write_long_csv`, an evidence column) or
    TOML files (:func:`write_city_toml`).

    Raises
    ------
    OutputError
        When ``path`` cannot be written (a missing folder, a full disk), naming it.
    """
    keys = [fact.id for fact in definition.facts] + [item.id for item in definition.items]
    with atomic_write(Path(path)) as handle:
        writer = csv.writer(handle)
        writer.writerow(["city_id", *META_COLUMNS, *keys])
        for city in cities:
            values = {**city.facts, **city.answers}
            meta = [city.id, city.name, city.country, city.round]
            writer.writerow(
                [*map(_cell, meta), *(_cell(values[k]) if k in values else "" for k in keys)]
            )


def write_long_csv(path: str | Path, cities: Sequence[CityResponse]) -> None:
    """Write cities as a long CSV (one row an answer or fact) with their evidence.

    Raises
    ------
    OutputError
        When ``path`` cannot be written (a missing folder, a full disk), naming it.
    """
    with atomic_write(Path(path)) as handle:
        writer = csv.writer(handle)
        writer.writerow([*LONG_HEADER, "evidence"])
        for city in cities:
            meta = {"name": city.name, "country": city.country, "round": city.round}
            for key, value in {**meta, **city.facts, **city.answers}.items():
                if value != "":
                    evidence = spreadsheet_safe(city.evidence.get(key, ""))
                    writer.writerow([_cell(city.id), key, _cell(value), evidence])


def _toml_char(char: str) -> str:
    """One character of a TOML basic string: quotes, backslashes and controls escaped."""
    if char in '"\\':
        return "\\" + char
    if unicodedata.category(char) == "Cc" and char != "\t":
        return f"\\u{ord(char):04X}"
    return char


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return '"' + "".join(map(_toml_char, value)) + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def write_city_toml(path: str | Path, city: CityResponse, definition: Definition) -> None:
    """Write one city in the TOML response format; reading it back gives the same city.

    Raises
    ------
    OutputError
        When ``path`` cannot be written (a missing folder, a full disk), naming it.
    """
    lines = ["schema_version = 1", f"index = {_toml_value(definition.id)}", "", "[city]"]
    meta = {"id": city.id, "name": city.name, "country": city.country, "round": city.round}
    lines += [f"{k} = {_toml_value(v)}" for k, v in meta.items() if v != ""]
    for table, values in (
        ("facts", city.facts),
        ("answers", city.answers),
        ("evidence", city.evidence),
    ):
        lines += ["", f"[{table}]"] + [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    with atomic_write(Path(path)) as handle:
        handle.write("\n".join(lines) + "\n")
