"""``icindex validate [--index NAME|PATH] PATH...``: definitions and answer files, every problem.

Each PATH is told apart by what it holds (:func:`kind_of`):

- a **definition**: a folder with ``index.toml``, or a TOML file with ``root`` or ``[[nodes]]``;
  validated as :func:`icindex.load_definition` reads it, every problem listed;
- **answers**: a TOML file with ``[city]`` or ``[answers]``, a CSV file, or a folder of them;
  read against ``--index`` (default ``icc``) and summed up as ``ok: N cities, M answers known``,
  or the problem of each file that cannot be read.

The exit status is 1 if any PATH has a problem, else 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .._errors import IcindexError, ResponseError
from .._files import read_toml, visible
from .._io.responses import CityResponse, expand_paths, read_responses
from .._model.definition import Definition
from .._model.loader import load_definition, validate_paths

__all__ = ["add_parser", "kind_of", "run"]

_DEFINITION_KEYS = {"root", "nodes"}
_ANSWER_KEYS = {"city", "answers"}


def add_parser(commands: Any, add_index: Any) -> None:
    """Add ``validate`` (``add_index`` adds the shared ``--index`` option)."""
    check = commands.add_parser(
        "validate", help="check definitions or answer files, listing every problem"
    )
    check.description = (
        "Validate definitions (folders with index.toml, or TOML files with root and [[nodes]]) "
        "and answer files (TOML files with [city] and [answers], CSV files, or folders of them, "
        "read against --index)."
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add_index(check, "the definition answer files are read against")


def kind_of(path: Path) -> str:
    """``"definition"`` or ``"answers"``: what ``path`` holds, by its keys and layout.

    A TOML file holding neither definition keys nor answer keys, or one that cannot be read,
    counts as a definition, whose validation then names the problem.
    """
    if path.is_dir():
        return "definition" if (path / "index.toml").is_file() else "answers"
    if path.suffix.lower() == ".csv":
        return "answers"
    try:
        keys = read_toml(path, ResponseError).keys()
    except IcindexError:
        return "definition"
    if keys & _ANSWER_KEYS and not keys & _DEFINITION_KEYS:
        return "answers"
    return "definition"


class _AnswerCheck:
    """Answer files read one at a time against one definition; a city id read twice is named."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.seen: dict[str, Path] = {}
        self.failed = 0

    def lines(self, path: Path) -> list[str]:
        """``PATH: ok: ...`` for each file under ``path``, or ``PATH: 1 problem(s)`` and it."""
        return [line for file in expand_paths(path) for line in self._file(file)]

    def _file(self, path: Path) -> list[str]:
        try:
            cities = read_responses(path, self.definition)
        except IcindexError as error:
            self.failed += 1
            return [f"{path}: 1 problem(s)", f"  {error}"]
        for city in cities:
            if city.id in self.seen:
                self.failed += 1
                where = self.seen[city.id]
                return [
                    f"{path}: 1 problem(s)",
                    f"  city {city.id!r} was already read from {where}",
                ]
        self.seen.update((city.id, path) for city in cities)
        return [f"{path}: ok: {_summary(cities)}"]


def _summary(cities: tuple[CityResponse, ...]) -> str:
    known = sum(len(city.answers) for city in cities)
    word = "city" if len(cities) == 1 else "cities"
    return f"{len(cities)} {word}, {known} answer{'' if known == 1 else 's'} known"


def _definition_lines(path: Path) -> tuple[list[str], bool]:
    """``PATH: ok``, or the count of problems and each; and whether there were any."""
    problems = validate_paths([path])[str(path)]
    if not problems:
        return [f"{path}: ok"], False
    return [f"{path}: {len(problems)} problem(s)", *(f"  {p}" for p in problems)], True


def run(args: argparse.Namespace) -> int:
    """Validate each PATH in turn; print ``PATH: ok`` or its problems; 1 if any, else 0."""
    answers: _AnswerCheck | None = None
    lines: list[str] = []
    failed = 0
    for path in args.paths:
        if kind_of(path) == "definition":
            found, broken = _definition_lines(path)
            lines += found
            failed += broken
            continue
        answers = answers or _AnswerCheck(load_definition(args.index))
        lines += answers.lines(path)
    failed += answers.failed if answers is not None else 0
    print("\n".join(visible(part) for line in lines for part in line.split("\n")))
    return 1 if failed else 0
