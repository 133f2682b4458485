"""Sobol' indices: analytic test functions, SALib as an outside oracle, chunking and errors."""

from __future__ import annotations

import math
import re
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icindex import ScoringError
from icindex._analysis import sobol_kernels
from icindex._analysis.sobol import SobolIndices, design, estimate, sample, sobol

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1
PI_BOUNDS = [(-math.pi, math.pi)] * 3


def ishigami(x: np.ndarray) -> np.ndarray:
    """Ishigami & Homma (1990): sin x1 + a sin^2 x2 + b x3^4 sin x1."""
    return (
        np.sin(x[:, 0])
        + ISHIGAMI_A * np.sin(x[:, 1]) ** 2
        + ISHIGAMI_B * x[:, 2] ** 4 * np.sin(x[:, 0])
    )


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """The closed-form S1 and ST of the Ishigami function on [-pi, pi]^3."""
    a, b, pi = ISHIGAMI_A, ISHIGAMI_B, math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / total, np.array([v1 + v13, v2, v13]) / total


def linear(coefficients: list[float]) -> Callable[[np.ndarray], np.ndarray]:
    """y = sum_i a_i x_i, summed column by column so that a zero term changes no bit."""

    def model(x: np.ndarray) -> np.ndarray:
        total = np.zeros(len(x))
        for i, a in enumerate(coefficients):
            total = total + a * x[:, i]
        return total

    return model


def salib_layout(y: np.ndarray, n_groups: int) -> np.ndarray:
    """Our rows (A, B, AB_1..AB_G) reordered into SALib's: per base row A_i, AB_i1..AB_iG, B_i."""
    blocks = y.reshape(n_groups + 2, -1)
    return np.stack([blocks[0], *blocks[2:], blocks[1]], axis=1).ravel()


def test_ishigami_indices_match_the_closed_form() -> None:
    """With 2^13 base samples the Ishigami estimates are within 0.02 (S1) and 0.01 (ST)."""
    first, total = ishigami_indices()
    assert first.round(4).tolist() == [0.3139, 0.4424, 0.0]
    indices = sobol(ishigami, PI_BOUNDS, 2**13, seed=0, n_boot=200)
    np.testing.assert_allclose(indices.S1, first, atol=0.02)
    np.testing.assert_allclose(indices.ST, total, atol=0.01)


def test_ishigami_matches_salib_on_the_same_sample() -> None:
    """SALib's sobol.analyze gives the same S1 and ST (1e-10) and half-widths within 30%."""
    salib_sobol = pytest.importorskip("SALib.analyze.sobol")
    rng = np.random.default_rng(11)
    A, B = sample(1024, 3, rng)
    y = ishigami(-math.pi + design(A, B, [[0], [1], [2]]) * 2 * math.pi)
    ours = estimate(y, 1024, 3, n_boot=1000, rng=rng)
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": PI_BOUNDS}
    theirs = salib_sobol.analyze(
        problem, salib_layout(y, 3), calc_second_order=False, num_resamples=1000, seed=3
    )
    np.testing.assert_allclose(ours[0], theirs["S1"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours[2], theirs["ST"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours[1], theirs["S1_conf"], rtol=0.3)
    np.testing.assert_allclose(ours[3], theirs["ST_conf"], rtol=0.3)


def test_groups_match_salib_groups() -> None:
    """Grouped factors give SALib's indices for the same problem["groups"] (1e-10)."""
    salib_sobol = pytest.importorskip("SALib.analyze.sobol")
    members = [[0, 3], [1], [2]]
    rng = np.random.default_rng(5)
    A, B = sample(512, 4, rng)
    x = design(A, B, members)
    y = ishigami(-math.pi + x[:, :3] * 2 * math.pi) + 3 * x[:, 3] * x[:, 1]
    ours = estimate(y, 512, 3, n_boot=200, rng=rng)
    problem = {
        "num_vars": 4,
        "names": ["x1", "x2", "x3", "x4"],
        "bounds": [[0, 1]] * 4,
        "groups": ["g1", "g2", "g3", "g1"],
    }
    theirs = salib_sobol.analyze(problem, salib_layout(y, 3), calc_second_order=False, seed=1)
    np.testing.assert_allclose(ours[0], theirs["S1"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours[2], theirs["ST"], rtol=0, atol=1e-10)


def test_linear_model_shares_variance_by_squared_coefficients() -> None:
    """For y = x1 + 2 x2 + 3 x3 on [0, 1]^3, S1_i = ST_i = a_i^2 / 14 (1/14, 4/14, 9/14)."""
    indices = sobol(linear([1.0, 2.0, 3.0]), [(0, 1)] * 3, 4096, seed=2, n_boot=100)
    shares = np.array([1, 4, 9]) / 14
    np.testing.assert_allclose(indices.S1, shares, atol=0.01)
    np.testing.assert_allclose(indices.ST, shares, atol=0.01)


@given(
    coefficients=st.lists(st.floats(0.5, 5.0), min_size=3, max_size=3),
    ignored=st.integers(0, 3),
)
def test_an_ignored_factor_has_zero_indices(coefficients: list[float], ignored: int) -> None:
    """An input the model ignores has S1, ST and their half-widths exactly 0."""
    coefficients = [*coefficients[:ignored], 0.0, *coefficients[ignored:]]
    indices = sobol(linear(coefficients), [(0, 1)] * 4, 64, seed=0, n_boot=20)
    for estimates in (indices.S1, indices.ST, indices.S1_conf, indices.ST_conf):
        assert estimates[ignored] == 0.0


AFFINE_DESIGN = design(*sample(128, 3, seed=4), [[0], [1], [2]])


@given(
    scale=st.floats(0.01, 100.0) | st.floats(-100.0, -0.01),
    shift=st.floats(-1000.0, 1000.0),
)
def test_indices_do_not_change_with_an_affine_transform_of_the_output(
    scale: float, shift: float
) -> None:
    """S1, ST and their half-widths are the same for y and a * y + b (a != 0)."""
    y = ishigami(-math.pi + AFFINE_DESIGN * 2 * math.pi)
    plain = estimate(y, 128, 3, n_boot=50, rng=np.random.default_rng(0))
    moved = estimate(scale * y + shift, 128, 3, n_boot=50, rng=np.random.default_rng(0))
    for ours, theirs in zip(plain, moved, strict=True):
        np.testing.assert_allclose(theirs, ours, rtol=1e-8, atol=1e-10)


def test_each_output_of_a_multi_output_model_equals_its_own_run() -> None:
    """A model with m outputs gives, per column, the indices of a model with that output alone."""
    columns = [ishigami, linear([1.0, -2.0, 0.5]), lambda x: x[:, 0] * x[:, 2]]
    several = sobol(
        lambda x: np.column_stack([f(x) for f in columns]), PI_BOUNDS, 256, seed=8, n_boot=100
    )
    assert several.S1.shape == (3, 3)
    for j, model in enumerate(columns):
        alone = sobol(model, PI_BOUNDS, 256, seed=8, n_boot=100)
        for name in ("S1", "S1_conf", "ST", "ST_conf"):
            np.testing.assert_allclose(getattr(several, name)[:, j], getattr(alone, name))


def test_the_same_seed_reproduces_everything() -> None:
    """Two runs with one seed (int or a fresh Generator) give equal results."""
    first = sobol(ishigami, PI_BOUNDS, 128, seed=21, n_boot=50)
    assert sobol(ishigami, PI_BOUNDS, 128, seed=21, n_boot=50) == first
    assert sobol(ishigami, PI_BOUNDS, 128, seed=np.random.default_rng(21), n_boot=50) == first
    assert sobol(ishigami, PI_BOUNDS, 128, seed=22, n_boot=50) != first


@pytest.mark.parametrize("memory", [0, 43_008], ids=["one-at-a-time", "seven-resamples"])
def test_chunked_bootstrap_equals_unchunked(monkeypatch: pytest.MonkeyPatch, memory: int) -> None:
    """A tiny memory budget (resamples and outputs in small chunks) changes no result."""
    y = np.column_stack([ishigami(-math.pi + AFFINE_DESIGN * 2 * math.pi), AFFINE_DESIGN])
    whole = estimate(y, 128, 3, n_boot=30, rng=np.random.default_rng(1))
    assert sobol_kernels._chunk_sizes(128, 3, 30, 4) == (30, 4)
    monkeypatch.setattr(sobol_kernels, "_MEMORY", memory)
    assert sobol_kernels._chunk_sizes(128, 3, 30, 4)[1] == 1
    chunked = estimate(y, 128, 3, n_boot=30, rng=np.random.default_rng(1))
    for ours, theirs in zip(whole, chunked, strict=True):
        np.testing.assert_allclose(theirs, ours, rtol=1e-12, atol=1e-14)


def test_bootstrap_of_many_outputs_stays_within_256_mb() -> None:
    """y of shape (4096, 1000) with 1000 resamples needs under 256 MB beyond y itself."""
    y = np.random.default_rng(0).normal(size=(4096, 1000))
    tracemalloc.start()
    try:
        estimate(y, 1024, 2, n_boot=1000, rng=np.random.default_rng(0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 256 * 2**20


def test_a_constant_output_gives_nan_without_warnings() -> None:
    """An output with no variance has NaN indices (nothing to share out), and no warning.

    The other outputs of the model are unaffected.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indices = sobol(
            lambda x: np.column_stack([np.full(len(x), 0.1), x[:, 0]]), [(0, 1)] * 2, 64, seed=0
        )
    assert np.isnan(indices.S1[:, 0]).all() and np.isnan(indices.ST_conf[:, 0]).all()
    alone = sobol(lambda x: x[:, 0], [(0, 1)] * 2, 64, seed=0)
    np.testing.assert_allclose(indices.S1[:, 1], alone.S1)


def test_a_nearly_constant_output_gives_finite_half_widths() -> None:
    """An output that moves in one base row only leaves resamples without variance: no NaN."""
    y = np.zeros(64 * 4)
    y[[5, 64 + 5]] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S1, S1_conf, ST, ST_conf = estimate(y, 64, 2, n_boot=200, rng=np.random.default_rng(0))
    assert np.isfinite(np.concatenate([S1, S1_conf, ST, ST_conf])).all()


def test_groups_name_the_factors() -> None:
    """Grouped inputs are one factor each, named by the group, in the mapping's order."""
    indices = sobol(
        linear([1.0, 1.0, 2.0]), [(0, 1)] * 3, 256, seed=0, groups={"b": [2], "a": [0, 1]}
    )
    assert indices.factors == ("b", "a")
    np.testing.assert_allclose(indices.ST, [4 / 6, 2 / 6], atol=0.02)


def test_sample_is_reproducible_and_in_the_unit_cube() -> None:
    """A and B lie in [0, 1), differ, and repeat for one seed; any N >= 2 works silently."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A, B = sample(100, 3, seed=7)
    assert A.shape == B.shape == (100, 3)
    assert ((A >= 0) & (A < 1) & (B >= 0) & (B < 1)).all() and not np.array_equal(A, B)
    np.testing.assert_array_equal(sample(100, 3, seed=7)[1], B)


def test_numpy_integers_are_accepted_as_sizes() -> None:
    """n_base and n_boot may be numpy integers, as they come from arrays."""
    indices = sobol(lambda x: x[:, 0], [(0, 1)] * 2, np.int64(16), n_boot=np.int32(5), seed=0)
    assert indices.n_base == 16 and type(indices.n_base) is int


def test_design_stacks_a_b_and_the_mixed_matrices() -> None:
    """design() gives A, B, then A with each group's columns from B (worked by hand)."""
    A = np.array([[1.0, 2.0, 3.0]])
    B = np.array([[4.0, 5.0, 6.0]])
    expected = [[1, 2, 3], [4, 5, 6], [4, 2, 6], [1, 5, 3]]
    assert design(A, B, [[0, 2], [1]]).tolist() == expected


def test_rows_list_factors_then_outputs() -> None:
    """rows() gives one dict per factor, and per output first for (d, m) indices."""
    values = np.array([[0.1, 0.2], [0.3, 0.4]])
    indices = SobolIndices(("a", "b"), values, values, values, values, 8, 0.9, ("u", "v"))
    assert indices.rows()[1] == {
        "output": "u",
        "factor": "b",
        "S1": 0.3,
        "S1_conf": 0.3,
        "ST": 0.3,
        "ST_conf": 0.3,
    }
    scalar = SobolIndices(
        ("a", "b"), values[:, 0], values[:, 0], values[:, 0], values[:, 0], 8, 0.9
    )
    assert list(scalar.rows()[0]) == ["factor", "S1", "S1_conf", "ST", "ST_conf"]


def test_sobol_indices_check_their_shapes() -> None:
    """Arrays of different shapes, or output names that do not fit, are ScoringErrors."""
    one, two = np.zeros(2), np.zeros(3)
    with pytest.raises(ScoringError, match="must share one shape"):
        SobolIndices(("a", "b"), one, one, two, one, 8, 0.9)
    with pytest.raises(ScoringError, match="outputs must name the columns"):
        SobolIndices(("a", "b"), one, one, one, one, 8, 0.9, ("u",))


def _bad_shape(x: np.ndarray) -> np.ndarray:
    return np.zeros((len(x), 2, 2))


def _with_nan(x: np.ndarray) -> np.ndarray:
    y = x[:, 0].copy()
    y[3] = np.nan
    return y


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bounds": [(0, 1), (1, 0)]}, "bounds: column 1 must be finite with low < high"),
        ({"bounds": [(0, math.inf)]}, r"bounds: column 0 must be finite .* \(got \(0.0, inf\)\)"),
        ({"bounds": [(0, 1, 2)]}, r"bounds: expected d >= 1 pairs \(low, high\)"),
        ({"model": _bad_shape}, r"model output: expected shape \(48,\) or \(48, m\).*2, 2\)"),
        ({"model": lambda x: x[:-1, 0]}, r"expected shape \(48,\).*\(got \(47,\)\)"),
        ({"model": _with_nan}, "model output: must be finite .* the first in row 3"),
        ({"groups": {"a": [0]}}, r"groups: columns \[1\] are in no group"),
        ({"groups": {}}, r"groups: columns \[0, 1\] are in no group"),
        ({"model": lambda x: np.zeros((len(x), 0))}, r"expected shape .*\(got \(48, 0\)\)"),
        ({"groups": {"a": [0, 1], "b": [1]}}, "column 1 is in both 'a' and 'b'"),
        ({"groups": {"a": [0, 1, 2]}}, r"'a' lists column 2, not in 0\.\.1"),
        ({"groups": {"a": [0, 1], "b": []}}, "'b' must list column indices"),
        ({"n_base": 1}, r"n_base: must be an integer >= 2 \(got 1\)"),
        ({"n_boot": 1}, r"n_boot: must be an integer >= 2 \(got 1\)"),
        ({"conf_level": 1.0}, r"conf_level: must be between 0 and 1"),
        ({"names": ["a"]}, "names: expected 2 distinct names"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_input_is_a_scoring_error_naming_it(changes: dict[str, object], message: str) -> None:
    """Each bad argument raises a ScoringError that names it and what was found."""
    arguments: dict[str, object] = {
        "model": lambda x: x[:, 0],
        "bounds": [(0, 1), (0, 1)],
        "n_base": 12,
    }
    arguments.update(changes)
    with pytest.raises(ScoringError, match=message):
        sobol(**arguments)  # type: ignore[arg-type]


def test_estimate_checks_the_number_of_rows() -> None:
    """Outputs that are not N * (G + 2) rows are a ScoringError naming both counts."""
    with pytest.raises(ScoringError, match=r"y: expected shape \(40,\).*\(got \(39,\)\)"):
        estimate(np.zeros(39), 10, 2, rng=np.random.default_rng(0))


def test_the_documented_examples_run(repo: Path) -> None:
    """The Python blocks of docs/sobol.md run in order (the last checks SALib's numbers)."""
    pytest.importorskip("SALib")
    text = (repo / "docs" / "sobol.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile("\n".join(blocks), "docs/sobol.md", "exec"), {})
