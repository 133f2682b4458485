"""How much does advising one city cost, against re-scoring it once per candidate change?

``advise`` scores every candidate change in one engine call (one row per candidate) and the
combined gains in a second. The baseline, measured in the same run, is the obvious loop: one
``icindex.score`` call per candidate, each on the city's answers with that answer at its best,
encoded before timing (the loop pays for scoring only). A second ratio puts the advice against
one scoring of the city alone. Before timing, every gain is checked against the loop's (1e-9).

Sizes: Ansan (10 answers) advised on one indicator (``welcoming``, a few candidates) and on the
index (93 candidates). No target: a city is advised in about a millisecond either way; the
ratios say what the one-call design buys and what the rows' Python objects cost.
Run: ``python -m pytest benchmarks/bench_advice.py -s`` (``--benchmark-disable``: one pass).
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pytest
from benchmarks.timing import best_of
from tests.test_report_advice import best_answer

import icindex
from icindex._report.advice import advise

ANSAN = Path(__file__).resolve().parents[1] / "examples" / "cities" / "ansan.toml"


@pytest.mark.parametrize("target", ["welcoming", "index"])
def test_advice_vs_a_loop_of_scorings(benchmark, target):
    """Time of advising Ansan, over one score call per candidate and over one score call."""
    plan = icindex.compile(icindex.load_definition("icc"), missing="zero")
    (ansan,) = icindex.read_responses(ANSAN, plan.definition)
    advice = advise(plan, ansan, target=target)
    changed = [
        icindex.encode(
            plan.definition,
            [attrs.evolve(ansan, answers={**ansan.answers, row.item: best_answer(item)})],
        )
        for row in advice.rows
        for item in [plan.definition.item(row.item)]
    ]
    now = icindex.encode(plan.definition, [ansan])

    def loop() -> np.ndarray:
        before = icindex.score(plan, now).column(target)[0]
        return np.array([icindex.score(plan, e).column(target)[0] - before for e in changed])

    gains = np.array([row.gain for row in advice.rows])
    np.testing.assert_allclose(gains, loop(), rtol=0, atol=1e-9)
    advice_s = best_of(lambda: advise(plan, ansan, target=target), repeat=15)
    loop_s = best_of(loop, repeat=5)
    once_s = best_of(lambda: icindex.score(plan, now), repeat=15)
    benchmark.extra_info.update(candidates=len(changed), advice_s=advice_s, loop_s=loop_s)
    print(
        f"\nAnsan on {target!r}, {len(changed)} candidates: advice {advice_s * 1e3:.2f} ms; "
        f"{loop_s / advice_s:.1f}x faster than a loop of score calls ({loop_s * 1e3:.2f} ms); "
        f"{advice_s / once_s:.1f}x one score of the city "
        f"({once_s * 1e3:.3f} ms)"
    )
    benchmark.pedantic(advise, args=(plan, ansan), kwargs={"target": target}, rounds=1)
