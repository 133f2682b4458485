"""Does streaming a large CSV keep memory bounded, and what does it cost in speed?

Each benchmark checks its result before timing and reports ratios measured in the same run
(see benchmarks/README.md); targets are printed, never asserted:

- peak memory (tracemalloc) of ``score_stream`` (read, score, write CSV) on a wide CSV of n
  cities and of 10 n cities, with a chunk budget of n / 10 cities (reading and scoring).
  Target: peak(10 n) <= 1.5 x peak(n). The in-memory path's peak at n is printed beside it;
- scoring speed: the time spent scoring the blocks the stream yields, parsing excluded, against
  one in-memory ``icindex.score`` of the same cities. Target: >= 1/3 of the in-memory
  throughput. The parse rate (cities/s of ``iter_encoded``) is reported beside it;
- end to end: ``score_stream`` to CSV against ``read_responses``, ``score`` and
  ``export("csv")`` (what ``icindex score --format csv`` did before streaming); and the parse
  rate of the base sample written as a long CSV.

Files are a synthetic sample of 2,000 cities (10 % unknown answers) repeated with new ids.
Sizes: ``ICINDEX_BENCH_STREAM_SIZES`` (default 20,000 and 100,000 cities) for speed;
``ICINDEX_BENCH_STREAM_MEMORY`` (default n = 2,000, so 20,000 for 10 n: tracemalloc slows
every allocation, and parsing allocates a string per cell); ``ICINDEX_BENCH_STREAM_END_TO_END``
(default 5,000: the in-memory path reads about 2,500 cities/s).
Run: ``python -m pytest benchmarks/bench_stream.py -s`` (``--benchmark-disable`` for one pass).
"""

from __future__ import annotations

import io
import math
import os
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from benchmarks.timing import best_of

import icindex
from icindex._engine.stream import Chunk, iter_encoded, rechunk
from icindex._results.stream_write import score_stream

SIZES = [int(s) for s in os.environ.get("ICINDEX_BENCH_STREAM_SIZES", "20000,100000").split(",")]
MEMORY_N = int(os.environ.get("ICINDEX_BENCH_STREAM_MEMORY", "2000"))
END_TO_END_N = int(os.environ.get("ICINDEX_BENCH_STREAM_END_TO_END", "5000"))
BASE = 2000


@pytest.fixture(scope="module")
def icc() -> icindex.Definition:
    return icindex.load_definition("icc")


@pytest.fixture(scope="module")
def base(icc, tmp_path_factory) -> tuple[Path, icindex.Encoded]:
    """The base sample as a wide CSV, and its answers encoded in memory."""
    path = tmp_path_factory.mktemp("stream") / "base.csv"
    cities = icindex.synthetic_sample(icc, BASE, seed=8, unknown_share=0.1)
    icindex.write_wide_csv(path, cities, icc)
    return path, icindex.encode(icc, cities)


def repeated(base: Path, n: int) -> Path:
    """A wide CSV of the first n cities of the base sample repeated, copy k's ids prefixed."""
    header, *rows = base.read_text(encoding="utf-8").splitlines(keepends=True)
    path = base.with_name(f"cities-{n}.csv")
    if not path.exists():
        with path.open("w", encoding="utf-8") as handle:
            handle.write(header)
            for start in range(0, n, BASE):
                handle.writelines(f"c{start // BASE}_{row}" for row in rows[: n - start])
    return path


def streamed_chunks(path: Path, definition: icindex.Definition, rows: int) -> list[Chunk]:
    return list(iter_encoded(path, definition, rows))


def check_chunks(chunks: list[Chunk], base: icindex.Encoded, n: int) -> icindex.Encoded:
    """Every streamed city's answers equal the base city's it copies; the cities joined."""
    joined = Chunk.join(chunks).encoded
    assert joined.n_cities == n
    for start in range(0, n, BASE):
        copy, rows = joined.take(slice(start, start + BASE)), slice(0, min(BASE, n - start))
        for name in ("codes", "ticks", "values"):
            np.testing.assert_array_equal(getattr(copy, name), getattr(base, name)[rows])
    return joined


def peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_n_vs_10n(benchmark, icc, base):
    """Peak memory of streaming 10 n cities over that of n cities, chunk budget n / 10."""
    n, chunk = MEMORY_N, max(MEMORY_N // 10, 1)
    plan = icindex.compile(icc, chunk_size=chunk)  # scoring blocks of the chunk budget too
    small, large = repeated(base[0], n), repeated(base[0], 10 * n)
    sink = io.StringIO()
    score_stream(plan, small, out=sink, chunk_rows=chunk)
    in_memory = icindex.score(plan, icindex.read_responses(small, icc)).export("csv")
    assert sink.getvalue() == in_memory
    out = small.with_name("scores.csv")
    peaks = [
        peak_bytes(lambda p=p: score_stream(plan, p, out=out, chunk_rows=chunk))
        for p in (small, large)
    ]
    whole = peak_bytes(
        lambda: icindex.score(plan, icindex.read_responses(small, icc)).export("csv")
    )
    ratio = peaks[1] / peaks[0]
    benchmark.extra_info.update(n=n, chunk=chunk, peak_n=peaks[0], peak_10n=peaks[1], ratio=ratio)
    print(
        f"\nchunk {chunk:,} cities: peak {peaks[0] / 2**20:.1f} MiB streaming {n:,} cities, "
        f"{peaks[1] / 2**20:.1f} MiB streaming {10 * n:,}: {ratio:.2f}x (target <= 1.5x); "
        f"in memory, {n:,} cities: {whole / 2**20:.1f} MiB"
    )
    benchmark.pedantic(score_stream, (plan, small), {"out": out, "chunk_rows": chunk}, rounds=1)


def timed(function):
    """``function()`` and the seconds it took."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


@pytest.mark.parametrize("n", SIZES)
def test_streamed_scoring_vs_in_memory(benchmark, icc, base, n):
    """Scoring the blocks the stream yields (parsing excluded) vs one in-memory score."""
    path, plan = repeated(base[0], n), icindex.compile(icc)
    chunks, parse_s = timed(lambda: streamed_chunks(path, icc, 1024))
    encoded = check_chunks(chunks, base[1], n)
    whole = icindex.score(plan, encoded)
    parts = [icindex.score(plan, block.encoded) for block in rechunk(chunks, plan.chunk_rows())]
    stacked = np.vstack([part.stored().values for part in parts])
    assert np.array_equal(stacked, whole.stored().values, equal_nan=True)

    def scoring_as_streamed() -> float:
        spent = 0.0
        for block in rechunk(iter(chunks), plan.chunk_rows()):
            start = time.perf_counter()
            icindex.score(plan, block.encoded)
            spent += time.perf_counter() - start
        return spent

    streamed_s = memory_s = math.inf
    for _ in range(5):  # interleaved: the machine's load drifts between the two
        streamed_s = min(streamed_s, scoring_as_streamed())
        memory_s = min(memory_s, best_of(lambda: icindex.score(plan, encoded), repeat=1))
    ratio = memory_s / streamed_s
    benchmark.extra_info.update(n=n, parse_s=parse_s, streamed_s=streamed_s, memory_s=memory_s)
    print(
        f"\n{n:>8,} cities: streamed scoring {n / streamed_s:,.0f} cities/s = {ratio:.2f}x the "
        f"in-memory engine's {n / memory_s:,.0f} (target >= 0.33x); parsing (wide CSV, "
        f"chunks of 1,024) {n / parse_s:,.0f} cities/s"
    )
    benchmark.pedantic(icindex.score, (plan, encoded), rounds=1)


def test_end_to_end_vs_in_memory(benchmark, icc, base):
    """score_stream to CSV vs read_responses + score + export; long-CSV parse rate."""
    n = END_TO_END_N
    path, plan = repeated(base[0], n), icindex.compile(icc)
    out = path.with_name("scores.csv")
    whole, memory_s = timed(
        lambda: icindex.score(plan, icindex.read_responses(path, icc)).export("csv")
    )
    _, stream_s = timed(lambda: score_stream(plan, path, out=out))
    assert out.read_text(encoding="utf-8") == whole
    long = path.with_name("long.csv")
    icindex.write_long_csv(long, icindex.read_responses(base[0], icc))
    chunks, long_s = timed(lambda: streamed_chunks(long, icc, 1024))
    assert Chunk.join(chunks).encoded == base[1]
    benchmark.extra_info.update(n=n, stream_s=stream_s, memory_s=memory_s, long_s=long_s)
    print(
        f"\n{n:,} cities, wide CSV to CSV: streamed {n / stream_s:,.0f} cities/s, in memory "
        f"{n / memory_s:,.0f} cities/s ({memory_s / stream_s:.1f}x); long CSV parsing "
        f"{BASE / long_s:,.0f} cities/s"
    )
    benchmark.pedantic(score_stream, (plan, path), {"out": out}, rounds=1)
