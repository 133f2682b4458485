"""Argument types shared by several commands (argparse turns their errors into exit status 2).

Each type reads one option's text with the one number grammar of :func:`icindex._files.
parse_number` and checks its range, so that a value a command cannot use is a usage error
(``usage: ...`` and ``icindex <command>: error: ...``, exit status 2) before any file is read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .._files import parse_number

__all__ = [
    "add_format",
    "ascending_pair",
    "chosen_format",
    "finite_float",
    "nonnegative_int",
    "positive_float",
    "positive_int",
    "positive_ints",
    "share",
]


def _number(text: str, expected: str) -> float:
    try:
        return parse_number(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected} (got {text!r})") from None


def _whole(text: str, least: int) -> int:
    expected = f"a whole number >= {least}"
    number = _number(text, expected)
    if not number.is_integer() or number < least or "." in text or "e" in text.lower():
        raise argparse.ArgumentTypeError(f"expected {expected} (got {text!r})")
    return int(number)


def positive_int(text: str) -> int:
    """A whole number >= 1, or an argparse error saying so.

    Examples
    --------
    >>> positive_int("5")
    5
    """
    return _whole(text, 1)


def nonnegative_int(text: str) -> int:
    """A whole number >= 0 (a seed, a count that may be zero), or an argparse error.

    Examples
    --------
    >>> nonnegative_int("0")
    0
    """
    return _whole(text, 0)


def positive_ints(text: str) -> tuple[int, ...]:
    """Whole numbers >= 1 separated by commas (``1,3,10``), or an argparse error.

    Examples
    --------
    >>> positive_ints("1, 3,10")
    (1, 3, 10)
    """
    parts = [part.strip() for part in text.split(",")]
    try:
        return tuple(_whole(part, 1) for part in parts)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers >= 1 separated by commas, e.g. 1,3,10 (got {text!r})"
        ) from None


def finite_float(text: str) -> float:
    """Any finite number, or an argparse error.

    Examples
    --------
    >>> finite_float("-2.5")
    -2.5
    """
    return _number(text, "a finite number")


def positive_float(text: str) -> float:
    """A finite number > 0, or an argparse error.

    Examples
    --------
    >>> positive_float("0.5")
    0.5
    """
    number = _number(text, "a number > 0")
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0 (got {text!r})")
    return number


def share(text: str) -> float:
    """A share from 0 to 1 (``0.5``, not ``50``), or an argparse error.

    Examples
    --------
    >>> share("0.25")
    0.25
    >>> share("2")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a share from 0 to 1, e.g. 0.5 (got '2')
    """
    number = _number(text, "a share from 0 to 1, e.g. 0.5")
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share from 0 to 1, e.g. 0.5 (got {text!r})")
    return number


def ascending_pair(text: str) -> tuple[float, float]:
    """Two finite numbers ``LO,HI`` with LO < HI, or an argparse error.

    Examples
    --------
    >>> ascending_pair("0,100")
    (0.0, 100.0)
    >>> ascending_pair("100,0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected LO,HI with LO < HI (got '100,0')
    """
    parts = text.split(",")
    expected = "two numbers LO,HI, e.g. 0,100"
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected {expected} (got {text!r})")
    low, high = (_number(part, expected) for part in parts)
    if not low < high:
        raise argparse.ArgumentTypeError(f"expected LO,HI with LO < HI (got {text!r})")
    return low, high


#: File suffix -> the format it means, for ``--out FILE`` without ``--format``.
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".parquet": "parquet",
    ".toml": "toml",
    ".txt": "table",
}


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...], default: str) -> None:
    """Add ``--format`` (one of ``choices``) and ``--out FILE``; without ``--format`` the
    format is the one ``--out``'s suffix names (``scores.csv``: csv) when it is a choice, else
    ``default`` (see :func:`chosen_format`)."""
    by_suffix = ", ".join(f"{s} {f}" for s, f in SUFFIX_FORMATS.items() if f in choices)
    parser.add_argument(
        "--format",
        choices=choices,
        default=None,
        help=f"output (default: from the --out suffix, {by_suffix}; else {default})",
    )
    parser.add_argument("--out", type=Path, metavar="FILE", help="write to FILE, not stdout")
    parser.set_defaults(format_choices=choices, format_default=default)


def chosen_format(args: argparse.Namespace) -> None:
    """Settle ``args.format`` for a command made with :func:`add_format`: as given, else from
    the suffix of ``args.out``, else the command's default.

    Examples
    --------
    >>> args = argparse.Namespace(format=None, out=Path("scores.csv"),
    ...                           format_choices=("table", "csv"), format_default="table")
    >>> chosen_format(args); args.format
    'csv'
    """
    if getattr(args, "format", "") is not None:
        return
    out = getattr(args, "out", None)
    suffix = SUFFIX_FORMATS.get(out.suffix.lower()) if isinstance(out, Path) else None
    args.format = suffix if suffix in args.format_choices else args.format_default
