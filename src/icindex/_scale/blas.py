"""BLAS threads: a block runs with as many as the process that asked for it.

A threaded BLAS matrix product splits the rows among its threads, and a row at the edge of a
split can be rounded differently in its last bit (OpenBLAS picks its kernel by shape). The
engine's products are small, so a split changes a few scores of some unit counts by about 1e-14
(``docs/scale.md``); Dask workers start with one BLAS thread, the calling process usually has
one per core. For results equal element for element, every block runs with the calling
process's number of BLAS threads: :func:`blas_threads` reads it there, :data:`pinned` applies
it on a worker (with ``threadpoolctl``, part of ``icindex[dask]``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from .optional import require

__all__ = ["BlasPin", "blas_threads", "pinned"]


def _controller() -> Any:
    """This process's thread pools (looked up each time: a few milliseconds, once a block)."""
    return require("threadpoolctl").ThreadpoolController()


def blas_threads() -> int:
    """The number of threads this process's BLAS uses (the most of any BLAS loaded).

    Examples
    --------
    >>> blas_threads() >= 1
    True
    """
    counts = [pool["num_threads"] for pool in _controller().select(user_api="blas").info()]
    return int(max(counts, default=1))


class BlasPin:
    """Runs blocks with BLAS on a given number of threads, changing it only if it differs.

    Where it differs (a worker started with one BLAS thread, asked for the caller's number),
    the blocks of this process run one at a time under a lock: OpenBLAS keeps one number per
    process, and a change made on one thread does not reliably reach the others. Where it is
    the same (the caller's own process; workers of a caller with one BLAS thread), blocks run
    side by side and nothing is changed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def __call__(self, threads: int) -> Iterator[None]:
        """Run the block inside with BLAS on ``threads`` threads."""
        if blas_threads() == threads:
            yield
            return
        with self._lock:
            limiter = _controller().limit(limits=threads, user_api="blas")
            try:
                yield
            finally:
                limiter.restore_original_limits()


#: The process's pin: ``with pinned(threads): ...`` (see :class:`BlasPin`).
pinned = BlasPin()
