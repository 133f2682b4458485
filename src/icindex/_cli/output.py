"""Where the commands' text goes: standard output, or ``--out FILE`` written whole or not at all.

Every command writes its text through :func:`emit`, so that a file is written with
:func:`icindex._files.atomic_write` and a failed write (a full disk, ``/dev/full``, a missing
folder) is one :class:`OutputError` naming the path. What is shown on a terminal passes through
:func:`shown` (control characters as escapes, :func:`icindex._files.visible`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .._files import atomic_write, visible

__all__ = ["emit", "shown", "write_text"]


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8) through a temporary file; OutputError naming the path.

    Examples
    --------
    >>> write_text(Path("/no/such/folder/x.csv"), "a\\n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icindex._errors.OutputError: /no/such/folder/x.csv: cannot write: folder ... does not exist
    """
    with atomic_write(path) as handle:  # OSError while writing: OutputError naming the path
        handle.write(text)


def emit(text: str, out: Path | None) -> None:
    """``text`` (with a final newline) to ``out``, or to standard output when ``out`` is None."""
    text = text if text.endswith("\n") else text + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        write_text(out, text)


def shown(text: object) -> str:
    """``text`` as a terminal shows it safely: control characters as escapes.

    Examples
    --------
    >>> shown("Ansan\\x1b[2J")
    'Ansan\\\\x1b[2J'
    """
    return visible(str(text))
