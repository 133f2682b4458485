"""``icindex template``: a blank answers file for a definition, every question explained.

``icindex template [--index NAME|PATH] [--format toml|csv] [--out FILE]`` writes

- **toml**: one city's file (docs/responses.md) with ``[city]`` placeholders, every fact in
  ``[facts]`` and every item in ``[answers]`` set to ``"unknown"``, each under a comment giving
  the question, the kind and the accepted answers with their points (:mod:`.describe`);
- **csv**: the wide header (``city_id,name,country,round``, the facts, the items) and one
  example row whose every fact and answer is ``unknown``.

Read back with :func:`icindex.read_responses`, either is one city with every answer unknown.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from typing import Any

from .._files import spreadsheet_safe, visible
from .._io.responses import META_COLUMNS
from .._model.definition import Definition, Item
from .._model.loader import load_definition
from .arguments import add_format
from .describe import answers_text, fact_kind
from .output import emit

__all__ = ["FORMATS", "add_parser", "run", "template_csv", "template_toml"]

#: City id and name of the template's placeholder city (a valid id, so the file loads as is).
PLACEHOLDER_ID = "city-id"
PLACEHOLDER_NAME = "City name"

_CITY_LINES = (
    f'id = "{PLACEHOLDER_ID}"        # letters, digits and _ . - (e.g. riverton)',
    f'name = "{PLACEHOLDER_NAME}"',
    'country = ""          # optional, e.g. "NL"',
    'round = ""            # optional: the survey round or year, e.g. "2026"',
)


def add_parser(commands: Any, add_index: Any) -> None:
    """Add ``template`` (``add_index`` adds the shared ``--index`` option)."""
    parser = commands.add_parser("template", help="write a blank answers file for a definition")
    parser.description = (
        "Write a blank answers file: TOML with every fact and item set to unknown, each under a "
        "comment giving the question and the accepted answers with their points; or a wide CSV "
        "header with one example row. Fill in what you know and check it with icindex validate."
    )
    add_index(parser)
    add_format(parser, tuple(FORMATS), "toml")


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    """One comment line: control characters escaped, so the comment stays one TOML line."""
    return f"# {visible(text)}"


def _item_lines(item: Item) -> list[str]:
    head = f"{item.id}: {item.kind}, weight {item.weight:g}, {item.role}"
    lines = ["", _comment(head), _comment(item.question)]
    lines.append(_comment(f"answers: {answers_text(item)}"))
    if item.kind == "checklist":
        example = ", ".join(_string(option) for option in item.option_ids[:2])
        lines.append(_comment(f"write a list of option ids, e.g. [{example}]; [] for none"))
    return [*lines, f'{item.id} = "unknown"']


def template_toml(definition: Definition) -> str:
    """The TOML answers template of ``definition``.

    Examples
    --------
    >>> from icindex import load_definition
    >>> text = template_toml(load_definition("icc"))
    >>> "welcoming_one_stop_service = \\"unknown\\"" in text
    True
    """
    lines = [
        _comment(f"Answers for {definition.name} ({definition.id}): written by icindex template."),
        '# Replace each "unknown" you can answer; leave the rest: unknown is not no.',
        f"# Check the file with: icindex validate --index {definition.id} FILE",
        "schema_version = 1",
        f"index = {_string(definition.id)}",
        "",
        "[city]",
        *_CITY_LINES,
        "",
        "[facts]",
    ]
    for fact in definition.facts:
        about = [_comment(fact.description)] if fact.description else []
        lines += [_comment(f"{fact.name}: {fact_kind(fact)}"), *about, f'{fact.id} = "unknown"']
    lines += ["", "[answers]"]
    for node in definition.nodes:
        below = [child for child in definition.children(node.id) if isinstance(child, Item)]
        if below:
            lines += ["", _comment(f"--- {node.id}: {node.name} ---")]
            lines += [line for item in below for line in _item_lines(item)]
    return "\n".join(lines) + "\n"


def template_csv(definition: Definition) -> str:
    """The wide CSV header of ``definition`` and one example row, every value ``unknown``.

    Examples
    --------
    >>> from icindex import load_definition
    >>> template_csv(load_definition("icc")).splitlines()[1][:40]
    'city-id,City name,,,unknown,unknown,unkn'
    """
    keys = [fact.id for fact in definition.facts] + [item.id for item in definition.items]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_safe(cell) for cell in ("city_id", *META_COLUMNS, *keys)])
    writer.writerow([PLACEHOLDER_ID, PLACEHOLDER_NAME, "", "", *("unknown" for _ in keys)])
    return buffer.getvalue()


#: --format -> the template writer.
FORMATS = {"toml": template_toml, "csv": template_csv}


def run(args: argparse.Namespace) -> int:
    """Write the template ``args`` ask for; return the exit status (0)."""
    emit(FORMATS[args.format](load_definition(args.index)), args.out)
    return 0
