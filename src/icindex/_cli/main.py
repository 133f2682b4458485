"""The ``icindex`` command: the parser, ``score``, and the exit statuses of every command.

A mistake in the command line (an option's value, options that do not go together) is a usage
error: ``usage: ...`` and ``icindex <command>: error: ...`` on standard error, exit status 2
(argparse's convention), found before any file is read. A mistake in an input file (an
:class:`IcindexError`, an unreadable file) prints one line ``icindex: error: ...`` and exits 1.
A reader that stops early (``icindex items | head -n 1``) ends the command quietly, status 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version

from .._engine.plan import MISSING_POLICIES
from .._errors import IcindexError, UsageError
from .._files import visible
from .._io.responses import read_responses
from .._model.loader import bundled_definitions, load_definition
from .._results.export import EXPORTERS
from . import (
    advise,
    analysis,
    compare,
    composite,
    demo,
    items,
    report,
    scale,
    stream,
    synth,
    template,
    validate,
)
from .arguments import add_format, chosen_format, share
from .output import emit

__all__ = ["main"]

# The general formats of the exporter table; the COINr layouts stand in for them under --coinr.
FORMATS = tuple(name for name in EXPORTERS if name not in composite.COINR_FORMATS.values())


def _add_index(parser: argparse.ArgumentParser, purpose: str = "definition") -> None:
    parser.add_argument(
        "--index",
        default="icc",
        metavar="NAME|PATH",
        help=f"{purpose}: a bundled name ({', '.join(bundled_definitions())}) or a path "
        "(folder with index.toml, or a TOML file); default: icc",
    )


def _add_min_coverage(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-coverage",
        type=share,
        default=0.0,
        metavar="SHARE",
        help="with skip/bounds: a node whose known weight share is below SHARE (0-1) is n/a",
    )


def _add_missing(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "--missing",
        choices=MISSING_POLICIES,
        default=default,
        help=f"how unknown answers count (default: {default}); see docs/scoring.md",
    )
    _add_min_coverage(parser)


def _inputs(parser: argparse.ArgumentParser, aggregate: bool = False) -> None:
    """The inputs of ``score`` and the analyses: answers and ``--index``, or ``--coinr`` (with
    ``--aggregate METHOD`` for ``score``; the analyses take a list of methods instead)."""
    parser.add_argument(
        "responses", nargs="*", metavar="RESPONSES", help="TOML/CSV files or folders"
    )
    _add_index(parser)
    _add_missing(parser, "skip")
    composite.add_options(parser, aggregate=aggregate)


def _version() -> str:
    try:
        return version("icindex")
    except PackageNotFoundError:  # a source tree on PYTHONPATH, not installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    """The ``icindex`` parser."""
    return _parsers()[0]


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``icindex`` parser and each command's own parser (whose ``error`` exits 2)."""
    parser = argparse.ArgumentParser(
        prog="icindex",
        description="Score cities on the Intercultural Cities Index or any composite index.",
    )
    parser.add_argument("--version", action="version", version=f"icindex {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo.add_parser(commands, _add_min_coverage)

    run = commands.add_parser("score", help="score cities' answers")
    run.description = (
        "Score cities' answers read from TOML files, CSV files or folders; or, with --coinr, "
        "a composite index of numeric indicators given as a COINr project's iData and iMeta."
    )
    _inputs(run, aggregate=True)
    formats = (*FORMATS, *stream.STREAM_ONLY_FORMATS)
    add_format(run, formats, "table")
    stream.add_options(run)
    scale.add_backend_options(run)

    validate.add_parser(commands, _add_index)
    analysis.add_parsers(commands, _inputs)
    compare.add_parser(commands)
    advise.add_parser(commands)
    report.add_parser(commands)
    synth.add_parser(commands)
    items.add_parser(commands, _add_index)
    template.add_parser(commands, _add_index)
    return parser, dict(commands.choices)


def _check_score(args: argparse.Namespace) -> None:
    composite.check(args)
    stream.check(args)
    scale.check_backend(args)


def _score(args: argparse.Namespace) -> int:
    if stream.wants_stream(args):
        return stream.run(args)
    output = args.format
    if args.coinr is not None:
        scores = composite.score_coinr(args)
        output = composite.COINR_FORMATS.get(output, output)
    else:
        definition = load_definition(args.index)
        cities = read_responses(args.responses, definition)
        scores = scale.score_with_backend(args, definition, cities)
    emit(scores.export(output), args.out)
    return 0


_COMMANDS = {
    "demo": demo.run,
    "score": _score,
    "validate": validate.run,
    "items": items.run,
    "template": template.run,
    **analysis.COMMANDS,
    "compare": compare.run,
    "advise": advise.run,
    "report": report.run,
    "synth": synth.run,
}


# Command -> the check of its options against each other, run before any file is read.
_CHECKS: dict[str, Callable[[argparse.Namespace], None]] = {
    "score": _check_score,
    "uncertainty": analysis.check,
    "sensitivity": analysis.check,
    "report": report.check,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``icindex`` command line; return the exit status.

    0 on success (and when the reader of standard output stops early), 1 for a mistake in an
    input file, 2 for a mistake in the command line (argparse exits with it).
    """
    parser, commands = _parsers()
    args = parser.parse_args(argv)
    chosen_format(args)
    try:
        if args.command in _CHECKS:
            _CHECKS[args.command](args)
    except UsageError as error:
        commands[args.command].error(str(error))
    try:
        status = _COMMANDS[args.command](args)
        sys.stdout.flush()  # here, so that a closed pipe is caught below, not at exit
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except IcindexError as error:
        if isinstance(error.__context__, BrokenPipeError):
            _quiet_stdout()
            return 0
        _fail(str(error))
        return 1
    except OSError as error:
        where = error.filename if error.filename is not None else getattr(args, "out", None)
        _fail(f"{where}: {error.strerror}" if where is not None else str(error.strerror))
        return 1
    return status


def _quiet_stdout() -> None:
    """After a closed pipe, as the Python docs advise (signal module, "Note on SIGPIPE"):
    point stdout at devnull so that the interpreter's final flush does not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _fail(message: str) -> None:
    """``icindex: error: MESSAGE`` on standard error, control characters escaped."""
    text = "\n".join(visible(line) for line in message.split("\n"))
    print(f"icindex: error: {text}", file=sys.stderr)
