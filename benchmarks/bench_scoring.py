"""How fast, and how lean, is scoring the bundled ICC definition?

Each benchmark checks its result before timing and reports ratios against a baseline measured
in the same run (see benchmarks/README.md); targets are printed, never asserted:

- the floor: the least work any scorer must do, reading the encoded answers once (codes,
  checklist ticks, numbers) and writing the essential output once (one float64 score and one
  coverage per node, group and variant: 42 per ICC city). Target: skip <= 8x the floor;
- ``bounds`` vs ``skip`` at the same size. Target: <= 1.5x;
- the engine vs the plain scalar reference scorer (tests/reference.py), per city. Target: >= 300x;
- peak memory while scoring vs the encoded answers plus the result arrays. Target: <= 2x.

Sizes: ``ICINDEX_BENCH_SIZES`` (default 10,000 and 200,000; the issue's figures use 1,000,000).
Run: ``python -m pytest benchmarks/bench_scoring.py -s`` (``--benchmark-disable`` for one pass).
"""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest
from benchmarks.timing import best_of
from tests import reference

import icindex

SIZES = [int(s) for s in os.environ.get("ICINDEX_BENCH_SIZES", "10000,200000").split(",")]


def decode(definition: icindex.Definition, encoded: icindex.Encoded) -> list[icindex.CityResponse]:
    """Encoded answers back into CityResponse objects, for the scalar reference."""
    items, layout = definition.items, encoded.layout
    cities = []
    for row, city_id in enumerate(encoded.city_ids.tolist()):
        answers: dict[str, object] = {}
        for column, i in enumerate(layout.coded):
            if encoded.codes[row, column] >= 0:
                answers[items[i].id] = items[i].option_ids[encoded.codes[row, column]]
        for column, i in enumerate(layout.checklists):
            mask = int(encoded.ticks[row, column])
            if mask >= 0:
                answers[items[i].id] = tuple(
                    o for j, o in enumerate(items[i].option_ids) if mask >> j & 1
                )
        for column, i in enumerate(layout.numeric):
            if not np.isnan(encoded.values[row, column]):
                answers[items[i].id] = float(encoded.values[row, column])
        cities.append(icindex.CityResponse(id=city_id, name=city_id, answers=answers))
    return cities


def essential_columns(definition: icindex.Definition) -> int:
    """Score and coverage per node, group and variant."""
    return 2 * (len(definition.nodes) + len(definition.groups) + len(definition.variants))


def floor(encoded: icindex.Encoded, columns: int) -> np.ndarray:
    """Read the encoded answers once and write the essential output once."""
    encoded.codes.sum(axis=1)
    encoded.ticks.sum(axis=1)
    encoded.values.sum(axis=1)
    out = np.empty((encoded.n_cities, columns))
    out[:] = 0.0
    return out


@pytest.fixture(scope="module")
def icc() -> icindex.Definition:
    return icindex.load_definition("icc")


@pytest.mark.parametrize("n", SIZES)
def test_skip_vs_floor(benchmark, icc, n):
    """Time to score n cities (skip), as a multiple of the floor; and bounds vs skip."""
    encoded = icindex.synthetic_cities(icc, n, seed=2, unknown_share=0.2)
    skip, bounds = icindex.compile(icc), icindex.compile(icc, missing="bounds")
    scores = icindex.score(bounds, encoded)
    index = scores.column("index")
    known = ~np.isnan(index)
    assert np.all((index[known] >= 0) & (index[known] <= 100))
    assert np.all(scores.lower[:, -3] <= scores.upper[:, -3])
    floor_s = best_of(lambda: floor(encoded, essential_columns(icc)), repeat=7)
    skip_s = best_of(lambda: icindex.score(skip, encoded), repeat=7)
    bounds_s = best_of(lambda: icindex.score(bounds, encoded), repeat=7)
    row = {"floor_s": floor_s, "skip_s": skip_s, "bounds_s": bounds_s}
    benchmark.extra_info.update(n=n, **row)
    print(
        f"\n{n:>9,} cities: floor {floor_s * 1e3:.1f} ms; skip {skip_s:.3f} s = "
        f"{skip_s / floor_s:.1f}x the floor (target <= 8x); bounds = {bounds_s / skip_s:.2f}x "
        f"skip (target <= 1.5x); {n / skip_s:,.0f} cities/s"
    )
    benchmark(icindex.score, skip, encoded)


def test_engine_vs_scalar_reference(benchmark, icc):
    """Per-city speed-up of the engine (100,000 cities) over the scalar reference (300 cities)."""
    encoded = icindex.synthetic_cities(icc, 300, seed=1, unknown_share=0.2)
    cities = decode(icc, encoded)
    scores = icindex.score(icc, encoded)
    for row in (0, 150, 299):
        want, _ = reference.score_city(icc, cities[row])
        assert scores.values[row, scores.ids.index("index")] == pytest.approx(want["index"])
    scalar = best_of(lambda: [reference.score_city(icc, city) for city in cities], repeat=3) / 300
    many = icindex.synthetic_cities(icc, 100_000, seed=1, unknown_share=0.2)
    plan = icindex.compile(icc)
    engine = best_of(lambda: icindex.score(plan, many), repeat=5) / 100_000
    benchmark.extra_info.update(scalar_s=scalar, engine_s=engine, speedup=scalar / engine)
    print(
        f"\nper city: scalar {scalar * 1e6:.0f} us, engine {engine * 1e9:.0f} ns: "
        f"{scalar / engine:,.0f}x faster (target >= 300x)"
    )
    benchmark(icindex.score, plan, encoded)


@pytest.mark.parametrize("missing", ["skip", "bounds"])
def test_peak_memory_vs_answers_and_result(benchmark, icc, missing):
    """Peak memory while scoring 200,000 cities, over (encoded answers + result arrays)."""
    n = 200_000
    encoded = icindex.synthetic_cities(icc, n, seed=3, unknown_share=0.1)
    plan = icindex.compile(icc, missing=missing)
    tracemalloc.start()
    scores = icindex.score(plan, encoded)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    answers = encoded.codes.nbytes + encoded.ticks.nbytes + encoded.values.nbytes
    stored = scores.stored()  # item columns derived: what the essential result is not
    result = n * (essential_columns(icc) + (len(icc.nodes) + 3) * 2 * (missing == "bounds")) * 8
    assert stored.values.shape == (n, len(scores.ids)) and peak >= result
    ratio = (answers + peak) / (answers + result)
    benchmark.extra_info.update(peak_bytes=peak, answers=answers, result=result, ratio=ratio)
    print(
        f"\n{missing}: peak {peak / 2**20:.0f} MiB while scoring; (answers + peak) = "
        f"{ratio:.2f}x (answers {answers / 2**20:.0f} MiB + result {result / 2**20:.0f} MiB)"
        " (target <= 2x)"
    )
    benchmark(icindex.score, plan, encoded)
