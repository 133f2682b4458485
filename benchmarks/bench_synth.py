"""How fast does ``write_synthetic`` stream a large SYNTHETIC sample, and in how much memory?

Each benchmark checks what it writes before timing and reports ratios against a baseline
measured in the same run (see benchmarks/README.md); targets are printed, never asserted:

- cities per second writing the ICC sample as CSV, against the floor: writing the very same
  bytes, already in memory, to the same file (the least any writer must do). Target: well over
  20,000 cities/s;
- Parquet (when pyarrow is installed) against CSV at the same size;
- peak memory (tracemalloc) writing 10n cities against writing n: the stream holds one block
  of 10,000 cities at a time. Target: <= 1.2x.

Before timing: a 2,000-city stream is byte for byte ``write_wide_csv`` of ``synthetic_sample``,
and every file written has its n rows, the last city ``syn-<n>``.
Sizes: ``ICINDEX_BENCH_SYNTH_SIZES`` (default 20,000 and 200,000; README has 10,000,000).
Run: ``python -m pytest benchmarks/bench_synth.py -s`` (``--benchmark-disable`` for one pass).
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from benchmarks.timing import best_of

import icindex
from icindex._io.synthetic import id_width, synthetic_sample
from icindex._io.synthetic_write import write_synthetic

SIZES = [
    int(size) for size in os.environ.get("ICINDEX_BENCH_SYNTH_SIZES", "20000,200000").split(",")
]


@pytest.fixture(scope="module")
def icc() -> icindex.Definition:
    return icindex.load_definition("icc")


@pytest.fixture(scope="module")
def checked(icc: icindex.Definition, tmp_path_factory: pytest.TempPathFactory) -> bool:
    """The stream of 2,000 cities is write_wide_csv's file of synthetic_sample's cities."""
    folder = tmp_path_factory.mktemp("synth")
    write_synthetic(icc, folder / "stream.csv", 2_000, seed=1)
    icindex.write_wide_csv(folder / "sample.csv", synthetic_sample(icc, 2_000, seed=1), icc)
    assert (folder / "stream.csv").read_bytes() == (folder / "sample.csv").read_bytes()
    return True


def check_rows(path: Path, n: int) -> None:
    """The file has a header and n rows, the last one city n."""
    with path.open("rb") as handle:
        lines = sum(1 for _ in handle)
        handle.seek(max(0, path.stat().st_size - 4096))
        last = handle.read().splitlines()[-1]
    assert lines == n + 1
    assert last.startswith(f"syn-{n:0{id_width(n)}d},".encode())


@pytest.mark.parametrize("n", SIZES)
def test_csv_vs_writing_the_bytes(benchmark, icc, checked, tmp_path, n):
    """Cities/s writing n cities as CSV, as a multiple of writing the same bytes from memory."""
    path, floor_path = tmp_path / "stream.csv", tmp_path / "floor.csv"
    write_synthetic(icc, path, n, seed=1)
    check_rows(path, n)
    data = path.read_bytes()
    repeat = 3 if n <= 1_000_000 else 1
    stream_s = best_of(lambda: write_synthetic(icc, path, n, seed=1), repeat=repeat)
    floor_s = best_of(lambda: floor_path.write_bytes(data), repeat=repeat)
    benchmark.extra_info.update(n=n, stream_s=stream_s, floor_s=floor_s, bytes=len(data))
    print(
        f"\n{n:>11,} cities, {len(data) / 2**20:,.0f} MiB: CSV {stream_s:.2f} s = "
        f"{n / stream_s:,.0f} cities/s (target well over 20,000) = {stream_s / floor_s:.0f}x "
        f"the floor (writing the bytes from memory: {floor_s * 1e3:.0f} ms)"
    )
    benchmark.pedantic(write_synthetic, (icc, path, n), {"seed": 1}, rounds=1)


@pytest.mark.parametrize("n", SIZES[:1])
def test_parquet_vs_csv(benchmark, icc, tmp_path, n):
    """Time to write n cities as Parquet, as a multiple of CSV."""
    parquet = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "stream.parquet"
    write_synthetic(icc, path, n, seed=1, format="parquet")
    ids = parquet.read_table(path, columns=["city_id"]).column("city_id").to_pylist()
    assert len(ids) == n and ids[-1] == f"syn-{n:0{id_width(n)}d}"
    csv_s = best_of(lambda: write_synthetic(icc, tmp_path / "s.csv", n, seed=1), repeat=3)
    parquet_s = best_of(lambda: write_synthetic(icc, path, n, seed=1, format="parquet"), repeat=3)
    size, csv_size = path.stat().st_size, (tmp_path / "s.csv").stat().st_size
    benchmark.extra_info.update(n=n, parquet_s=parquet_s, csv_s=csv_s, bytes=size)
    print(
        f"\n{n:>11,} cities: Parquet {parquet_s:.2f} s = {n / parquet_s:,.0f} cities/s = "
        f"{parquet_s / csv_s:.2f}x CSV; {size / 2**20:.1f} MiB ({size / csv_size:.0%} of the CSV)"
    )
    benchmark.pedantic(write_synthetic, (icc, path, n), {"seed": 1, "format": "parquet"})


def peak_bytes(icc: icindex.Definition, path: Path, n: int) -> int:
    """Peak memory traced while writing n cities."""
    tracemalloc.start()
    try:
        write_synthetic(icc, path, n, seed=1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_n_vs_10n(benchmark, icc, tmp_path):
    """Peak memory writing 10n cities over writing n (n the smallest size)."""
    n = SIZES[0]
    peak_bytes(icc, tmp_path / "warm.csv", 10)  # first-call caches stay out of the figures
    small, large = (peak_bytes(icc, tmp_path / f"{m}.csv", m) for m in (n, 10 * n))
    check_rows(tmp_path / f"{10 * n}.csv", 10 * n)
    benchmark.extra_info.update(n=n, peak_n=small, peak_10n=large)
    print(
        f"\npeak memory: {small / 2**20:.0f} MiB for {n:,} cities, {large / 2**20:.0f} MiB for "
        f"{10 * n:,}: {large / small:.2f}x (target <= 1.2x)"
    )
    benchmark.pedantic(peak_bytes, (icc, tmp_path / "n.csv", n), rounds=1)
