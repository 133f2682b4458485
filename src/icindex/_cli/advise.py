"""``icindex advise``: which answers, changed to their best, would raise a city's index most.

Reads one city's answers (a TOML file, or a CSV file and ``--city ID``), optionally a sample
whose cities are named as peers, and prints one row per candidate change, best first.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import attrs

from .._engine.plan import MISSING_POLICIES
from .._io.responses import read_responses
from .._model.loader import bundled_definitions, load_definition
from .._report.advice import TABLE_COLUMNS, AdviceList, advise
from .analysis import ANALYSIS_FORMATS, write_rows
from .arguments import add_format, positive_int
from .cities import peer_cities, pick_city
from .output import emit, shown

__all__ = ["add_parser", "run"]

_CITY_HELP = "one city's answers: a TOML file, or a CSV file (with --city ID if it holds several)"


def add_parser(commands: Any, inputs_help: str | None = None) -> None:
    """Add ``advise`` to the subcommands ``commands`` (``inputs_help``: the CITY argument's help).

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="icindex")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["advise", "city.toml", "--top", "5"]).top
    5
    """
    parser = commands.add_parser("advise", help="which answers would raise a city's index most")
    parser.description = (
        "For every answer of a city that is unknown or not the best, the gain of the index if "
        "that one answer were the best, highest first; peers are the sample cities already "
        "giving it (docs/compare-and-report.md)."
    )
    add = parser.add_argument
    add("city_file", type=Path, metavar="CITY", help=inputs_help or _CITY_HELP)
    add("--city", metavar="ID", help="the city to advise, when CITY holds several")
    add(
        "--index",
        default="icc",
        metavar="NAME|PATH",
        help=f"definition: a bundled name ({', '.join(bundled_definitions())}) or a path "
        "(folder with index.toml, or a TOML file); default: icc",
    )
    add(
        "--sample",
        nargs="+",
        default=[],
        metavar="RESPONSES",
        help="peer cities: TOML/CSV files or folders (give CITY first)",
    )
    add(
        "--missing",
        choices=MISSING_POLICIES,
        default="zero",
        help="how unknown answers count (default: zero, an unreported policy earns nothing)",
    )
    add("--target", metavar="ID", help="the node, group or variant to raise (default: the index)")
    add("--top", type=positive_int, metavar="K", help="keep the K best changes (default: all)")
    add_format(parser, ANALYSIS_FORMATS, "table")


def _footer(advice: AdviceList) -> list[str]:
    """The combined gain of the rows shown, and the note if any."""
    lines = []
    if advice.rows:
        k, gain = len(advice.rows), advice.combined[-1]
        lines.append(
            f"Combined gain of the top {k} change(s) under missing={advice.missing!r}: "
            f"{gain:+.2f} ({advice.target} {advice.index_now:.2f} -> "
            f"{advice.index_now + gain:.2f})"
        )
    else:
        lines.append(
            f"Every answer of {advice.city!r} below {advice.target!r} is already the best."
        )
    return lines + ([advice.note] if advice.note else [])


def _gain(value: object) -> str:
    return f"{value:+.2f}" if isinstance(value, float) and not math.isnan(value) else "n/a"


def _table(advice: AdviceList) -> str:
    """An aligned table for the terminal: text left, gains right, the question last."""
    columns = [c for c in TABLE_COLUMNS if c != "question"] + ["question"]
    cells = [
        [_gain(row[c]) if c == "gain" else shown(row[c]) for c in columns] for row in advice.table()
    ]
    rows = [columns, *cells]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    align = [str.rjust if c == "gain" else str.ljust for c in columns]
    lines = [[a(x, w) for a, x, w in zip(align, row, widths, strict=True)] for row in rows]
    return "\n".join("  ".join(line).rstrip() for line in lines) + "\n"


def _text(advice: AdviceList, format: str) -> str:
    rows = advice.table()
    if format == "table":
        return _table(advice) + "\n".join(["", *map(shown, _footer(advice))]) + "\n"
    if rows:
        return write_rows(rows, format, None)
    return "[]\n" if format == "json" else ",".join(TABLE_COLUMNS) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run ``icindex advise``; return the exit status (errors propagate as IcindexError)."""
    definition = load_definition(args.index)
    city = pick_city(read_responses(args.city_file, definition), args.city, args.city_file)
    peers, note = peer_cities(definition, city, args.sample, args.missing)
    advice = advise(definition, city, missing=args.missing, sample=peers, target=args.target)
    if note:
        advice = attrs.evolve(advice, note=" ".join(filter(None, (advice.note, note))))
    if args.top is not None:
        advice = advice.top(args.top)
    emit(_text(advice, args.format), args.out)
    if args.format != "table":
        for line in _footer(advice):
            print(shown(line), file=sys.stderr)
    return 0
