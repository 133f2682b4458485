"""How fast, and how lean, is scoring the bundled ICC definition?

Each benchmark checks its result before timing and reports ratios against a baseline measured
in the same run (see benchmarks/README.md):

- engine vs the plain scalar reference scorer (tests/reference.py), per city;
- engine vs ``codes.sum(axis=1)`` over the same encoded array: how far from "just touching the
  answers once" scoring is;
- peak memory while scoring vs the memory floor (the result arrays themselves).

Run: ``python -m pytest benchmarks/bench_scoring.py`` (``--benchmark-disable`` for one quick pass).
"""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest
from benchmarks.timing import best_of
from tests import reference

import icindex

SIZES = [int(s) for s in os.environ.get("ICINDEX_BENCH_SIZES", "1000,10000,100000").split(",")]



def decode(definition: icindex.Definition, encoded: icindex.Encoded) -> list[icindex.CityResponse]:
    """Encoded answers back into CityResponse objects, for the scalar reference."""
    items, layout = definition.items, encoded.layout
    cities = []
    for row, city_id in enumerate(encoded.city_ids.tolist()):
        answers: dict[str, icindex._io.responses.Answer] = {}
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


@pytest.fixture(scope="module")
def icc() -> icindex.Definition:
    return icindex.load_definition("icc")


def test_engine_vs_scalar_reference(benchmark, icc):
    """Speed-up of the vectorised engine over the scalar reference on 300 cities (skip policy)."""
    encoded = icindex.synthetic_cities(icc, 300, seed=1, unknown_share=0.2)
    cities = decode(icc, encoded)
    scores = icindex.score(icc, encoded)
    for row in (0, 150, 299):
        want, _ = reference.score_city(icc, cities[row])
        assert scores.values[row, scores.ids.index("index")] == pytest.approx(want["index"])
    scalar = best_of(lambda: [reference.score_city(icc, city) for city in cities], repeat=1)
    engine = best_of(lambda: icindex.score(icc, encoded))
    benchmark.extra_info.update(scalar_s=scalar, engine_s=engine, speedup=scalar / engine)
    print(f"\n300 cities: scalar {scalar:.3f} s, engine {engine * 1e3:.2f} ms, "
          f"engine is {scalar / engine:,.0f}x faster")
    benchmark(icindex.score, icc, encoded)


@pytest.mark.parametrize("n", SIZES)
def test_engine_vs_sum_of_codes(benchmark, icc, n):
    """Time to score n cities, as a multiple of codes.sum(axis=1) over the same encoded array."""
    encoded = icindex.synthetic_cities(icc, n, seed=2, unknown_share=0.1)
    scores = icindex.score(icc, encoded, missing="skip")
    assert np.all((scores.column("index") >= 0) & (scores.column("index") <= 100))
    floor = best_of(lambda: encoded.codes.sum(axis=1))
    engine = best_of(lambda: icindex.score(icc, encoded), repeat=3)
    benchmark.extra_info.update(n=n, sum_s=floor, engine_s=engine, ratio=engine / floor)
    print(f"\n{n:>9,} cities: engine {engine:.4f} s = {engine / floor:,.0f}x codes.sum(axis=1) "
          f"({floor * 1e3:.3f} ms); {n / engine:,.0f} cities/s")
    benchmark(icindex.score, icc, encoded)


@pytest.mark.parametrize("missing", ["skip", "bounds"])
def test_peak_memory_vs_result_size(benchmark, icc, missing):
    """Peak memory allocated while scoring 50,000 cities, as a multiple of the result arrays."""
    encoded = icindex.synthetic_cities(icc, 50_000, seed=3, unknown_share=0.1)
    tracemalloc.start()
    scores = icindex.score(icc, encoded, missing=missing)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    arrays = [scores.values, scores.coverage, scores.lower, scores.upper]
    floor = sum(a.nbytes for a in arrays if a is not None)
    assert peak >= floor
    benchmark.extra_info.update(peak_bytes=peak, floor_bytes=floor, ratio=peak / floor)
    print(f"\n{missing}: peak {peak / 2**20:.0f} MiB = {peak / floor:.2f}x the result "
          f"({floor / 2**20:.0f} MiB)")
    benchmark(icindex.score, icc, encoded, missing=missing)
