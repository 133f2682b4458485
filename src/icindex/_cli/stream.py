"""Streaming for ``icindex score``: ``--chunk-rows N`` and the ``jsonl`` and ``parquet`` formats.

``icindex score`` reads, scores and writes chunk by chunk (:func:`score_stream`) when

- ``--format`` is ``jsonl`` or ``parquet`` (they are only written this way), or
- ``--chunk-rows N`` is given, or
- ``--format csv`` and every RESPONSES path is a CSV file, together larger than
  :data:`STREAM_THRESHOLD_BYTES` (64 MiB, about 80,000 ICC cities in a wide CSV).

The CSV it streams is byte for byte the CSV scored in memory. TOML cities, the ``table`` and
``json`` formats and ``--coinr`` (whose normalisation spans all units) are scored in memory;
``--chunk-rows`` with them is an error rather than ignored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._engine.plan import compile
from .._engine.stream import DEFAULT_CHUNK_ROWS
from .._errors import UsageError
from .._model.loader import load_definition
from .._results.stream_write import STREAM_SINKS, score_stream
from . import composite
from .arguments import positive_int

__all__ = [
    "STREAM_ONLY_FORMATS",
    "STREAM_THRESHOLD_BYTES",
    "add_options",
    "check",
    "run",
    "wants_stream",
]

#: CSV input larger than this (all RESPONSES together) is streamed without ``--chunk-rows``.
STREAM_THRESHOLD_BYTES = 64 * 2**20
#: Formats only the stream writes (``csv`` is written both ways).
STREAM_ONLY_FORMATS = tuple(name for name in STREAM_SINKS if name != "csv")


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--chunk-rows`` to ``score``."""
    parser.add_argument(
        "--chunk-rows",
        type=positive_int,
        metavar="N",
        help=f"read, score and write CSV answers N cities at a time, in bounded memory "
        f"(default for jsonl, parquet and CSV input over {STREAM_THRESHOLD_BYTES // 2**20} MiB: "
        f"{DEFAULT_CHUNK_ROWS}); see docs/responses.md",
    )


def check(args: argparse.Namespace) -> None:
    """UsageError for streaming options that cannot work together (before any file is read)."""
    asked = args.chunk_rows is not None or args.format in STREAM_ONLY_FORMATS
    if asked and args.coinr is not None:
        raise UsageError(
            "--coinr normalises across all units at once: --chunk-rows, jsonl and "
            "parquet are for questionnaire answers"
        )
    if args.chunk_rows is not None and args.format not in STREAM_SINKS:
        raise UsageError(
            f"--chunk-rows writes csv, jsonl or parquet; --format {args.format} holds "
            "every city in memory (leave out --chunk-rows)"
        )
    if args.format == "parquet" and args.out is None:
        raise UsageError("format 'parquet' is written to a file: give a path (--out FILE)")


def wants_stream(args: argparse.Namespace) -> bool:
    """Whether ``score`` streams (``args`` passed :func:`check`)."""
    asked = args.chunk_rows is not None or args.format in STREAM_ONLY_FORMATS
    return asked or (args.format == "csv" and args.coinr is None and _large_csv(args.responses))


def _large_csv(responses: list[str]) -> bool:
    paths = [Path(response) for response in responses]
    if not paths or not all(p.suffix.lower() == ".csv" and p.is_file() for p in paths):
        return False
    return sum(p.stat().st_size for p in paths) > STREAM_THRESHOLD_BYTES


def run(args: argparse.Namespace) -> int:
    """Score RESPONSES chunk by chunk, writing to ``--out`` (or stdout) as the scores come."""
    composite.check_without_coinr(args)
    definition = load_definition(args.index)
    plan = compile(definition, missing=args.missing, min_coverage=args.min_coverage)
    out = args.out if args.out is not None else sys.stdout
    rows = args.chunk_rows if args.chunk_rows is not None else DEFAULT_CHUNK_ROWS
    score_stream(plan, args.responses, out=out, format=args.format, chunk_rows=rows)
    return 0
