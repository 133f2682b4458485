"""A progress bar for long analyses: tqdm when installed, on standard error, only on a terminal."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .._errors import ScoringError

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(
    total: int, unit: str, enabled: bool | None
) -> Iterator[Callable[[int], object] | None]:
    """Yield a function advancing a bar of ``total`` steps, or None when there is no bar.

    ``enabled`` None shows a bar when standard error is a terminal and tqdm is installed;
    True asks for one (a :class:`ScoringError` without tqdm); False never shows one.
    """
    if enabled is None:
        enabled = sys.stderr.isatty() and importlib.util.find_spec("tqdm") is not None
    if not enabled:
        yield None
        return
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        raise ScoringError(
            "progress: a progress bar needs tqdm (pip install 'icindex[progress]')"
        ) from None
    with tqdm(total=total, unit=unit, file=sys.stderr, leave=False) as bar:
        yield bar.update
