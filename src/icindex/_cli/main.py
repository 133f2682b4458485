"""The ``icindex`` command: demo, score, validate and items.

A user error (an :class:`IcindexError` or an unreadable file) prints one line and exits 1; a
usage error exits 2 (argparse's convention).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .._engine.plan import MISSING_POLICIES
from .._engine.score import score
from .._errors import IcindexError
from .._io.responses import CityResponse, read_responses
from .._io.synthetic import synthetic_sample
from .._model.definition import Definition, Item
from .._model.loader import bundled_definitions, load_definition, shipped_folder, validate_paths
from .._report.compare import compare as compare_city
from .._report.sample import Sample
from .._results.export import EXPORTERS
from . import advise, analysis, compare, composite, report, scale, stream, synth

__all__ = ["main"]

# The general formats of the exporter table; the COINr layouts stand in for them under --coinr.
FORMATS = tuple(name for name in EXPORTERS if name not in composite.COINR_FORMATS.values())


def _add_index(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index",
        default="icc",
        metavar="NAME|PATH",
        help=f"definition: a bundled name ({', '.join(bundled_definitions())}) or a path "
        "(folder with index.toml, or a TOML file); default: icc",
    )


def _add_missing(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--missing",
        choices=MISSING_POLICIES,
        default=default,
        help=f"how unknown answers count (default: {default}); see docs/scoring.md",
    )
    parser.add_argument(
        "--min-coverage",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="with skip/bounds: a node whose known weight share is below SHARE (0-1) is n/a",
    )


def _inputs(parser: argparse.ArgumentParser, aggregate: bool = False) -> None:
    """The inputs of ``score`` and the analyses: answers and ``--index``, or ``--coinr`` (with
    ``--aggregate METHOD`` for ``score``; the analyses take a list of methods instead)."""
    parser.add_argument(
        "responses", nargs="*", metavar="RESPONSES", help="TOML/CSV files or folders"
    )
    _add_index(parser)
    _add_missing(parser, "skip")
    composite.add_options(parser, aggregate=aggregate)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icindex",
        description="Score cities on the Intercultural Cities Index or any composite index.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="score the three bundled example cities")
    demo.description = (
        "Score the example cities Ansan, Sejong and Gwangjin-gu (built from public profiles) "
        "with the bundled ICC definition: index, indicators, coverage and bounds."
    )
    _add_missing(demo, "bounds")

    run = commands.add_parser("score", help="score cities' answers")
    run.description = (
        "Score cities' answers read from TOML files, CSV files or folders; or, with --coinr, "
        "a composite index of numeric indicators given as a COINr project's iData and iMeta."
    )
    _inputs(run, aggregate=True)
    formats = (*FORMATS, *stream.STREAM_ONLY_FORMATS)
    run.add_argument("--format", choices=formats, default="table", help="output (default: table)")
    run.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    stream.add_options(run)
    scale.add_backend_options(run)

    check = commands.add_parser("validate", help="check definition files, listing every problem")
    check.description = "Validate definitions (folders with index.toml, or TOML files)."
    check.add_argument("paths", nargs="+", metavar="PATH")

    analysis.add_parsers(commands, _inputs)
    compare.add_parser(commands)
    advise.add_parser(commands)
    report.add_parser(commands)
    synth.add_parser(commands)

    items = commands.add_parser("items", help="list the questionnaire of a definition")
    items.description = "List every indicator and item: id, kind, weight, role and question."
    _add_index(items)
    return parser


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def _demo(args: argparse.Namespace) -> int:
    icc = load_definition("icc")
    cities = read_responses(shipped_folder("examples/cities"), icc)
    scores = score(icc, cities, missing=args.missing, min_coverage=args.min_coverage)
    print(f"{icc.name}: {len(cities)} example cities, missing answers: {args.missing}")
    print("Each cell: score [lowest-highest reachable] and coverage (known weight share).\n")
    print(scores.table())
    _demo_sample(icc, cities)
    return 0


def _demo_sample(definition: Definition, cities: Sequence[CityResponse]) -> None:
    """Where the example cities stand in a synthetic sample (labelled as such)."""
    synthetic = synthetic_sample(definition, 140, seed=1)
    sample = Sample.of(definition, [*synthetic, *cities])
    print(
        f"\nAgainst a SYNTHETIC sample of {len(synthetic)} cities (icindex synth --seed 1), "
        "unknown answers counted as no\n(the example profiles answer few items, so they rank "
        "low: see their coverage above):"
    )
    for city in cities:
        index = compare_city(sample, city.id).rows[0]
        print(
            f"  {city.name}: index {index['score']:.1f}, rank {index['rank']:.0f} of "
            f"{index['of']}, sample median {index['sample_median']:.1f}"
        )
    print("See icindex compare, icindex advise and icindex report (docs/compare-and-report.md).")


def _score(args: argparse.Namespace) -> int:
    if stream.wants_stream(args):
        return stream.run(args)
    output = args.format
    if args.coinr is not None:
        scale.check_answers(args)
        scores = composite.score_coinr(args)
        output = composite.COINR_FORMATS.get(output, output)
    else:
        composite.check_without_coinr(args)
        definition = load_definition(args.index)
        cities = read_responses(args.responses, definition)
        scores = scale.score_with_backend(args, definition, cities)
    _emit(scores.export(output), args.out)
    return 0


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for path, problems in validate_paths(args.paths).items():
        if problems:
            failed += 1
            print(f"{path}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


def _describe(item: Item) -> str:
    if item.kind == "indicator":
        return f"number ({item.unit}), direction {item.direction:+d}"
    if item.kind == "numeric":
        if item.goalposts is not None:
            return f"number ({item.unit}), goalposts {item.goalposts[0]:g} to {item.goalposts[1]:g}"
        return f"number ({item.unit}), thresholds {', '.join(f'{t:g}' for t in item.thresholds)}"
    return ", ".join(f"{o.id}={o.points:g}" for o in item.options)


def _items(args: argparse.Namespace) -> int:
    definition: Definition = load_definition(args.index)
    print(f"{definition.name} ({definition.id}): {len(definition.items)} items")
    for node in definition.nodes:
        below = [child for child in definition.children(node.id) if isinstance(child, Item)]
        if not below:
            continue
        print(f"\n{node.id}: {node.name} (weight {node.weight:g}, {len(below)} items)")
        for item in below:
            print(f"  {item.id}  [{item.kind}, weight {item.weight:g}, {item.role}]")
            print(f"      {item.question}")
            print(f"      answers: {_describe(item)}")
    return 0


_COMMANDS = {
    "demo": _demo,
    "score": _score,
    "validate": _validate,
    "items": _items,
    **analysis.COMMANDS,
    "compare": compare.run,
    "advise": advise.run,
    "report": report.run,
    "synth": synth.run,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``icindex`` command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except IcindexError as error:
        print(f"icindex: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader stopped early (``icindex ... | head``): no message
        # As the Python docs advise (signal module, "Note on SIGPIPE"): point stdout at devnull
        # so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:
        where = f"{error.filename}: " if error.filename is not None else ""
        print(f"icindex: error: {where}{error.strerror}", file=sys.stderr)
        return 1
