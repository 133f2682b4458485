"""``icindex demo``: the three example cities, coverage and bounds first.

The example profiles answer few questions, so a newcomer's first number must not be a bare
``100.0``: each index is shown as ``score [lowest–highest]`` beside its coverage, under a header
saying what the columns mean, with a sentence on what low coverage does to a score. The lines fit
in 80 columns (wide characters, as in Korean names, counted as two).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from typing import Any

from .._engine.score import score
from .._files import terminal_width, visible
from .._io.responses import CityResponse, read_responses
from .._io.synthetic import synthetic_sample
from .._model.definition import Definition
from .._model.loader import load_definition, shipped_folder
from .._report.compare import compare as compare_city
from .._report.sample import Sample
from .._results.scores import Scores

__all__ = ["add_parser", "run"]

_HEADER = "Index of each city: coverage, then score [lowest–highest]"
_LEGEND = (
    "  coverage  share of the questionnaire's weight the city has answered",
    "  score     from the known answers alone (unknown answers skipped)",
    "  [lo–hi]   the lowest and highest the score can still be, whatever the",
    "            unknown answers turn out to be",
)


def add_parser(commands: Any, add_missing: Any) -> None:
    """Add ``demo`` (``add_missing`` adds ``--min-coverage``, shared with ``score``)."""
    demo = commands.add_parser("demo", help="score the three bundled example cities")
    demo.description = (
        "Score the example cities Ansan, Sejong and Gwangjin-gu (built from public profiles) "
        "with the bundled ICC definition: each index with its coverage and bounds, the "
        "indicators each city answered, and where it stands in a SYNTHETIC sample."
    )
    add_missing(demo)


def _pad(text: str, columns: int) -> str:
    return text + " " * max(columns - terminal_width(text), 0)


def _parts(scores: Scores, row: int, column: int) -> tuple[str, str, str, str]:
    """Coverage, score, lowest and highest of one city and one node, as shown."""
    assert scores.lower is not None and scores.upper is not None
    value = scores.values[row, column]
    return (
        f"{scores.coverage[row, column]:.0%}",
        "n/a" if math.isnan(value) else f"{value:.1f}",
        f"{scores.lower[row, column]:.1f}",
        f"{scores.upper[row, column]:.1f}",
    )


def _cell(scores: Scores, row: int, column: int) -> tuple[str, str]:
    """(coverage, ``score [lo–hi]``) of one city and one node."""
    coverage, value, low, high = _parts(scores, row, column)
    return coverage, f"{value:>5} [{low}–{high}]"


def _headline(scores: Scores, names: Sequence[str]) -> list[str]:
    index = scores.ids.index(scores.root)
    name_width = max(len("city"), *(terminal_width(name) for name in names)) + 2
    lines = [_HEADER, *_LEGEND, "", _pad("city", name_width) + "coverage  index [lowest–highest]"]
    for row, name in enumerate(names):
        coverage, cell = _cell(scores, row, index)
        lines.append(_pad(name, name_width) + f"{coverage:>8}  {cell}")
    coverage, value, low, high = _parts(scores, 0, index)
    lines += [
        "",
        f"Low coverage makes a score uncertain. {names[0]}: {value} from {coverage} of the",
        f"questionnaire; its unknown answers could still put it anywhere from {low} to",
        f"{high}. Answer more questions before comparing cities.",
    ]
    return lines


def _answered(scores: Scores, names: Sequence[str]) -> list[str]:
    """Each city's indicators with at least one known answer: coverage and score [lo–hi]."""
    nodes = [i for i in scores.select(("node",)) if scores.ids[i] != scores.root]
    lines = ["", "Indicators each city has answered (coverage, score [lowest–highest]):"]
    for row, name in enumerate(names):
        known = [i for i in nodes if scores.coverage[row, i] > 0]
        lines.append(f"  {name}: {len(known)} of {len(nodes)} indicators")
        for column in known:
            coverage, cell = _cell(scores, row, column)
            lines.append(f"    {scores.ids[column]:<22}{coverage:>5}  {cell}")
    return lines


def run(args: argparse.Namespace) -> int:
    """Print the demo; return the exit status (0)."""
    icc = load_definition("icc")
    cities = read_responses(shipped_folder("examples/cities"), icc)
    scores = score(icc, cities, missing="bounds", min_coverage=args.min_coverage)
    names = [visible(city.name) for city in cities]
    print(f"{visible(icc.name)}: {len(cities)} example cities")
    print("(their answers are taken from public profiles of the cities)\n")
    print("\n".join([*_headline(scores, names), *_answered(scores, names)]))
    print("\nThe full table: icindex score examples/cities --missing bounds")
    _sample(icc, cities, names)
    return 0


def _sample(definition: Definition, cities: Sequence[CityResponse], names: Sequence[str]) -> None:
    """Where the example cities stand in a synthetic sample (labelled as such)."""
    synthetic = synthetic_sample(definition, 140, seed=1)
    sample = Sample.of(definition, [*synthetic, *cities])
    rows = [compare_city(sample, city.id).rows[0] for city in cities]
    print(
        f"\nAgainst a SYNTHETIC sample of {len(synthetic)} cities (icindex synth --seed 1), "
        f"median {rows[0]['sample_median']:.1f},\nwith unknown answers counted as no, the "
        "example profiles rank low (few answers):"
    )
    name_width = max(terminal_width(name) for name in names) + 2
    for name, row in zip(names, rows, strict=True):
        rank = f"rank {row['rank']:.0f} of {row['of']}"
        print(f"  {_pad(name, name_width)}index {row['score']:5.1f}, {rank}")
    print("See icindex compare, advise and report (docs/compare-and-report.md).")
