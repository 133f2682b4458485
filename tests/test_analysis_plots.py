"""Figures of an analysis: rank bands of an uncertainty analysis, Sobol' bars of a sensitivity."""

from __future__ import annotations

import importlib

import attrs
import numpy as np
import pytest

import icindex
from icindex._analysis.model import Replications
from icindex._analysis.plots import plot_sensitivity, plot_uncertainty
from icindex._analysis.uncertainty import Uncertainty, rank

pytest.importorskip("matplotlib")

#: Ranks of units a, b, c over 5 replications; nominal order b (1), c (2), a (3).
RANKS = np.array(
    [
        [3.0, 1.0, 2.0],
        [2.0, 1.0, 3.0],
        [3.0, 2.0, 1.0],
        [3.0, 1.0, 2.0],
        [1.0, 2.0, 3.0],
    ]
)
#: By hand, numpy's linear quantile of 5 sorted values sits at position 0.05 * 4 = 0.2 (5 %) and
#: 0.95 * 4 = 3.8 (95 %): a (1, 2, 3, 3, 3) -> 1.2 and 3; b (1, 1, 1, 2, 2) -> 1 and 2;
#: c (1, 2, 2, 3, 3) -> 1.2 and 3.
Q05 = {"a": 1.2, "b": 1.0, "c": 1.2}
Q95 = {"a": 3.0, "b": 2.0, "c": 3.0}
MEDIAN = {"a": 3.0, "b": 1.0, "c": 2.0}


@attrs.frozen
class StandInSobol:
    """The attributes of a ``SobolIndices`` that the plots read."""

    factors: tuple[str, ...]
    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    n_base: int = 64
    conf_level: float = 0.95
    outputs: tuple[str, ...] | None = None


@attrs.frozen
class StandInSensitivity:
    """The attributes of a ``Sensitivity`` that the plots read."""

    rank_shift: StandInSobol
    scores: StandInSobol


def uncertainty_of(ranks: np.ndarray, nominal_ranks: np.ndarray) -> Uncertainty:
    """An Uncertainty of units a, b, c... with these ranks (scores: minus the ranks)."""
    reps, n = ranks.shape
    return Uncertainty(
        unit_ids=np.array([chr(ord("a") + i) for i in range(n)]),
        unit_names=tuple(f"Unit {i}" for i in range(n)),
        target="r",
        factors=(),
        nominal_scores=-nominal_ranks,
        nominal_ranks=nominal_ranks,
        scores=-ranks,
        ranks=ranks,
        replications=Replications(np.zeros((reps, 0)), np.zeros((reps, 0)), np.zeros((reps, 0))),
        choice_names=(),
        labels=(),
        weight_ids=(),
    )


@pytest.fixture
def three() -> Uncertainty:
    """Units a, b, c with the ranks RANKS and nominal ranks 3, 1, 2."""
    return uncertainty_of(RANKS, np.array([3.0, 1.0, 2.0]))


@pytest.fixture
def sensitivity() -> StandInSensitivity:
    """Two factors; the rank shift's indices and each of units u1, u2's score indices."""
    shift = StandInSobol(
        ("weights", "leave_out"),
        np.array([0.6, 0.2]),
        np.array([0.05, 0.04]),
        np.array([0.7, 0.35]),
        np.array([0.06, 0.05]),
    )
    scores = StandInSobol(
        ("weights", "leave_out"),
        np.array([[0.1, 0.5], [0.8, 0.3]]),
        np.full((2, 2), 0.02),
        np.array([[0.2, 0.6], [0.9, 0.4]]),
        np.full((2, 2), 0.03),
        outputs=("u1", "u2"),
    )
    return StandInSensitivity(shift, scores)


def by_label(ax, label):
    """The artist of ``ax`` whose legend label is ``label``."""
    artists = [*ax.lines, *ax.containers]
    return next(artist for artist in artists if artist.get_label() == label)


def bar_containers(ax):
    """The bar containers of ``ax`` (its error bars have containers of their own)."""
    from matplotlib.container import BarContainer

    return [container for container in ax.containers if isinstance(container, BarContainer)]


def test_rank_bands_run_from_q05_to_q95_in_nominal_order(three):
    """One band per unit, nominal order b, c, a, from its 5 % to its 95 % rank quantile."""
    ax = plot_uncertainty(three).axes[0]
    bands = by_label(ax, "5–95 % of replications")
    order = ["b", "c", "a"]
    bottoms = [patch.get_y() for patch in bands.patches]
    tops = [patch.get_y() + patch.get_height() for patch in bands.patches]
    np.testing.assert_allclose(bottoms, [Q05[u] for u in order])
    np.testing.assert_allclose(tops, [Q95[u] for u in order])
    np.testing.assert_allclose([patch.get_x() + 0.3 for patch in bands.patches], [0, 1, 2])


def test_median_and_nominal_markers_sit_at_each_units_ranks(three):
    """The median marker of b, c, a is at 1, 2, 3 and the nominal marker at 1, 2, 3."""
    ax = plot_uncertainty(three).axes[0]
    median, nominal = by_label(ax, "Median rank"), by_label(ax, "Nominal rank")
    np.testing.assert_array_equal(median.get_ydata(), [MEDIAN[u] for u in "bca"])
    np.testing.assert_array_equal(nominal.get_ydata(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(nominal.get_xdata(), [0, 1, 2])


def test_rank_axis_is_inverted(three):
    """Rank 1 is at the top: the y axis runs downwards."""
    ax = plot_uncertainty(three).axes[0]
    assert ax.yaxis_inverted()
    assert ax.get_ylabel() == "Rank"


def test_tick_labels_are_unit_ids_in_nominal_order(three):
    """The x tick labels read b, c, a."""
    ax = plot_uncertainty(three).axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["b", "c", "a"]


def test_units_without_a_nominal_rank_go_last():
    """A unit whose nominal rank is NaN is drawn after every ranked unit."""
    ranks = np.array([[np.nan, 1.0, 2.0], [np.nan, 2.0, 1.0]])
    result = uncertainty_of(ranks, np.array([np.nan, 2.0, 1.0]))
    ax = plot_uncertainty(result).axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["c", "b", "a"]


def test_max_units_keeps_the_best_units(three):
    """max_units=2 draws the two best units by nominal rank, b and c."""
    ax = plot_uncertainty(three, max_units=2).axes[0]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["b", "c"]
    assert len(by_label(ax, "5–95 % of replications").patches) == 2


def test_max_units_below_one_is_a_scoring_error(three):
    """max_units=0 raises ScoringError naming it and the value found."""
    with pytest.raises(icindex.ScoringError, match=r"^max_units: expected .* >= 1 \(got 0\)"):
        plot_uncertainty(three, max_units=0)


def test_many_units_thin_the_tick_labels():
    """With 300 units every k-th id is labelled, at its unit's position in nominal order."""
    rng = np.random.default_rng(0)
    scores = rng.random((20, 300))
    result = uncertainty_of(rank(scores), rank(scores.mean(axis=0)))
    ax = plot_uncertainty(result).axes[0]
    positions = ax.get_xticks().astype(int)
    order = result.unit_ids[np.argsort(result.nominal_ranks)].tolist()
    assert 1 < positions.size < 300
    assert len(set(np.diff(positions).tolist())) == 1
    assert [label.get_text() for label in ax.get_xticklabels()] == [order[i] for i in positions]


def test_plot_draws_into_given_axes(three):
    """Given an Axes, the bands are drawn there and its figure is returned."""
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.add_subplot()
    assert plot_uncertainty(three, ax=ax, title="Mine") is figure
    assert ax.get_title() == "Mine"


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_rank_band_figure_saves(three, tmp_path, suffix):
    """The figure saves to PNG and to SVG, headless."""
    path = tmp_path / f"ranks.{suffix}"
    plot_uncertainty(three).savefig(path)
    assert path.stat().st_size > 0


def test_sensitivity_bars_are_s1_and_st_with_error_bars(sensitivity):
    """Two bar containers of one bar per factor: S1 and ST heights, conf half-widths as errors."""
    ax = plot_sensitivity(sensitivity).axes[0]
    first, total = bar_containers(ax)
    for bars, values, conf in (
        (first, [0.6, 0.2], [0.05, 0.04]),
        (total, [0.7, 0.35], [0.06, 0.05]),
    ):
        np.testing.assert_allclose([patch.get_height() for patch in bars.patches], values)
        segments = bars.errorbar.lines[2][0].get_segments()
        np.testing.assert_allclose([s[1, 1] - s[0, 1] for s in segments], 2 * np.array(conf))
    assert [label.get_text() for label in ax.get_xticklabels()] == ["weights", "leave_out"]


def test_sensitivity_axis_spans_zero_to_one(sensitivity):
    """The y axis is labelled "Sobol' index" and covers at least [0, 1]."""
    ax = plot_sensitivity(sensitivity).axes[0]
    low, high = ax.get_ylim()
    assert low <= 0.0 and high >= 1.0
    assert ax.get_ylabel() == "Sobol' index"


def test_output_picks_a_units_column(sensitivity):
    """output="u2" plots the second column of the score indices."""
    ax = plot_sensitivity(sensitivity, output="u2").axes[0]
    first, total = bar_containers(ax)
    np.testing.assert_allclose([patch.get_height() for patch in first.patches], [0.5, 0.3])
    np.testing.assert_allclose([patch.get_height() for patch in total.patches], [0.6, 0.4])


def test_sobol_indices_plot_directly(sensitivity):
    """A single-output SobolIndices plots without output; a multi-output one by output name."""
    ax = plot_sensitivity(sensitivity.rank_shift).axes[0]
    np.testing.assert_allclose([p.get_height() for p in bar_containers(ax)[0].patches], [0.6, 0.2])
    ax = plot_sensitivity(sensitivity.scores, output="u1").axes[0]
    np.testing.assert_allclose([p.get_height() for p in bar_containers(ax)[1].patches], [0.2, 0.9])


def test_unknown_output_is_a_scoring_error_naming_it(sensitivity):
    """An output that is not a unit raises ScoringError naming the outputs and the one found."""
    with pytest.raises(
        icindex.ScoringError, match=r"^output: expected one of 'u1', 'u2' \(got 'zz'\)"
    ):
        plot_sensitivity(sensitivity, output="zz")


def test_a_multi_output_sobol_needs_an_output(sensitivity):
    """A multi-output SobolIndices without output raises ScoringError."""
    with pytest.raises(icindex.ScoringError, match=r"\(got None\)"):
        plot_sensitivity(sensitivity.scores)


def test_without_matplotlib_a_scoring_error_says_how_to_install(three, sensitivity, monkeypatch):
    """When matplotlib cannot be imported, both plots raise ScoringError naming the extra."""
    real = importlib.import_module

    def no_matplotlib(name, package=None):
        if name.split(".")[0] == "matplotlib":
            raise ImportError(f"No module named {name!r}")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", no_matplotlib)
    with pytest.raises(icindex.ScoringError, match=r"pip install 'icindex\[plot\]'"):
        plot_uncertainty(three)
    with pytest.raises(icindex.ScoringError, match=r"^plot_sensitivity: expected matplotlib"):
        plot_sensitivity(sensitivity)


@pytest.mark.slow
def test_importing_the_plots_does_not_import_matplotlib():
    """Importing icindex and its plots module leaves matplotlib unimported (a fresh process)."""
    import subprocess
    import sys

    code = "import sys, icindex, icindex._analysis.plots; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
