"""``icindex items``: a definition's questionnaire, indicator by indicator, then its facts.

Each item shows its id, kind, weight and role, the question, and how an answer scores
(:mod:`icindex._cli.describe`); the facts follow with their type, unit and value range. Text
from the definition is shown with control characters escaped.
"""

from __future__ import annotations

import argparse
from typing import Any

from .._files import visible
from .._model.definition import Definition, Item
from .._model.loader import load_definition
from .describe import answers_text, fact_text

__all__ = ["add_parser", "lines", "run"]


def add_parser(commands: Any, add_index: Any) -> None:
    """Add ``items`` (``add_index`` adds the shared ``--index`` option)."""
    items = commands.add_parser("items", help="list the questionnaire of a definition")
    items.description = (
        "List every indicator and item (id, kind, weight, role, question, and the accepted "
        "answers with their points), then the facts a city may give."
    )
    add_index(items)


def lines(definition: Definition) -> list[str]:
    """The lines ``icindex items`` prints for ``definition``."""
    out = [f"{visible(definition.name)} ({definition.id}): {len(definition.items)} items"]
    for node in definition.nodes:
        below = [child for child in definition.children(node.id) if isinstance(child, Item)]
        if not below:
            continue
        out.append(
            f"\n{node.id}: {visible(node.name)} (weight {node.weight:g}, {len(below)} items)"
        )
        for item in below:
            out.append(f"  {item.id}  [{item.kind}, weight {item.weight:g}, {item.role}]")
            out.append(f"      {visible(item.question)}")
            out.append(f"      answers: {answers_text(item)}")
    if definition.facts:
        out.append(f"\nfacts ({len(definition.facts)}): given in [facts] or as CSV columns")
        out.extend(f"  {fact_text(fact)}" for fact in definition.facts)
    return out


def run(args: argparse.Namespace) -> int:
    """Print the questionnaire of ``--index``; return the exit status (0)."""
    print("\n".join(lines(load_definition(args.index))))
    return 0
