"""Uncertainty analyses across a ``dask.distributed`` cluster, equal to ``icindex.uncertainty``.

:func:`uncertainty_dask` draws the points ``u`` of every replication from the seed up front and
maps them to parameters, exactly as :func:`icindex.uncertainty` does. ``Model.run`` scores the
replications in batches (``Model.batches``: those sharing the same discrete choices, in runs
that fit the memory budget); here runs of those very batches form blocks, each block is scored
(``Model.score_batch``) and ranked on a worker (the model, which holds the units' data, is
scattered to every worker once), and each batch's scores and ranks are written back at its
rows. A batch is scored alone, from its own parameters, a replication is ranked among the units
from its own scores only, and each block runs with the calling process's number of BLAS threads
(:mod:`.blas`): so every number is computed as ``icindex.uncertainty`` computes it, and the
result is the same element for element.

``distributed`` is imported inside the functions (:func:`.optional.require`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from .._analysis.factors import Factor
from .._analysis.model import Model, Prepared, Progress, Replications
from .._analysis.uncertainty import Uncertainty, analyse, rank
from .._engine.encoding import Encoded
from .._engine.plan import Plan
from .._errors import ScoringError
from .._io.dataset import Dataset
from .._io.responses import CityResponse
from .._model.definition import Definition
from .blas import blas_threads, pinned
from .optional import require

__all__ = [
    "BLOCKS_PER_THREAD",
    "LOCAL_WORKER_CONFIG",
    "ClusterRun",
    "block_bounds",
    "open_client",
    "uncertainty_dask",
]

FloatArray = NDArray[np.float64]
Index = NDArray[np.intp]
#: Default blocks per worker thread: enough to even out unequal blocks, few enough that each
#: block's fixed cost (compiling its pipelines, the units' leaves) stays small.
BLOCKS_PER_THREAD = 4
#: Dask configuration for the local cluster started here. Dask's nannies start workers with
#: ``MALLOC_TRIM_THRESHOLD_=65536``, which stops glibc from keeping freed memory for reuse: the
#: engine's work arrays are then mapped afresh every batch, and a worker scores about half as
#: fast (benchmarks/README.md). A cluster that lives for one call has no use for it.
LOCAL_WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def block_bounds(count: int, blocks: int) -> list[tuple[int, int]]:
    """Split ``count`` rows into ``min(blocks, count)`` runs of nearly equal length.

    Examples
    --------
    >>> block_bounds(10, 3)
    [(0, 3), (3, 6), (6, 10)]
    """
    parts = max(1, min(blocks, count))
    return [(count * i // parts, count * (i + 1) // parts) for i in range(parts)]


Batch = tuple[tuple[int, ...], FloatArray]
"""One batch sent to a worker: its discrete choices and its replications' weights."""


def _score_block(
    model: Model, batches: list[Batch], threads: int
) -> list[tuple[FloatArray, NDArray[np.floating]]]:
    """Run on a worker: each batch's scores and ranks (replications, units), BLAS on
    ``threads``. Ranking here spares the caller that work (a replication's ranks need its own
    scores only); ranks, whole numbers below 2**24, travel as float32, exactly."""
    prepared: Prepared = {}
    scored: list[tuple[FloatArray, NDArray[np.floating]]] = []
    with pinned(threads):
        for combo, weights in batches:
            scores = model.score_batch(combo, weights, prepared)
            ranks = rank(scores)
            scored.append((scores, ranks.astype(np.float32) if ranks.shape[1] < 2**24 else ranks))
    return scored


@attrs.frozen
class ClusterRun:
    """Scores replications on a cluster, block by block (an :data:`uncertainty.Runner`).

    Each block is a run of :meth:`Model.batches`, the very batches ``Model.run`` scores.

    Attributes
    ----------
    client : distributed.Client
    blocks : int or None
        Blocks of replications (default: :data:`BLOCKS_PER_THREAD` per worker thread; at
        most one per batch).
    """

    client: Any
    blocks: int | None = None

    def __call__(
        self, model: Model, replications: Replications, progress: Progress | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Every replication's scores and ranks (replications, units), in their order."""
        distributed = require("distributed")
        scattered, futures = self._submit(model, replications)
        scores = np.empty((len(replications), len(model.unit_ids)))
        ranks = np.empty_like(scores)
        try:
            for future, block in distributed.as_completed(
                futures, loop=self.client.loop, with_results=True
            ):
                for rows, (batch_scores, batch_ranks) in zip(futures[future], block, strict=True):
                    scores[rows], ranks[rows] = batch_scores, batch_ranks
                if progress is not None:
                    progress(sum(rows.size for rows in futures[future]))
        finally:
            self.client.cancel([*scattered, *futures])
        return scores, ranks

    def _submit(
        self, model: Model, replications: Replications
    ) -> tuple[list[Any], dict[Any, list[Index]]]:
        """Send the model to every worker and each block's weights to one; submit the blocks.

        Returns the data sent (futures) and each block's future with the rows of its batches.
        """
        batches = model.batches(replications)
        threads = sum(self.client.nthreads().values())
        bounds = block_bounds(len(batches), self.blocks or BLOCKS_PER_THREAD * max(threads, 1))
        remote = self.client.scatter(model, broadcast=True, hash=False)
        parts = [
            [(combo, replications.weights[rows]) for combo, rows in batches[a:b]] for a, b in bounds
        ]
        sent = self.client.scatter(parts, hash=False)  # straight to the workers, not in a graph
        blas = blas_threads()
        futures = {
            self.client.submit(_score_block, remote, part, blas, pure=False): [
                rows for _, rows in batches[a:b]
            ]
            for part, (a, b) in zip(sent, bounds, strict=True)
        }
        return [remote, *sent], futures


@contextlib.contextmanager
def open_client(
    client: Any = None, scheduler: str | None = None, timeout: float = 30.0
) -> Iterator[Any]:
    """Yield ``client``; or a client of the scheduler at ``scheduler``; or, with neither, of a
    local cluster (one process per core) started here. What is opened here is closed after.

    Raises
    ------
    ScoringError
        Both given, no answer from ``scheduler`` within ``timeout`` seconds, or no dask.
    """
    if client is not None and scheduler is not None:
        raise ScoringError("client, scheduler: expected one of them (got both)")
    if client is not None:
        yield client
        return
    distributed = require("distributed")
    if scheduler is None:
        with (
            require("dask").config.set(LOCAL_WORKER_CONFIG),
            distributed.LocalCluster(processes=True, dashboard_address=":0") as cluster,
            distributed.Client(cluster, set_as_default=False) as local,
        ):
            yield local
        return
    try:
        remote = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise ScoringError(
            f"scheduler: expected a Dask scheduler at {scheduler!r}, answering within "
            f"{timeout:g} s (got {type(error).__name__}: {error})"
        ) from None
    with remote:
        yield remote


def _check_blocks(blocks: int | None) -> None:
    if blocks is not None and (not isinstance(blocks, int) or blocks < 1):
        raise ScoringError(f"blocks: expected an integer >= 1 (got {blocks!r})")


def uncertainty_dask(
    definition: Definition | Plan,
    data: Encoded | Dataset | Sequence[CityResponse],
    factors: Sequence[Factor],
    *,
    reps: int = 1000,
    seed: int | None = None,
    target: str | None = None,
    top: Sequence[int] = (1, 3, 10),
    progress: bool | None = None,
    client: Any = None,
    scheduler: str | None = None,
    blocks: int | None = None,
    timeout: float = 30.0,
) -> Uncertainty:
    """:func:`icindex.uncertainty`, its replications scored across a ``dask.distributed`` cluster.

    Parameters
    ----------
    definition, data, factors, reps, seed, target, top, progress
        As :func:`icindex.uncertainty`, whose result this equals element for element, given the
        same numpy and BLAS on the workers (``docs/scale.md``).
    client, scheduler : distributed.Client or str, optional
        The cluster to use (left open), or its scheduler's address, e.g. ``"tcp://host:8786"``,
        answering within ``timeout`` seconds; neither: a ``LocalCluster`` for the call.
    blocks : int >= 1, optional
        Blocks of replications, each scored on one worker (default: 4 per worker thread).

    Raises
    ------
    ScoringError
        As :func:`icindex.uncertainty`; a silent ``scheduler``; no Dask (``icindex[dask]``).

    Examples
    --------
    >>> import icindex
    >>> from distributed import LocalCluster
    >>> icc = icindex.load_definition("icc")
    >>> cities, factors = icindex.synthetic_cities(icc, 20, seed=1), [icindex.WeightNoise({2: 0.3})]
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
    ...     address = cluster.scheduler_address
    ...     result = uncertainty_dask(icc, cities, factors, reps=50, seed=1, scheduler=address)
    >>> result == icindex.uncertainty(icc, cities, factors, reps=50, seed=1)
    True
    """
    _check_blocks(blocks)
    with open_client(client, scheduler, timeout) as active:
        return analyse(
            definition,
            data,
            factors,
            reps=reps,
            seed=seed,
            target=target,
            top=top,
            progress=progress,
            run=ClusterRun(active, blocks),
        )
