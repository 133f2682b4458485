"""``icindex synth``: write a realistic SYNTHETIC sample of cities as a wide CSV or Parquet.

The file holds facts and answers in the format ``icindex score`` reads; every city is named
``Synthetic city ...`` and its round is ``synthetic``, so the sample stays labelled wherever it
goes (see ``docs/responses.md``). It is written a block of cities at a time, so ``--n`` may be
in the millions (``docs/scale.md``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .._io.synthetic_write import write_synthetic
from .._model.loader import bundled_definitions, load_definition
from .arguments import nonnegative_int, share

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``synth`` to the subcommands ``commands`` (an argparse subparsers object).

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="icindex")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["synth", "--n", "3", "--seed", "1"])
    >>> args.n, args.seed, args.index, args.unknown_share, args.out
    (3, 1, 'icc', 0.05, None)
    """
    synth = commands.add_parser(
        "synth", help="write a SYNTHETIC comparison sample (wide CSV or Parquet)"
    )
    synth.description = (
        "Draw a realistic SYNTHETIC sample of cities: answers correlated through a latent "
        "commitment per city and indicator, facts resembling the ICC network (our choices, "
        "not ICC data). Written as a wide CSV that `icindex score` reads (or Parquet), "
        "10,000 cities at a time: any N fits in memory, and the first rows are the same "
        "whatever N."
    )
    # As `icindex score` has it; defined here so that this module does not import main.
    synth.add_argument(
        "--index",
        default="icc",
        metavar="NAME|PATH",
        help=f"definition: a bundled name ({', '.join(bundled_definitions())}) or a path "
        "(folder with index.toml, or a TOML file); default: icc",
    )
    synth.add_argument(
        "--n", type=nonnegative_int, default=140, metavar="N", help="cities (default 140)"
    )
    synth.add_argument(
        "--seed",
        type=nonnegative_int,
        required=True,
        metavar="S",
        help="random seed: same seed, same sample",
    )
    synth.add_argument(
        "--unknown-share",
        type=share,
        default=0.05,
        metavar="P",
        help="probability that an answer is unknown (default 0.05)",
    )
    synth.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write to FILE instead of stdout: Parquet if it ends in .parquet (needs pyarrow), "
        "else CSV",
    )


def run(args: argparse.Namespace) -> int:
    """Write the sample ``args`` asks for; return the exit status (0).

    Examples
    --------
    >>> args = argparse.Namespace(index="icc", n=2, seed=1, unknown_share=0.0, out=None)
    >>> run(args)  # doctest: +ELLIPSIS
    city_id,name,country,round,population,...
    syn-001,Synthetic city 001,,synthetic,...
    syn-002,Synthetic city 002,,synthetic,...
    0
    """
    definition = load_definition(args.index)
    options = {"seed": args.seed, "unknown_share": args.unknown_share}
    if args.out is not None:
        format = "parquet" if args.out.suffix.lower() == ".parquet" else "csv"
        write_synthetic(definition, args.out, args.n, format=format, **options)
        return 0
    # The bytes as a file would hold them, where stdout has a byte layer (not under doctest).
    sys.stdout.flush()
    stdout = getattr(sys.stdout, "buffer", sys.stdout)
    write_synthetic(definition, stdout, args.n, **options)
    stdout.flush()
    return 0
