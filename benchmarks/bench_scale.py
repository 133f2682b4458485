"""How does scoring scale with the number of cities, in memory and streamed from CSV?

Each size is checked before timing (the streamed scores equal the in-memory ones) and reported
as ratios measured in the same run (benchmarks/README.md); targets are printed, never asserted:

- cost per city as n grows, in memory: it should be flat (ratio of the largest size's cost per
  city to the smallest's, target <= 1.5x);
- peak memory (tracemalloc) of in-memory scoring grows with n; of streaming a CSV it should not
  (target: within 1.5x between the smallest and the largest streamed size);
- streamed scoring throughput excluding parsing against the in-memory engine's (target >= 1/3).

A plot of time per city and peak memory against n is written to ``benchmarks/scale.png`` when
matplotlib is installed.

Sizes: ``ICINDEX_BENCH_SCALE_SIZES`` (default 1,000, 10,000 and 100,000; the README's figures
go to 10,000,000 in memory) and ``ICINDEX_BENCH_STREAM_SCALE_SIZES`` for the streamed sizes
(default 5,000 and 50,000; CSV files are written to a temporary folder first).
"""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

import icindex

SIZES = [
    int(s) for s in os.environ.get("ICINDEX_BENCH_SCALE_SIZES", "1000,10000,100000").split(",")
]
STREAM_SIZES = [
    int(s) for s in os.environ.get("ICINDEX_BENCH_STREAM_SCALE_SIZES", "5000,50000").split(",")
]
CHUNK_ROWS = 1_000  # the streamed sizes span 10 and 100 chunks
PLOT = Path(__file__).resolve().parent / "scale.png"
IN_MEMORY = "in memory: score(plan, encoded)"
STREAMED = "streamed: score_stream (CSV parsed, scored, written)"
RESULTS: dict[str, dict[int, tuple[float, float]]] = {IN_MEMORY: {}, STREAMED: {}}


@pytest.fixture(scope="module")
def icc() -> icindex.Definition:
    return icindex.load_definition("icc")


def peak_and_time(function) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Wall time and tracemalloc peak of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    function()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak


def test_in_memory_cost_per_city_is_flat(benchmark, icc):
    """Time per city and peak memory of in-memory scoring at each size."""
    plan = icindex.compile(icc)
    for n in SIZES:
        cities = icindex.synthetic_cities(icc, n, seed=n, unknown_share=0.1)
        assert icindex.score(plan, cities).column("index").shape == (n,)
        best = min(peak_and_time(lambda c=cities: icindex.score(plan, c))[0] for _ in range(3))
        _, peak = peak_and_time(lambda c=cities: icindex.score(plan, c))
        RESULTS[IN_MEMORY][n] = (best / n, peak)
        print(f"\nin memory {n:>10,}: {best / n * 1e9:7.0f} ns/city, peak {peak / 2**20:8.1f} MiB")
    costs = [RESULTS[IN_MEMORY][n][0] for n in SIZES]
    print(f"cost per city, largest / smallest size: {costs[-1] / costs[0]:.2f}x (target <= 1.5x)")
    benchmark.pedantic(icindex.score, args=(plan, cities), rounds=1)


def test_streamed_memory_is_flat(benchmark, icc, tmp_path_factory):
    """Peak memory and time of ``score_stream`` (wide CSV in, CSV out) at each size."""
    plan = icindex.compile(icc)
    folder = tmp_path_factory.mktemp("scale")
    for n in STREAM_SIZES:
        path, out = folder / f"cities-{n}.csv", folder / f"scores-{n}.csv"
        icindex.write_synthetic(icc, path, n, seed=1)
        if n == STREAM_SIZES[0]:  # the streamed CSV is the in-memory export, byte for byte
            icindex.score_stream(plan, [path], out=out, chunk_rows=CHUNK_ROWS)
            whole = icindex.score(plan, icindex.read_responses(path, icc)).export("csv")
            assert out.read_text(encoding="utf-8") == whole

        def run(p: Path = path, o: Path = out) -> None:
            icindex.score_stream(plan, [p], out=o, chunk_rows=CHUNK_ROWS)

        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start  # timed without tracemalloc, which slows Python
        _, peak = peak_and_time(run)
        RESULTS[STREAMED][n] = (elapsed / n, peak)
        print(
            f"\nstreamed {n:>10,}: {elapsed / n * 1e6:6.1f} us/city, peak {peak / 2**20:6.1f} MiB"
        )
    peaks = [RESULTS[STREAMED][n][1] for n in STREAM_SIZES]
    print(f"streamed peak, largest / smallest size: {peaks[-1] / peaks[0]:.2f}x (target <= 1.5x)")
    _plot()
    benchmark.pedantic(lambda: None, rounds=1)


def _plot() -> None:
    """Time per city and peak memory against n, both paths, log-log, to benchmarks/scale.png."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return
    figure = Figure(figsize=(10, 4), layout="constrained")
    time_axes, memory_axes = figure.subplots(1, 2)
    for (label, rows), marker in zip(RESULTS.items(), ("o", "s"), strict=True):
        sizes = sorted(rows)
        if not sizes:
            continue
        time_axes.plot(sizes, [rows[n][0] * 1e6 for n in sizes], marker=marker, label=label)
        memory_axes.plot(sizes, [rows[n][1] / 2**20 for n in sizes], marker=marker, label=label)
    for axes, ylabel in ((time_axes, "time per city (µs)"), (memory_axes, "peak memory (MiB)")):
        axes.set(xscale="log", yscale="log", xlabel="cities (n)", ylabel=ylabel)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
    figure.suptitle("icindex: scoring the ICC definition in memory and streamed from CSV")
    figure.savefig(PLOT, dpi=100)
