"""The Dask backend: the same numbers as the numpy path, element for element, and its errors.

Scoring over Dask arrays runs in this process (threads); the uncertainty tests share one
``LocalCluster`` of two single-threaded worker processes, started once for this file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import icindex
from icindex._cli import scale as cli_scale
from icindex._cli.main import _parser, main
from icindex._scale import dask_backend
from icindex._scale.blas import blas_threads, pinned
from icindex._scale.dask_backend import aligned_chunks, encoded_to_dask, score_dask
from icindex._scale.dask_cluster import LOCAL_WORKER_CONFIG, uncertainty_dask

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
pytest.importorskip("threadpoolctl")

ASEM = Path(__file__).resolve().parent / "data" / "coinr-asem"
COINR = ["--coinr", str(ASEM / "asem_idata.csv"), str(ASEM / "asem_imeta.csv")]
STATES = ("values", "coverage", "lower", "upper")


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes of one thread each, for every uncertainty test of this file."""
    with (
        dask.config.set(LOCAL_WORKER_CONFIG),  # workers as fast as uncertainty_dask's own
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        distributed.Client(local, set_as_default=False) as client,
    ):
        yield local, client


def dask_arrays(encoded: icindex.Encoded, rows: tuple[int, ...]) -> list:
    """The encoded arrays as Dask arrays with the given row chunks."""
    return [
        da.from_array(np.asarray(array), chunks=(rows, -1))
        for array in (encoded.codes, encoded.ticks, encoded.values)
    ]


def assert_same_scores(lazy: dask_backend.DaskScores, expected: icindex.Scores) -> None:
    computed = lazy.compute()
    for state in STATES:
        if getattr(expected, state) is None:
            assert getattr(computed, state) is None
        else:
            np.testing.assert_array_equal(getattr(computed, state), getattr(expected, state))


@pytest.mark.parametrize("missing", ["skip", "zero", "bounds"])
@pytest.mark.parametrize(
    "rows",
    [(1,) * 100, (7, 30, 1, 62), (100,), (16, 16, 68)],
    ids=["one-row-chunks", "uneven", "one-chunk", "engine-aligned"],
)
def test_dask_scores_equal_numpy_scores_for_any_chunks(icc, missing, rows):
    """Any row chunks give scores equal, element for element, to score(plan, encoded).stored()."""
    plan = icindex.compile(icc, missing=missing, chunk_size=16)  # several engine chunks
    encoded = icindex.synthetic_cities(icc, 100, seed=5, unknown_share=0.2)
    lazy = score_dask(plan, *dask_arrays(encoded, rows))
    assert_same_scores(lazy, icindex.score(plan, encoded).stored())


@pytest.mark.parametrize("missing", ["skip", "zero", "bounds"])
def test_dask_scores_equal_numpy_scores_at_the_default_memory(icc, missing):
    """Thousands of cities in chunks of 1,000 rows equal the numpy path, element for element."""
    plan = icindex.compile(icc, missing=missing)
    n = 2 * plan.chunk_rows() + 123
    encoded = icindex.synthetic_cities(icc, n, seed=8, unknown_share=0.1)
    lazy = score_dask(plan, *encoded_to_dask(encoded, 1000), city_ids=encoded.city_ids)
    assert lazy.compute() == icindex.score(plan, encoded).stored()


def test_dask_scores_of_a_definition_with_numeric_items_and_variants(tiny):
    """The small golden definition (checklists, numbers, groups, variants) scores the same."""
    encoded = icindex.synthetic_cities(tiny, 57, seed=2, unknown_share=0.3)
    plan = icindex.compile(tiny, missing="bounds", chunk_size=5)
    lazy = score_dask(plan, *dask_arrays(encoded, (3, 20, 1, 33)))
    assert_same_scores(lazy, icindex.score(plan, encoded).stored())


def test_score_dask_builds_a_graph_and_scores_nothing_until_computed(icc, monkeypatch):
    """score_dask returns Dask arrays; the numpy scorer first runs at compute, once per block."""
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return icindex.score(*args, **kwargs)

    monkeypatch.setattr(dask_backend, "score", counting)
    plan = icindex.compile(icc, chunk_size=10)
    encoded = icindex.synthetic_cities(icc, 45, seed=1)
    lazy = score_dask(plan, *encoded_to_dask(encoded, 20))
    assert isinstance(lazy.values, da.Array) and isinstance(lazy.coverage, da.Array)
    assert lazy.lower is None and calls == []
    assert lazy.values.chunks[0] == (20, 20, 5)  # 20-row chunks on multiples of 10
    lazy.compute()
    assert len(calls) == 3


@pytest.mark.slow
def test_importing_icindex_and_the_backend_imports_no_dask():
    """icindex, the backend's modules and the CLI import without Dask (it loads when used)."""
    code = (
        "import sys, icindex, icindex._scale.dask_backend, icindex._scale.dask_cluster, "
        "icindex._cli.scale, icindex._cli.main; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('dask', 'distributed', 'threadpoolctl')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_aligned_chunks_move_boundaries_to_multiples_of_the_engine_chunk():
    """Boundaries land on multiples of the step and the rows add up to the same total."""
    chunks = aligned_chunks((7, 30, 1, 62, 5), 16)
    assert sum(chunks) == 105
    assert all(end % 16 == 0 for end in np.cumsum(chunks)[:-1])
    assert aligned_chunks((0,), 16) == (0,)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: [a[0].rechunk({0: 10}), a[1], a[2]], "expected the same row chunks"),
        (lambda a: [a[0][:, :5], a[1], a[2]], "codes: expected shape"),
        (lambda a: [a[0], a[1], a[2].astype(np.float32)], "values: expected dtype float64"),
        (lambda a: [np.asarray(a[0]), a[1], a[2]], "codes: expected a dask array"),
    ],
    ids=["chunks", "shape", "dtype", "numpy"],
)
def test_score_dask_names_what_is_wrong_with_its_arrays(icc, change, message):
    """Unequal row chunks, another shape or dtype, or a numpy array: a ScoringError saying so."""
    arrays = list(encoded_to_dask(icindex.synthetic_cities(icc, 30, seed=1), 15))
    with pytest.raises(icindex.ScoringError, match=message):
        score_dask(icc, *change(arrays))


def test_score_dask_refuses_a_composite_index():
    """A composite index is normalised across all units: a ScoringError naming score_composite."""
    definition, _ = icindex.read_coinr(ASEM / "asem_idata.csv", ASEM / "asem_imeta.csv")
    empty = [da.zeros((0, 0), dtype=dtype) for dtype in ("int8", "int64", "float64")]
    with pytest.raises(icindex.ScoringError, match="score_composite"):
        score_dask(definition, *empty)


def test_blas_pin_changes_the_threads_for_the_block_only():
    """A block asking for another number of BLAS threads gets it; the number before returns."""
    before = blas_threads()
    wanted = 1 if before > 1 else 2
    with pinned(wanted):
        assert blas_threads() == wanted
    assert blas_threads() == before


def mixed_factors() -> list[icindex.Factor]:
    """Item and indicator weights, two aggregators, two missing-answer policies: 4 pipelines."""
    return [
        icindex.WeightNoise({1: 0.2, 2: 0.4}),
        icindex.Aggregation(("amean", "gmean"), levels=(3,)),
        icindex.MissingPolicy(("skip", "zero")),
    ]


def assert_same_analysis(result: icindex.Uncertainty, expected: icindex.Uncertainty) -> None:
    np.testing.assert_array_equal(result.scores, expected.scores)
    np.testing.assert_array_equal(result.ranks, expected.ranks)
    np.testing.assert_array_equal(result.nominal_scores, expected.nominal_scores)
    for part in ("u", "weights", "choices"):
        actual = getattr(result.replications, part)
        np.testing.assert_array_equal(actual, getattr(expected.replications, part))
    assert result.rows() == expected.rows()
    assert result == expected


@pytest.mark.parametrize("blocks", [None, 5, 1])
def test_uncertainty_on_a_cluster_equals_uncertainty_in_process(icc, cluster, blocks):
    """Two worker processes give the in-process result exactly, however the blocks fall."""
    cities = icindex.synthetic_cities(icc, 301, seed=1, unknown_share=0.1)
    expected = icindex.uncertainty(icc, cities, mixed_factors(), reps=203, seed=3)
    result = uncertainty_dask(
        icc, cities, mixed_factors(), reps=203, seed=3, client=cluster[1], blocks=blocks
    )
    assert_same_analysis(result, expected)


def test_uncertainty_leaving_out_indicators_on_a_cluster_equals_in_process(icc, cluster):
    """Leaving out one indicator at a time (many pipelines, three blocks): the same exactly."""
    cities = icindex.synthetic_cities(icc, 99, seed=2, unknown_share=0.1)
    factors = [*mixed_factors()[:2], icindex.LeaveOneOut(level=2)]
    expected = icindex.uncertainty(icc, cities, factors, reps=61, seed=5, target="welcoming")
    result = uncertainty_dask(
        icc, cities, factors, reps=61, seed=5, target="welcoming", client=cluster[1], blocks=3
    )
    assert_same_analysis(result, expected)


def test_uncertainty_of_a_composite_index_on_a_cluster_equals_in_process(cluster):
    """COINr's ASEM example with noisy weights and two normalisers: the same exactly."""
    definition, data = icindex.read_coinr(ASEM / "asem_idata.csv", ASEM / "asem_imeta.csv")
    plan = icindex.compile(definition, normalise=icindex.Normalisation("minmax", range=(1, 100)))
    factors = [icindex.WeightNoise({2: 0.25}), icindex.Aggregation(("amean", "gmean"))]
    expected = icindex.uncertainty(plan, data, factors, reps=97, seed=4)
    result = uncertainty_dask(
        plan, data, factors, reps=97, seed=4, scheduler=cluster[0].scheduler_address
    )
    assert_same_analysis(result, expected)


def test_uncertainty_without_a_cluster_starts_and_closes_a_local_one(icc):
    """With neither client nor scheduler a local cluster runs for the call, then is closed."""
    cities = icindex.synthetic_cities(icc, 40, seed=2)
    factors = [icindex.WeightNoise({2: 0.3})]
    result = uncertainty_dask(icc, cities, factors, reps=30, seed=1)
    assert_same_analysis(result, icindex.uncertainty(icc, cities, factors, reps=30, seed=1))
    with pytest.raises(ValueError, match="No clients found"):
        distributed.default_client()


def test_a_bad_scheduler_address_fails_quickly_with_a_clear_error(icc):
    """No scheduler at the address: a ScoringError naming it, after the timeout."""
    cities = icindex.synthetic_cities(icc, 5, seed=1)
    with pytest.raises(
        icindex.ScoringError, match=r"expected a Dask scheduler at 'tcp://127\.0\.0\.1:9'"
    ):
        uncertainty_dask(
            icc,
            cities,
            [icindex.WeightNoise({2: 0.3})],
            reps=3,
            scheduler="tcp://127.0.0.1:9",
            timeout=1,
        )


def test_cli_with_a_silent_scheduler_exits_1_naming_it(monkeypatch, capsys):
    """`uncertainty --backend dask --scheduler ADDRESS` with nothing there: exit 1, its address."""
    monkeypatch.setattr(cli_scale, "SCHEDULER_TIMEOUT", 1.0)
    argv = ["uncertainty", *COINR, "--weights-noise", "2=0.25", "--reps", "5"]
    assert main([*argv, "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(
        "icindex: error: scheduler: expected a Dask scheduler at 'tcp://127.0.0.1:9'"
    )


def test_client_and_scheduler_together_are_refused(icc, cluster):
    """Giving both a client and a scheduler address is a ScoringError."""
    cities = icindex.synthetic_cities(icc, 5, seed=1)
    with pytest.raises(icindex.ScoringError, match="expected one of them"):
        uncertainty_dask(
            icc, cities, [icindex.WeightNoise({2: 0.3})], reps=3,
            client=cluster[1], scheduler=cluster[0].scheduler_address,
        )  # fmt: skip


@pytest.fixture
def without_dask(monkeypatch):
    """Every package of the extra fails to import, as when it is not installed."""
    for name in ("dask", "dask.array", "distributed", "threadpoolctl"):
        monkeypatch.setitem(sys.modules, name, None)


def test_without_dask_score_dask_names_the_extra(icc, without_dask):
    """Without Dask, scoring on Dask is a ScoringError telling how to install the extra."""
    with pytest.raises(icindex.ScoringError, match=r"pip install 'icindex\[dask\]'"):
        score_dask(icc, None, None, None)


def test_without_dask_uncertainty_dask_names_the_extra(icc, without_dask):
    """Without distributed, a cluster analysis is a ScoringError telling how to install it."""
    cities = icindex.synthetic_cities(icc, 5, seed=1)
    with pytest.raises(icindex.ScoringError, match=r"pip install 'icindex\[dask\]'"):
        uncertainty_dask(icc, cities, [icindex.WeightNoise({2: 0.3})], reps=3)


def test_without_dask_the_cli_prints_one_line_naming_the_extra(without_dask, capsys):
    """`uncertainty --backend dask` without Dask exits 1 with one line naming the extra."""
    status = main(
        ["uncertainty", *COINR, "--weights-noise", "2=0.25", "--reps", "5", "--backend", "dask"]
    )
    err = capsys.readouterr().err
    assert status == 1 and "pip install 'icindex[dask]'" in err and len(err.splitlines()) == 1


def uncertainty_cli(tmp_path: Path, name: str, *backend: str) -> bytes:
    out = tmp_path / name
    argv = ["uncertainty", *COINR, "--range", "1,100", "--weights-noise", "2=0.25",
            "--aggregate", "amean,gmean", "--reps", "60", "--seed", "3",
            "--out", str(out)]  # fmt: skip
    assert main([*argv, *backend]) == 0
    return out.read_bytes()


def test_cli_uncertainty_on_dask_writes_the_same_bytes(cluster, tmp_path):
    """`uncertainty --backend dask --scheduler ADDRESS` writes the default path's CSV exactly."""
    expected = uncertainty_cli(tmp_path, "numpy.csv")
    address = cluster[0].scheduler_address
    assert uncertainty_cli(tmp_path, "dask.csv", "--backend", "dask", "--scheduler", address) == (
        expected
    )


def score_args(**options: object) -> argparse.Namespace:
    return argparse.Namespace(missing="bounds", min_coverage=0.0, **options)


@pytest.mark.parametrize("format", ["table", "csv", "json", "coinr-csv"])
def test_score_with_the_dask_backend_exports_the_same_bytes(icc, cluster, format):
    """`score`'s Dask path (threads, and a cluster) exports every format byte for byte."""
    cities = icindex.synthetic_sample(icc, 40, seed=3)
    expected = cli_scale.score_with_backend(score_args(backend="numpy"), icc, cities)
    threads = cli_scale.score_with_backend(score_args(backend="dask"), icc, cities)
    address = cluster[0].scheduler_address
    remote = cli_scale.score_with_backend(
        score_args(backend="dask", scheduler=address), icc, cities
    )
    assert threads.export(format) == expected.export(format)
    assert remote.export(format) == expected.export(format)


def test_cli_score_on_dask_writes_the_same_bytes(icc, tmp_path, capsys):
    """`score --backend dask` writes the default path's CSV exactly (once main.py wires it)."""
    try:
        _parser().parse_args(["score", "--backend", "dask"])
    except SystemExit:
        pytest.skip("icindex score has no --backend yet (main.py calls add_backend_options)")
    answers = tmp_path / "cities.csv"
    icindex.write_wide_csv(answers, icindex.synthetic_sample(icc, 25, seed=2), icc)
    outputs = []
    for backend in ("numpy", "dask"):
        out = tmp_path / f"{backend}.csv"
        argv = ["score", str(answers), "--format", "csv", "--backend", backend, "--out", str(out)]
        assert main(argv) == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_scheduler_without_the_dask_backend_is_refused(capsys):
    """`--scheduler` with the numpy backend is a usage error (exit 2) naming --backend dask."""
    argv = ["uncertainty", *COINR, "--weights-noise", "2=0.25", "--reps", "5"]
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--scheduler", "tcp://127.0.0.1:9"])
    assert caught.value.code == 2 and "expected --backend dask" in capsys.readouterr().err


def test_score_dask_backend_refuses_coinr():
    """`score --coinr --backend dask`: composite indices are refused with the reason."""
    args = argparse.Namespace(backend="dask", scheduler=None, command="score", coinr=["i", "m"])
    with pytest.raises(icindex.UsageError, match="normalised across all its units"):
        cli_scale.check_backend(args)


def test_the_scoring_example_of_docs_scale_runs_as_written(repo):
    """The Python block under "Scoring Dask arrays" in docs/scale.md runs (it checks itself)."""
    if not hasattr(icindex, "score_dask"):
        pytest.skip("the facade does not export score_dask yet (icindex/__init__.py)")
    text = (repo / "docs" / "scale.md").read_text(encoding="utf-8")
    section = text.split("### Scoring Dask arrays", 1)[1]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "docs/scale.md", "exec"), {})
