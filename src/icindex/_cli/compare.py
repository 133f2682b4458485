"""``icindex compare``: cities against their sample and peers, aggregate by aggregate."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .._io.responses import read_responses
from .._model.loader import bundled_definitions, load_definition
from .._report.compare import compare
from .._report.sample import Sample
from .._report.sample_io import save_sample
from .analysis import write_rows
from .arguments import add_format
from .cities import with_sample
from .output import shown, write_text

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``icindex compare``."""
    run_ = commands.add_parser("compare", help="cities against their sample and peers")
    run_.description = (
        "Compare cities with a sample: each aggregate's score, rank in the sample and among "
        "peers, percentile, gaps to the averages, and the input/impact split. Tables also list "
        "strengths, weaknesses and good-practice peers (docs/compare-and-report.md)."
    )
    add = run_.add_argument
    add("cities", nargs="+", type=Path, metavar="CITY", help="TOML/CSV files of the cities")
    add("--sample", nargs="+", type=Path, default=[], metavar="RESPONSES",
        help="the comparison sample: TOML/CSV files or folders")  # fmt: skip
    bundled = ", ".join(bundled_definitions())
    add("--index", default="icc", metavar="NAME|PATH",
        help=f"definition: {bundled} or a path (default: icc)")  # fmt: skip
    add("--missing", choices=("zero", "skip", "bounds"), default="zero",
        help="how unknown answers count (default: zero, as the ICC questionnaire)")  # fmt: skip
    add_format(run_, ("csv", "json", "table"), "table")
    add("--save-sample", type=Path, metavar="FILE", help="also save the scored sample (.csv/.json)")


def run(args: argparse.Namespace) -> int:
    definition = load_definition(args.index)
    compared = read_responses(args.cities, definition)
    sample = Sample.of(
        definition, with_sample(definition, compared, args.sample), missing=args.missing
    )
    results = [compare(sample, city.id) for city in compared]
    rows = [row for result in results for row in result.table()]
    text = write_rows(rows, args.format, args.out if args.format != "table" else None)
    if args.format == "table":
        text += "".join(_summary(sample, result) for result in results)
        if args.out is not None:
            write_text(args.out, text)
    if args.out is None:
        print(text, end="")
    if args.save_sample is not None:
        save_sample(sample, args.save_sample)
    return 0


def _summary(sample: Sample, result: Any) -> str:
    """Strengths, weaknesses and good practice under the table, in words."""
    names = dict(zip(sample.city_ids, sample.names, strict=True))
    against = f"peers ({result.peer_group})" if result.peer_group else "the sample"
    lines = [f"{result.name} ({result.city}), compared with {against}"]
    if result.peer_note:
        lines.append(f"  {result.peer_note}")
    lines.append(f"  strengths: {', '.join(result.strengths) or 'none above average'}")
    lines.append(f"  weaknesses: {', '.join(result.weaknesses) or 'none below average'}")
    for indicator, cities in result.good_practice.items():
        if cities and indicator in result.weaknesses:
            lines.append(f"  good practice in {indicator}: {', '.join(names[c] for c in cities)}")
    return "\n" + "\n".join(shown(line) for line in lines) + "\n"
