"""Argument types shared by several commands (argparse turns their errors into exit status 2)."""

from __future__ import annotations

import argparse

__all__ = ["positive_int"]


def positive_int(text: str) -> int:
    """A whole number >= 1, or an argparse error saying so.

    Examples
    --------
    >>> positive_int("5")
    5
    """
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 (got {text!r})")
    return number
