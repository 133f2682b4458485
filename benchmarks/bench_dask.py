"""What does the Dask backend buy, and what does it cost?

Each benchmark checks its result before timing (equal, element for element, to the numpy path)
and reports ratios against a baseline measured in the same run (benchmarks/README.md); targets
are printed, never asserted:

- ``reps`` replications x 1,000 ICC cities (noise ±25 % on the 17 indicator weights x amean or
  gmean of the index, as bench_uncertainty.py) on a ``LocalCluster`` of 1 and of 2 worker
  processes of one thread each: replications per second. Target: 2 workers >= 1.6x one worker
  at 10^5 replications. Baseline: ``icindex.uncertainty`` in this process. This process runs
  BLAS on one thread, as docs/scale.md advises (the workers then keep their one thread); the
  default, where the workers are given this process's number of BLAS threads, is timed once.
- Scoring 10^3, 10^4 and 10^5 synthetic ICC cities with ``score_dask`` (chunks of 10^5 rows,
  Dask's threads) against ``icindex.score(...).stored()``, the same arrays from numpy: the
  overhead of the graph, and what two threads give back at larger sizes.

Sizes: ``ICINDEX_BENCH_DASK_REPS`` (default 20,000) and ``ICINDEX_BENCH_DASK_SIZES`` (default
``1000,10000,100000``). Run: ``python -m pytest benchmarks/bench_dask.py -s``
(``--benchmark-disable``: one pass).
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
from benchmarks.timing import best_of

import icindex
from icindex._analysis.model import Model, Replications
from icindex._analysis.uncertainty import score_and_rank
from icindex._scale.blas import blas_threads
from icindex._scale.dask_backend import encoded_to_dask, score_dask
from icindex._scale.dask_cluster import LOCAL_WORKER_CONFIG, uncertainty_dask

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
threadpoolctl = pytest.importorskip("threadpoolctl")

REPS = int(os.environ.get("ICINDEX_BENCH_DASK_REPS", "20000"))
SIZES = [int(n) for n in os.environ.get("ICINDEX_BENCH_DASK_SIZES", "1000,10000,100000").split(",")]
CHUNK_ROWS = 100_000


@pytest.fixture(scope="module")
def icc() -> icindex.Definition:
    return icindex.load_definition("icc")


@pytest.fixture(scope="module")
def cities(icc) -> icindex.Encoded:
    return icindex.synthetic_cities(icc, 1000, seed=2, unknown_share=0.1)


def factors() -> list[icindex.Factor]:
    return [icindex.WeightNoise({2: 0.25}), icindex.Aggregation(("amean", "gmean"), levels=(3,))]


def engine_seconds(model: Model, replications: Replications) -> float:
    """Run on a worker: seconds to score and rank ``replications``, nothing sent or received
    (in pieces of 2,500, about the size of the backend's blocks of 10^5 on 2 workers)."""
    start = time.perf_counter()
    for rows in np.array_split(np.arange(len(replications)), -(-len(replications) // 2500)):
        piece = Replications(
            replications.u[rows], replications.weights[rows], replications.choices[rows]
        )
        score_and_rank(model, piece)
    return time.perf_counter() - start


def engine_alone(client, model: Model, replications: Replications) -> float:
    """Seconds for the workers to score the replications side by side without Dask's part:
    each worker its share, sent beforehand, timed on the worker (the machine's ceiling)."""
    workers = list(client.scheduler_info()["workers"])
    shares = np.array_split(np.arange(len(replications)), len(workers))
    parts = [
        Replications(replications.u[rows], replications.weights[rows], replications.choices[rows])
        for rows in shares
    ]
    sent = [client.scatter(part, workers=[w]) for part, w in zip(parts, workers, strict=True)]
    remote = client.scatter(model, broadcast=True)
    futures = [
        client.submit(engine_seconds, remote, part, workers=[w], pure=False)
        for part, w in zip(sent, workers, strict=True)
    ]
    return max(client.gather(futures))


def on_cluster(icc, cities, workers: int, expected: icindex.Uncertainty) -> tuple[float, float]:
    """Seconds for ``REPS`` replications on ``workers`` processes (after checking the result),
    and for the engine alone on the same workers."""
    with (
        dask.config.set(LOCAL_WORKER_CONFIG),  # as uncertainty_dask's own local cluster
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):

        def run() -> icindex.Uncertainty:
            return uncertainty_dask(
                icc, cities, factors(), reps=REPS, seed=1, progress=False, client=client
            )

        result = run()
        np.testing.assert_array_equal(result.scores, expected.scores)
        assert result == expected
        model, replications = expected.model, expected.replications
        engine_s = min(engine_alone(client, model, replications) for _ in range(2))
        return best_of(run, repeat=2), engine_s


def test_uncertainty_on_one_and_two_workers(benchmark, icc, cities):
    """Replications per second on 1 and 2 worker processes, and in this process."""

    def here() -> icindex.Uncertainty:
        return icindex.uncertainty(icc, cities, factors(), reps=REPS, seed=1, progress=False)

    default_threads = blas_threads()
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        expected = here()
        alone_s = best_of(here, repeat=2)
        one_s, one_engine_s = on_cluster(icc, cities, 1, expected)
        two_s, two_engine_s = on_cluster(icc, cities, 2, expected)
    pinned_s, _ = on_cluster(icc, cities, 2, here())  # the workers get this process's threads
    benchmark.extra_info.update(reps=REPS, here_s=alone_s, one_s=one_s, two_s=two_s)
    print(
        f"\n{REPS:,} replications x 1,000 ICC cities, replications/s: in process "
        f"{REPS / alone_s:,.0f}; 1 worker {REPS / one_s:,.0f}; 2 workers {REPS / two_s:,.0f}: "
        f"{one_s / two_s:.2f}x one worker (target >= 1.6x at 10^5), {alone_s / two_s:.2f}x "
        f"in process. The engine alone on the workers, nothing sent: 2 workers "
        f"{one_engine_s / two_engine_s:.2f}x one (this machine's ceiling); Dask's part "
        f"{one_s - one_engine_s:.2f} s of {one_s:.2f} s on 1 worker. With this process's "
        f"{default_threads} BLAS threads given to 2 workers: {REPS / pinned_s:,.0f}/s "
        f"({pinned_s / two_s:.1f}x slower)"
    )
    benchmark.pedantic(here, rounds=1)


@pytest.mark.parametrize("n", SIZES)
def test_scoring_overhead_over_numpy(benchmark, icc, n):
    """Time of ``score_dask`` (chunks of 10^5 rows, threads) over the numpy path's."""
    plan = icindex.compile(icc)
    encoded = icindex.synthetic_cities(icc, n, seed=3, unknown_share=0.1)

    def numpy_path() -> icindex.Scores:
        return icindex.score(plan, encoded).stored()

    def dask_path() -> icindex.Scores:
        lazy = score_dask(plan, *encoded_to_dask(encoded, CHUNK_ROWS), city_ids=encoded.city_ids)
        return lazy.compute(scheduler="threads")

    assert dask_path() == numpy_path()
    repeat = 5 if n <= 10_000 else 2
    numpy_s = best_of(numpy_path, repeat=repeat)
    dask_s = best_of(dask_path, repeat=repeat)
    scoring_s = best_of(lambda: icindex.score(plan, encoded), repeat=repeat)
    benchmark.extra_info.update(n=n, numpy_s=numpy_s, dask_s=dask_s)
    print(
        f"\n{n:,} cities: Dask {dask_s * 1e3:.1f} ms = {dask_s / numpy_s:.2f}x numpy's "
        f"{numpy_s * 1e3:.1f} ms (scores with every item column stored; the scoring alone "
        f"{scoring_s * 1e3:.1f} ms)"
    )
    benchmark.pedantic(dask_path, rounds=1)
